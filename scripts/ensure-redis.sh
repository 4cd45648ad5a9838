#!/usr/bin/env bash
# Make sure a local Redis server for the tests and the benchmark is running; print its REDIS_URL.
# Installs Debian's redis-server package when the binary is missing, and runs a private server
# (loopback only, no persistence, no password: a throwaway cache) on port $EDMONITOR_REDIS_PORT
# (default 63790), its files in /tmp/edmonitor-redis-PORT. Never touches a system Redis on 6379.
set -euo pipefail
PORT=${EDMONITOR_REDIS_PORT:-63790}
URL="redis://127.0.0.1:${PORT}/0"
if ! command -v redis-server >/dev/null 2>&1; then
  echo "== installing Redis (Debian package redis-server)" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >&2
  # the package starts a system service on 6379 where there is an init system; ours is separate
fi
if redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then
  echo "$URL"
  exit 0
fi
DIR=/tmp/edmonitor-redis-$PORT
mkdir -p "$DIR"
echo "== starting Redis on 127.0.0.1:$PORT" >&2
redis-server --port "$PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
  --dir "$DIR" --logfile "$DIR/server.log" --pidfile "$DIR/redis.pid" --maxmemory 512mb \
  --maxmemory-policy allkeys-lru >&2
for _ in $(seq 1 50); do
  redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && { echo "$URL"; exit 0; }
  sleep 0.1
done
echo "Redis did not start on port $PORT: see $DIR/server.log" >&2
exit 1
