#!/usr/bin/env bats
# GET /dashboard and /dashboard/{file}: the analyst's page (web/), served
# without a key under its Content-Security-Policy, and driven in Chromium
# by tests/browser/dashboard.test.mjs against this suite's riskd: a
# tainted address to look up (flows from the seeded Ronin exploiter), a few
# screenings for the header; a screenshot goes to $RISKD_ARTIFACTS.
#
# The page's requests are plain curl here, not `api`: they are not API
# answers, and stay out of the contract log.

load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BROWSER=$ROOT/tests/browser
CSP="default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

# The Ronin Bridge exploiter (labels hack and sanctions, seeded).
RONIN=0x098b716b8aaf21512996dc57eb0615e2383e2f96

setup_file() {
  export PORT=$(suite_port 0)
  # The browser test's tools (tests/browser/package.json: playwright-core
  # only, which downloads no browser), installed once from the lock file;
  # again when the lock file is newer than the install.
  if [ ! -f "$BROWSER/node_modules/.package-lock.json" ] \
     || [ "$BROWSER/package-lock.json" -nt "$BROWSER/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$BROWSER" --no-audit --no-fund --loglevel=error >&2
  fi
  db_create dashboard
  riskd_start dashboard "$PORT"
  local url="http://127.0.0.1:$PORT" auth="Authorization: Bearer $RISKD_KEY"
  # FRESH: 30000 USD from the exploiter and 10000 clean: exposure 0.75 per
  # category, 100 * (1 - 0.25^2) = 93.75, severe. NEXT: 8000 from FRESH
  # (share 0.75: 6000 tainted per category) and 12000 clean: exposure 0.3,
  # 100 * (1 - 0.7^2) = 51, high.
  export FRESH=$(eth_addr 0xda5b0a4d01) NEXT=$(eth_addr 0xda5b0a4d02)
  curl -sSf -X POST "$url/v1/flows" -H "$auth" -H 'Content-Type: text/csv' --data-binary @- >/dev/null <<CSV
chain,tx_hash,idx,from,to,asset,amount,usd,time
eth,$(tx_hash 0xda5b01),0,$RONIN,$FRESH,ETH,10,30000,2022-04-01T00:00:00Z
eth,$(tx_hash 0xda5b02),0,$(eth_addr 0xc1ea01),$FRESH,ETH,3.33,10000,2022-04-02T00:00:00Z
eth,$(tx_hash 0xda5b03),0,$FRESH,$NEXT,ETH,2.66,8000,2022-04-03T00:00:00Z
eth,$(tx_hash 0xda5b04),0,$(eth_addr 0xc1ea02),$NEXT,ETH,4,12000,2022-04-04T00:00:00Z
CSV
  # Two screenings, so that the header's decisions are not all zero.
  local who
  for who in "$RONIN" "$(eth_addr 0xc1ea03)"; do
    curl -sSf "$url/v1/screenings" -H "$auth" -H 'Content-Type: application/json' --data-binary \
      "{\"chain\":\"eth\",\"address\":\"$who\",\"amount\":\"1\",\"asset\":\"ETH\",\"direction\":\"deposit\",\"reference\":\"dashboard-$who\"}" \
      >/dev/null
  done
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

# The content type riskd gives a web/ file.
type_of() {
  case $1 in
    *.html) echo 'text/html; charset=utf-8' ;;
    *.js) echo 'text/javascript; charset=utf-8' ;;
    *.css) echo 'text/css; charset=utf-8' ;;
    *.svg) echo 'image/svg+xml' ;;
  esac
}

@test "the scores the browser test relies on: FRESH severe, NEXT high" {
  api GET "/v1/addresses/eth/$FRESH/risk"
  expect_status 200
  [ "$(jq -r '[.score, .level, (.labels | length)] | join(",")' <<<"$body")" = 93.75,severe,0 ]
  api GET "/v1/addresses/eth/$NEXT/risk"
  expect_status 200
  [ "$(jq -r '[.score, .level] | join(",")' <<<"$body")" = 51,high ]
}

