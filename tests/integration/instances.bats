#!/usr/bin/env bats
# Two riskd instances sharing one PostgreSQL and one Redis: imports through
# one reach the other (LISTEN/NOTIFY) within a measured time, both answer
# the same epoch with the same scores, a key's rate limit is shared, and
# stopping one does not disturb the other.

load helpers

RONIN=0x098b716b8aaf21512996dc57eb0615e2383e2f96

setup_file() {
  export P1=$(suite_port 0) P2=$(suite_port 1)
  db_create instances
  riskd_start instances "$P1"
  riskd_start instances "$P2"
  export U1="http://127.0.0.1:$P1" U2="http://127.0.0.1:$P2"
}

teardown_file() {
  riskd_stop_all
}

epoch_of() {
  curl -s "$1/readyz" | jq -r .checks.engine.epoch
}

# doc URL PATH: an answer without what legitimately differs (when it was
# computed, whether from the cache).
doc() {
  curl -s -H "Authorization: Bearer $RISKD_KEY" "$1$2" | jq -cS 'del(.computed_at, .cached)'
}

# When an instance published a graph of epoch E, from its log, in ms.
built_ms() {
  local line
  line=$(grep '"msg":"graph built"' "$BATS_FILE_TMPDIR/riskd-instances-$1.log" \
         | grep "\"epoch\":$2," | head -n 1)
  date -d "$(jq -r .ts <<<"$line")" +%s%3N
}

@test "an import through one instance reaches the other within a measured time" {
  delays=()
  for round in 1 2 3 4 5; do
    printf 'chain,tx_hash,idx,from,to,asset,amount,usd,time\neth,%s,0,%s,%s,ETH,1,%d,2022-08-0%dT00:00:00Z\n' \
      "$(tx_hash $((700 + round)))" "$RONIN" "$(eth_addr $((0xb00 + round)))" "$((round * 10))" "$round" \
      >"$BATS_TEST_TMPDIR/f.csv"
    RISKD_URL=$U1 api POST /v1/flows -H 'Content-Type: text/csv' --data-binary @"$BATS_TEST_TMPDIR/f.csv"
    expect_status 200
    target=$(jq -r .engine_epoch <<<"$body")
    committed=$(date -d "$(psql -qAt "$RISKD_PG/instances" -c 'SELECT changed_at FROM graph_state')" +%s%3N)
    for _ in $(seq 300); do
      [ "$(epoch_of "$U2")" = "$target" ] && break
      sleep 0.01
    done
    [ "$(epoch_of "$U2")" = "$target" ]
    delays+=($(( $(built_ms "$P2" "$target") - committed )))
  done
  sorted=$(printf '%s\n' "${delays[@]}" | sort -n | xargs)
  echo "# commit -> second instance answering the new epoch, 5 imports (ms): $sorted" >&3
  [ "$(printf '%s\n' "${delays[@]}" | sort -n | tail -n 1)" -lt 2500 ]
}

@test "both instances answer with the same epoch and byte-identical scores" {
  [ "$(epoch_of "$U1")" = "$(epoch_of "$U2")" ]
  for i in 1 2 3 4 5; do
    a=$(eth_addr $((0xb00 + i)))
    for m in haircut poison; do
      [ "$(doc "$U1" "/v1/addresses/eth/$a/risk?model=$m")" = "$(doc "$U2" "/v1/addresses/eth/$a/risk?model=$m")" ]
    done
  done
  [ "$(doc "$U1" "/v1/scores?limit=1000")" = "$(doc "$U2" "/v1/scores?limit=1000")" ]
  [ "$(doc "$U1" "/v1/addresses/eth/$(eth_addr 0xb03)/trace")" = "$(doc "$U2" "/v1/addresses/eth/$(eth_addr 0xb03)/trace")" ]
}

@test "a key's rate limit is shared by both instances" {
  key=$(DATABASE_URL="$RISKD_PG/instances" "$RISKD_BIN" keys create --name shared --scopes read --rate-limit 4 2>/dev/null)
  RISKD_URL=$U1 api_as "$key" GET /v1/incidents
  RISKD_URL=$U2 api_as "$key" GET /v1/incidents
  RISKD_URL=$U1 api_as "$key" GET /v1/incidents
  RISKD_URL=$U2 api_as "$key" GET /v1/incidents
  expect_status 200
  RISKD_URL=$U1 api_as "$key" GET /v1/incidents
  expect_problem 429 rate_limited
  RISKD_URL=$U2 api_as "$key" GET /v1/incidents
  expect_problem 429 rate_limited
}

@test "stopping one instance does not disturb the other" {
  : >"$BATS_TEST_TMPDIR/codes"
  (for _ in $(seq 15); do
     curl -s -w '%{stderr}%{http_code}\n' -H "Authorization: Bearer $RISKD_KEY" \
       "$U2/v1/addresses/eth/0x00000000000000000000000000000000000b00[01-20]/risk" >/dev/null 2>>"$BATS_TEST_TMPDIR/codes"
   done) &
  load=$!
  sleep 0.3
  riskd_stop "$P1"
  wait "$load"
  echo "# while the first instance stopped: $(wc -l <"$BATS_TEST_TMPDIR/codes") answers from the second, $(sort -u "$BATS_TEST_TMPDIR/codes" | xargs)" >&3
  [ "$(sort -u "$BATS_TEST_TMPDIR/codes")" = 200 ]
  [ "$(wc -l <"$BATS_TEST_TMPDIR/codes")" = 300 ]
  # and it still takes imports, alone
  printf 'chain,tx_hash,idx,from,to,asset,amount,usd,time\neth,%s,0,%s,%s,ETH,1,5,2022-09-01T00:00:00Z\n' \
    "$(tx_hash 799)" "$RONIN" "$(eth_addr 0xbff)" >"$BATS_TEST_TMPDIR/g.csv"
  RISKD_URL=$U2 api POST /v1/flows -H 'Content-Type: text/csv' --data-binary @"$BATS_TEST_TMPDIR/g.csv"
  expect_status 200
}
