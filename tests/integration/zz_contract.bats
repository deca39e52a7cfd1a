#!/usr/bin/env bats
# The contract log: every answer every other suite recorded (bodies and
# headers, through `api`) must match openapi.yaml. Named zz_ and run alone
# by scripts/test.sh once the others have finished, when the log is complete.

load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
CONTRACT=$ROOT/tests/contract

setup_file() {
  [ -n "${RISKD_CONTRACT_LOG:-}" ] || { echo "RISKD_CONTRACT_LOG is not set: run the suites with scripts/test.sh" >&2; false; }
  contract_tools
  node "$CONTRACT/collect.mjs" "${RISKD_CONTRACT_LOG%.ndjson}.d" >"$RISKD_CONTRACT_LOG"
}

@test "every answer recorded by the integration suites matches openapi.yaml" {
  local report=${RISKD_CONTRACT_LOG%.ndjson}-check.tap
  node "$CONTRACT/check.mjs" "$ROOT/openapi.yaml" "$RISKD_CONTRACT_LOG" >"$report" 2>&1 \
    || { grep -v '^ok ' "$report"; false; }
  grep '^# ' "$report"
}

@test "problem documents reveal nothing of riskd's insides" {
  # every problem answered by every suite
  jq -r 'select(.status >= 400) | .body' "$RISKD_CONTRACT_LOG" >"$BATS_TEST_TMPDIR/problems"
  [ "$(wc -l <"$BATS_TEST_TMPDIR/problems")" -gt 100 ]
  ! grep -nE 'ERROR:|FATAL|SQLSTATE|PQ[a-z]|\.c:[0-9]|0x7f[0-9a-f]{8}|redisContext|jansson|stack' \
      "$BATS_TEST_TMPDIR/problems"
}
