#!/usr/bin/env bash
# Update the translation catalogues and compile them (needs GNU gettext's xgettext), or,
# with --check, verify every Dutch string is translated and each .mo matches its .po.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--check" ]; then
  .venv/bin/python scripts/check_messages.py --check
else
  (cd edmonitor && ../.venv/bin/python ../manage.py makemessages -l nl -l en --no-obsolete --no-location -v 0)
  .venv/bin/python scripts/check_messages.py || true
fi
