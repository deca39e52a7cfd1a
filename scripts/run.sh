#!/usr/bin/env bash
# run.sh -- `make run`: everything from a fresh Debian machine to a serving
# riskd. Installs missing packages, builds, starts a private PostgreSQL and
# Redis under .run/dev (unless DATABASE_URL / REDIS_URL are set: then those
# servers are used and nothing is started), migrates, seeds, prints an API
# key, serves. RISKD_LISTEN (default 127.0.0.1:8080) and every other riskd
# flag's variable apply; extra arguments are passed to `riskd serve`.
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

# An API key for you, kept (mode 600) under .run/ so every `make run`
# prints the same one, or a new one when the database does not know it.
mkdir -p .run
key_file=.run/api-key
key_id=$( [ -s "$key_file" ] && cut -c1-15 "$key_file" || true )
if [ -z "$key_id" ] || ! build/riskd keys list \
     | jq -e --arg id "$key_id" 'any(.[]; .id == $id and .revoked_at == null)' >/dev/null; then
  (umask 077 && build/riskd keys create --name "make run" \
     --scopes read,screen,ingest,admin 2>/dev/null >"$key_file")
fi
key=$(cat "$key_file")
listen=${RISKD_LISTEN:-127.0.0.1:8080}
cat >&2 <<EOF
riskd: serving on http://$listen
riskd: your API key (every scope; also in $key_file):
  $key
riskd: try
  curl -H "Authorization: Bearer $key" http://$listen/v1/incidents
EOF
exec build/riskd serve --listen "$listen" "$@"
