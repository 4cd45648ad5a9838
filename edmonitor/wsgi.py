"""WSGI entry point (gunicorn edmonitor.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edmonitor.settings")
application = get_wsgi_application()
