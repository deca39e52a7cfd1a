#!/usr/bin/env bats
# openapi.yaml: served as built, passes the linter, agrees with the route
# table and the problem table, and every route answers its generic errors
# (400, 401, 403, 405, 429, 304, CORS) as it says. zz_contract.bats then
# checks every answer of every suite against it.

load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
CONTRACT=$ROOT/tests/contract

setup_file() {
  export PORT=$(suite_port 0)
  contract_tools
  # a fresh clone of the template: the suite's key (RISKD_KEY) is in it
  db_create openapi
  riskd_start openapi "$PORT"
  # Ids the example paths use, and keys of one scope each (for the 403s).
  local url="http://127.0.0.1:$PORT" auth="Authorization: Bearer $RISKD_KEY" json='Content-Type: application/json'
  SCREENING_ID=$(curl -sSf -H "$auth" -H "$json" "$url/v1/screenings" --data-binary \
    '{"chain":"eth","address":"0x098b716b8aaf21512996dc57eb0615e2383e2f96","amount":"1","asset":"ETH","direction":"withdrawal","reference":"openapi"}' \
    | jq -er .id)
  SPARE_KEY_ID=$(curl -sSf -H "$auth" -H "$json" "$url/v1/keys" \
    --data-binary '{"name":"openapi spare","scopes":["read"]}' | jq -er .id)
  export SCREENING_ID SPARE_KEY_ID
  local scope
  for scope in read screen ingest admin; do
    export "KEY_${scope^^}=$(curl -sSf -H "$auth" -H "$json" "$url/v1/keys" \
      --data-binary "{\"name\":\"openapi $scope\",\"scopes\":[\"$scope\"]}" | jq -er .key)"
  done
}

teardown_file() {
  riskd_stop_all
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

# Every operation of openapi.yaml as "METHOD /template", sorted, CORS
# preflights included.
operations_in_spec() {
  awk '
    /^paths:/ { p = 1; next }
    p && /^[^ #]/ { exit }
    p && /^  [^ #]/ { path = $1; sub(/:$/, "", path); gsub(/["'\'']/, "", path) }
    p && /^    (get|put|post|delete|patch|head|options|trace):/ {
      m = $1; sub(/:$/, "", m); print toupper(m), path
    }' "$ROOT/openapi.yaml" | sort
}

# The routes of openapi.yaml as "METHOD /template": every operation but the
# OPTIONS ones. server/routes.c has no OPTIONS route: the router answers a
# preflight (with --cors-origins) on every path of the table, and openapi.yaml
# describes it as an `options` operation of every path.
routes_in_spec() {
  operations_in_spec | grep -v '^OPTIONS '
}

# The paths of server/routes.c, each once, sorted.
paths_in_code() {
  routes_in_code | cut -d' ' -f2 | sort -u
}

# The paths of openapi.yaml that have an `options` operation, sorted.
preflights_in_spec() {
  operations_in_spec | sed -n 's/^OPTIONS //p' | sort
}

# "METHOD /pattern NEED" of every route: NEED is `open` for the routes
# riskd serves without a key (scope 0 in server/routes.c, or named in the
# open_routes that GET /v1/config reports), else the route's scope.
needs_in_code() {
  local open
  open=$(curl -sSf -H "Authorization: Bearer $RISKD_KEY" "$RISKD_URL/v1/config" | jq -er .open_routes) || return 1
  sed -nE 's/^ *\{ *HTTP_([A-Z]+), *"([^"]+)", *([A-Z0-9]+),.*/\1 \2 \3/p' "$ROOT/server/routes.c" \
    | while read -r method pattern scope; do
        if [ "$scope" = 0 ] || [[ ",$open," == *",$pattern,"* ]]; then
          echo "$method $pattern open"
        else
          echo "$method $pattern ${scope,,}"
        fi
      done | sort
}

# The same, from the security requirements of openapi.yaml (preflights
# apart: they are checked on their own).
needs_in_spec() {
  node "$CONTRACT/security.mjs" "$ROOT/openapi.yaml" | grep -v '^OPTIONS ' | sort
}

# "GET /template" of the routes whose 200 has an ETag in openapi.yaml.
etag_routes_in_spec() {
  node "$CONTRACT/etags.mjs" "$ROOT/openapi.yaml" | sort
}

# Every route that needs a key, as "METHOD /pattern SCOPE".
keyed_routes() {
  needs_in_code | awk '$3 != "open"'
}

# A key of another scope than $1 (scopes do not include one another).
key_without() {
  if [ "$1" = read ]; then echo "$KEY_SCREEN"; else echo "$KEY_READ"; fi
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

# A concrete path for a route pattern: the parameters of the seed data,
# the screening and the spare key made by setup_file, a file of web/.
example_path() {
  case $1 in
    /v1/screenings/\{id\}) echo "/v1/screenings/$SCREENING_ID" ;;
    /v1/keys/\{id\}) echo "/v1/keys/$SPARE_KEY_ID" ;;
    /dashboard/\{file\}) echo /dashboard/app.js ;;
    *) local p=${1/\{chain\}/eth}
       p=${p/\{address\}/0x098b716b8aaf21512996dc57eb0615e2383e2f96}
       echo "${p/\{id\}/2022-03-ronin-bridge}" ;;
  esac
}

