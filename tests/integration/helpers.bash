# helpers.bash -- shared by every integration suite (bats).
#
# Each suite gets its own database, cloned from the migrated and seeded
# template that scripts/test.sh prepares, and its own Redis database, and
# starts its own riskd on its own port. Every HTTP exchange made through
# `api` is appended to the contract log that the OpenAPI suite checks.
#
# Environment (set by scripts/test.sh): RISKD_BIN, RISKD_PG (server URL
# without a database), RISKD_REDIS_PORT, RISKD_CONTRACT_LOG, RISKD_ARTIFACTS.

RISKD_BIN=${RISKD_BIN:-build/riskd}

# The suite's number (from the file name order), for ports and Redis dbs.
suite_index() {
  local i=1 f
  for f in "$BATS_TEST_DIRNAME"/*.bats; do
    [ "$f" = "$BATS_TEST_FILENAME" ] && { echo "$i"; return; }
    i=$((i + 1))
  done
  echo 60
}

# suite_port K: the suite's K-th port (0-9), from RISKD_PORT_BASE up, ten
# a suite, so that suites running side by side never share one.
suite_port() {
  echo $((${RISKD_PORT_BASE:-18100} + 10 * $(suite_index) + ${1:-0}))
}

# db_create NAME: a fresh database cloned from the seeded template, with a
# graph id of its own (cache keys must not collide between clones).
db_create() {
  psql "$RISKD_PG/postgres" -qc "DROP DATABASE IF EXISTS $1" >/dev/null
  psql "$RISKD_PG/postgres" -qc "CREATE DATABASE $1 TEMPLATE riskd_template" >/dev/null
  psql "$RISKD_PG/$1" -qc "UPDATE riskd_meta SET value = gen_random_uuid()::text WHERE key = 'graph_id'" >/dev/null
}

# riskd_start NAME PORT [flags...]: starts riskd on database NAME (created
# if needed) and waits until /readyz answers 200. Sets RISKD_URL.
# RISKD_SCHEME=https and RISKD_CURL_OPTS (e.g. --cacert FILE) for HTTPS.
riskd_start() {
  local name=$1 port=$2
  shift 2
  psql "$RISKD_PG/postgres" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 \
    || db_create "$name"
  local log="$BATS_FILE_TMPDIR/riskd-$name-$port.log" run="$BATS_FILE_TMPDIR/riskd-$port"
  rm -f "$run.rc"
  # A subshell waits for riskd and records its exit status: tests run in
  # other processes than the one that started it, and cannot `wait`.
  (
    # close every descriptor bats holds: a server left running must never
    # keep bats waiting for its output
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    DATABASE_URL="$RISKD_PG/$name" REDIS_URL="redis://127.0.0.1:$RISKD_REDIS_PORT/$(( $(suite_index) % 64 ))" \
      RISKD_LISTEN="127.0.0.1:$port" "$RISKD_BIN" serve --access-log=false "$@" >"$log" 2>&1 &
    echo $! >"$run.pid"
    wait $!
    echo $? >"$run.rc"
  ) </dev/null >/dev/null 2>&1 3>&- &
  for _ in $(seq 50); do [ -s "$run.pid" ] && break; sleep 0.02; done
  RISKD_URL="${RISKD_SCHEME:-http}://127.0.0.1:$port"
  for _ in $(seq 300); do
    curl -sf ${RISKD_CURL_OPTS:-} -H "Authorization: Bearer $RISKD_KEY" "$RISKD_URL/readyz" \
      >/dev/null 2>&1 && return 0
    [ -e "$run.rc" ] && break
    sleep 0.1
  done
  echo "riskd did not become ready; its log:" >&2
  cat "$log" >&2
  return 1
}

# riskd_stop PORT: SIGTERM, then checks the exit status is 0 and that the
# log holds no sanitizer report (leaks included, under ASan).
riskd_stop() {
  local port=$1 run="$BATS_FILE_TMPDIR/riskd-$1" pid rc log
  [ -f "$run.pid" ] || return 0
  pid=$(cat "$run.pid")
  rm -f "$run.pid"
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 600); do [ -s "$run.rc" ] && break; sleep 0.05; done
  rc=$(cat "$run.rc" 2>/dev/null || echo timeout)
  log=$(ls "$BATS_FILE_TMPDIR"/riskd-*-"$port".log 2>/dev/null | head -n 1)
  if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$log" 2>/dev/null; then
    echo "sanitizer report in $log:" >&2
    grep -A 30 -E "AddressSanitizer|LeakSanitizer|runtime error:" "$log" >&2
    return 1
  fi
  [ "$rc" = 0 ] || { echo "riskd exited with $rc; log:" >&2; tail -n 30 "$log" >&2; return 1; }
}

# riskd_stop_all: stops every riskd this suite started (teardown_file).
riskd_stop_all() {
  local pidfile rc=0
  for pidfile in "$BATS_FILE_TMPDIR"/riskd-*.pid; do
    [ -e "$pidfile" ] || continue
    pidfile=${pidfile##*/riskd-}
    riskd_stop "${pidfile%.pid}" || rc=1
  done
  return $rc
}

