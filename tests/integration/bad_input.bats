#!/usr/bin/env bats
# Bad input of every kind, table-driven: each case gets the right 4xx
# problem document, and the server keeps serving after every one.

load helpers

setup_file() {
  export PORT=$(suite_port 0)
  db_create bad_input
  riskd_start bad_input "$PORT"
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

# check STATUS CODE METHOD PATH CONTENT-TYPE BODY-FILE: one case.
check() {
  local args=(-H "Content-Type: $5")
  [ -n "$6" ] && args+=(--data-binary @"$6")
  api "$3" "$4" "${args[@]}"
  expect_problem "$1" "$2" || { echo "case: $3 $4 ($5) $(head -c 200 "${6:-/dev/null}" | od -c | head -3)" >&2; return 1; }
  api_as "" GET /healthz
  expect_status 200
}

# body NAME TEXT: writes a case's body (printf escapes allowed) to a file.
body() {
  printf "$2" >"$BATS_TEST_TMPDIR/$1"
  echo "$BATS_TEST_TMPDIR/$1"
}

A=0x00000000000000000000000000000000000000a1
S='"chain":"eth","address":"'$A'","asset":"ETH","direction":"deposit"'

@test "malformed JSON, wrong types, missing fields, huge numbers, negative amounts" {
  check 400 invalid_json POST /v1/screenings application/json "$(body b1 '{"chain":')"
  check 400 invalid_json POST /v1/screenings application/json "$(body b2 '{"a":1,"a":2}')"
  check 400 invalid_json POST /v1/screenings application/json "$(body b3 '')"
  check 422 invalid_body POST /v1/screenings application/json "$(body b4 "{$S,\"amount\":true}")"
  check 422 invalid_body POST /v1/screenings application/json "$(body b5 "{$S,\"amount\":[1]}")"
  check 422 invalid_body POST /v1/screenings application/json "$(body b6 '{"chain":"eth"}')"
  check 400 invalid_json POST /v1/screenings application/json "$(body b7 '"just a string"')"
  check 422 invalid_body POST /v1/screenings application/json "$(body b8 "{$S,\"amount\":\"$(printf '9%.0s' $(seq 150))\"}")"
  check 400 invalid_json POST /v1/screenings application/json "$(body b9 "{$S,\"amount\":1e400}")"
  check 400 invalid_json POST /v1/screenings application/json "$(body b10 "{$S,\"amount\":123456789012345678901234567890}")"
  check 422 invalid_body POST /v1/screenings application/json "$(body b11 "{$S,\"amount\":\"-5\"}")"
  check 422 invalid_body POST /v1/screenings application/json "$(body b12 "{$S,\"amount\":-5}")"
  check 422 invalid_body POST /v1/keys application/json "$(body b13 '{"name":"x","scopes":"read"}')"
  check 422 invalid_body POST /v1/keys application/json "$(body b14 '{"name":"x","scopes":["read"],"rate_limit":-1}')"
}

@test "non-UTF-8, NUL bytes, control characters and overlong strings" {
  check 400 invalid_json POST /v1/screenings application/json "$(body c1 "{$S,\"amount\":\"1\",\"reference\":\"\xff\xfe\"}")"
  check 400 invalid_json POST /v1/screenings application/json "$(body c2 "{$S,\"amount\":\"1\",\"reference\":\"a\\\\u0000b\"}")"
  check 400 invalid_json POST /v1/screenings application/json "$(body c3 "{$S,\"amount\":\"1\"}\x00")"
  check 422 invalid_body POST /v1/screenings application/json "$(body c4 "{$S,\"amount\":\"1\",\"reference\":\"$(printf 'r%.0s' $(seq 300))\"}")"
  check 422 invalid_body POST /v1/keys application/json "$(body c5 "{\"name\":\"$(printf 'n%.0s' $(seq 300))\",\"scopes\":[\"read\"]}")"
  # in imports, such rows are rejected one by one with their reason
  printf 'chain,address,category,entity,incident_id,source\neth,%s,scam,\xff\xfe,,x\neth,%s,scam,a\x01b,,x\n' "$A" "$A" \
    >"$BATS_TEST_TMPDIR/labels.csv"
  api POST /v1/labels -H 'Content-Type: text/csv' --data-binary @"$BATS_TEST_TMPDIR/labels.csv"
  expect_status 200
  [ "$(jq -r '.errors | map(.code) | join(",")' <<<"$body")" = invalid_text,invalid_text ]
}

@test "invalid addresses of every chain: bad checksums, wrong lengths, failing mixed case" {
  while read -r chain address why; do
    api GET "/v1/addresses/$chain/$address/risk"
    expect_problem 422 invalid_address || { echo "$chain $address ($why)" >&2; false; }
  done <<'CASES'
eth 0x098B716B8Aaf21512996dC57EB0615e2383E2f97 eip55-mixed-case-fails
eth 0x098b716b8aaf21512996dc57eb0615e2383e2f9 39-hex
eth 0x098b716b8aaf21512996dc57eb0615e2383e2f966 41-hex
eth 098b716b8aaf21512996dc57eb0615e2383e2f96 no-0x
eth 0xg98b716b8aaf21512996dc57eb0615e2383e2f96 not-hex
bsc 0x6953704E753c6fd70eb6b083313089e4fc258a20 eip55
arb 0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270 short
polygon 0xFE3F568D58919B14AFF72BD3F14E6F55BEC6C4E0X trailing
btc 15mC7zKbLyErSKzGRHpy6gyqS7GyRpWjEj base58check
btc 15mC7zKbLyErSKzGRHpy6gyqS7GyRpWjE short
btc bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx bech32-checksum
btc bc1QAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq bech32-mixed-case
btc tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx testnet
btc 0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl bad-base58-chars
ltc LQtFoidy5TmLrPP77MZzgMRffqPsmRfMXF base58check
trx TB3j1gUXaLXXq2bstiSMfjQ9R7Yh9DdDgL base58check
trx 15mC7zKbLyErSKzGRHpy6gyqS7GyRpWjEi btc-not-trx
xrp r3mZvvHVLPtRWAujzBsAoXqH11jhwQZvzZ checksum
xlm GBM3PJWNB5VKNOFXCDTTNXPMUNBMYTLAAPYDIIKLHUGMKX7ZGN2FNGFA crc16
xlm GBM3PJWNB5VKNOFXCDTTNXPMUNBMYTLAAPYDIIKLHUGMKX7ZGN2FNGF short
CASES
}

@test "unknown chains, path traversal, SQL in strings" {
  for chain in doge sol ETH 'eth%27%20OR%201=1'; do
    api GET "/v1/addresses/$chain/0x098b716b8aaf21512996dc57eb0615e2383e2f96/risk"
    expect_problem 404 unknown_chain
  done
  api GET "/v1/addresses/eth/..%2F..%2Fetc%2Fpasswd/risk"
  expect_problem 404 route_not_found
  api GET "/dashboard/..%2F..%2Fetc%2Fpasswd"
  expect_problem 404 route_not_found
  api GET "/dashboard/.env"
  expect_problem 404 route_not_found
  api GET "/v1/incidents/x'%3B%20DROP%20TABLE%20incidents%3B--"
  expect_problem 404 incident_not_found
  api GET "/v1/addresses/eth/0x'%20OR%20'1'='1/risk"
  expect_problem 422 invalid_address
  # SQL in free text is stored as text, nothing else
  ref="x'); DROP TABLE screenings; --"
  api POST /v1/screenings -H 'Content-Type: application/json' \
    --data-binary "$(jq -cn --arg r "$ref" --arg a "$A" '{chain:"eth",address:$a,amount:"1",asset:"ETH",direction:"deposit",reference:$r}')"
  expect_status 201
  api GET "/v1/screenings?reference=$(jq -rn --arg r "$ref" '$r|@uri')"
  [ "$(jq -r '.items[0].request.reference' <<<"$body")" = "$ref" ]
  [ "$(psql -qAt "$RISKD_PG/bad_input" -c 'SELECT count(*) > 0 FROM screenings')" = t ]
  [ "$(psql -qAt "$RISKD_PG/bad_input" -c 'SELECT count(*) FROM incidents')" = 25 ]
}

@test "duplicate query parameters, unsupported methods (405 with Allow), unsupported media types (415)" {
  api GET "/v1/scores?limit=1&limit=2"
  expect_problem 400 duplicate_parameter
  while read -r method path allow; do
    api "$method" "$path"
    expect_problem 405 method_not_allowed
    [ "$(header Allow)" = "$allow" ] || { echo "$method $path: Allow $(header Allow)" >&2; false; }
  done <<'CASES'
PUT /v1/screenings GET, HEAD, POST
DELETE /v1/incidents GET, HEAD
PATCH /v1/keys/rk_000000000000 DELETE
POST /v1/addresses/eth/0x098b716b8aaf21512996dc57eb0615e2383e2f96/risk GET, HEAD
OPTIONS /v1/scores GET, HEAD
CASES
  check 415 unsupported_media_type POST /v1/screenings text/xml "$(body x1 '<a/>')"
  check 415 unsupported_media_type POST /v1/flows application/xml "$(body x2 '<a/>')"
  check 415 unsupported_media_type POST /v1/labels application/pdf "$(body x3 '%%PDF')"
  check 415 unsupported_media_type POST /v1/risk/batch application/x-www-form-urlencoded "$(body x4 'a=b')"
}
