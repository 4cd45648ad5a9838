#!/usr/bin/env bash
# The whole test suite, as CI runs it: the checks of scripts/lint.sh, then every Django test on
# PostgreSQL (started here if none is running) while the browser tests (e2e/, headless Debian
# chromium, a real gunicorn) run on SQLite, then the tests marked both_databases on SQLite.
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
mkdir -p e2e-artifacts
PG_URL=$(scripts/ensure-postgres.sh)
# A real Redis for the tests of the shared cache (edmonitor/core/tests/test_figures.py), as production has it.
EDMONITOR_TEST_REDIS_URL=$(scripts/ensure-redis.sh)
export EDMONITOR_TEST_REDIS_URL

# Every test runs once: the Django tests on PostgreSQL (the production database), the browser
# tests on SQLite (the database of `make demo`), and the tests marked `both_databases` (the
# demo, every page for every role, what is written per database) on SQLite as well.
# The browser tests run at the same time as the Django tests: they mostly wait for Chromium
# and the server, so they take what the Django tests leave of the CPU. Their output follows.
echo "== browser tests on SQLite: started in the background (output below, after the Django tests)"
E2E_LOG=e2e-artifacts/e2e-sqlite.log
.venv/bin/pytest e2e >"$E2E_LOG" 2>&1 &
E2E_PID=$!

echo "== every Django test on PostgreSQL, with coverage (the floor is fail_under in pyproject.toml)"
django_status=0
DATABASE_URL="$PG_URL" .venv/bin/pytest "${PARALLEL[@]}" --hypothesis-profile=ci --cov --cov-report= "$@" \
  || django_status=$?
e2e_status=0
wait "$E2E_PID" || e2e_status=$?
echo "== browser tests on SQLite (exit status $e2e_status)"
cat "$E2E_LOG"
if [ "$django_status" -ne 0 ] || [ "$e2e_status" -ne 0 ]; then
  exit 1
fi

echo "== the tests marked both_databases, on SQLite too"
.venv/bin/pytest "${PARALLEL[@]}" --hypothesis-profile=ci -m both_databases --cov --cov-append --cov-report= "$@"
echo "coverage: $(.venv/bin/coverage report --format=total --precision=1) %"
.venv/bin/coverage report --format=total >/dev/null  # fails under the floor
