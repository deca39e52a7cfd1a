#!/usr/bin/env bats
# Security: no SQL built from input, CORS off unless configured, HTTPS with
# a certificate made here. (Keys never logged nor echoed: auth.bats;
# security headers: health.bats; bad input: bad_input.bats; limits:
# limits.bats; problem documents that reveal nothing of riskd's insides:
# zz_contract.bats, which sees every answer of every suite.)

load helpers

setup_file() {
  export PORT=$(suite_port 0)
  db_create security
  riskd_start security "$PORT"
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

@test "no SQL is ever built from input (every statement sent is a constant)" {
  run tests/security/sql_is_constant.sh
  echo "$output" | grep -v '^ok' >&2 || true
  [ "$status" -eq 0 ]
  [ "$(grep -c '^ok' <<<"$output")" -ge 20 ]
}

@test "CORS is off by default: no Access-Control headers, preflights refused" {
  api GET /v1/incidents -H 'Origin: https://evil.example'
  expect_status 200
  [ -z "$(header Access-Control-Allow-Origin)" ]
  api OPTIONS /v1/incidents -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: GET'
  expect_problem 405 method_not_allowed
}

@test "CORS when configured: the listed origin only, preflight answered" {
  riskd_start security $((PORT + 100)) --cors-origins https://dash.example
  RISKD_URL="http://127.0.0.1:$((PORT + 100))"
  api GET /v1/incidents -H 'Origin: https://dash.example'
  expect_status 200
  [ "$(header Access-Control-Allow-Origin)" = https://dash.example ]
  [ "$(header Vary)" = Origin ]
  api GET /v1/incidents -H 'Origin: https://evil.example'
  [ -z "$(header Access-Control-Allow-Origin)" ]
  api_as "" OPTIONS /v1/screenings -H 'Origin: https://dash.example' \
    -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: authorization'
  expect_status 204
  [ "$(header Access-Control-Allow-Methods)" = "GET, HEAD, POST" ]
  [[ "$(header Access-Control-Allow-Headers)" == *Authorization* ]]
  riskd_stop $((PORT + 100))
}

@test "HTTPS with --tls-cert/--tls-key, checked against a certificate made here" {
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
    -keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" 2>/dev/null
  port=$((PORT + 101))
  RISKD_SCHEME=https RISKD_CURL_OPTS="--cacert $BATS_TEST_TMPDIR/cert.pem" \
    riskd_start security "$port" --tls-cert "$BATS_TEST_TMPDIR/cert.pem" \
    --tls-key "$BATS_TEST_TMPDIR/key.pem"
  run curl -sS --cacert "$BATS_TEST_TMPDIR/cert.pem" -H "Authorization: Bearer $RISKD_KEY" \
    "https://127.0.0.1:$port/v1/incidents/2025-02-bybit"
  [ "$status" -eq 0 ]
  [ "$(jq -r .id <<<"$output")" = 2025-02-bybit ]
  run curl -sS --max-time 3 "http://127.0.0.1:$port/healthz"    # plain HTTP to the HTTPS port
  [ "$status" -ne 0 ] || [[ "$output" != *'"ok"'* ]]
  run curl -sS --max-time 3 "https://127.0.0.1:$port/healthz"   # unknown issuer
  [ "$status" -ne 0 ]
  riskd_stop "$port"
}

@test "a TLS key that cannot be read stops riskd with a clear message" {
  run env DATABASE_URL="$RISKD_PG/security" "$RISKD_BIN" serve --listen 127.0.0.1:$((PORT + 102)) \
    --tls-cert /nonexistent.pem --tls-key /nonexistent.pem
  [ "$status" -ne 0 ]
  [[ "$output" == *"cannot serve HTTPS"* ]]
}
