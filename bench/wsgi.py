"""WSGI application of the benchmark: edmonitor as deployed, with ``bench.settings`` (one extra, trivial URL)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.wsgi import get_wsgi_application  # after the settings module is chosen

application = get_wsgi_application()

from edmonitor.warmup import warm_up  # noqa: E402 - after Django is set up

warm_up()  # as edmonitor/wsgi.py
