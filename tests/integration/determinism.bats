#!/usr/bin/env bats
# The same flows and labels give the same scores to the last digit,
# whatever the order of import and whatever the number of worker threads
# (SPEC 4 "Reproducibility").

load helpers

RONIN=0x098b716b8aaf21512996dc57eb0615e2383e2f96

# 4,000 flows among 300 addresses, fed from the Ronin exploiter and a
# mixer; four flows per second and eight per block, so the order of
# same-second flows (block, pos, tx hash, idx) matters.
make_flows() {
  awk -v ronin="$RONIN" 'BEGIN {
    seed = 42
    for (i = 0; i < 4000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648; from = int(seed / 65536) % 300
      seed = (seed * 1103515245 + 12345) % 2147483648; to = int(seed / 65536) % 300
      seed = (seed * 1103515245 + 12345) % 2147483648; usd = int(seed / 65536) % 5000 / 7
      src = (i % 97 == 0) ? ronin : sprintf("0x%040x", 53248 + from)
      t = int(i / 4)
      printf "eth,0x%064x,%d,%s,0x%040x,ETH,%.6f,%.2f,2024-02-%02dT%02d:%02d:%02dZ,%d,%d\n",
        int(i / 2), i % 2, src, 53248 + to, usd / 3000, usd,
        1 + int(t / 86400), int(t / 3600) % 24, int(t / 60) % 60, t % 60, 19000000 + int(i / 8), (i * 7) % 5
    }
  }'
}

import_rows() {   # import_rows FILE-OF-ROWS
  { echo chain,tx_hash,idx,from,to,asset,amount,usd,time,block,pos; cat "$1"; } >"$1.csv"
  api POST /v1/flows -H 'Content-Type: text/csv' --data-binary @"$1.csv"
  expect_status 200
  [ "$(jq -r .rejected <<<"$body")" = 0 ]
}

# Every address's answer under both models, one JSON per line, without
# the two members that legitimately differ (when computed, and whether
# from the cache).
answers() {
  local urls=() address
  for i in $(seq 0 299); do
    printf -v address '0x%040x' $((0xd000 + i))
    for m in haircut poison; do
      urls+=("$RISKD_URL/v1/addresses/eth/$address/risk?model=$m")
    done
  done
  curl -sS -H "Authorization: Bearer $RISKD_KEY" "${urls[@]}" | jq -c 'del(.computed_at, .cached)'
}

setup_file() {
  db_create determinism_a
  db_create determinism_b
  make_flows >"$BATS_FILE_TMPDIR/rows"
  # order A: as generated, in two imports (first half, second half)
  split -n l/2 "$BATS_FILE_TMPDIR/rows" "$BATS_FILE_TMPDIR/a."
  # order B: reversed, in two imports of other rows (odd lines, even lines)
  tac "$BATS_FILE_TMPDIR/rows" | awk 'NR % 2' >"$BATS_FILE_TMPDIR/b.aa"
  tac "$BATS_FILE_TMPDIR/rows" | awk 'NR % 2 == 0' >"$BATS_FILE_TMPDIR/b.ab"
  printf 'chain,address,category,entity,incident_id,source\neth,%s,mixer,Mixer,,fixture\n' \
    "$(printf '0x%040x' $((0xd000 + 7)))" >"$BATS_FILE_TMPDIR/labels.csv"
}

teardown_file() {
  riskd_stop_all
}

@test "import order A into one database (1 worker), order B into another (4 workers)" {
  riskd_start determinism_a $(suite_port 1) --workers 1
  import_rows "$BATS_FILE_TMPDIR/a.aa"
  api POST /v1/labels -H 'Content-Type: text/csv' --data-binary @"$BATS_FILE_TMPDIR/labels.csv"
  import_rows "$BATS_FILE_TMPDIR/a.ab"
  riskd_start determinism_b $(suite_port 2) --workers 4
  import_rows "$BATS_FILE_TMPDIR/b.ab"
  import_rows "$BATS_FILE_TMPDIR/b.aa"
  api POST /v1/labels -H 'Content-Type: text/csv' --data-binary @"$BATS_FILE_TMPDIR/labels.csv"
}

@test "both give byte-identical answers for all 300 addresses under both models" {
  RISKD_URL=http://127.0.0.1:$(suite_port 1) answers >"$BATS_FILE_TMPDIR/answers.a"
  RISKD_URL=http://127.0.0.1:$(suite_port 2) answers >"$BATS_FILE_TMPDIR/answers.b"
  [ "$(wc -l <"$BATS_FILE_TMPDIR/answers.a")" -eq 600 ]
  # the case is not trivial: many addresses are tainted, at several levels
  [ "$(jq -r 'select(.score > 0) | .address' "$BATS_FILE_TMPDIR/answers.a" | sort -u | wc -l)" -gt 100 ]
  [ "$(jq -r .level "$BATS_FILE_TMPDIR/answers.a" | sort -u | wc -l)" -ge 3 ]
  diff "$BATS_FILE_TMPDIR/answers.a" "$BATS_FILE_TMPDIR/answers.b"
}

@test "database A served by 4 workers gives the same bytes as with 1" {
  riskd_start determinism_a $(suite_port 3) --workers 4
  RISKD_URL=http://127.0.0.1:$(suite_port 3) answers >"$BATS_FILE_TMPDIR/answers.a4"
  diff "$BATS_FILE_TMPDIR/answers.a" "$BATS_FILE_TMPDIR/answers.a4"
}
