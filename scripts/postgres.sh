#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.
#   source scripts/postgres.sh start   → exports DATABASE_URL
#   scripts/postgres.sh stop
# Uses Debian's postgresql package (installed if missing; needs root, as CI is).
set -euo pipefail
PG_PORT="${WAYPOINT_PG_PORT:-54329}"
PG_DIR="${WAYPOINT_PG_DIR:-/var/tmp/waypoint-pg}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"

pg_install() {
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "Installing PostgreSQL (Debian package)…"
    export DEBIAN_FRONTEND=noninteractive TMPDIR=/var/tmp
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
}

pg_start() {
  pg_install
  pg_stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR" && mkdir -p "$PG_DIR" && chown postgres: "$PG_DIR"
  echo "waypoint" > "$PG_DIR/pw" && chown postgres: "$PG_DIR/pw"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U waypoint --pwfile="$PG_DIR/pw" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
  runuser -u postgres -- "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U waypoint -O waypoint waypoint
  export DATABASE_URL="postgres://waypoint:waypoint@127.0.0.1:$PG_PORT/waypoint"
  echo "PostgreSQL running on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  if [ -n "$PG_BIN" ] && [ -d "$PG_DIR/data" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  start) pg_start ;;
  stop) pg_stop ;;
  *) echo "usage: scripts/postgres.sh start|stop" >&2; exit 2 ;;
esac
