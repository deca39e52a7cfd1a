#!/usr/bin/env bats
# What dashboards poll: the riskiest addresses (order, filters, a cursor
# that stays stable while data arrives), the changes feed, conditional
# GETs, /v1/stats and /metrics (checked by promtool).

load helpers

RONIN=0x098b716b8aaf21512996dc57eb0615e2383e2f96

flows() {   # flows FILE: posts a CSV of flows, fails unless all are stored
  api POST /v1/flows -H 'Content-Type: text/csv' --data-binary @"$1"
  expect_status 200
  [ "$(jq -r .rejected <<<"$body")" = 0 ]
}

# Setup, in USD: t1 RONIN -> A 100, t2 C -> A 300: A's exposure is 0.25
# to each of RONIN's keys (hack, sanctions): 100 * (1 - 0.75^2) = 43.75.
setup_file() {
  export PORT=$(suite_port 0)
  export A=$(eth_addr 0xa1) C=$(eth_addr 0xc1) X=$(eth_addr 0xe1)
  db_create dashboards
  riskd_start dashboards "$PORT"
  printf 'chain,tx_hash,idx,from,to,asset,amount,usd,time\neth,%s,0,%s,%s,ETH,1,100,2022-04-01T00:00:00Z\neth,%s,0,%s,%s,ETH,1,300,2022-04-02T00:00:00Z\n' \
    "$(tx_hash 1)" "$RONIN" "$A" "$(tx_hash 2)" "$C" "$A" >"$BATS_FILE_TMPDIR/setup.csv"
  curl -sSf -H "Authorization: Bearer $RISKD_KEY" -H 'Content-Type: text/csv' \
    --data-binary @"$BATS_FILE_TMPDIR/setup.csv" "http://127.0.0.1:$PORT/v1/flows" >/dev/null
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

@test "the ranking is riskiest first, ties by chain then address, and filters apply" {
  api GET "/v1/scores?limit=1000"
  expect_status 200
  # the 708 seeded addresses (severe) and A (medium)
  [ "$(jq -r '[.ranked, (.items | length), .levels.severe, .levels.medium] | join(",")' <<<"$body")" = 709,709,708,1 ]
  # chains tie-break in riskd's chain order (btc, eth, trx, bsc, arb, polygon, ltc, xrp, xlm)
  jq -e '{"btc":0,"eth":1,"trx":2,"bsc":3,"arb":4,"polygon":5,"ltc":6,"xrp":7,"xlm":8} as $c
         | [.items[] | [-.score, $c[.chain], .address]] as $k | $k == ($k | sort)' <<<"$body"
  [ "$(jq -r '.items[-1] | [.address, .score, .level, (.categories | join("+"))] | join(",")' <<<"$body")" \
    = "$A,43.75,medium,hack+sanctions" ]
  api GET "/v1/scores?level=medium"
  [ "$(jq -r '.items | map(.address) | join(",")' <<<"$body")" = "$A" ]
  api GET "/v1/scores?chain=trx&limit=1000"
  jq -e '.items | length == 24 and all(.chain == "trx")' <<<"$body"
  api GET "/v1/scores?category=hack&limit=1000"
  jq -e '.items | length == 104 and all(.categories | index("hack"))' <<<"$body"
  api GET "/v1/scores?min_score=50&chain=eth&limit=1000"
  jq -e '.items | all(.score >= 50)' <<<"$body"
}

@test "bad ranking parameters are 400 problems" {
  for q in level=extreme category=laundry chain=doge min_score=101 limit=0 limit=1001 cursor=abc; do
    api GET "/v1/scores?$q"
    expect_problem 400 invalid_parameter
  done
  api GET "/v1/scores?cursor=1.0"
  expect_problem 410 cursor_expired
}

@test "the cursor walks one epoch's ranking whole, while an import happens" {
  api GET "/v1/scores?limit=1000&chain=eth"
  whole=$(jq -r '.items[].address' <<<"$body")
  epoch=$(jq -r .epoch <<<"$body")
  api GET "/v1/scores?limit=40&chain=eth"
  pages=$(jq -r '.items[].address' <<<"$body")
  cursor=$(jq -r .next_cursor <<<"$body")
  # new data arrives: a new severe address that would rank in the middle
  printf 'chain,tx_hash,idx,from,to,asset,amount,usd,time\neth,%s,0,%s,%s,ETH,1,10,2022-05-01T00:00:00Z\n' \
    "$(tx_hash 50)" "$RONIN" "$(eth_addr 0x777)" >"$BATS_TEST_TMPDIR/new.csv"
  flows "$BATS_TEST_TMPDIR/new.csv"
  while [ "$cursor" != null ]; do
    api GET "/v1/scores?limit=40&chain=eth&cursor=$cursor"
    expect_status 200
    [ "$(jq -r .epoch <<<"$body")" = "$epoch" ]
    pages+=$'\n'$(jq -r '.items[].address' <<<"$body")
    cursor=$(jq -r .next_cursor <<<"$body")
  done
  [ "$pages" = "$whole" ]
  [ "$(sort <<<"$pages" | uniq -d | wc -l)" = 0 ]
  api GET "/v1/scores?limit=1000&chain=eth"
  [ "$(jq -r .epoch <<<"$body")" -gt "$epoch" ]
  jq -e --arg a "$(eth_addr 0x777)" '.items | map(.address) | index($a)' <<<"$body"
}

# From epoch E: t3 RONIN -> X 50: X is new, fully exposed: 0/low -> 100/severe.
# t4 C -> A 400: r(A) = 800, exposure 100/800 = 0.125 per key:
# 100 * (1 - 0.875^2) = 23.4375 -> 23.44, still medium. Nothing else moves.
@test "the changes feed lists exactly what moved since an epoch, with old and new values" {
  api GET /readyz
  since=$(jq -r .checks.engine.epoch <<<"$body")
  printf 'chain,tx_hash,idx,from,to,asset,amount,usd,time\neth,%s,0,%s,%s,ETH,1,50,2022-06-01T00:00:00Z\neth,%s,0,%s,%s,ETH,1,400,2022-06-02T00:00:00Z\n' \
    "$(tx_hash 60)" "$RONIN" "$X" "$(tx_hash 61)" "$C" "$A" >"$BATS_TEST_TMPDIR/more.csv"
  flows "$BATS_TEST_TMPDIR/more.csv"
  now=$(jq -r .epoch <<<"$body")
  api GET "/v1/scores/changes?since=$since"
  expect_status 200
  [ "$(jq -r '[.since, .exact_since, .epoch, .count, .truncated] | join(",")' <<<"$body")" = "$since,$since,$now,2,false" ]
  [ "$(jq -r '.changes | map("\(.address):\(.old_score):\(.old_level):\(.new_score):\(.new_level)") | join(" ")' <<<"$body")" \
    = "$X:0:low:100:severe $A:43.75:medium:23.44:medium" ]
  api GET "/v1/scores/changes?since=$now"
  [ "$(jq -r '[.count, (.changes | length)] | join(",")' <<<"$body")" = 0,0 ]
  api GET "/v1/scores/changes?since=0"
  expect_problem 410 epoch_too_old
  api GET "/v1/scores/changes"
  expect_problem 400 invalid_parameter
  api GET "/v1/scores/changes?since=-1"
  expect_problem 400 invalid_parameter
}

@test "every polled route answers 304 to its own ETag, and a new one after an import" {
  routes=("/v1/addresses/eth/$A/risk" "/v1/scores" "/v1/scores/changes?since=2" "/v1/incidents"
          "/v1/incidents/2022-03-ronin-bridge" "/v1/stats")
  declare -A tags
  for r in "${routes[@]}"; do
    api GET "$r"
    [ "$code" = 200 ] || [ "$r" = "/v1/scores/changes?since=2" ]
    tag=$(header ETag)
    [ -n "$tag" ]
    [ "$(header Cache-Control)" = "private, no-cache" ]
    api GET "$r" -H "If-None-Match: $tag"
    expect_status 304
    [ -z "$body" ]
    [ "$(header ETag)" = "$tag" ]
    api GET "$r" -H 'If-None-Match: "something-else"'
    [ "$code" != 304 ]
    tags[$r]=$tag
  done
  printf 'chain,tx_hash,idx,from,to,asset,amount,usd,time\neth,%s,0,%s,%s,ETH,1,5,2022-07-01T00:00:00Z\n' \
    "$(tx_hash 70)" "$RONIN" "$A" >"$BATS_TEST_TMPDIR/again.csv"
  flows "$BATS_TEST_TMPDIR/again.csv"
  for r in "/v1/addresses/eth/$A/risk" "/v1/scores" "/v1/stats"; do
    api GET "$r" -H "If-None-Match: ${tags[$r]}"
    expect_status 200
    [ "$(header ETag)" != "${tags[$r]}" ]
  done
}

@test "stats count what riskd holds" {
  api POST /v1/screenings -H 'Content-Type: application/json' \
    --data-binary "{\"chain\":\"eth\",\"address\":\"$RONIN\",\"amount\":\"1\",\"asset\":\"ETH\",\"direction\":\"deposit\"}"
  api POST /v1/screenings -H 'Content-Type: application/json' \
    --data-binary "{\"chain\":\"eth\",\"address\":\"$C\",\"amount\":\"1\",\"asset\":\"ETH\",\"direction\":\"deposit\"}"
  api GET /v1/stats
  expect_status 200
  api_epoch=$(jq -r .epoch <<<"$body")
  [ "$(jq -r '[.incidents, .un_reports, .labels, .flows, .screenings.total, .screenings.block, .screenings.allow] | join(",")' <<<"$body")" \
    = 25,8,726,6,2,1,1 ]
  [ "$(jq -r '.levels | .severe + .high + .medium + .low' <<<"$body")" = "$(jq -r .addresses <<<"$body")" ]
  jq -e '.last_import_at | test("^20")' <<<"$body"
  api GET /readyz
  [ "$(jq -r .checks.engine.epoch <<<"$body")" = "$api_epoch" ]
}

@test "/metrics is valid Prometheus text (promtool) and counts what happened" {
  for i in 1 2 3; do api GET "/v1/addresses/eth/$A/risk"; done
  api GET /v1/nothing
  api_as "" GET /metrics
  expect_status 200
  [[ "$ctype" == text/plain* ]]
  promtool check metrics <<<"$body"
  grep -q '^riskd_http_requests_total{route="GET /v1/addresses/{chain}/{address}/risk",status="200"} [0-9]' <<<"$body"
  grep -q '^riskd_http_requests_total{route="none",status="404"} [1-9]' <<<"$body"
  grep -q '^riskd_http_request_duration_seconds_bucket{route="GET /v1/scores",le="+Inf"} [1-9]' <<<"$body"
  [ "$(awk '/^riskd_hot_cache_hits_total/ {print ($2 >= 2)}' <<<"$body")" = 1 ]
  grep -q '^riskd_import_rows_total{kind="flows",result="inserted"} [1-9]' <<<"$body"
  for m in riskd_job_queue_depth riskd_job_threads_busy riskd_engine_rebuild_seconds \
           riskd_engine_builds_total riskd_cache_misses_total riskd_requests_in_flight; do
    grep -q "^$m " <<<"$body"
  done
  metrics_epoch=$(awk '/^riskd_graph_epoch/ {print $2}' <<<"$body")
  api GET /readyz
  [ "$metrics_epoch" = "$(jq -r .checks.engine.epoch <<<"$body")" ]
}
