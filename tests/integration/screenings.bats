#!/usr/bin/env bats
# POST /v1/screenings and reading screenings back: decisions worked out by
# hand, the audit record, idempotent retries, restarts, the listing.

load helpers

RONIN=0x098b716b8aaf21512996dc57eb0615e2383e2f96

# The graph, in USD (RONIN carries a hack label and an OFAC label):
#   t1 RONIN -> A 100, t2 C -> A 300   A: b 400, t = 100 per key (hack,
#                                      sanctions); exposure 0.25 each:
#                                      score 100 * (1 - 0.75^2) = 43.75
#   t3 RONIN -> D 100                  D: b 100, t = 100 per key: score 100
setup_file() {
  export PORT=$(suite_port 0)
  export A=$(eth_addr 0xa1) C=$(eth_addr 0xc1) D=$(eth_addr 0xd1)
  db_create screenings
  riskd_start screenings "$PORT"
  cat >"$BATS_FILE_TMPDIR/flows.csv" <<CSV
chain,tx_hash,idx,from,to,asset,amount,usd,time
eth,$(tx_hash 1),0,$RONIN,$A,ETH,0.05,100,2022-04-01T00:00:00Z
eth,$(tx_hash 2),0,$C,$A,ETH,0.15,300,2022-04-02T00:00:00Z
eth,$(tx_hash 3),0,$RONIN,$D,ETH,0.05,100,2022-04-03T00:00:00Z
CSV
  curl -sSf -H "Authorization: Bearer $RISKD_KEY" -H 'Content-Type: text/csv' \
    --data-binary @"$BATS_FILE_TMPDIR/flows.csv" "http://127.0.0.1:$PORT/v1/flows" >/dev/null
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

# screen DIRECTION ADDRESS USD [REFERENCE] [extra curl args]
screen() {
  local req
  req=$(jq -cn --arg d "$1" --arg a "$2" --arg u "$3" --arg r "${4:-}" \
    '{chain: "eth", address: $a, amount: "1", usd: $u, asset: "ETH", direction: $d}
     + (if $r == "" then {} else {reference: $r} end)')
  shift 4 2>/dev/null || shift $#
  api POST /v1/screenings -H 'Content-Type: application/json' --data-binary "$req" "$@"
}

# A deposit of 40 from A carries t/max(b, v) = 100/400 = 0.25 of each key:
# weighted 1 - (1 - 0.25)(1 - 0.25) = 0.4375 >= 0.05 and < 0.5 -> review;
# score 43.75 < 50 adds no reason.
@test "a deposit from a partly tainted address is sent to review, with its share by category" {
  screen deposit "$A" 40 dep-a
  expect_status 201
  [ "$(jq -r '[.decision, .score, .level] | join(",")' <<<"$body")" = review,43.75,medium ]
  [ "$(jq -r '.reasons | map(.code) | join(",")' <<<"$body")" = tainted_share_review ]
  jq -e '.reasons[0].text | test("43.75% of this deposit")' <<<"$body"
  [ "$(jq -r '.deposit | [.value, .weighted_share] | join(",")' <<<"$body")" = 40,0.4375 ]
  [ "$(jq -r '.deposit.categories | map("\(.category):\(.share):\(.tainted_usd)") | join(" ")' <<<"$body")" \
    = "hack:0.25:10 sanctions:0.25:10" ]
  [ "$(jq -r '[.model.name, .request.reference, (.epoch > 2)] | join(",")' <<<"$body")" = haircut,dep-a,true ]
  [ "$(header Location)" = "/v1/screenings/$(jq -r .id <<<"$body")" ]
}

# D holds only stolen funds: share 1 per key -> weighted 1 >= 0.5: block;
# its score 100 >= 50 is a second reason.
@test "a deposit from a fully tainted address is blocked, with both reasons" {
  screen deposit "$D" 50 dep-d
  expect_status 201
  [ "$(jq -r '[.decision, .deposit.weighted_share] | join(",")' <<<"$body")" = block,1 ]
  [ "$(jq -r '.reasons | map(.code) | join(",")' <<<"$body")" = tainted_share_block,score_review ]
}

@test "a deposit from the sanctioned exploiter itself is blocked for its label, with its source" {
  screen deposit "$RONIN" 10 dep-ronin
  expect_status 201
  [ "$(jq -r '[.decision, .reasons[0].code] | join(",")' <<<"$body")" = block,labelled ]
  jq -e '.reasons[0].text | test("labelled (hack|sanctions).*source: ")' <<<"$body"
  [ "$(jq -r '.risk.labels | length' <<<"$body")" = 2 ]
}

@test "a deposit from a clean address is allowed" {
  screen deposit "$C" 10 dep-c
  expect_status 201
  [ "$(jq -r '[.decision, .reasons[0].code, .deposit.weighted_share] | join(",")' <<<"$body")" = allow,below_thresholds,0 ]
}

# A withdrawal sends our funds: the destination's holdings do not count,
# its labels and score do. A (43.75): allow; D (100): review; RONIN: block.
@test "withdrawals are decided on the destination's labels and score" {
  screen withdrawal "$A" 40 wd-a
  [ "$(jq -r '[.decision, .deposit] | join(",")' <<<"$body")" = allow, ]
  screen withdrawal "$D" 40 wd-d
  [ "$(jq -r .decision <<<"$body")" = review ]
  screen withdrawal "$RONIN" 40 wd-ronin
  [ "$(jq -r .decision <<<"$body")" = block ]
}

@test "a screening reads back by id exactly as it was answered" {
  screen deposit "$D" 75 readback
  first=$body
  id=$(jq -r .id <<<"$body")
  api GET "/v1/screenings/$id"
  expect_status 200
  [ "$body" = "$first" ]
}

@test "a retry with the same Idempotency-Key returns the first answer, not a second record" {
  screen deposit "$A" 40 idem-1 -H 'Idempotency-Key: retry-42'
  expect_status 201
  first=$body
  screen deposit "$A" 40 idem-1 -H 'Idempotency-Key: retry-42'
  expect_status 201
  [ "$body" = "$first" ]
  [ "$(header Idempotent-Replayed)" = true ]
  api GET "/v1/screenings?reference=idem-1"
  [ "$(jq '.items | length' <<<"$body")" = 1 ]
  # the same key for another request is refused
  screen deposit "$A" 41 idem-1 -H 'Idempotency-Key: retry-42'
  expect_problem 422 idempotency_key_reused
}

@test "a screening survives a restart of riskd" {
  screen deposit "$D" 60 restart
  id=$(jq -r .id <<<"$body")
  first=$body
  riskd_stop "$PORT"
  riskd_start screenings "$PORT"
  api GET "/v1/screenings/$id"
  expect_status 200
  [ "$body" = "$first" ]
}

@test "the listing filters by address, reference, decision and time, newest first" {
  api GET "/v1/screenings?chain=eth&address=$D"
  expect_status 200
  jq -e '.items | length >= 4 and all(.request.address == env.D)' <<<"$body"
  api GET "/v1/screenings?decision=block"
  jq -e '.items | length >= 3 and all(.decision == "block")' <<<"$body"
  api GET "/v1/screenings?reference=dep-c"
  [ "$(jq -r '.items | map(.decision) | join(",")' <<<"$body")" = allow ]
  api GET "/v1/screenings?since=2099-01-01T00:00:00Z"
  [ "$(jq '.items | length' <<<"$body")" = 0 ]
  api GET "/v1/screenings?limit=500"
  jq -e '[.items[].created_at] as $t | $t == ($t | sort | reverse)' <<<"$body"
}

@test "the cursor walks every screening once, page after page" {
  for i in 1 2 3 4 5; do screen deposit "$C" "$i" page-walk; done
  api GET "/v1/screenings?limit=500"
  all=$(jq -r '.items[].id' <<<"$body")
  seen=() cursor=
  for _ in $(seq 50); do
    api GET "/v1/screenings?limit=2${cursor:+&cursor=$cursor}"
    expect_status 200
    [ "$(jq '.items | length' <<<"$body")" -le 2 ]
    seen+=($(jq -r '.items[].id' <<<"$body"))
    cursor=$(jq -r '.next_cursor // empty' <<<"$body")
    [ -n "$cursor" ] || break
  done
  [ "$(printf '%s\n' "${seen[@]}")" = "$all" ]
}

@test "thresholds are configuration: with block_share 0.4, A's 0.4375 blocks" {
  echo '{"screening": {"block_share": 0.4}}' >"$BATS_TEST_TMPDIR/severities.json"
  riskd_start screenings $((PORT + 100)) --severities "$BATS_TEST_TMPDIR/severities.json"
  RISKD_URL="http://127.0.0.1:$((PORT + 100))"
  screen deposit "$A" 40 strict
  [ "$(jq -r '[.decision, .thresholds.block_share] | join(",")' <<<"$body")" = block,0.4 ]
  riskd_stop $((PORT + 100))
}

@test "screenings are never changed nor removed: the database refuses it" {
  run psql -qAt "$RISKD_PG/screenings" -c "UPDATE screenings SET decision = 'allow'"
  [ "$status" -ne 0 ]
  [[ "$output" == *"never updated nor deleted"* ]]
  run psql -qAt "$RISKD_PG/screenings" -c "DELETE FROM screenings"
  [ "$status" -ne 0 ]
  run psql -qAt "$RISKD_PG/screenings" -c "TRUNCATE screenings"
  [ "$status" -ne 0 ]
  api DELETE /v1/screenings/00000000-0000-4000-8000-000000000000
  expect_problem 405 method_not_allowed
}

@test "bad screening requests get the right problem" {
  api POST /v1/screenings -H 'Content-Type: application/json' --data-binary '{"chain":"eth"'
  expect_problem 400 invalid_json
  api POST /v1/screenings -H 'Content-Type: text/plain' --data-binary '{}'
  expect_problem 415 unsupported_media_type
  for case in \
    '{"chain":"eth","address":"'$A'","asset":"ETH","direction":"deposit"}|amount' \
    '{"chain":"eth","address":"'$A'","amount":"-1","asset":"ETH","direction":"deposit"}|amount' \
    '{"chain":"eth","address":"'$A'","amount":"0","asset":"ETH","direction":"deposit"}|amount' \
    '{"chain":"eth","address":"'$A'","amount":1.5,"asset":"ETH","direction":"deposit"}|amount' \
    '{"chain":"eth","address":"'$A'","amount":"1","asset":"ETH","direction":"sideways"}|direction' \
    '{"chain":"eth","address":"'$A'","amount":"1","asset":"ETH","direction":"deposit","memo":"x"}|memo' \
    '{"chain":"eth","address":"'$A'","amount":"1","asset":"E T H","direction":"deposit"}|asset' \
    '[1,2]|'; do
    api POST /v1/screenings -H 'Content-Type: application/json' --data-binary "${case%|*}"
    expect_problem 422 invalid_body
    [ "$(jq -r '.field // ""' <<<"$body")" = "${case#*|}" ] || { echo "$case: $body"; false; }
  done
  screen deposit 0x098B716B8Aaf21512996dC57EB0615e2383E2f97 1 bad
  expect_problem 422 invalid_address
  api POST /v1/screenings -H 'Content-Type: application/json' \
    --data-binary '{"chain":"doge","address":"x","amount":"1","asset":"DOGE","direction":"deposit"}'
  expect_problem 404 unknown_chain
  api GET /v1/screenings/00000000-0000-4000-8000-000000000000
  expect_problem 404 screening_not_found
  api GET "/v1/screenings/not-a-uuid"
  expect_problem 404 screening_not_found
  api GET "/v1/screenings?cursor=abc"
  expect_problem 400 invalid_parameter
  api GET "/v1/screenings?address=$A"
  expect_problem 400 invalid_parameter
  api GET "/v1/screenings?decision=maybe"
  expect_problem 400 invalid_parameter
  api GET "/v1/screenings?limit=0"
  expect_problem 400 invalid_parameter
}
