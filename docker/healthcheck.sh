#!/bin/bash
# riskd-healthcheck -- the image's HEALTHCHECK (installed as
# /usr/local/bin/riskd-healthcheck). Exits 0 when GET /readyz on riskd's own
# port answers 200, 1 otherwise, with one line saying why.
#
# Why bash's /dev/tcp and not curl or wget: debian:bookworm-slim has neither,
# and curl would bring curl, libcurl4 and the libraries libcurl links beyond
# those libpq5 brings already (nghttp2, ssh2, rtmp, psl, brotli): more
# packages to keep patched, for one GET on the loopback. bash is in every
# Debian image already, and a plain HTTP/1.0 request is all it takes.
#
# /readyz is 200 once the engine has loaded the graph (503 before: the
# HEALTHCHECK's --start-period covers that), and still 200 with a "degraded"
# body while PostgreSQL or Redis is unreachable, so a database outage does
# not get riskd restarted in a loop. /readyz must stay in RISKD_OPEN_ROUTES
# (it is by default), or this check gets 401 and reports unhealthy.
#
# Environment: RISKD_LISTEN (host:port riskd listens on; a wildcard host is
# checked on the loopback), RISKD_HEALTHCHECK_PATH (default /readyz),
# RISKD_HEALTHCHECK_TIMEOUT (seconds to wait for the answer, default 4).
set -u

listen=${RISKD_LISTEN:-127.0.0.1:8080}
port=${listen##*:}
host=${listen%:*}
[ "$host" = "$listen" ] && host=
case $host in
  '' | 0.0.0.0 | '*') host=127.0.0.1 ;;
  '[::]' | '::') host=::1 ;;
  \[*\]) host=${host#[}; host=${host%]} ;;
esac
path=${RISKD_HEALTHCHECK_PATH:-/readyz}

if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
  echo "riskd-healthcheck: no connection to $host:$port"
  exit 1
fi
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: riskd-healthcheck\r\n\r\n' "$path" >&3
if ! IFS=' ' read -r -t "${RISKD_HEALTHCHECK_TIMEOUT:-4}" proto status _ <&3; then
  echo "riskd-healthcheck: no answer from $host:$port$path"
  exit 1
fi
exec 3<&-
status=${status%$'\r'}
if [[ $proto == HTTP/1.[01] && $status == 200 ]]; then
  echo "riskd-healthcheck: $path 200"
  exit 0
fi
echo "riskd-healthcheck: $path answered ${status:-nothing}"
exit 1