# riskd_pid PORT: the pid of the riskd serving on PORT.
riskd_pid() {
  cat "$BATS_FILE_TMPDIR/riskd-$1.pid"
}

# api METHOD PATH [curl args...]: one request to RISKD_URL with the suite's
# API key (RISKD_KEY, every scope). Sets $code, $ctype and $body, and the
# files that hold the body and the headers ($API_BODY, $API_HEADERS); records
# the exchange for the contract check.
api() {
  api_as "$RISKD_KEY" "$@"
}

# api_as KEY METHOD PATH [curl args...]: the same with another key ("" for none).
#
# With RISKD_CONTRACT_LOG (LOG.ndjson), each exchange is kept under LOG.d/
# as NAME.meta (method, path, status, content type), NAME.body and
# NAME.headers, NAME ordered by time; tests/contract/collect.mjs turns them
# into LOG.ndjson. No process is spawned here but curl: the suites make
# thousands of requests, and a fork costs milliseconds on small machines.
api_as() {
  local key=$1 method=$2 path=$3
  shift 3
  local meta auth=()
  [ -n "$key" ] && auth=(-H "Authorization: Bearer $key")
  API_BODY=$BATS_TEST_TMPDIR/body API_HEADERS=$BATS_TEST_TMPDIR/headers
  if [ -n "${RISKD_CONTRACT_LOG:-}" ]; then
    API_N=$((${API_N:-0} + 1))
    API_RECORD=${RISKD_CONTRACT_LOG%.ndjson}.d/${EPOCHREALTIME/[.,]/}-$BASHPID-$API_N
    API_BODY=$API_RECORD.body API_HEADERS=$API_RECORD.headers
  fi
  : >"$API_BODY"              # curl leaves the file alone when there is no body
  : >"$API_HEADERS"           # nor the headers of an earlier answer
  meta=$(curl -sS -X "$method" -o "$API_BODY" -D "$API_HEADERS" \
    -w '%{http_code} %{content_type}' "${auth[@]}" "$@" "$RISKD_URL$path")
  code=${meta%% *}
  ctype=${meta#* }
  body=$(<"$API_BODY")
  [ -n "${RISKD_CONTRACT_LOG:-}" ] && printf '%s\n' "$method" "$path" "$code" "$ctype" >"$API_RECORD.meta"
  return 0
}

# expect_problem STATUS CODE: the last answer is a problem document. Read
# with bash's own matching, not jq: a process costs milliseconds here and
# the suites check hundreds of problems (every body is also checked
# against its schema by zz_contract.bats).
expect_problem() {
  [ "$code" = "$1" ] || { echo "status $code, want $1: $body" >&2; return 1; }
  [[ "$ctype" == application/problem+json* ]] || { echo "content type $ctype" >&2; return 1; }
  [[ $body == *'"code":"'"$2"'"'* && $body == *'"status":'"$1"[,}]* \
     && $body == *'"type":"https://riskd.dev/problems/'"$2"'"'* && $body =~ \"title\":\"[^\"] ]] \
    || { echo "problem (code, status, type, title) want $2 $1: $body" >&2; return 1; }
}

# expect_status STATUS: the last answer has this status (body shown if not).
expect_status() {
  [ "$code" = "$1" ] || { echo "status $code, want $1: $body" >&2; return 1; }
}

# header NAME: a header of the last answer (case-insensitive name), the
# first if it came more than once. A few expansions, no loop: every bash
# command costs about half a millisecond under bats' debug trap.
header() {
  local all lower rest value
  all=$(<"$API_HEADERS")
  all=${all//$'\r'/}
  lower=${all,,}
  rest=${lower#*$'\n'"${1,,}":}
  [ "$rest" != "$lower" ] || return 0
  value=${all:${#lower}-${#rest}}
  value=${value%%$'\n'*}
  echo "${value#"${value%%[! ]*}"}"
}

# contract_tools: the contract checkers' npm packages (tests/contract/
# package.json), installed from the lock file once, and again when the lock
# file is newer than the install.
contract_tools() {
  local dir=$BATS_TEST_DIRNAME/../contract
  if [ ! -f "$dir/node_modules/.package-lock.json" ] \
     || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
  fi
}

# Deterministic test data: an eth address and a tx hash from a label.
eth_addr() { printf '0x%040x' "$1"; }
tx_hash() { printf '0x%064x' "$1"; }
