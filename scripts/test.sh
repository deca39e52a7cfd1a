#!/usr/bin/env bash
# test.sh -- `make test`: from a fresh Debian machine to every test run.
#
# Installs what is missing, builds, starts a private PostgreSQL and Redis
# under .run/test-PORT (ports RISKD_TEST_PG_PORT / RISKD_TEST_REDIS_PORT;
# riskd instances from RISKD_PORT_BASE, default 18100, upwards),
# migrates and seeds a template database, then runs every suite:
#   unit       the C unit tests (engine, addresses, parsers)
#   integration  the curl-driven bats suites in tests/integration
# first on the normal build, then again built with AddressSanitizer and
# UndefinedBehaviorSanitizer (riskd's leaks are checked by LeakSanitizer
# when each server stops). RISKD_TEST_PASSES=normal|asan|"normal asan";
# RISKD_TEST_SUITES="risk imports" runs only those integration suites,
# RISKD_TEST_JOBS of them at a time.
# Then, once: the Docker checks and a short fuzzing run of every harness
# (RISKD_TEST_EXTRAS="docker fuzz"; set it empty to skip them).
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

passes=${RISKD_TEST_PASSES:-normal asan}
pg_port=${RISKD_TEST_PG_PORT:-55442}
redis_port=${RISKD_TEST_REDIS_PORT:-56389}
artifacts=$PWD/tests/artifacts${RISKD_TEST_PG_PORT:+-$pg_port}
passed=0 failed=0

scripts/deps.sh test || exit 1
mkdir -p "$artifacts"

# Fast and safe enough for tests: a crash of the machine loses test data only.
export RISKD_PG_OPTIONS="-c fsync=off -c full_page_writes=off"
run_dir=.run/test-$pg_port
scripts/services.sh start "$run_dir" "$pg_port" "$redis_port" >/dev/null || exit 1
trap 'scripts/services.sh stop "$run_dir" "$pg_port" "$redis_port"' EXIT
export RISKD_PG="postgresql://riskd@127.0.0.1:$pg_port"
export RISKD_REDIS_PORT=$redis_port RISKD_ARTIFACTS=$artifacts
export PGOPTIONS="-c client_min_messages=warning"

# phase TITLE: a heading, with the seconds the run has taken so far.
phase() {
  echo "== $* (at ${SECONDS} s)"
}

# Counts "ok" / "not ok" lines of TAP output.
count_tap() {
  local log=$1
  passed=$((passed + $(grep -c '^ok ' "$log")))
  failed=$((failed + $(grep -c '^not ok ' "$log")))
}

# The template: migrated and seeded once, with an API key of every scope
# (RISKD_KEY) that the suites use; every suite clones it.
prepare_template() {
  local bin=$1
  psql "$RISKD_PG/postgres" -qc "DROP DATABASE IF EXISTS riskd_template" >/dev/null
  psql "$RISKD_PG/postgres" -qc "CREATE DATABASE riskd_template" >/dev/null
  DATABASE_URL="$RISKD_PG/riskd_template" "$bin" migrate >/dev/null \
    && DATABASE_URL="$RISKD_PG/riskd_template" "$bin" seed >/dev/null \
    && RISKD_KEY=$(DATABASE_URL="$RISKD_PG/riskd_template" "$bin" keys create --name tests \
                     --scopes read,screen,ingest,admin --rate-limit 100000000) \
    && export RISKD_KEY
}

# run_integration OUT: the integration suites (RISKD_TEST_SUITES, or all),
# RISKD_TEST_JOBS of them at a time (default: cores + 1, as much of their
# time is spent waiting on servers), the slowest first, each on its own
# ports, database and Redis database; then zz_contract.bats alone, as it
# checks what every other suite recorded. OUT.tap gets every suite's TAP,
# in name order.
slowest_first="openapi determinism faults dashboard"
run_integration() {
  local out=$1 jobs=${RISKD_TEST_JOBS:-$(($(nproc) + 1))} suite names=() order=()
  if [ -n "${RISKD_TEST_SUITES:-}" ]; then names=($RISKD_TEST_SUITES)
  else names=($(cd tests/integration && ls *.bats | sed 's/\.bats$//')); fi
  for suite in $slowest_first; do
    [[ " ${names[*]} " == *" $suite "* ]] && order+=("$suite")
  done
  for suite in "${names[@]}"; do
    [[ " $slowest_first zz_contract " == *" $suite "* ]] || order+=("$suite")
  done
  rm -rf "$out.d" && mkdir -p "$out.d"
  for suite in "${order[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    bats --tap --timing "tests/integration/$suite.bats" >"$out.d/$suite.tap" 2>&1 &
  done
  wait
  [[ " ${names[*]} " == *" zz_contract "* ]] \
    && bats --tap --timing tests/integration/zz_contract.bats >"$out.d/zz_contract.tap" 2>&1
  for suite in "${names[@]}"; do cat "$out.d/$suite.tap"; done >"$out.tap"
}