@test "GET /dashboard: the page, without a key, as HTML under its Content-Security-Policy" {
  api_as "" GET /dashboard
  expect_status 200
  [ "$ctype" = "text/html; charset=utf-8" ] || { echo "content type $ctype" >&2; false; }
  [ "$(header Content-Security-Policy)" = "$CSP" ] || { echo "CSP: $(header Content-Security-Policy)" >&2; false; }
  [ "$(header X-Content-Type-Options)" = nosniff ]
  [ -n "$(header ETag)" ]
  cmp "$API_BODY" "$ROOT/web/dashboard.html" \
    || { echo "the binary serves another dashboard.html: rebuild riskd" >&2; false; }
  # what the policy would block: inline scripts, styles and handlers
  grep -q '<script src="/dashboard/app.js"' <<<"$body"
  grep -q '<link rel="stylesheet" href="/dashboard/app.css">' <<<"$body"
  ! grep -nE '<script(>| [^>]*>[^<])' <<<"$body" || { echo "an inline script" >&2; false; }
  ! grep -nE '<style|[[:space:]]style=|[[:space:]]on[a-z]+=' <<<"$body" || { echo "an inline style or handler" >&2; false; }
}

@test "GET /dashboard with If-None-Match: 304 that keeps the page's Content-Security-Policy" {
  api_as "" GET /dashboard
  local etag
  etag=$(header ETag)
  api_as "" GET /dashboard -H "If-None-Match: $etag"
  expect_status 304
  # A browser updates the headers it cached from a 304's: another policy
  # here (the API's default-src 'none') blocks the page's own script and
  # stylesheet on every reload.
  [ "$(header Content-Security-Policy)" = "$CSP" ] \
    || { echo "304 with Content-Security-Policy: $(header Content-Security-Policy)" >&2; false; }
}

@test "every web/ file is served at /dashboard/{file} with its content type; unknown names are 404" {
  local f name n=0
  for f in "$ROOT"/web/*.html "$ROOT"/web/*.js "$ROOT"/web/*.css "$ROOT"/web/*.svg; do
    [ -e "$f" ] || continue
    name=${f##*/}
    api_as "" GET "/dashboard/$name"
    expect_status 200
    [ "$ctype" = "$(type_of "$name")" ] || { echo "$name: content type $ctype" >&2; false; }
    [ "$(header Content-Security-Policy)" = "$CSP" ] || { echo "$name: CSP $(header Content-Security-Policy)" >&2; false; }
    cmp "$API_BODY" "$f" || { echo "$name differs from web/: rebuild riskd" >&2; false; }
    n=$((n + 1))
  done
  [ "$n" -ge 3 ]
  for name in nope.js app.jsx README.md Makefile .hidden.js; do
    api_as "" GET "/dashboard/$name"
    [ "$code" = 404 ] || { echo "/dashboard/$name: $code" >&2; false; }
    [[ "$ctype" == application/problem+json* ]]
    [ "$(jq -r .code <<<"$body")" = route_not_found ]
  done
  # nothing outside web/, however the name is spelled
  for name in ..%2FMakefile ..%2f..%2fetc%2fpasswd %2e%2e%2fopenapi.yaml App.js; do
    api_as "" GET "/dashboard/$name"
    [ "$code" -ge 400 ] && [ "$code" -lt 500 ] || { echo "/dashboard/$name: $code" >&2; false; }
  done
}

@test "the page needs no key, the API it calls does" {
  api_as "" GET /dashboard/app.js
  expect_status 200
  api_as "" GET /v1/stats
  [ "$code" = 401 ]
  [ -n "$(header WWW-Authenticate)" ]
}

@test "the browser test passes (Chromium: key, header, chart, table, incidents, lookup, live updates)" {
  [ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium is missing: apt-get install chromium" >&2; false; }
  rm -f "$RISKD_ARTIFACTS/dashboard.png"
  run env DASHBOARD_ADDRESS="eth:$FRESH" node "$BROWSER/dashboard.test.mjs" "$RISKD_URL" "$RISKD_KEY" \
    "$RISKD_ARTIFACTS/dashboard.png"
  printf '%s\n' "$output" >"$RISKD_ARTIFACTS/dashboard-browser.tap"
  [ "$status" -eq 0 ] || { printf '%s\n' "$output" >&2; false; }
  [ "$(grep -c '^not ok' <<<"$output")" = 0 ]
  [ "$(grep -c '^ok ' <<<"$output")" -ge 15 ]
}

@test "the screenshot exists and is a PNG over 10 kB" {
  local png="$RISKD_ARTIFACTS/dashboard.png"
  [ -f "$png" ] || { echo "no $png" >&2; false; }
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
  [ "$(stat -c %s "$png")" -gt 10240 ]
}
