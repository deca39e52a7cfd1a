#!/usr/bin/env bats
# Liveness, readiness, and what the router answers for everything else.

load helpers

setup_file() {
  export PORT=$(suite_port 0)
  db_create health
  riskd_start health "$PORT"
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

@test "GET /healthz answers ok" {
  api GET /healthz
  expect_status 200
  [ "$(jq -r .status <<<"$body")" = ok ]
}

@test "GET /readyz: postgres, redis and the engine are ready" {
  api GET /readyz
  expect_status 200
  [ "$(jq -r .status <<<"$body")" = ready ]
  [ "$(jq -r .checks.postgres <<<"$body")" = ok ]
  [ "$(jq -r .checks.redis <<<"$body")" = ok ]
  [ "$(jq -r .checks.engine.loaded <<<"$body")" = true ]
  # the seed: 103 incident addresses + 623 OFAC addresses
  [ "$(jq -r .checks.engine.labels <<<"$body")" = 726 ]
}

@test "an unknown route is a 404 problem" {
  api GET /v1/nothing-here
  expect_problem 404 route_not_found
  [ "$(jq -r .instance <<<"$body")" = /v1/nothing-here ]
}

@test "a known route with the wrong method is a 405 with Allow" {
  api DELETE /v1/incidents
  expect_problem 405 method_not_allowed
  grep -qi '^Allow: GET, HEAD' "$API_HEADERS"
  api PUT /v1/flows
  expect_problem 405 method_not_allowed
}

@test "an unknown query parameter is a 400 problem" {
  api GET "/healthz?verbose=1"
  expect_problem 400 unknown_parameter
}

@test "a query parameter given twice is a 400 problem" {
  api GET "/v1/addresses/eth/0x098b716b8aaf21512996dc57eb0615e2383e2f96/risk?model=poison&model=haircut"
  expect_problem 400 duplicate_parameter
}

@test "every answer carries the security headers" {
  curl -sS -D "$BATS_TEST_TMPDIR/h" -o /dev/null "$RISKD_URL/healthz"
  grep -qi '^X-Content-Type-Options: nosniff' "$BATS_TEST_TMPDIR/h"
  grep -qi '^X-Frame-Options: DENY' "$BATS_TEST_TMPDIR/h"
  grep -qi "^Content-Security-Policy: default-src 'none'" "$BATS_TEST_TMPDIR/h"
  grep -qi '^Cache-Control: no-store' "$BATS_TEST_TMPDIR/h"
}

@test "keep-alive: many requests share one connection" {
  # curl reuses the connection for URLs given together; -w prints how many
  # new connections each transfer opened (0 = reused).
  opened=$(curl -s -o /dev/null -o /dev/null -o /dev/null -w '%{num_connects}\n' \
    "$RISKD_URL/healthz" "$RISKD_URL/healthz" "$RISKD_URL/healthz" | paste -sd+ | bc)
  [ "$opened" -eq 1 ]
}
