#!/usr/bin/env bats
# Faults: Redis and PostgreSQL going away under load, and SIGTERM during an
# import and during screenings. This suite runs its own PostgreSQL and
# Redis (it stops them on purpose), seeded like the shared template.

load helpers

RONIN=0x098b716b8aaf21512996dc57eb0615e2383e2f96

setup_file() {
  # under the project's .run/: the postgres user must be able to reach it
  export PGP=$(suite_port 8)
  export SVC="$BATS_TEST_DIRNAME/../../.run/faults-$PGP"
  rm -rf "$SVC"
  export RDP=$(suite_port 9)
  "$BATS_TEST_DIRNAME/../../scripts/services.sh" start "$SVC" "$PGP" "$RDP" >/dev/null
  export OWN_PG="postgresql://riskd@127.0.0.1:$PGP" OWN_REDIS="redis://127.0.0.1:$RDP/0"
  psql "$OWN_PG/postgres" -qc "CREATE DATABASE faults TEMPLATE template0" >/dev/null
  DATABASE_URL="$OWN_PG/faults" "$RISKD_BIN" migrate >/dev/null 2>&1
  DATABASE_URL="$OWN_PG/faults" "$RISKD_BIN" seed >/dev/null 2>&1
  export KEY=$(DATABASE_URL="$OWN_PG/faults" "$RISKD_BIN" keys create --name faults \
                 --scopes read,screen,ingest --rate-limit 100000000 2>/dev/null)
}

teardown_file() {
  riskd_stop_all
  "$BATS_TEST_DIRNAME/../../scripts/services.sh" stop "$SVC" "$PGP" "$RDP"
}

# start PORT: riskd on this suite's own servers.
start() {
  RISKD_PG="$OWN_PG" RISKD_KEY="$KEY" riskd_start faults "$1" --redis-url "$OWN_REDIS" \
    --database-url "$OWN_PG/faults"
}

pg() { psql -qAt "$OWN_PG/faults" -c "$1"; }
pg_stop() { "$BATS_TEST_DIRNAME/../../scripts/services.sh" stop "$SVC" "$PGP" 1 >/dev/null; }
pg_start() { "$BATS_TEST_DIRNAME/../../scripts/services.sh" start "$SVC" "$PGP" "$RDP" >/dev/null; }

# load_risk FILE SECONDS: risk requests in a loop, one status per line,
# twenty per curl (one connection) so the load does not hang on process
# start-up on a busy machine.
load_risk() {
  local end=$((SECONDS + $2))
  while [ $SECONDS -lt $end ]; do
    curl -s -w '%{stderr}%{http_code}\n' -H "Authorization: Bearer $KEY" \
      "$RISKD_URL/v1/addresses/eth/0x00000000000000000000000000000000000f00[00-19]/risk" \
      >/dev/null 2>>"$1"
  done
}

@test "Redis goes away: answers keep coming from the engine, /readyz says degraded, riskd reconnects" {
  start $(suite_port 1)
  RISKD_URL="http://127.0.0.1:$(suite_port 1)"
  : >"$BATS_TEST_TMPDIR/before"; : >"$BATS_TEST_TMPDIR/during"; : >"$BATS_TEST_TMPDIR/after"
  load_risk "$BATS_TEST_TMPDIR/before" 2
  redis-cli -p "$RDP" shutdown nosave >/dev/null 2>&1 || true
  load_risk "$BATS_TEST_TMPDIR/during" 3
  api_as "" GET /readyz
  [ "$(jq -r '[.status, .checks.redis, .checks.postgres] | join(",")' <<<"$body")" = degraded,unreachable,ok ] \
    || { echo "readyz with Redis down: $code $body" >&2; return 1; }
  pg_start                                          # starts Redis again (PostgreSQL is up)
  load_risk "$BATS_TEST_TMPDIR/after" 3
  during=$(wc -l <"$BATS_TEST_TMPDIR/during")
  echo "# before: $(wc -l <"$BATS_TEST_TMPDIR/before") in 2 s; after: $(wc -l <"$BATS_TEST_TMPDIR/after") in 3 s" >&3
  echo "# Redis down 3 s: $during risk answers served meanwhile, statuses: $(sort "$BATS_TEST_TMPDIR/during" | uniq -c | xargs)" >&3
  [ "$during" -ge 20 ]
  [ "$(cat "$BATS_TEST_TMPDIR"/{before,during,after} | sort -u)" = 200 ]
  # back: cached again, and ready
  for _ in $(seq 30); do
    RISKD_KEY=$KEY api GET "/v1/addresses/eth/$(eth_addr 0xf001)/risk"
    [ "$(jq -r .cached <<<"$body")" = true ] && break
    sleep 0.2
  done
  [ "$(jq -r .cached <<<"$body")" = true ]
  # riskd retries Redis a second after a failure: ready again soon after
  for _ in $(seq 50); do
    api_as "" GET /readyz
    [ "$(jq -r .status <<<"$body")" = ready ] && break
    sleep 0.1
  done
  [ "$(jq -r .status <<<"$body")" = ready ]
  grep -q '"redis unreachable"' "$BATS_FILE_TMPDIR"/riskd-faults-$(suite_port 1).log
  grep -q '"redis reachable"' "$BATS_FILE_TMPDIR"/riskd-faults-$(suite_port 1).log
}

