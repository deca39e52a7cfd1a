#!/usr/bin/env bats
# Migrations, seeding and start-up from the command line.

load helpers

@test "riskd migrate applies each migration once; re-running is a no-op" {
  db_name=lifecycle_fresh
  psql "$RISKD_PG/postgres" -qc "DROP DATABASE IF EXISTS $db_name" -qc "CREATE DATABASE $db_name"
  run env DATABASE_URL="$RISKD_PG/$db_name" "$RISKD_BIN" migrate
  [ "$status" -eq 0 ]
  applied=$(ls migrations/*.sql | wc -l)
  echo "$output" | grep -q "\"applied\":$applied"
  [ "$(psql -qAt "$RISKD_PG/$db_name" -c 'SELECT count(*) FROM schema_migrations')" = "$applied" ]
  run env DATABASE_URL="$RISKD_PG/$db_name" "$RISKD_BIN" migrate
  [ "$status" -eq 0 ]
  echo "$output" | grep -q '"applied":0'
  [ "$(psql -qAt "$RISKD_PG/$db_name" -c 'SELECT count(*) FROM schema_migrations')" = "$applied" ]
}

@test "riskd seed loads every seed row with its source; seeding twice changes nothing" {
  db_name=lifecycle_fresh
  run env DATABASE_URL="$RISKD_PG/$db_name" "$RISKD_BIN" seed
  [ "$status" -eq 0 ]
  q() { psql -qAt "$RISKD_PG/$db_name" -c "$1"; }
  [ "$(q 'SELECT count(*) FROM incidents')" = 25 ]
  [ "$(q 'SELECT count(*) FROM un_reports')" = 8 ]
  [ "$(q "SELECT count(*) FROM labels WHERE category = 'hack'")" = 103 ]
  [ "$(q "SELECT count(*) FROM labels WHERE category = 'sanctions'")" = 623 ]
  [ "$(q "SELECT count(*) FROM labels WHERE source = ''")" = 0 ]
  [ "$(q "SELECT count(*) FROM incidents WHERE source_url = ''")" = 0 ]
  epoch=$(q 'SELECT epoch FROM graph_state')
  run env DATABASE_URL="$RISKD_PG/$db_name" "$RISKD_BIN" seed
  [ "$status" -eq 0 ]
  [ "$(q 'SELECT epoch FROM graph_state')" = "$epoch" ]
  [ "$(q 'SELECT count(*) FROM labels')" = 726 ]
}

@test "amounts are stored as NUMERIC, never floats" {
  run psql -qAt "$RISKD_PG/riskd_template" -c \
    "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'flows' AND column_name IN ('amount', 'usd')"
  [ "$output" = "amount:numeric,usd:numeric" ]
  run psql -qAt "$RISKD_PG/riskd_template" -c \
    "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('real', 'double precision')"
  [ "$output" = 0 ]
}

@test "serve migrates at start-up and answers once the graph is loaded" {
  db_name=lifecycle_startup
  psql "$RISKD_PG/postgres" -qc "DROP DATABASE IF EXISTS $db_name" -qc "CREATE DATABASE $db_name"
  port=$(suite_port 0)
  riskd_start "$db_name" "$port"
  api GET /readyz
  expect_status 200
  [ "$(psql -qAt "$RISKD_PG/$db_name" -c 'SELECT count(*) FROM schema_migrations')" = "$(ls migrations/*.sql | wc -l)" ]
  riskd_stop "$port"
}

@test "a bad option or command is refused with the usage" {
  run "$RISKD_BIN" serve --no-such-option
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown option"* ]]
  run "$RISKD_BIN" frobnicate
  [ "$status" -eq 2 ]
  [[ "$output" == *usage* ]]
  run "$RISKD_BIN" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *DATABASE_URL* ]]
}
