#!/usr/bin/env bats
# POST /v1/risk/batch (request order, per-entry errors, limits) and
# GET /v1/addresses/{chain}/{address}/trace (paths checked hop by hop).

load helpers

RONIN=0x098b716b8aaf21512996dc57eb0615e2383e2f96

# The graph, in USD; RONIN carries two keys (hack incident, OFAC SDN):
#   t0 B -> Q 5        before B holds anything: carries no taint
#   t1 RONIN -> A 100  t2 RONIN -> B 30
#   t3 A -> T 60       A holds 100 of each key: carries 60
#   t4 B -> T 30       carries 30
#   t5 T -> Z 10       later than every flow into T
#   t6 RONIN -> T 20   straight
# Widest paths into T, per key: RONIN -A-> T (min 100, 60 = 60),
# RONIN -B-> T (30), RONIN -> T (20).
setup_file() {
  export PORT=$(suite_port 0)
  export A=$(eth_addr 0xa1) B=$(eth_addr 0xb1) T=$(eth_addr 0x71) Q=$(eth_addr 0x91) Z=$(eth_addr 0x21)
  db_create batch_trace
  riskd_start batch_trace "$PORT"
  {
    echo chain,tx_hash,idx,from,to,asset,amount,usd,time
    echo "eth,$(tx_hash 10),0,$B,$Q,ETH,1,5,2022-04-01T00:00:00Z"
    echo "eth,$(tx_hash 11),0,$RONIN,$A,ETH,1,100,2022-04-01T01:00:00Z"
    echo "eth,$(tx_hash 12),0,$RONIN,$B,ETH,1,30,2022-04-01T02:00:00Z"
    echo "eth,$(tx_hash 13),0,$A,$T,ETH,1,60,2022-04-01T03:00:00Z"
    echo "eth,$(tx_hash 14),0,$B,$T,ETH,1,30,2022-04-01T04:00:00Z"
    echo "eth,$(tx_hash 15),0,$T,$Z,ETH,1,10,2022-04-01T05:00:00Z"
    echo "eth,$(tx_hash 16),0,$RONIN,$T,ETH,1,20,2022-04-01T06:00:00Z"
  } >"$BATS_FILE_TMPDIR/flows.csv"
  curl -sSf -H "Authorization: Bearer $RISKD_KEY" -H 'Content-Type: text/csv' \
    --data-binary @"$BATS_FILE_TMPDIR/flows.csv" "http://127.0.0.1:$PORT/v1/flows" >/dev/null
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

batch() {
  api POST /v1/risk/batch -H 'Content-Type: application/json' --data-binary "$1"
}

@test "batch: results in request order, an invalid entry gets its own error" {
  batch "{\"addresses\":[{\"chain\":\"eth\",\"address\":\"$T\"},{\"chain\":\"eth\",\"address\":\"0x1234\"},
    {\"chain\":\"eth\",\"address\":\"$RONIN\"},{\"chain\":\"doge\",\"address\":\"D1\"},
    {\"chain\":\"eth\",\"address\":\"$(eth_addr 0x5eed)\"},{\"address\":\"x\"}]}"
  expect_status 200
  [ "$(jq -r '.count' <<<"$body")" = 6 ]
  [ "$(jq -r '.results | map(.address // .error.code) | join(" ")' <<<"$body")" = \
    "$T invalid_address $RONIN unknown_chain $(eth_addr 0x5eed) invalid_body" ]
  [ "$(jq -r '.results[1].index' <<<"$body")" = 1 ]
  [ "$(jq -r '.results[2] | [.score, .level] | join(",")' <<<"$body")" = 100,severe ]
  [ "$(jq -r '.results[4].known' <<<"$body")" = false ]
  # one graph for the whole batch
  [ "$(jq -r '[.results[] | select(.epoch) | .epoch] | unique | length' <<<"$body")" = 1 ]
  [ "$(jq -r '.results[0].epoch' <<<"$body")" = "$(jq -r .epoch <<<"$body")" ]
}

@test "batch: the poison model, and the same scores as single answers" {
  batch "{\"model\":\"poison\",\"addresses\":[{\"chain\":\"eth\",\"address\":\"$T\"}]}"
  expect_status 200
  batch_score=$(jq -r '.results[0].score' <<<"$body")
  api GET "/v1/addresses/eth/$T/risk?model=poison"
  [ "$(jq -r .score <<<"$body")" = "$batch_score" ]
}

@test "batch: 1000 addresses are fine, 1001 are a 413, none a 422" {
  entries=$(for i in $(seq 1000); do printf '{"chain":"eth","address":"0x%040x"},' "$i"; done)
  batch "{\"addresses\":[${entries%,}]}"
  expect_status 200
  [ "$(jq -r .count <<<"$body")" = 1000 ]
  batch "{\"addresses\":[${entries}{\"chain\":\"eth\",\"address\":\"$T\"}]}"
  expect_problem 413 batch_too_large
  batch '{"addresses":[]}'
  expect_problem 422 invalid_body
  batch '{"addresses":[], "model":"fifo"}'
  expect_problem 422 invalid_body
  batch '{"entries":[]}'
  expect_problem 422 invalid_body
}

@test "trace: the widest paths first, checked hop by hop" {
  api GET "/v1/addresses/eth/$T/trace?max_paths=10"
  expect_status 200
  [ "$(jq -r '[.known, .keys_reaching, .keys_traced, .truncated] | join(",")' <<<"$body")" = true,2,2,false ]
  # three paths per key (hack incident, then OFAC SDN), widest first
  [ "$(jq -r '.paths | map("\(.key):\(.tainted_usd):\(.hop_count)") | join(" ")' <<<"$body")" = \
    "2022-03-ronin-bridge:60:2 OFAC SDN:60:2 2022-03-ronin-bridge:30:2 OFAC SDN:30:2 2022-03-ronin-bridge:20:1 OFAC SDN:20:1" ]
  p=$(jq -c '.paths[0]' <<<"$body")
  [ "$(jq -r '[.source, .category, .kind] | join(",")' <<<"$p")" = "$RONIN,hack,incident" ]
  [ "$(jq -r '.hops[0] | [.from, .to, .tx_hash, .time, .value, .tainted_usd] | join(",")' <<<"$p")" = \
    "$RONIN,$A,$(tx_hash 11),2022-04-01T01:00:00Z,100,100" ]
  [ "$(jq -r '.hops[1] | [.from, .to, .tx_hash, .time, .value, .tainted_usd] | join(",")' <<<"$p")" = \
    "$A,$T,$(tx_hash 13),2022-04-01T03:00:00Z,60,60" ]
  [ "$(jq -r '.paths[2].hops | map(.to) | join(",")' <<<"$body")" = "$B,$T" ]
}

@test "trace: a path never goes back in time, and chains from source to address" {
  api GET "/v1/addresses/eth/$T/trace?max_paths=20"
  jq -e '.paths | all(.hops | [.[].time] as $t | $t == ($t | sort) and ($t | unique | length) == length)' <<<"$body"
  jq -e --arg t "$T" '.paths | all(.hops[-1].to == $t and .hops[0].from == .source)' <<<"$body"
  jq -e '.paths | all([.hops[:-1][].to] == [.hops[1:][].from])' <<<"$body"
}

@test "trace: a flow before the sender was tainted gives no path; bounds are honoured" {
  api GET "/v1/addresses/eth/$Q/trace"
  [ "$(jq -r '[.keys_reaching, (.paths | length)] | join(",")' <<<"$body")" = 0,0 ]
  api GET "/v1/addresses/eth/$T/trace?max_depth=1"
  [ "$(jq -r '.paths | map(.hop_count) | unique | join(",")' <<<"$body")" = 1 ]
  api GET "/v1/addresses/eth/$T/trace?max_paths=1"
  [ "$(jq -r '.paths | length' <<<"$body")" = 1 ]
  api GET "/v1/addresses/eth/$(eth_addr 0x5eed)/trace"
  expect_status 200
  [ "$(jq -r '[.known, (.paths | length)] | join(",")' <<<"$body")" = false,0 ]
}

@test "trace: bad input gets the right problem" {
  api GET "/v1/addresses/eth/0x1234/trace"
  expect_problem 422 invalid_address
  api GET "/v1/addresses/doge/D1/trace"
  expect_problem 404 unknown_chain
  api GET "/v1/addresses/eth/$T/trace?max_paths=0"
  expect_problem 400 invalid_parameter
  api GET "/v1/addresses/eth/$T/trace?max_depth=11"
  expect_problem 400 invalid_parameter
  api GET "/v1/addresses/eth/$T/trace?depth=3"
  expect_problem 400 unknown_parameter
}
