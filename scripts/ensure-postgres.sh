#!/usr/bin/env bash
# Make sure a local PostgreSQL server for the tests is running; print its DATABASE_URL.
# Installs Debian's postgresql package when no server binaries are present, and runs a
# private cluster (trust auth, loopback only) on port $EDMONITOR_PG_PORT in
# $EDMONITOR_PG_DIR (default /tmp/edmonitor-postgres-PORT: a place the postgres user can
# reach whatever the permissions of the checkout's parent folders).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${EDMONITOR_PG_PORT:-54329}
URL="postgres://postgres@127.0.0.1:${PORT}/edmonitor"

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
BIN=$(find_bin)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "== installing PostgreSQL (Debian package)" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  BIN=$(find_bin)
fi

if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  echo "$URL"
  exit 0
fi

DIR=${EDMONITOR_PG_DIR:-/tmp/edmonitor-postgres-$PORT}
mkdir -p "$DIR"
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$DIR"; fi
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  echo "== creating a PostgreSQL cluster in $DIR/data" >&2
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres -A trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
echo "== starting PostgreSQL on 127.0.0.1:$PORT" >&2
as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -k $DIR -c fsync=off -c synchronous_commit=off" start >&2
echo "$URL"
