#!/usr/bin/env bash
# deps.sh [run|test|bench] -- installs the Debian packages riskd needs that
# are missing (apt-get update first). As root directly, else through sudo.
set -euo pipefail

want=(gcc make pkg-config libc6-dev libmicrohttpd-dev libjansson-dev libpq-dev
      libhiredis-dev postgresql redis-server redis-tools curl jq)
case "${1:-run}" in
  test)  want+=(bats clang libclang-rt-14-dev valgrind prometheus chromium) ;;
  bench) want+=(nginx wrk) ;;
esac
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
  || { [ "${1:-run}" = test ] && want+=(nodejs npm); }

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "riskd: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "riskd: missing packages: ${missing[*]}; install them as root (apt-get install ...)" >&2
  exit 1
fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
