"""edmonitor's URLs plus ``/bench/ping/``: the cheapest page the server can answer for a logged-in user.

Every page's median is divided by this one's (same server, same run), so the ratios say what
the page itself costs beyond the request, session and authentication that every page pays.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from edmonitor.urls import urlpatterns as edmonitor_urlpatterns


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping, name="bench_ping"), *edmonitor_urlpatterns]
