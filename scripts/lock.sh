#!/usr/bin/env bash
# Write requirements.lock from pyproject.toml: the application's dependencies and the dev group,
# every package pinned with its hashes (uv pip compile). Versions already in the lock are kept
# unless a range in pyproject.toml excludes them; `scripts/lock.sh --upgrade` takes the newest.
# edmonitor/core/tests/test_packaging.py checks that the two files agree.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/uv ] || scripts/setup.sh >/dev/null  # only for uv: a new dependency is not installed yet
.venv/bin/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 \
  --no-header --quiet -o requirements.lock "$@"
sed -i '1i # Fully pinned set installed by scripts/setup.sh (runtime + dev tools), with hashes.\n# Generated from pyproject.toml by scripts/lock.sh; do not edit by hand. Direct dependencies\n# are justified in README.md ("Dependencies").' requirements.lock
