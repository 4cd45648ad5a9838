#!/usr/bin/env bash
# The national-scale benchmark (bench/README.md): set up, generate the data set (cached per
# seed and scale in var/bench/), measure on SQLite or PostgreSQL, write bench/results/.
#   scripts/bench.sh [--scale 1.0] [--db sqlite|postgresql] [--seed 42] [--load-seconds 60] ...
#   scripts/bench.sh --import [--db sqlite|postgresql] [--sizes BYTES,...]   (the web import, bench/imports.py)
# PostgreSQL: a private cluster from scripts/ensure-postgres.sh on port $EDMONITOR_PG_PORT
# (default here 54351, so the benchmark never touches the test suite's server on 54329).
# Every run has HAProxy in front of gunicorn, as a proxy is in production.
# --instances N (N > 1): N gunicorn instances behind HAProxy, sharing a private Redis on port
# $EDMONITOR_REDIS_PORT (default here 63791; the tests' is 63790).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
unset DATABASE_URL
# HAProxy (Debian's package) is the proxy in front of gunicorn in every run, as in production
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || {
  echo "== installing HAProxy (Debian package)" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends haproxy >&2
}
for arg in "$@"; do
  case "$arg" in
    --instances=1) ;;
    --instances|--instances=*)
      # more than one application server: a shared Redis
      export EDMONITOR_REDIS_PORT=${EDMONITOR_REDIS_PORT:-63791}
      BENCH_REDIS_URL=$(scripts/ensure-redis.sh)
      export BENCH_REDIS_URL ;;
  esac
  if [ "$arg" = "postgresql" ] || [ "$arg" = "--db=postgresql" ]; then
    export EDMONITOR_PG_PORT=${EDMONITOR_PG_PORT:-54351}
    BENCH_PG_URL=$(scripts/ensure-postgres.sh)
    export BENCH_PG_URL
  fi
done
if [ "${1:-}" = "--import" ]; then
  shift
  exec .venv/bin/python -m bench.imports "$@"
fi
if [ "${1:-}" = "--series" ]; then
  shift
  exec .venv/bin/python -m bench.series "$@"
fi
exec .venv/bin/python -m bench.run "$@"
