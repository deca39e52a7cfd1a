#!/usr/bin/env bash
# run.sh -- `make run`: everything from a fresh Debian machine to a serving
# riskd. Installs missing packages, builds, starts a private PostgreSQL and
# Redis under .run/dev (unless DATABASE_URL / REDIS_URL are set: then those
# servers are used and nothing is started), migrates, seeds, serves.
# RISKD_LISTEN (default 127.0.0.1:8080) and every other riskd flag's
# variable apply; extra arguments are passed to `riskd serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh run
make -s -j"$(nproc)"
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  urls=$(scripts/services.sh start .run/dev "${RISKD_PG_PORT:-55432}" "${RISKD_REDIS_PORT:-56379}")
  [ -n "${DATABASE_URL:-}" ] || export "$(echo "$urls" | grep ^DATABASE_URL=)"
  [ -n "${REDIS_URL:-}" ] || export "$(echo "$urls" | grep ^REDIS_URL=)"
  echo "riskd: private PostgreSQL and Redis under .run/dev ($DATABASE_URL, $REDIS_URL)" >&2
fi
build/riskd migrate
build/riskd seed
listen=${RISKD_LISTEN:-127.0.0.1:8080}
echo "riskd: serving on http://$listen  (try: curl http://$listen/v1/incidents)" >&2
exec build/riskd serve --listen "$listen" "$@"
