#!/usr/bin/env bash
# Create .venv and install the pinned dependencies and edmonitor itself (editable).
# Safe to run again: it reinstalls only when requirements.lock or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
scripts/ensure-system-packages.sh
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.edmonitor-installed
want=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "== installing pinned dependencies"
  # The lock holds every package with its hashes, so nothing else is resolved (--no-deps);
  # `pip check` then confirms that what is installed fits together.
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements.lock \
    2> >(grep -v "^WARNING: Location 'file:" >&2)
  .venv/bin/python -m pip check >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e . 2>/dev/null
  echo "$want" > "$stamp"
fi
