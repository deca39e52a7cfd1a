#!/usr/bin/env bash
# run.sh -- runs the libFuzzer harnesses built by `make fuzz-build` and
# prints one TAP line per harness, so the test runner can count them.
#
#   tests/fuzz/run.sh fuzz SECONDS [HARNESS...]   fuzz each for SECONDS
#   tests/fuzz/run.sh regress 0 [HARNESS...]      replay regression inputs
#
# Fuzzing starts from the committed seeds (tests/fuzz/corpus/<h>/) and
# grows a working corpus in $FUZZ_BUILD/corpus/<h>/ (kept between runs, not
# committed). A crash leaves its input in $FUZZ_BUILD/crashes/<h>/ and the
# libFuzzer log in $FUZZ_BUILD/logs/<h>.log. Exit status: 0 when every
# harness passed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.."

mode=${1:?usage: run.sh fuzz|regress SECONDS [HARNESS...]}
seconds=${2:-60}
shift 2 || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(addresses ingest json_body router engine)
build=${FUZZ_BUILD:-build-fuzz}
dir=tests/fuzz

# Longest input each harness is given: a little past what its parser
# accepts, so the length checks are exercised too.
max_len() {
  case $1 in
    addresses) echo 160 ;;
    router) echo 512 ;;
    engine) echo 2048 ;;
    json_body) echo 4096 ;;
    ingest) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

echo "1..${#harnesses[@]}"
n=0 failed=0
for h in "${harnesses[@]}"; do
  n=$((n + 1))
  bin=$build/fuzz_$h
  log=$build/logs/$h-$mode.log
  mkdir -p "$build/logs" "$build/crashes/$h" "$build/corpus/$h"
  if [ ! -x "$bin" ]; then
    echo "not ok $n - fuzz $h: $bin is not built (make fuzz-build)"
    failed=$((failed + 1))
    continue
  fi
  dict=()
  [ -f "$dir/dict/$h.dict" ] && dict=(-dict="$dir/dict/$h.dict")

  if [ "$mode" = regress ]; then
    inputs=()
    for f in "$dir/regressions/$h"/*; do
      [ -f "$f" ] && inputs+=("$f")
    done
    if [ ${#inputs[@]} -eq 0 ]; then
      echo "ok $n - regress $h: no regression inputs"
      continue
    fi
    if "$bin" -runs=1 "${inputs[@]}" >"$log" 2>&1; then
      echo "ok $n - regress $h: ${#inputs[@]} inputs, 0 crashes"
    else
      echo "not ok $n - regress $h: a regression input fails again (log: $log)"
      grep -m3 -E "ERROR: AddressSanitizer|runtime error|fuzz invariant|Running: " "$log" \
        | sed 's/^/# /'
      failed=$((failed + 1))
    fi
    continue
  fi

  start=$SECONDS
  "$bin" "$build/corpus/$h" "$dir/corpus/$h" "${dict[@]}" \
    -max_total_time="$seconds" -max_len="$(max_len "$h")" -timeout=25 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/crashes/$h/" \
    >"$log" 2>&1
  rc=$?
  elapsed=$((SECONDS - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  [ -n "$runs" ] || runs=0
  crashes=$(grep -c "^artifact_prefix=\|Test unit written to" "$log")
  if [ "$rc" -eq 0 ]; then
    echo "ok $n - fuzz $h: $runs runs in $elapsed s, 0 crashes"
  else
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "not ok $n - fuzz $h: $runs runs in $elapsed s, ${crashes:-1} crash(es);" \
         "input ${input:-?}, log $log"
    grep -m3 -E "ERROR: AddressSanitizer|ERROR: libFuzzer|runtime error|fuzz invariant" "$log" \
      | sed 's/^/# /'
    [ -n "$input" ] && echo "# reproduce: $bin $input"
    failed=$((failed + 1))
  fi
done
[ "$failed" -eq 0 ]