@test "GET /openapi.yaml serves the repository's openapi.yaml, byte for byte" {
  api GET /openapi.yaml
  expect_status 200
  [[ "$ctype" == application/yaml* ]] || { echo "content type $ctype" >&2; false; }
  grep -qi '^Cache-Control: public, max-age=300' "$API_HEADERS"
  cmp "$API_BODY" "$ROOT/openapi.yaml" \
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

@test "every path of server/routes.c has a CORS preflight (options) in openapi.yaml, open, and no other path has one" {
  diff <(paths_in_code) <(preflights_in_spec) \
    || { echo "< a path of server/routes.c without options, > options on a path routes.c lacks" >&2; false; }
  run bash -c "node '$CONTRACT/security.mjs' '$ROOT/openapi.yaml' | grep '^OPTIONS ' | grep -v ' open\$'"
  [ -z "$output" ] || { echo "preflights that need a key in openapi.yaml: $output" >&2; false; }
}

@test "every route needs the scope of server/routes.c in openapi.yaml, and the open routes are open" {
  diff <(needs_in_code) <(needs_in_spec) \
    || { echo "< server/routes.c and the open routes riskd reports, > security of openapi.yaml" >&2; false; }
  [ "$(needs_in_code | grep -c ' open$')" -gt 0 ]
  [ "$(keyed_routes | wc -l)" -gt 0 ]
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
# route, which the other suites try on a few routes only. With the suite's
# key (every scope), so that the routes that need one get past it.
@test "every route: an unknown query parameter is a 400, another method a 405 with Allow, HEAD answers as GET" {
  while read -r method pattern need; do
    path=$(example_path "$pattern")
    api "$method" "$path?zz_unknown=1"
    expect_problem 400 unknown_parameter
    other=DELETE
    [ "$method" = DELETE ] && other=PATCH
    api "$other" "$path"
    expect_problem 405 method_not_allowed
    grep -qiE "^Allow: .*\b$method\b" "$API_HEADERS" \
      || { echo "$other $path: Allow does not name $method" >&2; cat "$API_HEADERS" >&2; false; }
    if [ "$method" = GET ]; then
      api GET "$path"
      get=$code
      [ "$get" -lt 500 ] || { echo "GET $path: $code $body" >&2; false; }
      api HEAD "$path" -I
      expect_status "$get" || { echo "HEAD $path: $code, GET $get" >&2; false; }
      # the key was looked at (and counted) on the routes that need one only
      if [ "$need" = open ]; then
        [ -z "$(header RateLimit-Limit)" ] || { echo "HEAD $path: RateLimit-Limit on an open route" >&2; false; }
      else
        [ -n "$(header RateLimit-Limit)" ] && [[ "$(header RateLimit-Policy)" =~ ^[0-9]+\;w=60$ ]] \
          || { echo "HEAD $path: no RateLimit headers" >&2; cat "$API_HEADERS" >&2; false; }
      fi
    fi
  done < <(needs_in_code)
}

@test "every route that needs a key: 401 with WWW-Authenticate without one, or with a malformed or unknown one" {
  while read -r method pattern scope; do
    path=$(example_path "$pattern")
    for key in "" "not-a-key" "rk_000000000000_000000000000000000000000000000000000000000000000"; do
      api_as "$key" "$method" "$path"
      expect_problem 401 unauthorized || { echo "$method $path, key '$key'" >&2; false; }
      [ "$(header WWW-Authenticate)" = 'Bearer realm="riskd"' ] \
        || { echo "$method $path: WWW-Authenticate '$(header WWW-Authenticate)'" >&2; false; }
      [ -z "$(header RateLimit-Limit)" ]
    done
  done < <(keyed_routes)
}

@test "every route that needs a key: 403 with a key of another scope" {
  while read -r method pattern scope; do
    path=$(example_path "$pattern")
    api_as "$(key_without "$scope")" "$method" "$path"
    expect_problem 403 forbidden || { echo "$method $path needs $scope" >&2; false; }
    [[ "$(jq -r .detail <<<"$body")" == *"'$scope'"* ]] \
      || { echo "$method $path: the detail does not name the '$scope' scope: $body" >&2; false; }
  done < <(keyed_routes)
}

@test "every route that needs a key: 429 with Retry-After and RateLimit headers once the key's rate is used up" {
  while read -r method pattern scope; do
    path=$(example_path "$pattern")
    # a key of one request per minute, used up on another route
    api POST /v1/keys -H 'Content-Type: application/json' \
      --data-binary '{"name":"openapi rate","scopes":["read","screen","ingest","admin"],"rate_limit":1}'
    expect_status 201
    key=$(jq -r .key <<<"$body")
    curl -sSf -o /dev/null -H "Authorization: Bearer $key" "$RISKD_URL/v1/config"
    api_as "$key" "$method" "$path"
    expect_problem 429 rate_limited || { echo "$method $path" >&2; false; }
    [ "$(header Retry-After)" -ge 1 ]
    [ "$(header Retry-After)" -le 60 ]
    [ "$(header RateLimit-Limit)" = 1 ]
    [ "$(header RateLimit-Remaining)" = 0 ]
    [ "$(header RateLimit-Policy)" = '1;w=60' ]
    [ -n "$(header RateLimit-Reset)" ]
  done < <(keyed_routes)
}

@test "the open routes answer without a key, and do not look at one that is sent" {
  n=0
  while read -r method pattern need; do
    [ "$need" = open ] || continue
    path=$(example_path "$pattern")
    for key in "" "not-a-key"; do
      api_as "$key" "$method" "$path"
      case $code in
        401|403|429) echo "$method $path, key '$key': $code $body" >&2; false ;;
      esac
      [ -z "$(header RateLimit-Limit)" ]
      case $pattern in
        /healthz|/readyz|/openapi.yaml|/metrics|/dashboard|/dashboard/\{file\}) expect_status 200 ;;
      esac
    done
    n=$((n + 1))
  done < <(needs_in_code)
  # /healthz, /dashboard, /dashboard/{file} always; /readyz, /metrics,
  # /openapi.yaml by default
  [ "$n" -ge 6 ]
}

