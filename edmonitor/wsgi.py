"""WSGI entry point (gunicorn edmonitor.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edmonitor.settings")
application = get_wsgi_application()

from edmonitor.warmup import warm_up  # noqa: E402 - after Django is set up

warm_up()  # slow imports, definitions and templates before the first request (edmonitor/warmup.py)
