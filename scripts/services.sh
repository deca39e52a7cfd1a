#!/usr/bin/env bash
# services.sh start|stop DIR PG_PORT REDIS_PORT
#
# A private PostgreSQL and Redis whose data live under DIR (inside the
# project), on their own ports, listening on 127.0.0.1 only. PostgreSQL
# refuses to run as root, so as root it runs as the `postgres` user.
# `start` is idempotent and prints the URLs to use:
#   DATABASE_URL=postgresql://riskd@127.0.0.1:PG_PORT/riskd
#   REDIS_URL=redis://127.0.0.1:REDIS_PORT/0
# Extra postgres settings may be passed in RISKD_PG_OPTIONS.
set -euo pipefail

cmd=$1 pg_port=$3 redis_port=$4
mkdir -p "$2"
dir=$(cd "$2" && pwd)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgdata=$dir/pg

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  mkdir -p "$dir"
  if [ ! -s "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres:postgres "$pgdata"
      runuser -u postgres -- test -w "$pgdata" || {
        echo "riskd: user postgres cannot reach $pgdata (a parent folder is private);" \
             "clone riskd where other users can traverse, e.g. under /srv or /tmp" >&2
        exit 1
      }
    fi
    as_pg "$pg_bin/initdb" -D "$pgdata" -U riskd --auth=trust --encoding=UTF8 \
      --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if ! as_pg "$pg_bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    as_pg "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
      -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
          -c max_connections=300 ${RISKD_PG_OPTIONS:-}" start >/dev/null \
      || { tail -n 20 "$pgdata/server.log" >&2; exit 1; }
  fi
  local url="postgresql://riskd@127.0.0.1:$pg_port"
  psql "$url/postgres" -qAtc "SELECT 1 FROM pg_database WHERE datname = 'riskd'" | grep -q 1 \
    || psql "$url/postgres" -qc "CREATE DATABASE riskd" >/dev/null
}

start_redis() {
  mkdir -p "$dir/redis"
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes \
      --pidfile "$dir/redis/redis.pid" --dir "$dir/redis" --logfile "$dir/redis/redis.log" \
      --save "" --appendonly no --databases 64 >/dev/null
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  redis-cli -p "$redis_port" ping >/dev/null
}

case $cmd in
  start)
    start_postgres
    start_redis
    echo "DATABASE_URL=postgresql://riskd@127.0.0.1:$pg_port/riskd"
    echo "REDIS_URL=redis://127.0.0.1:$redis_port/0"
    ;;
  stop)
    [ -s "$pgdata/PG_VERSION" ] && as_pg "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    ;;
  *) echo "usage: services.sh start|stop DIR PG_PORT REDIS_PORT" >&2; exit 2 ;;
esac