@test "the routes whose 200 has an ETag in openapi.yaml send one and a 304 to it; the others send none" {
  local epoch n=0 etag_routes
  epoch=$(curl -sSf "$RISKD_URL/readyz" | jq -er .checks.engine.epoch)
  etag_routes=$(etag_routes_in_spec)
  while read -r method pattern need; do
    [ "$method" = GET ] || continue
    path=$(example_path "$pattern")
    [ "$pattern" = /v1/scores/changes ] && path+="?since=$epoch"
    api GET "$path"
    expect_status 200 || { echo "GET $path" >&2; false; }
    tag=$(header ETag)
    if [[ $'\n'$etag_routes$'\n' == *$'\n'"GET $pattern"$'\n'* ]]; then
      [ -n "$tag" ] || { echo "GET $path: no ETag" >&2; false; }
      [ "$(header Cache-Control)" = "private, no-cache" ]
      api GET "$path" -H "If-None-Match: $tag"
      expect_status 304 || { echo "GET $path with If-None-Match: $tag" >&2; false; }
      [ -z "$body" ]
      [ "$(header ETag)" = "$tag" ]
      api HEAD "$path" -I -H "If-None-Match: \"zz-other\", $tag"
      expect_status 304 || { echo "HEAD $path with If-None-Match: \"zz-other\", $tag" >&2; false; }
      api GET "$path" -H 'If-None-Match: "zz-other"'
      expect_status 200
      n=$((n + 1))
    else
      [ -z "$tag" ] || { echo "GET $path: ETag $tag, which openapi.yaml does not describe" >&2; false; }
    fi
  done < <(needs_in_code)
  [ "$n" -eq "$(wc -l <<<"$etag_routes")" ]
}

