#!/usr/bin/env bats
# GET /v1/incidents and /v1/incidents/{id}: the seed data, with every
# source and doubt visible.

load helpers

setup_file() {
  export PORT=$(suite_port 0)
  db_create incidents
  riskd_start incidents "$PORT"
}

teardown_file() {
  riskd_stop_all
}

setup() {
  RISKD_URL="http://127.0.0.1:$PORT"
}

@test "all 25 incidents, oldest first, each with its source" {
  api GET /v1/incidents
  expect_status 200
  [ "$(jq -r '.count, (.incidents | length)' <<<"$body" | paste -sd,)" = 25,25 ]
  [ "$(jq -r '.incidents[0].id' <<<"$body")" = 2017-02-bithumb ]
  [ "$(jq -r '.incidents[-1].id' <<<"$body")" = 2025-02-bybit ]
  jq -e '.incidents | all(.source_url | startswith("http"))' <<<"$body"
  jq -e '.incidents | all(.attribution | length > 0)' <<<"$body"
}

@test "the UN report behind an incident, and the ones no UN report covers" {
  api GET /v1/incidents
  [ "$(jq -r '.incidents[] | select(.id == "2022-06-harmony-bridge") | [.report.report, .report.date, .attribution_status] | join(",")' <<<"$body")" \
    = S/2024/215,2024-03-07,un_panel_of_experts ]
  # the data names the May 2024 report in words: matched by its date
  [ "$(jq -r '.incidents[] | select(.id == "2023-11-htx-heco") | .report.report' <<<"$body")" = "PoE final submission" ]
  [ "$(jq -r '.incidents[] | select(.id == "2025-02-bybit") | .attribution_status' <<<"$body")" = msmt ]
  [ "$(jq -r '.incidents[] | select(.id == "2022-03-ronin-bridge") | [.attribution_status, .report] | join(",")' <<<"$body")" = not_in_un_report, ]
  [ "$(jq '[.incidents[] | select(.attribution_status == "not_in_un_report")] | length' <<<"$body")" -ge 8 ]
}

@test "doubts are shown: Coincheck disputed, Orbit and Youbit suspected, KuCoin unnamed by the UN" {
  api GET /v1/incidents
  for id in 2018-01-coincheck 2023-12-orbit-bridge 2017-12-youbit 2020-09-kucoin; do
    jq -e --arg id "$id" '.incidents[] | select(.id == $id) | .doubts | length >= 1 and all(.source | length > 0)' <<<"$body"
  done
  jq -e '.incidents[] | select(.id == "2018-01-coincheck") | .doubts[0].doubt | test("disputed")' <<<"$body"
  jq -e '.incidents[] | select(.id == "2018-01-coincheck") | .evidence | map(.kind) | index("doubt") != null' <<<"$body"
}

@test "one incident with its addresses; an address on the OFAC list shows both labels and sources" {
  api GET /v1/incidents/2022-03-ronin-bridge
  expect_status 200
  [ "$(jq -r '.id, .name' <<<"$body" | head -n 1)" = 2022-03-ronin-bridge ]
  [ "$(jq '.addresses | length' <<<"$body")" = "$(jq -r .address_count <<<"$body")" ]
  [ "$(jq '.addresses | length' <<<"$body")" -ge 5 ]
  [ "$(jq -r '.addresses[] | select(.address == "0x098b716b8aaf21512996dc57eb0615e2383e2f96") | .labels | map(.category) | join(",")' <<<"$body")" = hack,sanctions ]
  jq -e '.evidence | length >= 1' <<<"$body"
}

@test "an unknown incident is a 404 problem" {
  api GET /v1/incidents/2099-01-nothing
  expect_problem 404 incident_not_found
  api GET "/v1/incidents/..%2F..%2Fetc%2Fpasswd"     # decoded: more path segments
  expect_problem 404 route_not_found
  api GET "/v1/incidents/'%20OR%201=1--"
  expect_problem 404 incident_not_found
}
