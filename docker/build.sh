#!/usr/bin/env bash
# docker/build.sh deps|build -- the build stage of docker/Dockerfile.
#
# The Dockerfile's build stage RUNs these two steps, and
# tests/docker/host_build.sh replays that stage on a host (no Docker engine
# there) by running the very same RUN lines: this file is the one place the
# build commands live.
#
#   deps   installs the compiler and the -dev packages that are missing
#          (apt-get, as root, else through sudo); installs nothing when all
#          are present, as on a machine where `make run` has run
#   build  builds build/riskd with the Makefile; the binary embeds its
#          migrations, seed data and openapi.yaml, so it is all the runtime
#          stage copies
#
# The runtime stage installs only the shared libraries; tests/docker/
# host_build.sh checks that they are every library build/riskd needs.
set -euo pipefail

build_packages=(gcc make pkg-config libc6-dev libmicrohttpd-dev libjansson-dev
                libpq-dev libhiredis-dev)

case ${1:-} in
  deps)
    missing=()
    for p in "${build_packages[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
      echo "build.sh: build packages present" >&2
      exit 0
    fi
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    echo "build.sh: installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get update -qq
    # The build stage is thrown away after the binary is copied out of it,
    # so its apt lists are not cleaned (and a host's are left alone).
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
      --no-install-recommends "${missing[@]}" >/dev/null
    ;;
  build)
    make -j"$(nproc)" build/riskd
    build/riskd --help >/dev/null
    ;;
  *)
    echo "usage: docker/build.sh deps|build" >&2
    exit 2
    ;;
esac
