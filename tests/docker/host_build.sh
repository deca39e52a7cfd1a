#!/usr/bin/env bash
# host_build.sh -- docker/Dockerfile's build and start, run on this host with
# no Docker engine. Prints TAP; exits 1 when a check fails.
#
# What it does, in the Dockerfile's own order (parsed by plan.mjs):
#   - the build context: the repository copied as docker build would send
#     it, filtered by docker/Dockerfile.dockerignore;
#   - every stage into its own folder standing for the image's file system
#     (WORK/stages/NAME): WORKDIR, SHELL, ENV and COPY (from the context or
#     --from a stage) as Docker applies them, and the RUN lines of the build
#     stages run with the stage's SHELL in a clean environment, as root when
#     run as root. This host's Debian bookworm stands in for the base images.
#   - the final stage's RUN is not run (it would install packages and add a
#     user to this machine); instead it is checked: its apt-get install list
#     holds every shared library build/riskd needs, and the user it adds is
#     the USER, not root;
#   - the container's start: a private PostgreSQL and Redis
#     (scripts/services.sh, ports 55482 / 56419 or the next free ones), the
#     compose `migrate` service's entrypoint and command, then the image's
#     ENTRYPOINT and CMD, with the image's ENV and the compose environment,
#     as `nobody` when run as root (setpriv, which execs: SIGTERM reaches
#     riskd itself).
#     The HEALTHCHECK command is polled until it passes (it must fail before
#     riskd listens, and on an answer other than 200), then STOPSIGNAL is
#     sent and exit 0 expected.
#
# Differences from a container, on purpose: DATABASE_URL and REDIS_URL point
# at the private servers instead of the compose hosts postgres and redis;
# RISKD_LISTEN is 127.0.0.1:58080 instead of 0.0.0.0:8080 (as `-e` would set
# it), so nothing listens on every interface of this host; the user is
# nobody, not riskd (no user is added to this machine).
#
# Environment: RISKD_DOCKER_CHECK_DIR (default /tmp/riskd-docker-check; kept
# after a failure, removed after a pass), RISKD_DOCKER_PG_PORT,
# RISKD_DOCKER_REDIS_PORT, RISKD_DOCKER_HTTP_PORT.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dockerfile=$repo/docker/Dockerfile
ignorefile=$repo/docker/Dockerfile.dockerignore
compose=$repo/docker/compose.yaml
work=${RISKD_DOCKER_CHECK_DIR:-/tmp/riskd-docker-check}
pg_port=${RISKD_DOCKER_PG_PORT:-55482}
redis_port=${RISKD_DOCKER_REDIS_PORT:-56419}
http_port=${RISKD_DOCKER_HTTP_PORT:-58080}
default_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