@test "PostgreSQL goes away: reads answered, writes 503 with Retry-After, nothing acknowledged lost" {
  RISKD_URL="http://127.0.0.1:$(suite_port 1)"
  export RISKD_KEY=$KEY
  # acknowledged before the outage: flows and screenings
  ok_flows=0 ok_screenings=0
  for i in $(seq 20); do
    printf 'chain,tx_hash,idx,from,to,asset,amount,usd,time\neth,%s,0,%s,%s,ETH,1,10,2022-01-01T00:00:%02dZ\n' \
      "$(tx_hash $((9000 + i)))" "$RONIN" "$(eth_addr $((0xf000 + i)))" "$i" >"$BATS_TEST_TMPDIR/f.csv"
    api POST "/v1/flows?wait=false" -H 'Content-Type: text/csv' --data-binary @"$BATS_TEST_TMPDIR/f.csv"
    [ "$code" = 200 ] && ok_flows=$((ok_flows + 1))
    api POST /v1/screenings -H 'Content-Type: application/json' \
      --data-binary "{\"chain\":\"eth\",\"address\":\"$(eth_addr $((0xf000 + i)))\",\"amount\":\"1\",\"asset\":\"ETH\",\"direction\":\"deposit\",\"reference\":\"before-$i\"}"
    [ "$code" = 201 ] && ok_screenings=$((ok_screenings + 1))
  done
  [ "$ok_flows" = 20 ] && [ "$ok_screenings" = 20 ]
  flows_before=$(pg "SELECT count(*) FROM flows") screenings_before=$(pg "SELECT count(*) FROM screenings")
  pg_stop
  reads=0 statuses=
  for i in $(seq 30); do
    api GET "/v1/addresses/eth/$(eth_addr $((0xf000 + i % 20)))/risk"
    [ "$code" = 200 ] && reads=$((reads + 1))
    [ "$code" = 200 ] || statuses+=" $code:$(jq -r .code <<<"$body")"
  done
  api GET /v1/scores
  expect_status 200
  api POST /v1/flows -H 'Content-Type: text/csv' --data-binary @"$BATS_TEST_TMPDIR/f.csv"
  expect_problem 503 database_unavailable
  [ "$(header Retry-After)" -ge 1 ]
  api POST /v1/screenings -H 'Content-Type: application/json' \
    --data-binary "{\"chain\":\"eth\",\"address\":\"$RONIN\",\"amount\":\"1\",\"asset\":\"ETH\",\"direction\":\"deposit\"}"
  expect_problem 503 database_unavailable
  [ "$(header Retry-After)" -ge 1 ]
  api_as "" GET /readyz
  [ "$(jq -r '[.status, .checks.postgres] | join(",")' <<<"$body")" = degraded,unreachable ]
  echo "# PostgreSQL down: $reads of 30 risk reads answered; writes refused with 503" >&3
  [ "$reads" = 30 ] || { echo "reads not answered:$statuses" >&2; return 1; }
  pg_start
  # back, without restarting riskd
  for _ in $(seq 50); do
    api POST /v1/screenings -H 'Content-Type: application/json' \
      --data-binary "{\"chain\":\"eth\",\"address\":\"$RONIN\",\"amount\":\"1\",\"asset\":\"ETH\",\"direction\":\"deposit\",\"reference\":\"after\"}"
    [ "$code" = 201 ] && break
    sleep 0.2
  done
  expect_status 201
  printf 'chain,tx_hash,idx,from,to,asset,amount,usd,time\neth,%s,0,%s,%s,ETH,1,10,2022-02-01T00:00:00Z\n' \
    "$(tx_hash 9999)" "$RONIN" "$(eth_addr 0xf0ff)" >"$BATS_TEST_TMPDIR/g.csv"
  api POST /v1/flows -H 'Content-Type: text/csv' --data-binary @"$BATS_TEST_TMPDIR/g.csv"
  expect_status 200
  [ "$(pg "SELECT count(*) FROM flows")" = $((flows_before + 1)) ]
  [ "$(pg "SELECT count(*) FROM screenings")" = $((screenings_before + 1)) ]
  [ "$(pg "SELECT count(*) FROM screenings WHERE reference LIKE 'before-%'")" = 20 ]
  echo "# rows before/after the outage: flows $flows_before/$(pg 'SELECT count(*) FROM flows'), screenings $screenings_before/$(pg 'SELECT count(*) FROM screenings')" >&3
}

