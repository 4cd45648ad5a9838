"""Login throttling with django-axes: how a lockout is counted, cleared and shown.

The limits themselves (5 failures per user name and per client address, 15 minutes) are
in settings.py. Two choices are made here:

- A successful login clears only the failures recorded for *that* user name. Axes by
  default also clears every failure from the same address, which would let someone with
  one valid account guess another account's password without limit by logging in to
  their own account after every four guesses.
- Behind a reverse proxy every request comes from the proxy's address, which would lock
  the whole site after five failures anywhere; with ``EDMONITOR_PROXY_COUNT`` set, the
  client address is read from ``X-Forwarded-For`` as the nearest trusted proxy wrote it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class AccountResetHandler(AxesDatabaseHandler):
    """Axes' database handler, except that a successful login clears only that account's failures."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the connection's, or behind ``EDMONITOR_PROXY_COUNT`` proxies the one they saw."""
    proxies = settings.EDMONITOR_PROXY_COUNT
    if proxies > 0:
        # Each proxy appends the address it received the request from; entries further left
        # were written by the client and cannot be trusted.
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The lockout page (status 429): what happened and when to try again, in the user's language."""
    cool_off = get_cool_off(request) or settings.AXES_COOLOFF_TIME
    # Every attempt during a lockout restarts the cool-off, so it ends a cool-off after now.
    until = timezone.localtime(timezone.now() + cool_off)
    context = {"minutes": int(cool_off.total_seconds() // 60), "until": until}
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