n=0 failed=0 riskd_pid='' services_started=0
ok()     { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
note()   { echo "# $*"; }
show()   { [ -s "$1" ] && tail -n "${2:-15}" "$1" | sed 's/^/#   /'; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

# Stops the servers whose data are under $work, and only those: PostgreSQL
# by its data folder, Redis by its pid file (never by port, which another
# developer's server may hold; `scripts/services.sh stop` goes by port).
stop_services() {
  local pg_bin pid
  pg_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ -s "$work/services/pg/postmaster.pid" ] && [ -x "$pg_bin/pg_ctl" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/services/pg" -m fast -w stop
    else
      "$pg_bin/pg_ctl" -D "$work/services/pg" -m fast -w stop
    fi
  fi >/dev/null 2>&1
  pid=$(cat "$work/services/redis/redis.pid" 2>/dev/null)
  if [ -n "$pid" ] && [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = redis-server ]; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

finish() {
  if [ -n "$riskd_pid" ] && kill -0 "$riskd_pid" 2>/dev/null; then
    kill -KILL "$riskd_pid" 2>/dev/null
    wait "$riskd_pid" 2>/dev/null
  fi
  [ "$services_started" = 1 ] && stop_services
  echo "1..$n"
  if [ "$failed" -eq 0 ]; then
    rm -rf "$work"
  else
    note "kept for inspection: $work"
  fi
  [ "$failed" -eq 0 ]
  exit
}
bail() { not_ok "$*"; finish; }

# ---------------------------------------------------------------- set-up
if [ -e "$work" ]; then   # what a killed run left
  stop_services
  rm -rf "$work"
fi
mkdir -p "$work" && chmod 755 "$work"   # nobody and postgres must traverse it

if [ ! -d "$here/node_modules/dockerfile-ast" ]; then
  # --ignore-scripts: dockerlinter's install script downloads ShellCheck
  # from GitHub; Debian's shellcheck on the PATH serves instead.
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >"$work/npm.log" 2>&1 \
    || { show "$work/npm.log"; bail "npm ci in tests/docker"; }
fi
plan() { node "$here/plan.mjs" "$@"; }

# The host's own tools for what follows; PostgreSQL and Redis for the start.
want=()
command -v jq >/dev/null || want+=(jq)
command -v readelf >/dev/null || want+=(binutils)
[ -n "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null)" ] || want+=(postgresql)
command -v redis-server >/dev/null || want+=(redis-server)
command -v redis-cli >/dev/null || want+=(redis-tools)
command -v psql >/dev/null || want+=(postgresql-client)
if [ ${#want[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  note "installing ${want[*]}"
  { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" \
      apt-get install -y -qq --no-install-recommends "${want[@]}"; } >"$work/apt.log" 2>&1 \
    || { show "$work/apt.log"; bail "installing ${want[*]}"; }
fi

# Who runs the container's processes: nobody when we are root (setpriv
# execs, so the pid we hold is riskd's own), else the current user.
if [ "$(id -u)" -eq 0 ]; then
  run_user=nobody
  as_user=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups --)
else
  run_user=$(id -un)
  as_user=()
fi

# shellcheck source=/dev/null
. /etc/os-release
if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
  ok "this host is Debian bookworm ($(cat /etc/debian_version)), the base images' release"
else
  not_ok "this host is Debian bookworm, the base images' release (it is ${PRETTY_NAME:-unknown})"
fi

# ---------------------------------------------------------------- context
context=$work/context
if files=$(plan context "$repo" "$ignorefile" "$context" 2>"$work/context.log"); then
  ok "build context: $files files of the repository, filtered by docker/Dockerfile.dockerignore"
else
  show "$work/context.log"; bail "build context"
fi
if plan dockerfile "$dockerfile" >"$work/plan.json" 2>"$work/plan.log"; then
  ok "docker/Dockerfile parsed: $(jq -r '[.stages[] | "\(.name) (FROM \(.from))"] | join(", ")' "$work/plan.json")"
else
  show "$work/plan.log"; bail "docker/Dockerfile parsed"
fi

# ---------------------------------------------------------------- stages
mapfile -t records < <(plan steps "$dockerfile")
nstages=$(jq '.stages | length' "$work/plan.json")
final=$((nstages - 1))
final_run=()          # shell texts of the final stage's RUN lines
image_env=()          # NAME=value of the final stage's ENV
image_user='' image_stopsignal='' image_entrypoint=() image_cmd=() health_argv=()
image_entrypoint_json=null image_cmd_json=null start_period=0s image_expose=()

# COPY: SRCROOT DEST_IN_ROOTFS DEST_IS_DIR CHMOD SRC...
copy_step() {
  local root=$1 dest=$2 dest_is_dir=$3 mode=$4 s p target
  shift 4
  for s in "$@"; do
    p=$root/${s#/}
    p=${p%/}
    [ -e "$p" ] || { echo "COPY source $s: not found (left out of the context?)"; return 1; }
    if [ -d "$p" ]; then
      mkdir -p "$dest" && cp -a "$p/." "$dest/" || return 1
      [ -z "$mode" ] || find "$dest" -type f -exec chmod "$mode" {} + || return 1
    else
      if [ "$dest_is_dir" = 1 ]; then target=$dest/$(basename "$p"); else target=$dest; fi
      mkdir -p "$(dirname "$target")" && cp -a "$p" "$target" || return 1
      [ -z "$mode" ] || chmod "$mode" "$target" || return 1
    fi
  done
}

# A stage's summary line, once its last step is done.
stage_done() {
  [ "$stage_ok" = 1 ] && ok "$cur_name stage replayed: $copies COPY, $runs RUN run on this host"
}

# What each record sets (plan.mjs steps):
stage='' name='' base='' keyword='' line='' text='' exec_json='' args=() exec=() props=()
cur=-1
for rec in "${records[@]}"; do
  unset flags
  declare -A flags=()
  eval "$rec"     # stage name base keyword line text args exec exec_json props flags
  if [ "$stage" != "$cur" ]; then
    [ "$cur" -ge 0 ] && stage_done
    cur=$stage cur_name=$name rootfs=$work/stages/$name
    mkdir -p "$rootfs"
    cwd=/ shell=(/bin/sh -c) stage_env=() runs=0 copies=0 stage_ok=1
    note "FROM $base AS $name: replayed in $rootfs"
  fi
  case $keyword in
    SHELL)
      shell=("${exec[@]}")
      note "SHELL ${shell[*]}" ;;
    WORKDIR)
      case ${args[0]} in /*) cwd=${args[0]} ;; *) cwd=${cwd%/}/${args[0]} ;; esac
      mkdir -p "$rootfs$cwd"
      note "WORKDIR $cwd" ;;
    ENV)
      stage_env+=("${props[@]}")
      [ "$stage" -eq "$final" ] && image_env+=("${props[@]}")
      note "ENV $text" ;;
    COPY)
      [ -z "${flags[chown]:-}" ] || note "COPY --chown is not replayed (line $line)"
      dest=${args[-1]} srcs=("${args[@]:0:${#args[@]}-1}")
      dest_is_dir=0
      { [ "${dest: -1}" = / ] || [ ${#srcs[@]} -gt 1 ]; } && dest_is_dir=1
      case $dest in /*) ;; *) dest=${cwd%/}/$dest ;; esac
      if [ -n "${flags[from]:-}" ]; then
        srcroot=$work/stages/${flags[from]}
        if [ ! -d "$srcroot" ]; then
          not_ok "$name stage, line $line: COPY --from=${flags[from]}: no such stage before it"; stage_ok=0; continue
        fi
      else
        srcroot=$context
      fi
      if out=$(copy_step "$srcroot" "$rootfs${dest%/}" "$dest_is_dir" "${flags[chmod]:-}" "${srcs[@]}" 2>&1); then
        copies=$((copies + 1))
        note "COPY $text"
      else
        not_ok "$name stage, line $line: COPY $text: $out"; stage_ok=0
      fi ;;
    RUN)
      if [ "$stage" -eq "$final" ]; then
        final_run+=("$text")
        note "RUN (line $line) not run on this host, checked below: $text"
        continue
      fi
      if [ ${#exec[@]} -gt 0 ]; then cmd=("${exec[@]}"); else cmd=("${shell[@]}" "$text"); fi
      envs=(PATH="$default_path" HOME="${HOME:-/root}")
      for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
        [ -z "${!v:-}" ] || envs+=("$v=${!v}")
      done
      log=$work/$name-line$line.log t0=$(date +%s.%N)
      if (cd "$rootfs$cwd" && env -i "${envs[@]}" "${stage_env[@]}" "${cmd[@]}") </dev/null >"$log" 2>&1; then
        runs=$((runs + 1))
        ok "$name stage, line $line: RUN $text ($(elapsed "$t0"))"
      else
        show "$log" 30
        bail "$name stage, line $line: RUN $text ($(elapsed "$t0"); log $log)"
      fi ;;
    USER)
      if [ "$stage" -eq "$final" ]; then image_user=${args[0]}; note "USER $image_user"
      else not_ok "$name stage, line $line: USER in a build stage is not replayed by host_build.sh"; stage_ok=0; fi ;;
    ENTRYPOINT) image_entrypoint=("${exec[@]}") image_entrypoint_json=$exec_json ;;
    CMD) image_cmd=("${exec[@]}") image_cmd_json=$exec_json ;;
    HEALTHCHECK) health_argv=("${exec[@]}") start_period=${flags[start-period]:-0s} ;;
    STOPSIGNAL) image_stopsignal=${args[0]} ;;
    EXPOSE) image_expose=("${args[@]}") ;;
    LABEL) ;;
    *)
      not_ok "$name stage, line $line: host_build.sh does not replay $keyword (teach it, or do without)"; stage_ok=0 ;;
  esac
done
stage_done
rootfs=$work/stages/$cur_name

# ---------------------------------------------------------------- the image
if [ "$image_entrypoint_json" = null ] || [ "$image_cmd_json" = null ]; then
  bail "the final stage has ENTRYPOINT and CMD in exec form"
fi
[ ${#health_argv[@]} -gt 0 ] || bail "the final stage has a HEALTHCHECK CMD in exec form"
entrypoint=("${image_entrypoint[@]}")
img_path="$rootfs/usr/local/sbin:$rootfs/usr/local/bin:$default_path"
riskd_bin=$(PATH=$img_path command -v "${entrypoint[0]}") || bail "ENTRYPOINT ${entrypoint[0]} is in the image"
case $riskd_bin in
  "$rootfs"/*) ok "ENTRYPOINT ${entrypoint[0]} is ${riskd_bin#"$rootfs"}, copied from the build stage" ;;
  *) not_ok "ENTRYPOINT ${entrypoint[0]} is in the image (found only $riskd_bin on the host)" ;;
esac

# The final stage's packages against what the binary links.
pkgs=()
for text in "${final_run[@]}"; do
  read -ra words <<<"$text"
  in_install=0 prev=
  for w in "${words[@]}"; do
    case $w in
      install) [ "$prev" = apt-get ] && in_install=1 ;;
      '&&' | ';' | '|' | '||') in_install=0 ;;
      -*) ;;
      *) [ "$in_install" = 1 ] && pkgs+=("$w") ;;
    esac
    prev=$w
  done
done
# One dpkg -S for every library (each call reads dpkg's whole file list):
# the paths ldd resolves, with and without /usr (merged /usr: dpkg knows
# one of the two).
mapfile -t needed < <(readelf -d "$riskd_bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
declare -A lib_path=()
queries=()
for lib in "${needed[@]}"; do
  path=$(ldd "$riskd_bin" | awk -v l="$lib" '$1 == l { print $3 }')
  lib_path[$lib]="$path $(readlink -f "$path")"
  for p in ${lib_path[$lib]}; do queries+=("$p" "/usr$p" "${p#/usr}"); done
done
declare -A owner_of=()
while IFS= read -r l; do
  owner_of[${l#*: }]=${l%%:*}
done < <(dpkg -S "${queries[@]}" 2>/dev/null)
libs_ok=1 lib_report=()
for lib in "${needed[@]}"; do
  pkg=
  for p in ${lib_path[$lib]}; do
    for q in "$p" "/usr$p" "${p#/usr}"; do
      [ -n "${owner_of[$q]:-}" ] && { pkg=${owner_of[$q]}; break 2; }
    done
  done
  if [ -z "$pkg" ]; then
    libs_ok=0 lib_report+=("$lib (no package found)")
  elif [ "$pkg" = libc6 ]; then
    lib_report+=("$lib (libc6, in every Debian image)")
  elif printf '%s\n' "${pkgs[@]}" | grep -qxF -- "$pkg"; then
    lib_report+=("$lib ($pkg)")
  else
    libs_ok=0 lib_report+=("$lib ($pkg, NOT INSTALLED by the runtime stage)")
  fi
done
if [ "$libs_ok" = 1 ] && [ ${#pkgs[@]} -gt 0 ]; then
  ok "the runtime stage installs every library riskd links: ${lib_report[*]}"
else
  not_ok "the runtime stage installs every library riskd links: ${lib_report[*]} (it installs: ${pkgs[*]:-nothing})"
fi
missing_pkgs=()
if [ ${#pkgs[@]} -gt 0 ]; then
  policy=$(apt-cache policy "${pkgs[@]}" 2>/dev/null)
  for p in "${pkgs[@]}"; do
    awk -v p="$p:" '$1 == p { on = 1; next } /^[^ ]/ { on = 0 }
                    on && $1 == "Candidate:" && $2 != "(none)" { found = 1 }
                    END { exit !found }' <<<"$policy" || missing_pkgs+=("$p")
  done
fi
if [ ${#missing_pkgs[@]} -eq 0 ]; then
  ok "the runtime stage's packages exist in bookworm: ${pkgs[*]}"
else
  not_ok "the runtime stage's packages exist in bookworm: no candidate for ${missing_pkgs[*]}"
fi

uid=${image_user%%:*} gid=
[[ $image_user == *:* ]] && gid=${image_user#*:}
adds=$(printf '%s\n' "${final_run[@]}" | grep -oE 'useradd [^&;|]*' | head -n 1)
group_adds=$(printf '%s\n' "${final_run[@]}" | grep -oE 'groupadd [^&;|]*' | head -n 1)
if [[ $uid =~ ^[0-9]+$ ]] && [ "$uid" -ne 0 ] && [[ $adds =~ --uid[[:space:]]+${uid}[[:space:]] ]] \
   && { [ -z "$gid" ] || { [ "$gid" -ne 0 ] && [[ $group_adds =~ --gid[[:space:]]+${gid}[[:space:]] ]]; }; }; then
  ok "USER $image_user: not root, the user${gid:+ and group} the runtime stage adds ($(awk '{ print $NF }' <<<"$adds"))"
else
  not_ok "USER ${image_user:-(none)}: a non-root numeric user${gid:+ and group} that the runtime stage adds (it runs: ${group_adds:+$group_adds, }${adds:-no useradd})"
fi

# ---------------------------------------------------------------- services
# The ports: the defaults, or the next free ones above them when another
# server (a colleague's tests, say) holds one.
port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
free_port() {
  local p=$1
  while port_busy "$p" && [ "$p" -lt $(($1 + 100)) ]; do p=$((p + 1)); done
  echo "$p"
}
for v in pg_port redis_port http_port; do
  p=$(free_port "${!v}")
  [ "$p" = "${!v}" ] || note "port ${!v} is taken: $v $p instead"
  printf -v "$v" %s "$p"
done
[ "$redis_port" != "$pg_port" ] || redis_port=$(free_port $((pg_port + 1)))
if urls=$("$repo/scripts/services.sh" start "$work/services" "$pg_port" "$redis_port" 2>"$work/services.log"); then
  services_started=1
  db_url=$(sed -n 's/^DATABASE_URL=//p' <<<"$urls") redis_url=$(sed -n 's/^REDIS_URL=//p' <<<"$urls")
  ok "private PostgreSQL and Redis: $db_url, $redis_url"
else
  services_started=1
  show "$work/services.log"; bail "private PostgreSQL and Redis (scripts/services.sh)"
fi
[ "$http_port" != "$pg_port" ] && [ "$http_port" != "$redis_port" ] || http_port=$(free_port $((redis_port + 1)))

# A service's argv, as Docker builds it: the compose entrypoint, else the
# image's; then the compose command, else the image's CMD unless compose
# replaced the entrypoint.
plan yaml2json <"$compose" >"$work/compose.json" 2>"$work/compose.log" \
  || { show "$work/compose.log"; bail "docker/compose.yaml parsed"; }
service_argv() {
  jq -r --argjson ep "$image_entrypoint_json" --argjson cmd "$image_cmd_json" --arg s "$1" '
    .services[$s] as $svc
    | (if $svc.entrypoint == null then $ep else [$svc.entrypoint] | flatten end)
      + (if $svc.command != null then [$svc.command] | flatten
         elif $svc.entrypoint != null then [] else $cmd end)
    | .[]' "$work/compose.json"
}
# The container's environment: image ENV, then the service's environment,
# then this host's stand-ins for the compose network.
service_env() {
  local kv k
  local -a order=()
  local -A val=()
  while IFS= read -r kv; do
    k=${kv%%=*}
    [ -n "${val[$k]+x}" ] || order+=("$k")
    val[$k]=${kv#*=}
  done < <(
    printf '%s\n' PATH="$img_path" HOME=/nonexistent HOSTNAME="$1" "${image_env[@]}"
    jq -r --arg s "$1" '
      .services[$s].environment // {}
      | if type == "array" then .[] else to_entries[] | "\(.key)=\(.value)" end' "$work/compose.json"
    printf '%s\n' DATABASE_URL="$db_url" REDIS_URL="$redis_url" RISKD_LISTEN="127.0.0.1:$http_port")
  for k in "${order[@]}"; do printf '%s=%s\n' "$k" "${val[$k]}"; done
}
# argv[0] of an image path (/usr/local/bin/x) is taken from the image's
# folder when it is there; bare names go through the image's PATH.
image_argv0() { if [[ $1 == /* ]] && [ -e "$rootfs$1" ]; then echo "$rootfs$1"; else echo "$1"; fi; }

mapfile -t riskd_env < <(service_env riskd)
note "stand-ins for the compose network: DATABASE_URL=$db_url, REDIS_URL=$redis_url" \
  "(compose: $(jq -r '.services.riskd.environment | "\(.DATABASE_URL), \(.REDIS_URL)"' "$work/compose.json"))," \
  "RISKD_LISTEN=127.0.0.1:$http_port (image: 0.0.0.0:8080)"
note "container environment (riskd): ${riskd_env[*]}"
healthcheck() {
  local argv=("${health_argv[@]}")
  argv[0]=$(image_argv0 "${argv[0]}")
  timeout 5 "${as_user[@]}" env -i "${riskd_env[@]}" "$@" "${argv[@]}"
}
if out=$(healthcheck 2>&1); then
  not_ok "HEALTHCHECK fails while nothing listens on $http_port (it passed: $out)"
else
  ok "HEALTHCHECK fails while nothing listens on $http_port ($out)"
fi

# ---------------------------------------------------------------- migrate
mapfile -t migrate_argv < <(service_argv migrate)
mapfile -t migrate_env < <(service_env migrate)
[ ${#migrate_argv[@]} -gt 0 ] || bail "docker/compose.yaml has a migrate service"
migrate_argv[0]=$(image_argv0 "${migrate_argv[0]}")
t0=$(date +%s.%N)
if (cd / && timeout 120 "${as_user[@]}" env -i "${migrate_env[@]}" "${migrate_argv[@]}") \
     >"$work/migrate.log" 2>&1; then
  ok "compose service migrate as $run_user: $(service_argv migrate | jq -R . | jq -sc .) exit 0 ($(elapsed "$t0"))"
else
  show "$work/migrate.log"; bail "compose service migrate as $run_user: $(service_argv migrate | jq -R . | jq -sc .) exit 0"
fi
want_migrations=$(find "$context/migrations" -name '*.sql' | wc -l)
applied=$(psql "$db_url" -qAtc 'SELECT count(*) FROM schema_migrations' 2>/dev/null)
if [ "$applied" = "$want_migrations" ] && grep -q '"seed data loaded"' "$work/migrate.log"; then
  ok "migrate applied the $applied migrations and loaded the seed data"
else
  not_ok "migrate applied the $want_migrations migrations (schema_migrations: ${applied:-?}) and loaded the seed data"
fi

# ---------------------------------------------------------------- serve
mapfile -t serve_argv < <(service_argv riskd)
default_argv=("${image_entrypoint[@]}" "${image_cmd[@]}")
if [ "${serve_argv[*]}" = "${default_argv[*]}" ]; then
  ok "compose service riskd runs the image's ENTRYPOINT + CMD: ${default_argv[*]}"
else
  not_ok "compose service riskd runs the image's ENTRYPOINT + CMD (${default_argv[*]}; compose: ${serve_argv[*]})"
fi
serve_argv[0]=$(image_argv0 "${serve_argv[0]}")
(cd / && exec "${as_user[@]}" env -i "${riskd_env[@]}" "${serve_argv[@]}") 2>"$work/riskd.log" >&2 &
riskd_pid=$!
t0=$(date +%s.%N)
case $start_period in   # a Go duration; Docker's are s, m or h, maybe mixed
  *h*|*m*|*s*) limit=$(awk -v d="$start_period" 'BEGIN { t = 0
      while (match(d, /^[0-9.]+(h|ms|m|s)/)) { u = substr(d, RLENGTH, 1); v = substr(d, 1, RLENGTH - 1)
        if (substr(d, RLENGTH - 1, 2) == "ms") { v = substr(d, 1, RLENGTH - 2) / 1000; u = "" }
        t += (u == "h") ? v * 3600 : (u == "m") ? v * 60 : v; d = substr(d, RLENGTH + 1) }
      printf "%d", t + 30 }') ;;
  *) limit=30 ;;
esac
healthy=0
while [ "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print (b - a < '"$limit"') }')" = 1 ]; do
  kill -0 "$riskd_pid" 2>/dev/null || break
  if out=$(healthcheck 2>&1); then healthy=1; break; fi
  sleep 0.25
done
if [ "$healthy" = 1 ]; then
  ok "HEALTHCHECK ${health_argv[*]} passes $(elapsed "$t0") after the start ($out)"
else
  show "$work/riskd.log"
  bail "HEALTHCHECK ${health_argv[*]} passes within the start period + 30 s (last: ${out:-nothing})"
fi
owner=$(ps -o user= -p "$riskd_pid" | tr -d ' ')
if [ "$owner" = "$run_user" ] && [ "$(ps -o comm= -p "$riskd_pid")" = riskd ]; then
  ok "the process holding the port is riskd itself, running as $owner"
else
  not_ok "the process holding the port is riskd itself, running as $run_user (pid $riskd_pid: $(ps -o user=,comm= -p "$riskd_pid"))"
fi
if out=$(healthcheck RISKD_HEALTHCHECK_PATH=/v1/incidents 2>&1); then
  not_ok "HEALTHCHECK fails on an answer other than 200 (/v1/incidents without a key passed: $out)"
else
  ok "HEALTHCHECK fails on an answer other than 200 ($out)"
fi

# ---------------------------------------------------------------- stop
sig=${image_stopsignal:-SIGTERM}
t0=$(date +%s.%N)
kill -s "${sig#SIG}" "$riskd_pid"
for _ in $(seq 100); do kill -0 "$riskd_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$riskd_pid" 2>/dev/null; then
  not_ok "STOPSIGNAL $sig: riskd still running after 10 s (docker stop would kill it)"
else
  wait "$riskd_pid"
  rc=$?
  riskd_pid=
  if [ "$rc" -eq 0 ]; then
    ok "STOPSIGNAL $sig: riskd stopped in $(elapsed "$t0"), exit 0"
  else
    show "$work/riskd.log"; not_ok "STOPSIGNAL $sig: riskd exit 0 (exit $rc)"
  fi
fi
lines=$(wc -l <"$work/riskd.log")
if [ "$lines" -gt 0 ] && jq -se 'all(.[]; type == "object")' "$work/riskd.log" >/dev/null 2>&1 \
   && [ "$(jq -s length "$work/riskd.log")" -eq "$lines" ]; then
  ok "riskd's stderr: $lines lines, each a JSON object, the last: $(tail -n 1 "$work/riskd.log" | jq -c '{level, msg}')"
else
  show "$work/riskd.log"; not_ok "riskd's stderr: JSON lines ($lines lines)"
fi
[ ${#image_expose[@]} -gt 0 ] && note "EXPOSE ${image_expose[*]}: ports are not tested here (no container network)"

finish
