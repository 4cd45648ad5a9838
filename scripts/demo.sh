#!/usr/bin/env bash
# Start edmonitor on SQLite with demo data, and print where and how to log in.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
unset DATABASE_URL
PORT=${PORT:-8000}
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py seed_demo
echo
echo "edmonitor runs at http://127.0.0.1:${PORT}/  (stop with Ctrl+C)"
echo
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
