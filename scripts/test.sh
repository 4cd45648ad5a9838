#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, migrations check, then every test on SQLite
# and the database tests again on PostgreSQL (started here if none is running); after each,
# the browser tests (e2e/, headless Debian chromium) against a real server on that database.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
unset DATABASE_URL

echo "== test tools (Debian chromium, poppler-utils for the PDF checks, gettext for the catalogues)"
scripts/ensure-system-packages.sh --browser
scripts/lint.sh

# The Django tests run in parallel processes (pytest-xdist), one test database each; a class's
# tests stay together in one process (--dist loadscope), so its setUpTestData runs once.
WORKERS=${TEST_WORKERS:-$(nproc)}
PARALLEL=(-n "$WORKERS" --dist loadscope)

echo "== tests on SQLite, with coverage (the floor is fail_under in pyproject.toml)"
.venv/bin/pytest "${PARALLEL[@]}" --hypothesis-profile=ci --cov --cov-report= "$@"
echo "coverage: $(.venv/bin/coverage report --format=total --precision=1) %"
.venv/bin/coverage report --format=total >/dev/null  # fails under the floor
echo "== browser tests on SQLite"
.venv/bin/pytest e2e

echo "== database tests on PostgreSQL"
PG_URL=$(scripts/ensure-postgres.sh)
DATABASE_URL="$PG_URL" .venv/bin/pytest "${PARALLEL[@]}" --hypothesis-profile=ci --ignore=edmonitor/instruments "$@"
echo "== browser tests on PostgreSQL"
E2E_DATABASE_URL="${PG_URL%/*}/edmonitor_e2e" .venv/bin/pytest e2e
