"""The privacy page and the accessibility statement: public, filled in from the installation's settings.

A buyer's privacy officer and accessibility officer read these before edmonitor may be used
(issue 17 part 8). The facts that edmonitor itself decides (what it stores, for how long,
what its tests check) come from the code's own settings, so the pages cannot drift from them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


def _installation() -> dict[str, object]:
    try:
        checked_on = dt.date.fromisoformat(settings.EDMONITOR_STATEMENTS_DATE)
    except ValueError:
        checked_on = None
    return {
        "operator": settings.EDMONITOR_OPERATOR,
        "contact": settings.EDMONITOR_CONTACT_EMAIL,
        "privacy_contact": settings.EDMONITOR_PRIVACY_CONTACT,
        "data_location": settings.EDMONITOR_DATA_LOCATION,
        "checked_on": checked_on,
    }


@login_not_required
@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """Which personal data edmonitor keeps, why, for how long, who sees them, and whom to ask."""
    context = {
        **_installation(),
        "access_log_days": settings.EDMONITOR_ACCESS_LOG_RETENTION_DAYS,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "min_peers": settings.EDMONITOR_BENCHMARK_MIN_PEERS,
    }
    return render(request, "home/privacy.html", context)


@login_not_required
@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (toegankelijkheidsverklaring): the standard, the status, what is tested."""
    return render(
        request,
        "home/accessibility.html",
        {**_installation(), "status": settings.EDMONITOR_ACCESSIBILITY_STATUS},
    )
