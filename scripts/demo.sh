#!/usr/bin/env bash
# Start edmonitor on SQLite with demo data, and print where and how to log in.
# Beside the web server runs the background worker (`manage.py db_worker`): it runs the work
# that pages queue, such as the confirm step of an import (README, "Background tasks"). It is
# stopped when the demo stops.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
unset DATABASE_URL
PORT=${PORT:-8000}
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py db_worker -v 0 &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null || true; wait "$WORKER" 2>/dev/null || true' EXIT
echo
echo "edmonitor runs at http://127.0.0.1:${PORT}/  (stop with Ctrl+C; the background worker stops with it)"
echo "The API: http://127.0.0.1:${PORT}/api/v1/docs/ (log in first); make a token on Mijn account -> API-sleutels."
echo
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