@test "every path: a CORS preflight is 204 with --cors-origins, 405 without; answers to an allowed origin carry CORS headers" {
  local cors_port=$((PORT + 100)) origin=https://zz-openapi.example
  riskd_start openapi "$cors_port" --cors-origins "$origin"
  local cors_url=$RISKD_URL plain_url="http://127.0.0.1:$PORT"
  while read -r method pattern need; do
    path=$(example_path "$pattern")
    RISKD_URL=$cors_url
    api_as "" OPTIONS "$path" -H "Origin: $origin" -H "Access-Control-Request-Method: $method" \
      -H 'Access-Control-Request-Headers: authorization, if-none-match'
    expect_status 204 || { echo "OPTIONS $path" >&2; false; }
    [ -z "$body" ]
    [ "$(header Access-Control-Allow-Origin)" = "$origin" ]
    [[ ", $(header Access-Control-Allow-Methods), " == *", $method, "* ]] \
      || { echo "OPTIONS $path: Access-Control-Allow-Methods $(header Access-Control-Allow-Methods)" >&2; false; }
    # no preflight: another origin, or no Access-Control-Request-Method
    api_as "" OPTIONS "$path" -H 'Origin: https://zz-other.example' -H "Access-Control-Request-Method: $method"
    expect_problem 405 method_not_allowed
    [ -z "$(header Access-Control-Allow-Origin)" ]
    api_as "" OPTIONS "$path" -H "Origin: $origin"
    expect_problem 405 method_not_allowed
    [ "$(header Access-Control-Allow-Origin)" = "$origin" ]
    # the answer itself, to the allowed origin
    if [ "$method" = GET ]; then
      api GET "$path" -H "Origin: $origin"
      [ "$code" -lt 500 ] || { echo "GET $path: $code $body" >&2; false; }
      [ "$(header Access-Control-Allow-Origin)" = "$origin" ]
      [ "$(header Vary)" = Origin ]
    fi
    # CORS off: every OPTIONS is a 405
    RISKD_URL=$plain_url
    api_as "" OPTIONS "$path" -H "Origin: $origin" -H "Access-Control-Request-Method: $method"
    expect_problem 405 method_not_allowed
    [ -z "$(header Access-Control-Allow-Origin)" ]
  done < <(needs_in_code)
  RISKD_URL=$plain_url
  riskd_stop "$cors_port"
}
