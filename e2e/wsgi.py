"""WSGI application for the browser tests: edmonitor as deployed, plus its static files.

In production a web server in front of gunicorn serves /static/; the tests have none, so
Django's StaticFilesHandler serves the apps' static files (it works with DEBUG off,
unlike runserver's automatic static serving).
"""

from django.contrib.staticfiles.handlers import StaticFilesHandler

from edmonitor.wsgi import application as edmonitor_application

application = StaticFilesHandler(edmonitor_application)
