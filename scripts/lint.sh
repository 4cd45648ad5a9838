#!/usr/bin/env bash
# The checks that come before the tests: `make test` runs them first, `make lint` and the
# pre-commit hook run just these. Needs the set-up (scripts/setup.sh) and GNU gettext.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== lint (ruff)"
.venv/bin/ruff check edmonitor e2e bench scripts
.venv/bin/ruff format --check edmonitor scripts e2e bench
echo "== layers of the tree (import-linter: a lower app never imports a higher one)"
.venv/bin/lint-imports --no-cache
echo "== types (mypy with django-stubs; strict on the pure core)"
.venv/bin/mypy
echo "== migrations are complete"
.venv/bin/python manage.py makemigrations --check --dry-run
echo "== translations: every string of the code is in the catalogues, translated and compiled"
scripts/messages.sh --check