@test "SIGTERM during an import and screenings: acknowledged rows all there, exit 0 in bounded time" {
  port=$(suite_port 2)
  start "$port"
  RISKD_URL="http://127.0.0.1:$port"
  export RISKD_KEY=$KEY
  awk -v r="$RONIN" 'BEGIN { print "chain,tx_hash,idx,from,to,asset,amount,usd,time";
    for (i = 0; i < 200000; i++) printf "eth,0x%064x,0,%s,0x%040x,ETH,1,1,2023-01-01T00:00:00Z\n", 5000000 + i, r, 61440 + i % 1000 }' \
    >"$BATS_TEST_TMPDIR/big.csv"
  flows_before=$(pg "SELECT count(*) FROM flows")
  # a slow upload (about 4 s) and screenings in a loop, then SIGTERM
  curl -s -o "$BATS_TEST_TMPDIR/import.out" -w '%{http_code}' --limit-rate 4M \
    -H "Authorization: Bearer $KEY" -H 'Content-Type: text/csv' -T "$BATS_TEST_TMPDIR/big.csv" \
    -X POST "$RISKD_URL/v1/flows" >"$BATS_TEST_TMPDIR/import.code" 2>/dev/null &
  import_pid=$!
  (for i in $(seq 400); do
     curl -s -w ' %{http_code}\n' -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
       --data-binary "{\"chain\":\"eth\",\"address\":\"$RONIN\",\"amount\":\"1\",\"asset\":\"ETH\",\"direction\":\"deposit\",\"reference\":\"term-$i\"}" \
       "$RISKD_URL/v1/screenings" || echo "- 000"
   done) >"$BATS_TEST_TMPDIR/screenings.out" 2>/dev/null &
  loop_pid=$!
  sleep 1.5
  t0=$SECONDS
  riskd_stop "$port"
  stop_seconds=$((SECONDS - t0))
  wait "$import_pid" || true
  kill "$loop_pid" 2>/dev/null || true
  wait "$loop_pid" 2>/dev/null || true
  [ "$stop_seconds" -le 25 ]
  # every screening answered 201 is recorded
  acked=$(grep -c ' 201$' "$BATS_TEST_TMPDIR/screenings.out" || true)
  ids=$(grep ' 201$' "$BATS_TEST_TMPDIR/screenings.out" | sed 's/ 201$//' | jq -r .id | sort)
  stored=$(pg "SELECT id FROM screenings WHERE reference LIKE 'term-%' ORDER BY id" | sort)
  [ "$(comm -23 <(echo "$ids") <(echo "$stored") | grep -c . || true)" = 0 ]
  # the import: all of it if it was acknowledged, none of it otherwise
  flows_after=$(pg "SELECT count(*) FROM flows")
  if [ "$(cat "$BATS_TEST_TMPDIR/import.code")" = 200 ]; then
    [ "$((flows_after - flows_before))" = 200000 ]
  else
    [ "$((flows_after - flows_before))" = 0 ]
  fi
  echo "# SIGTERM: exit 0 after ${stop_seconds} s; import answered $(cat "$BATS_TEST_TMPDIR/import.code"), flows +$((flows_after - flows_before)); $acked screenings acknowledged, all recorded" >&3
  # restarted, it serves the same data
  start "$port"
  api GET /readyz
  expect_status 200
}
