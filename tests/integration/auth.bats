#!/usr/bin/env bats
# API keys (stored hashed, with scopes), their management from the command
# line and over HTTP, and per-key rate limits shared through Redis.

load helpers

RONIN=0x098b716b8aaf21512996dc57eb0615e2383e2f96

setup_file() {
  export PORT=$(suite_port 0)
  db_create auth
  riskd_start auth "$PORT"
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

keys() {
  DATABASE_URL="$RISKD_PG/auth" "$RISKD_BIN" keys "$@"
}

@test "no key, a malformed key, an unknown key: 401 problems with WWW-Authenticate" {
  api_as "" GET "/v1/addresses/eth/$RONIN/risk"
  expect_problem 401 unauthorized
  [ "$(header WWW-Authenticate)" = 'Bearer realm="riskd"' ]
  api_as "not-a-key" GET /v1/incidents
  expect_problem 401 unauthorized
  api_as "rk_000000000000_000000000000000000000000000000000000000000000000" GET /v1/incidents
  expect_problem 401 unauthorized
  api GET /v1/incidents -H 'Authorization: Basic dXNlcjpwYXNz'
  expect_status 200          # the suite's Bearer key comes first; Basic is ignored
}

@test "the open routes need no key; /healthz always, the others by configuration" {
  api_as "" GET /healthz
  expect_status 200
  api_as "" GET /readyz
  expect_status 200
  api_as "" GET /openapi.yaml
  expect_status 200
  api_as "" GET /v1/incidents
  expect_problem 401 unauthorized
  riskd_start auth $((PORT + 100)) --open-routes /v1/incidents
  RISKD_URL="http://127.0.0.1:$((PORT + 100))"
  api_as "" GET /v1/incidents
  expect_status 200
  api_as "" GET /readyz
  expect_problem 401 unauthorized
  riskd_stop $((PORT + 100))
}

@test "riskd keys create prints a key once; only its hash is stored" {
  run keys create --name reader --scopes read
  [ "$status" -eq 0 ]
  key=$(grep '^rk_' <<<"$output")
  [[ "$key" =~ ^rk_[0-9a-f]{12}_[0-9a-f]{48}$ ]]
  id=${key:0:15}
  [ "$(psql -qAt "$RISKD_PG/auth" -c "SELECT count(*) FROM api_keys WHERE id = '$id' AND encode(key_hash, 'hex') = encode(sha256('$key'::bytea), 'hex')")" = 1 ]
  [ "$(psql -qAt "$RISKD_PG/auth" -c "SELECT count(*) FROM api_keys WHERE key_hash::text LIKE '%${key:16:20}%'")" = 0 ]
  run keys list
  [ "$status" -eq 0 ]
  [ "$(jq -r --arg id "$id" '.[] | select(.id == $id) | [.name, (.scopes | join("+"))] | join(",")' <<<"$output")" = reader,read ]
  [[ "$output" != *"${key:16}"* ]]
}

@test "each route needs its scope: a read key cannot screen, ingest or administer (403)" {
  key=$(keys create --name read-only --scopes read 2>/dev/null)
  api_as "$key" GET "/v1/addresses/eth/$RONIN/risk"
  expect_status 200
  api_as "$key" POST /v1/screenings -H 'Content-Type: application/json' --data-binary '{}'
  expect_problem 403 forbidden
  jq -e '.detail | test("screen")' <<<"$body"
  api_as "$key" POST /v1/flows -H 'Content-Type: text/csv' --data-binary 'x'
  expect_problem 403 forbidden
  api_as "$key" GET /v1/keys
  expect_problem 403 forbidden
  screener=$(keys create --name screener --scopes screen 2>/dev/null)
  api_as "$screener" GET "/v1/addresses/eth/$RONIN/risk"
  expect_problem 403 forbidden
}

@test "a revoked key stops working" {
  key=$(keys create --name short-lived --scopes read 2>/dev/null)
  api_as "$key" GET /v1/incidents
  expect_status 200
  run keys revoke "${key:0:15}"
  [ "$status" -eq 0 ]
  for _ in $(seq 30); do
    api_as "$key" GET /v1/incidents
    [ "$code" = 401 ] && break
    sleep 0.1
  done
  expect_problem 401 unauthorized
  run keys revoke rk_000000000000
  [ "$status" -ne 0 ]
}

@test "admin keys manage keys over HTTP: create, list, revoke" {
  api POST /v1/keys -H 'Content-Type: application/json' \
    --data-binary '{"name":"dashboard","scopes":["read"],"rate_limit":120}'
  expect_status 201
  key=$(jq -r .key <<<"$body")
  id=$(jq -r .id <<<"$body")
  [ "$(jq -r '[.name, (.scopes | join("+")), .rate_limit] | join(",")' <<<"$body")" = dashboard,read,120 ]
  api_as "$key" GET /v1/incidents
  expect_status 200
  api GET /v1/keys
  expect_status 200
  jq -e --arg id "$id" '.keys | map(select(.id == $id)) | length == 1' <<<"$body"
  ! grep -q "${key:16}" <<<"$body"
  api DELETE "/v1/keys/$id"
  expect_status 200
  [ "$(jq -r .revoked <<<"$body")" = true ]
  api DELETE /v1/keys/rk_ffffffffffff
  expect_problem 404 key_not_found
  api POST /v1/keys -H 'Content-Type: application/json' --data-binary '{"name":"x","scopes":["root"]}'
  expect_problem 422 invalid_body
  api GET /v1/config
  expect_status 200
  [ "$(jq -r '[.screening.block_share, (.categories | length), .config | length] | join(",")' <<<"$body")" = 0.5,9,8 ]
}

@test "a key over its rate gets 429 with Retry-After and RateLimit headers" {
  key=$(keys create --name slow --scopes read --rate-limit 5 2>/dev/null)
  for i in 1 2 3 4 5; do
    api_as "$key" GET /v1/incidents
    expect_status 200
    [ "$(header RateLimit-Limit)" = 5 ]
    [ "$(header RateLimit-Remaining)" = $((5 - i)) ]
  done
  api_as "$key" GET /v1/incidents
  expect_problem 429 rate_limited
  [ "$(header Retry-After)" -ge 1 ]
  [ "$(header Retry-After)" -le 12 ]
  [ "$(header RateLimit-Remaining)" = 0 ]
  [ "$(header RateLimit-Policy)" = "5;w=60" ]
}

@test "the rate limit of a key is shared by two instances through Redis" {
  riskd_start auth $((PORT + 101))
  key=$(keys create --name shared --scopes read --rate-limit 6 2>/dev/null)
  for i in 1 2 3; do
    RISKD_URL="http://127.0.0.1:$PORT" api_as "$key" GET /v1/incidents
    expect_status 200
    RISKD_URL="http://127.0.0.1:$((PORT + 101))" api_as "$key" GET /v1/incidents
    expect_status 200
  done
  RISKD_URL="http://127.0.0.1:$((PORT + 101))" api_as "$key" GET /v1/incidents
  expect_problem 429 rate_limited
  RISKD_URL="http://127.0.0.1:$PORT" api_as "$key" GET /v1/incidents
  expect_problem 429 rate_limited
}

@test "with Redis unreachable, requests are still served and the limit is local (and logged)" {
  key=$(keys create --name local --scopes read --rate-limit 3 2>/dev/null)
  port=$((PORT + 102))
  # a Redis port where nothing listens
  riskd_start auth "$port" --redis-url redis://127.0.0.1:1/0
  RISKD_URL="http://127.0.0.1:$port"
  for i in 1 2 3; do
    api_as "$key" GET "/v1/addresses/eth/$RONIN/risk"
    expect_status 200
  done
  api_as "$key" GET "/v1/addresses/eth/$RONIN/risk"
  expect_problem 429 rate_limited
  api_as "" GET /readyz
  [ "$(jq -r '[.status, .checks.redis] | join(",")' <<<"$body")" = degraded,unreachable ]
  riskd_stop "$port"
  grep -q "rate limits are local to this instance" "$BATS_FILE_TMPDIR"/riskd-auth-"$port".log
}

@test "keys never reach the logs" {
  key=$(keys create --name secret --scopes read 2>/dev/null)
  api_as "$key" GET /v1/incidents
  api_as "${key%?}0" GET /v1/incidents
  ! grep -rq "${key:16}" "$BATS_FILE_TMPDIR"/riskd-auth-*.log
}