for pass in $passes; do
  if [ "$pass" = asan ]; then build=build-asan make_args=(SANITIZE=1); else build=build make_args=(); fi
  phase "$pass build"
  if ! make -s -j"$(nproc)" "${make_args[@]}" all unit >"$artifacts/build-$pass.log" 2>&1; then
    cat "$artifacts/build-$pass.log"
    failed=$((failed + 1))
    continue
  fi
  export RISKD_BIN=$PWD/$build/riskd
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=66
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  if ! prepare_template "$RISKD_BIN" 2>"$artifacts/template-$pass.log"; then
    echo "not ok - migrating and seeding the template database"
    failed=$((failed + 1))
    continue
  fi
  phase "$pass: unit tests"
  for t in "$build"/tests/test_*; do
    "$t" >"$artifacts/$pass-$(basename "$t").tap" 2>&1
    sed 's/^/  /' "$artifacts/$pass-$(basename "$t").tap" | grep -E '^  (not ok|ok)' | grep -v '^  ok' || true
    grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$artifacts/$pass-$(basename "$t").tap" \
      && { echo "not ok - sanitizer report in $(basename "$t")" >>"$artifacts/$pass-$(basename "$t").tap"; }
    count_tap "$artifacts/$pass-$(basename "$t").tap"
    echo "  $(basename "$t"): $(grep -c '^ok ' "$artifacts/$pass-$(basename "$t").tap") ok, $(grep -c '^not ok ' "$artifacts/$pass-$(basename "$t").tap") not ok"
  done
  phase "$pass: integration tests"
  export RISKD_CONTRACT_LOG=$artifacts/$pass-contract.ndjson
  rm -rf "${RISKD_CONTRACT_LOG%.ndjson}.d" && mkdir -p "${RISKD_CONTRACT_LOG%.ndjson}.d"
  run_integration "$artifacts/$pass-integration"
  grep -E '^(not ok|#)' "$artifacts/$pass-integration.tap" | sed 's/^/  /' | head -n 200
  count_tap "$artifacts/$pass-integration.tap"
  echo "  integration: $(grep -c '^ok ' "$artifacts/$pass-integration.tap") ok, $(grep -c '^not ok ' "$artifacts/$pass-integration.tap") not ok"
done

# Once, not per pass: checks that build their own binaries, side by side.
extras=() pids=()
for extra in ${RISKD_TEST_EXTRAS-docker fuzz}; do
  case $extra in
    docker) phase "docker: compose schema, Dockerfile linters, the Dockerfile's steps on this host"
            tests/docker/check.sh >"$artifacts/docker.tap" 2>&1 & ;;
    fuzz)   phase "fuzz: every libFuzzer harness, briefly (longer: make fuzz)"
            make -s fuzz-ci >"$artifacts/fuzz.tap" 2>&1 & ;;
    *) continue ;;
  esac
  extras+=("$extra") pids+=($!)
done
for i in "${!extras[@]}"; do
  extra=${extras[$i]}
  wait "${pids[$i]}"
  # a check that failed without saying which test did still fails
  [ $? -ne 0 ] && ! grep -q '^not ok' "$artifacts/$extra.tap" && echo "not ok - $extra exited non-zero" >>"$artifacts/$extra.tap"
  grep -E '^not ok|^#' "$artifacts/$extra.tap" | sed 's/^/  /' | head -n 40
  count_tap "$artifacts/$extra.tap"
  echo "  $extra: $(grep -c '^ok ' "$artifacts/$extra.tap") ok, $(grep -c '^not ok ' "$artifacts/$extra.tap") not ok"
done

phase "done"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
