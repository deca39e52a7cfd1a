#!/usr/bin/env bats
# Limits: body sizes, JSON depth, batch size, connection timeouts, the
# connection limit, and slow clients (slowloris) that must not stop
# anyone else from being served.

load helpers

setup_file() {
  export PORT=$(suite_port 0)
  db_create limits
  riskd_start limits "$PORT" --header-timeout 2 --connection-limit 20 --max-body 4096 \
    --max-import 100000
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

@test "a JSON body over --max-body is a 413 problem, declared or streamed" {
  big=$(printf '{"addresses":[%s{"chain":"eth","address":"0x"}]}' "$(printf '{"chain":"eth","address":"0x%040x"},' $(seq 200))")
  api POST /v1/risk/batch -H 'Content-Type: application/json' --data-binary "$big"
  expect_problem 413 body_too_large
  # chunked: no Content-Length, the limit is found while reading
  api POST /v1/risk/batch -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
    --data-binary "$big"
  expect_problem 413 body_too_large
  api GET /healthz
  expect_status 200
}

@test "an import over --max-import is a 413 problem" {
  head -c 200000 /dev/zero | tr '\0' 'x' >"$BATS_TEST_TMPDIR/big.csv"
  api POST /v1/flows -H 'Content-Type: text/csv' --data-binary @"$BATS_TEST_TMPDIR/big.csv"
  expect_problem 413 body_too_large
  api POST /v1/flows -H 'Content-Type: text/csv' -H 'Transfer-Encoding: chunked' \
    --data-binary @"$BATS_TEST_TMPDIR/big.csv"
  expect_problem 413 body_too_large
}

@test "JSON nested deeper than 32 levels is refused, in a body and in an import" {
  deep=$(printf '%.0s[' $(seq 40))$(printf '%.0s]' $(seq 40))
  api POST /v1/screenings -H 'Content-Type: application/json' --data-binary "$deep"
  expect_problem 400 invalid_json
  jq -e '.detail | test("deeper than 32")' <<<"$body"
  printf '{"chain":%s}\n' "$deep" >"$BATS_TEST_TMPDIR/deep.ndjson"
  api POST /v1/labels -H 'Content-Type: application/x-ndjson' --data-binary @"$BATS_TEST_TMPDIR/deep.ndjson"
  expect_status 200
  [ "$(jq -r '.errors[0].code' <<<"$body")" = too_deep ]
}

@test "a connection that never sends a request is closed after the header timeout" {
  exec 5<>/dev/tcp/127.0.0.1/"$PORT"
  t0=$(date +%s.%N)
  # read returns at EOF, when riskd closes the connection
  timeout 10 cat <&5 >/dev/null || true
  elapsed=$(echo "$(date +%s.%N) - $t0" | bc)
  exec 5>&-
  echo "# idle connection closed after ${elapsed} s (header timeout 2 s)" >&3
  [ "$(echo "$elapsed < 5" | bc)" = 1 ]
}

@test "slowloris: a client trickling its headers is cut off while others are served" {
  (exec 6<>/dev/tcp/127.0.0.1/"$PORT"
   for c in G E T ' ' / h e a l t h z; do printf '%s' "$c" >&6 2>/dev/null || exit 0; sleep 0.5; done
   printf ' HTTP/1.1\r\n' >&6 2>/dev/null
   for i in $(seq 20); do printf 'X-%d: y\r\n' "$i" >&6 2>/dev/null || exit 0; sleep 0.5; done
   echo survived >"$BATS_TEST_TMPDIR/slow") &
  slow=$!
  worst=0
  for i in $(seq 20); do
    t=$(curl -s -o /dev/null -w '%{time_total}' "$RISKD_URL/healthz")
    worst=$(echo "if ($t > $worst) $t else $worst" | bc)
    sleep 0.2
  done
  wait "$slow" || true          # SIGPIPE: its socket was shut down under it
  echo "# slowest of 20 requests during the slowloris: ${worst} s" >&3
  [ ! -e "$BATS_TEST_TMPDIR/slow" ]
  [ "$(echo "$worst < 0.5" | bc)" = 1 ]
  grep -q "request headers not complete in time" "$BATS_FILE_TMPDIR"/riskd-limits-"$PORT".log
}

@test "beyond --connection-limit, new connections wait unserved; served again once others close" {
  # the limit is shared out between the polling threads: open twice as
  # many connections as it allows so that every thread is full
  for i in $(seq 40); do eval "exec $((10 + i))<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null || true; done
  # (within the header timeout: riskd would then cut the idle ones)
  run curl -s --max-time 1 -o /dev/null -w '%{http_code}' "$RISKD_URL/healthz"
  [ "$output" != 200 ]
  for i in $(seq 40); do eval "exec $((10 + i))>&-"; done
  for _ in $(seq 30); do
    code=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$RISKD_URL/healthz" || true)
    [ "$code" = 200 ] && break
    sleep 0.2
  done
  [ "$code" = 200 ]
}
