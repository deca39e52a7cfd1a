#!/usr/bin/env bats
# openapi.yaml: served as built, passes the linter, agrees with the route
# table and the problem table, and describes every answer the earlier
# suites recorded in the contract log. Named zz_ so that bats runs it last,
# once the log is complete.

load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
CONTRACT=$ROOT/tests/contract

setup_file() {
  export PORT=$((18100 + $(suite_index)))
  # The contract tools (tests/contract/package.json), installed once from
  # the lock file; again when the lock file is newer than the install.
  if [ ! -f "$CONTRACT/node_modules/.package-lock.json" ] \
     || [ "$CONTRACT/package-lock.json" -nt "$CONTRACT/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$CONTRACT" --no-audit --no-fund --loglevel=error >&2
  fi
  riskd_start openapi "$PORT"
}

teardown_file() {
  riskd_stop "$PORT"
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
  # The linter reports nothing home and asks for no update.
  export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
}

# Every route of server/routes.c as "METHOD /pattern", sorted.
routes_in_code() {
  sed -nE 's/^ *\{ *HTTP_([A-Z]+), *"([^"]+)".*/\1 \2/p' "$ROOT/server/routes.c" | sort
}

# Every operation of openapi.yaml as "METHOD /template", sorted.
routes_in_spec() {
  awk '
    /^paths:/ { p = 1; next }
    p && /^[^ #]/ { exit }
    p && /^  [^ #]/ { path = $1; sub(/:$/, "", path); gsub(/["'\'']/, "", path) }
    p && /^    (get|put|post|delete|patch|head|options|trace):/ {
      m = $1; sub(/:$/, "", m); print toupper(m), path
    }' "$ROOT/openapi.yaml" | sort
}

# "code status" of every problem in server/problem.c, sorted.
problems_in_code() {
  sed -nE 's/.*\{ *([0-9]{3}), *"([a-z_]+)".*/\2 \1/p' "$ROOT/server/problem.c" | sort
}

# The enum of the ProblemCode schema of openapi.yaml, sorted.
problem_enum_in_spec() {
  awk '
    /^    ProblemCode:/ { p = 1; next }
    p && /^    [^ ]/ { exit }
    p && /^      enum:/ { e = 1; next }
    e && /^        - / { print $2; next }
    e { e = 0 }' "$ROOT/openapi.yaml" | sort
}

# "code status" of the ProblemCode schema's x-status-by-code map, sorted.
problem_status_in_spec() {
  awk '
    /^    ProblemCode:/ { p = 1; next }
    p && /^    [^ ]/ { exit }
    p && /^      x-status-by-code:/ { e = 1; next }
    e && /^        [a-z_]+: *[0-9]+/ { c = $1; sub(/:$/, "", c); print c, $2; next }
    e { e = 0 }' "$ROOT/openapi.yaml" | sort
}

# "code status" of the table in the ProblemCode schema's description, sorted.
problem_table_in_spec() {
  awk '
    /^    ProblemCode:/ { p = 1; next }
    p && /^    [^ ]/ { exit }
    p && /^        \| `[a-z_]+` \| [0-9]+ \|/ { c = $2; gsub(/`/, "", c); print c, $4 }' \
    "$ROOT/openapi.yaml" | sort
}

# A concrete path for a route pattern (the parameters of the seed data).
example_path() {
  sed -e 's/{chain}/eth/' -e 's/{address}/0x098b716b8aaf21512996dc57eb0615e2383e2f96/' \
      -e 's/{id}/2022-03-ronin-bridge/' <<<"$1"
}

@test "GET /openapi.yaml serves the repository's openapi.yaml, byte for byte" {
  api GET /openapi.yaml -D "$BATS_TEST_TMPDIR/headers"
  expect_status 200
  [[ "$ctype" == application/yaml* ]] || { echo "content type $ctype" >&2; false; }
  grep -qi '^Cache-Control: public, max-age=300' "$BATS_TEST_TMPDIR/headers"
  cmp "$BATS_TEST_TMPDIR/body" "$ROOT/openapi.yaml" \
    || { echo "the binary serves another openapi.yaml: rebuild riskd" >&2; false; }
}

@test "openapi.yaml passes the linter (redocly, recommended rules)" {
  cd "$ROOT"
  # --no: the linter of tests/contract only, never one fetched on the fly
  npx --no --prefix tests/contract redocly lint --config tests/contract/redocly.yaml openapi.yaml
}

@test "every route of server/routes.c is in openapi.yaml, and nothing else" {
  diff <(routes_in_code) <(routes_in_spec) \
    || { echo "< only in server/routes.c, > only in openapi.yaml" >&2; false; }
  [ "$(routes_in_code | wc -l)" -gt 0 ]
}

@test "every problem code of server/problem.c is in openapi.yaml's ProblemCode enum, and nothing else" {
  diff <(problems_in_code | cut -d' ' -f1) <(problem_enum_in_spec) \
    || { echo "< only in server/problem.c, > only in openapi.yaml" >&2; false; }
  [ "$(problems_in_code | wc -l)" -gt 0 ]
}

@test "openapi.yaml gives every problem code the status server/problem.c gives it" {
  diff <(problems_in_code) <(problem_status_in_spec) \
    || { echo "< server/problem.c, > x-status-by-code of openapi.yaml" >&2; false; }
  diff <(problems_in_code) <(problem_table_in_spec) \
    || { echo "< server/problem.c, > the table of ProblemCode's description" >&2; false; }
}

# These exchanges go to the contract log too: the router's answers on every
# route, which the other suites try on a few routes only.
@test "every route: an unknown query parameter is a 400, another method a 405 with Allow, HEAD works as GET" {
  while read -r method pattern; do
    path=$(example_path "$pattern")
    api "$method" "$path?zz_unknown=1"
    expect_problem 400 unknown_parameter
    other=DELETE
    [ "$method" = DELETE ] && other=PATCH
    api "$other" "$path" -D "$BATS_TEST_TMPDIR/headers"
    expect_problem 405 method_not_allowed
    grep -qiE "^Allow: .*\b$method\b" "$BATS_TEST_TMPDIR/headers" \
      || { echo "$other $path: Allow does not name $method" >&2; cat "$BATS_TEST_TMPDIR/headers" >&2; false; }
    if [ "$method" = GET ]; then
      api HEAD "$path" -I
      expect_status 200
    fi
  done < <(routes_in_code)
}

@test "every answer recorded by the integration suites matches openapi.yaml" {
  [ -n "${RISKD_CONTRACT_LOG:-}" ] || skip "RISKD_CONTRACT_LOG is not set (scripts/test.sh sets it)"
  local report=${RISKD_CONTRACT_LOG%.ndjson}-check.tap
  node "$CONTRACT/check.mjs" "$ROOT/openapi.yaml" "$RISKD_CONTRACT_LOG" >"$report" 2>&1 \
    || { grep -v '^ok ' "$report"; false; }
  grep '^# ' "$report"
}
