#!/usr/bin/env bats
# GET /v1/addresses/{chain}/{address}/risk: seeded addresses, hand-worked
# scores after imported flows, both models, the cache, and every error.

load helpers

# The Ronin Bridge exploiter: a hack label (incident 2022-03-ronin-bridge)
# and an OFAC SDN label (entity "OFAC SDN", category sanctions).
RONIN=0x098b716b8aaf21512996dc57eb0615e2383e2f96
RONIN_EIP55=0x098B716B8Aaf21512996dC57EB0615e2383E2f96

setup_file() {
  export PORT=$(suite_port 0)
  db_create risk
  riskd_start risk "$PORT"
  export A=$(eth_addr 0xa1) B=$(eth_addr 0xb1) C=$(eth_addr 0xc1)
  export E=$(eth_addr 0xe1) U=$(eth_addr 0xd1)
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

risk() {
  api GET "/v1/addresses/$1/$2/risk${3:+?model=$3}"
}

@test "the Ronin exploiter (seeded, EIP-55 form) is severe with both labels and sources" {
  risk eth "$RONIN_EIP55"
  expect_status 200
  [ "$(jq -r .address <<<"$body")" = "$RONIN" ]      # canonical: lower case
  [ "$(jq -r .known <<<"$body")" = true ]
  [ "$(jq -r .score <<<"$body")" = 100 ]
  [ "$(jq -r .level <<<"$body")" = severe ]
  [ "$(jq -r '.labels | map(.category) | sort | join(",")' <<<"$body")" = hack,sanctions ]
  [ "$(jq -r '.labels[] | select(.category == "hack") | .incident_id' <<<"$body")" = 2022-03-ronin-bridge ]
  jq -e '.labels | all(.source | length > 0)' <<<"$body"
  [ "$(jq -r .model.name <<<"$body")" = haircut ]
  [ "$(jq -r .model.version <<<"$body")" = 1 ]
  jq -e '.epoch >= 2 and (.computed_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))' <<<"$body"
}

@test "seeded addresses of every chain are known and severe" {
  for pair in btc:15mC7zKbLyErSKzGRHpy6gyqS7GyRpWjEi trx:TB3j1gUXaLXXq2bstiSMfjQ9R7Yh9DdDgK \
              ltc:LQtFoidy5TmLrPP77MZzgMRffqPsmRfMXE xrp:r3mZvvHVLPtRWAujzBsAoXqH11jhwQZvzY \
              xlm:GBM3PJWNB5VKNOFXCDTTNXPMUNBMYTLAAPYDIIKLHUGMKX7ZGN2FNGFU \
              bsc:0x6953704e753c6fd70eb6b083313089e4fc258a20 \
              polygon:0xfe3f568d58919b14aff72bd3f14e6f55bec6c4e0 \
              arb:0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c \
              btc:123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX; do
    risk "${pair%%:*}" "${pair#*:}"
    expect_status 200
    [ "$(jq -r '.known, .level' <<<"$body" | paste -sd,)" = true,severe ] || { echo "$pair: $body"; false; }
  done
}

@test "an address never seen: score 0, known false, low" {
  risk eth "$(eth_addr 0x5eed)"
  expect_status 200
  [ "$(jq -r '[.known, .score, .level, (.labels|length), (.categories|length)] | join(",")' <<<"$body")" = false,0,low,0,0 ]
}

# Hand-worked (SPEC 4, haircut), values in USD:
#   t1 RONIN -> A 100    A: b 100, t(hack) = t(sanctions) = 100
#   t2 C -> A 300        A: b 400, r 400
#   t3 A -> B 200        share = 100/400 = 0.25 for each key:
#                        B gets 50 hack + 50 sanctions of r = 200
# B: exposure 0.25 per category -> 100 * (1 - 0.75 * 0.75) = 43.75, medium.
# A: exposure 100/400 = 0.25 per category -> 43.75; holding after t3:
#    b = 400 - 200 = 200, t = 100 - 0.25 * 200 = 50 per key -> 0.25.
# Poison: A is 1 hop away (x = 1): 100, severe; B is 2 hops (x = 0.5 each):
#    100 * (1 - 0.5 * 0.5) = 75, high.
@test "import flows, then hand-worked haircut scores one and two hops downstream" {
  cat >"$BATS_TEST_TMPDIR/flows.csv" <<CSV
chain,tx_hash,idx,from,to,asset,amount,usd,time
eth,$(tx_hash 1),0,$RONIN_EIP55,$A,ETH,0.03,100,2022-04-01T00:00:00Z
eth,$(tx_hash 2),0,$C,$A,ETH,0.09,300,2022-04-02T00:00:00Z
eth,$(tx_hash 3),0,$A,$B,ETH,0.06,200,2022-04-03T00:00:00Z
CSV
  api POST /v1/flows -H 'Content-Type: text/csv' --data-binary @"$BATS_TEST_TMPDIR/flows.csv"
  expect_status 200
  [ "$(jq -r '[.inserted, .rejected, .changed] | join(",")' <<<"$body")" = 3,0,true ]
  epoch=$(jq -r .epoch <<<"$body")
  [ "$(jq -r .engine_epoch <<<"$body")" = "$epoch" ]

  risk eth "$B"
  expect_status 200
  [ "$(jq -r '[.score, .level, .epoch] | join(",")' <<<"$body")" = "43.75,medium,$epoch" ]
  [ "$(jq -r '.categories[] | select(.category == "hack") | [.exposure, .tainted_usd, .hops] | join(",")' <<<"$body")" = 0.25,50,2 ]
  [ "$(jq -r '.sources | map(.key) | sort | join(",")' <<<"$body")" = "2022-03-ronin-bridge,OFAC SDN" ]
  [ "$(jq -r '.sources[] | select(.key == "2022-03-ronin-bridge") | [.kind, .share, .tainted_usd, .hops] | join(",")' <<<"$body")" = incident,0.25,50,2 ]

  risk eth "$A"
  [ "$(jq -r '[.score, .level, .received_usd, .balance_usd] | join(",")' <<<"$body")" = 43.75,medium,400,200 ]
  [ "$(jq -r '.categories[] | select(.category == "sanctions") | [.exposure, .holding, .hops] | join(",")' <<<"$body")" = 0.25,0.25,1 ]
}

@test "poison model: whole exposure decayed by hops" {
  risk eth "$A" poison
  expect_status 200
  [ "$(jq -r '[.score, .level, .model.name] | join(",")' <<<"$body")" = 100,severe,poison ]
  risk eth "$B" poison
  [ "$(jq -r '[.score, .level] | join(",")' <<<"$body")" = 75,high ]
}

# An exchange is a barrier: stolen funds deposited at E come out clean of
# the hack, carrying only E's own key (category exchange, severity 0).
@test "an exchange passes no taint on" {
  printf 'chain,address,category,entity,incident_id,source\neth,%s,exchange,ExampleX,,test fixture\n' "$E" \
    >"$BATS_TEST_TMPDIR/labels.csv"
  api POST /v1/labels -H 'Content-Type: text/csv' --data-binary @"$BATS_TEST_TMPDIR/labels.csv"
  expect_status 200
  printf '%s\n' \
    "{\"chain\":\"eth\",\"tx_hash\":\"$(tx_hash 4)\",\"idx\":0,\"from\":\"$RONIN\",\"to\":\"$E\",\"asset\":\"ETH\",\"amount\":\"1\",\"usd\":\"1000\",\"time\":\"2022-04-04T00:00:00Z\"}" \
    "{\"chain\":\"eth\",\"tx_hash\":\"$(tx_hash 5)\",\"idx\":0,\"from\":\"$E\",\"to\":\"$U\",\"asset\":\"ETH\",\"amount\":\"1\",\"usd\":\"1000\",\"time\":\"2022-04-05T00:00:00Z\"}" \
    >"$BATS_TEST_TMPDIR/flows.ndjson"
  api POST /v1/flows -H 'Content-Type: application/x-ndjson' --data-binary @"$BATS_TEST_TMPDIR/flows.ndjson"
  expect_status 200
  risk eth "$U"
  [ "$(jq -r '[.score, .level] | join(",")' <<<"$body")" = 0,low ]
  [ "$(jq -r '.categories | map(.category) | join(",")' <<<"$body")" = exchange ]
  risk eth "$E"
  [ "$(jq -r '[.score, (.labels | length)] | join(",")' <<<"$body")" = 0,1 ]
}

@test "answers are cached per epoch: a repeat is served from Redis, an import starts afresh" {
  addr=$(eth_addr 0xcace)
  risk eth "$addr"
  [ "$(jq -r .cached <<<"$body")" = false ]
  first=$body
  risk eth "$addr"
  [ "$(jq -r .cached <<<"$body")" = true ]
  # the same document, computed_at included
  [ "$(jq -c 'del(.cached)' <<<"$body")" = "$(jq -c 'del(.cached)' <<<"$first")" ]
  printf '[{"chain":"eth","tx_hash":"%s","idx":0,"from":"%s","to":"%s","asset":"ETH","amount":"1","time":"2022-05-01T00:00:00Z"}]' \
    "$(tx_hash 6)" "$RONIN" "$addr" >"$BATS_TEST_TMPDIR/flow.json"
  api POST /v1/flows -H 'Content-Type: application/json' --data-binary @"$BATS_TEST_TMPDIR/flow.json"
  expect_status 200
  risk eth "$addr"
  [ "$(jq -r '[.cached, .level] | join(",")' <<<"$body")" = false,severe ]
  [ "$(jq -r .epoch <<<"$body")" -gt "$(jq -r .epoch <<<"$first")" ]
}

@test "an address failing its checksum is a 422 problem, per chain" {
  risk eth 0x098B716B8Aaf21512996dC57EB0615e2383E2f97         # EIP-55 fails
  expect_problem 422 invalid_address
  jq -e '.detail | test("EIP-55")' <<<"$body"
  risk btc 15mC7zKbLyErSKzGRHpy6gyqS7GyRpWjEj                 # base58check fails
  expect_problem 422 invalid_address
  risk btc bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx         # bech32 fails
  expect_problem 422 invalid_address
  risk trx TB3j1gUXaLXXq2bstiSMfjQ9R7Yh9DdDgL
  expect_problem 422 invalid_address
  risk eth 0x1234                                             # too short
  expect_problem 422 invalid_address
}

@test "an unknown chain is a 404 problem" {
  risk doge DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L
  expect_problem 404 unknown_chain
}

@test "an unknown model is a 400 problem" {
  risk eth "$RONIN" fifo
  expect_problem 400 invalid_parameter
}
