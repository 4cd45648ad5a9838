"""edmonitor's settings plus a trivial endpoint (``bench/urls.py``) as the benchmark's yardstick."""

from edmonitor.settings import *  # noqa: F403 - the benchmark runs the application as configured

ROOT_URLCONF = "bench.urls"
