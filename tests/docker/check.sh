#!/usr/bin/env bash
# check.sh -- docker/ checked without a Docker engine (none runs on the
# development machines nor in CI). Prints TAP, then "docker: N passed, N
# failed"; exits 1 when a check fails. See tests/docker/README.md.
#
#   - docker/compose.yaml against the Compose specification's JSON schema,
#     by `docker-compose config` (Debian's docker-compose 1.29, which carries
#     the schema and knows service_completed_successfully), shown to reject
#     planted mistakes, then what the issue asks of each service;
#   - docker/Dockerfile by two linters from npm, dockerfile-utils (the
#     Dockerfile language server's validator) and dockerlinter (hadolint-like
#     rules, with ShellCheck on every RUN), shown to catch planted faults,
#     then what the issue asks of each stage;
#   - shellcheck on docker/*.sh and tests/docker/*.sh;
#   - tests/docker/host_build.sh: the Dockerfile's build and start run on
#     this host (its TAP lines are numbered on from these).
#
# Installs what is missing: docker-compose, shellcheck, jq, nodejs and npm
# with apt-get (as root, else through sudo), the npm packages pinned in
# tests/docker/package-lock.json with `npm ci`. RISKD_DOCKER_SKIP_HOST=1
# leaves out host_build.sh (the part that compiles riskd: most of the time).
# SC2016: the '...' arguments of cjq and djq are jq programs, whose $names
# are jq's own variables.
# shellcheck disable=SC2016
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0 failed=0
ok()     { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
note()   { echo "# $*"; }
show()   { [ -s "$1" ] && sed 's/^/#   /' "$1" | head -n "${2:-20}"; }
finish() {
  echo "1..$n"
  echo "docker: $((n - failed)) passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

# ---------------------------------------------------------------- tools
want=()
command -v docker-compose >/dev/null || want+=(docker-compose)
command -v shellcheck >/dev/null || want+=(shellcheck)
command -v jq >/dev/null || want+=(jq)
command -v node >/dev/null || want+=(nodejs)
command -v npm >/dev/null || want+=(npm)
if [ ${#want[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  note "installing ${want[*]}"
  { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" \
      apt-get install -y -qq --no-install-recommends "${want[@]}"; } >"$tmp/apt.log" 2>&1 \
    || { show "$tmp/apt.log"; not_ok "installing ${want[*]}"; finish; }
fi
# --ignore-scripts: dockerlinter's install script downloads ShellCheck from
# GitHub (unreachable here); it finds Debian's shellcheck on the PATH.
lock=$here/package-lock.json stamp=$here/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >"$tmp/npm.log" 2>&1 \
    || { show "$tmp/npm.log"; not_ok "npm ci in tests/docker"; finish; }
fi
bin=$here/node_modules/.bin
ok "tools: $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')," \
   "shellcheck $(shellcheck --version | sed -n 's/^version: //p'), node $(node --version)," \
   "dockerfile-utils $(jq -r .version "$here/node_modules/dockerfile-utils/package.json")," \
   "dockerlinter $(jq -r .version "$here/node_modules/dockerlinter/package.json")"

# ---------------------------------------------------------------- compose
compose=docker/compose.yaml
# `config` reads and validates only; it never talks to a Docker engine.
# RISKD_DB_PASSWORD is unset so that the file's own default shows.
dc_config() { env -u RISKD_DB_PASSWORD docker-compose -f "$1" config "${@:2}"; }

if dc_config "$compose" >"$tmp/compose.yaml" 2>"$tmp/compose.err"; then
  ok "$compose: docker-compose config validates it against the Compose spec schema"
else
  show "$tmp/compose.err"; not_ok "$compose: docker-compose config validates it against the Compose spec schema"
fi
# The validator is live: planted mistakes must be rejected. The copies sit
# in a docker/ folder of their own so that `context: ..` still resolves.
mkdir -p "$tmp/planted/docker"
planted_ok=1
while IFS='|' read -r what from to; do
  sed "s/$from/$to/" "$compose" >"$tmp/planted/docker/compose.yaml"
  cmp -s "$compose" "$tmp/planted/docker/compose.yaml" && { planted_ok=0; note "could not plant: $what"; continue; }
  if dc_config "$tmp/planted/docker/compose.yaml" -q >/dev/null 2>"$tmp/planted.err"; then
    planted_ok=0; note "not rejected: $what"
  else
    note "rejected, $what: $(grep -v '^$' "$tmp/planted.err" | tail -n 1)"
  fi
done <<'EOF'
a depends_on condition the schema does not know|condition: service_completed_successfully|condition: service_finished
an unknown service key|^    stop_grace_period:|    stop_grace_periode:
a healthcheck retries that is not a number|retries: 10|retries: ten
EOF
if [ "$planted_ok" = 1 ]; then
  ok "$compose: the schema check rejects each of 3 planted mistakes"
else
  not_ok "$compose: the schema check rejects each of 3 planted mistakes"
fi

node "$here/plan.mjs" yaml2json <"$tmp/compose.yaml" >"$tmp/compose.json" 2>/dev/null || echo '{}' >"$tmp/compose.json"
# cjq DESCRIPTION FILTER: ok when FILTER is true of the resolved compose file.
cjq() {
  if jq -e "$2" "$tmp/compose.json" >/dev/null 2>&1; then ok "$compose: $1"
  else not_ok "$compose: $1"; note "false: $2"; fi
}
cjq "services postgres, redis, migrate, riskd and no other" \
  '.services | keys == ["migrate", "postgres", "redis", "riskd"]'
cjq "postgres is PostgreSQL 15, redis is Redis 7, each with a health check" \
  '(.services.postgres.image | test("^postgres:15([.-]|$)")) and (.services.redis.image | test("^redis:7([.-]|$)"))
   and all(.services.postgres, .services.redis; .healthcheck.test | (type == "array" and .[0] != "NONE" and length > 1))'
cjq "their data in named volumes (pgdata on /var/lib/postgresql/data, redisdata on /data)" \
  '(.volumes | has("pgdata") and has("redisdata"))
   and (.services.postgres.volumes | any(startswith("pgdata:/var/lib/postgresql/data")))
   and (.services.redis.volumes | any(startswith("redisdata:/data")))'
cjq "migrate: one shot of \`riskd migrate && riskd seed\` once postgres is healthy, never restarted" \
  '.services.migrate | ((.entrypoint + .command) == ["/bin/bash", "-c", "riskd migrate && riskd seed"])
   and .depends_on.postgres.condition == "service_healthy" and .restart == "no"'
cjq "migrate and riskd are the same image (riskd:local), built from docker/Dockerfile with the repository as context" \
  '.services.migrate.image == .services.riskd.image and .services.riskd.image == "riskd:local"
   and all(.services.migrate, .services.riskd; .build.dockerfile == "docker/Dockerfile")
   and .services.riskd.build.context == .services.migrate.build.context'
cjq "riskd starts after postgres and redis are healthy and migrate has completed successfully" \
  '.services.riskd.depends_on == {"postgres": {"condition": "service_healthy"},
     "redis": {"condition": "service_healthy"}, "migrate": {"condition": "service_completed_successfully"}}'
cjq "riskd keeps the image's HEALTHCHECK (no override)" '.services.riskd.healthcheck == null'
cjq "only riskd publishes a port: 127.0.0.1:8080 -> 8080" \
  '([.services | to_entries[] | select(.value.ports != null) | .key] == ["riskd"])
   and (.services.riskd.ports | map(tostring) | . == ["127.0.0.1:8080:8080/tcp"] or . == ["127.0.0.1:8080:8080"])'
# No password in the file: only a variable with a local default, which
# reaches both PostgreSQL and riskd's DATABASE_URL.
raw=$(node "$here/plan.mjs" yaml2json <"$compose" 2>/dev/null)
RISKD_DB_PASSWORD=planted-pw-4711 docker-compose -f "$compose" config 2>/dev/null \
  | node "$here/plan.mjs" yaml2json >"$tmp/compose-pw.json" 2>/dev/null
if jq -e '.services.postgres.environment.POSTGRES_PASSWORD | test("^\\$\\{RISKD_DB_PASSWORD:-[^}]+\\}$")' <<<"$raw" >/dev/null 2>&1 \
   && jq -e '.services.postgres.environment.POSTGRES_PASSWORD == "planted-pw-4711"
             and all(.services.migrate, .services.riskd; .environment.DATABASE_URL | contains(":planted-pw-4711@postgres:"))' \
        "$tmp/compose-pw.json" >/dev/null 2>&1; then
  ok "$compose: the database password is \${RISKD_DB_PASSWORD:-default}, reaching postgres and both DATABASE_URLs"
else
  not_ok "$compose: the database password is \${RISKD_DB_PASSWORD:-default}, reaching postgres and both DATABASE_URLs"
fi

# ---------------------------------------------------------------- Dockerfile
dockerfile=docker/Dockerfile
# Called through $linter below.
# shellcheck disable=SC2317
lint_utils()  { "$bin/dockerfile-utils" lint "$1"; }
# shellcheck disable=SC2317
lint_linter() { node "$here/node_modules/dockerlinter/bin/dockerfilelinter.js" -f "$1" -s bash -e info; }
for linter in lint_utils lint_linter; do
  label=${linter/lint_utils/dockerfile-utils lint}
  label=${label/lint_linter/dockerlinter (ShellCheck on RUN, bash)}
  out=$($linter "$dockerfile" 2>&1)
  rc=$?
  if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
    ok "$dockerfile: $label: no finding"
  else
    printf '%s\n' "$out" >"$tmp/lint.out"; show "$tmp/lint.out" 40
    not_ok "$dockerfile: $label: no finding (exit $rc)"
  fi
done
# The linters are live: each planted fault must be reported.
planted_ok=1
while IFS='|' read -r linter what from to; do
  sed "s/$from/$to/" "$dockerfile" >"$tmp/Dockerfile.planted"
  cmp -s "$dockerfile" "$tmp/Dockerfile.planted" && { planted_ok=0; note "could not plant: $what"; continue; }
  if out=$($linter "$tmp/Dockerfile.planted" 2>&1); then
    planted_ok=0; note "not reported by $linter: $what"
  else
    note "reported, $what: $(grep -v '^$' <<<"$out" | tail -n 1 | sed 's/^ *//')"
  fi
done <<'EOF'
lint_utils|an unknown instruction|^STOPSIGNAL SIGTERM|STOPSIGNALS SIGTERM
lint_utils|an invalid port|^EXPOSE 8080|EXPOSE 8080x
lint_linter|a root user|^USER 10001:10001|USER root
lint_linter|an unquoted expansion in a RUN (ShellCheck)|^RUN docker\/build.sh build|RUN docker\/build.sh $TARGET
lint_linter|apt-get install without --no-install-recommends|--no-install-recommends|--quiet
EOF
if [ "$planted_ok" = 1 ]; then
  ok "$dockerfile: the linters report each of 5 planted faults"
else
  not_ok "$dockerfile: the linters report each of 5 planted faults"
fi

node "$here/plan.mjs" dockerfile "$dockerfile" >"$tmp/plan.json" 2>/dev/null || echo '{"stages": []}' >"$tmp/plan.json"
# djq DESCRIPTION FILTER: ok when FILTER is true of the parsed Dockerfile
# ($b: the first stage, $r: the last, the runtime image).
djq() {
  if jq -e ".stages[0] as \$b | .stages[-1] as \$r | $2" "$tmp/plan.json" >/dev/null 2>&1; then ok "$dockerfile: $1"
  else not_ok "$dockerfile: $1"; note "false: $2"; fi
}
djq "two stages: build FROM debian:bookworm, runtime FROM debian:bookworm-slim" \
  '(.stages | length) == 2 and $b.name == "build" and $b.from == "debian:bookworm"
   and $r.from == "debian:bookworm-slim"'
djq "the build stage's RUN lines are docker/build.sh (its one source of build commands)" \
  '[$b.steps[] | select(.keyword == "RUN") | .shell] == ["docker/build.sh deps", "docker/build.sh build"]'
djq "the build stage COPYs named paths only (no \`COPY . .\`)" \
  'all($b.steps[] | select(.keyword == "COPY") | .args[:-1][]; . != "." and . != "./" and (test("[*?]") | not))'
djq "the runtime stage copies only the binary from the build stage" \
  '[$r.steps[] | select(.keyword == "COPY" and .flags.from != null) | [.flags.from, .args]]
   == [["build", ["/src/build/riskd", "/usr/local/bin/riskd"]]]'
djq "runtime: the last USER is a non-root one" \
  '[$r.steps[] | select(.keyword == "USER") | .args[0]] | length > 0
   and (last | split(":")[0] | . != "root" and . != "0" and . != "")'
djq "runtime: EXPOSE 8080, ENV RISKD_LISTEN=0.0.0.0:8080, STOPSIGNAL SIGTERM" \
  '([$r.steps[] | select(.keyword == "EXPOSE") | .args[]] | any(. == "8080"))
   and ([$r.steps[] | select(.keyword == "ENV") | .props[]] | any(. == ["RISKD_LISTEN", "0.0.0.0:8080"]))
   and ([$r.steps[] | select(.keyword == "STOPSIGNAL") | .args[0]] == ["SIGTERM"])'
djq "runtime: ENTRYPOINT [\"riskd\"], CMD [\"serve\"], HEALTHCHECK CMD in exec form" \
  '[$r.steps[] | select(.keyword == "ENTRYPOINT") | .exec] == [["riskd"]]
   and [$r.steps[] | select(.keyword == "CMD") | .exec] == [["serve"]]
   and ([$r.steps[] | select(.keyword == "HEALTHCHECK")] | length == 1 and .[0].subcommand == "CMD" and (.[0].exec | length > 0))'
djq "no ARG, and no ENV or LABEL that looks like a secret or a database URL" \
  '([.stages[].steps[] | select(.keyword == "ARG")] | length == 0)
   and all(.stages[].steps[] | select(.keyword == "ENV" or .keyword == "LABEL") | .props[];
           (.[0] | test("PASSWORD|SECRET|TOKEN|API_?KEY|DATABASE_URL|REDIS_URL"; "i") | not)
           and (.[1] | test("://[^/@]*@") | not))'

# ---------------------------------------------------------------- shells
shells=(docker/build.sh docker/healthcheck.sh tests/docker/check.sh tests/docker/host_build.sh)
if out=$(shellcheck -x "${shells[@]}" 2>&1); then
  ok "shellcheck ${shells[*]}"
else
  printf '%s\n' "$out" >"$tmp/sc.out"; show "$tmp/sc.out" 40
  not_ok "shellcheck ${shells[*]}"
fi

# ---------------------------------------------------------------- host
if [ "${RISKD_DOCKER_SKIP_HOST:-0}" = 1 ]; then
  note "skipped: tests/docker/host_build.sh (RISKD_DOCKER_SKIP_HOST=1)"
  finish
fi
note "tests/docker/host_build.sh: the Dockerfile's build and start on this host"
sub_failed=0
while IFS= read -r l; do
  if [[ $l =~ ^ok\ [0-9]+\ (.*)$ ]]; then
    n=$((n + 1)); echo "ok $n ${BASH_REMATCH[1]}"
  elif [[ $l =~ ^not\ ok\ [0-9]+\ (.*)$ ]]; then
    n=$((n + 1)); failed=$((failed + 1)) sub_failed=$((sub_failed + 1)); echo "not ok $n ${BASH_REMATCH[1]}"
  elif [[ $l =~ ^host-exit\ ([0-9]+)$ ]]; then
    [ "${BASH_REMATCH[1]}" -eq 0 ] || [ "$sub_failed" -gt 0 ] \
      || not_ok "tests/docker/host_build.sh exit 0 (exit ${BASH_REMATCH[1]})"
  elif [[ ! $l =~ ^1\.\.[0-9]+$ ]]; then
    echo "$l"
  fi
done < <("$here/host_build.sh" 2>&1; echo "host-exit $?")
finish
