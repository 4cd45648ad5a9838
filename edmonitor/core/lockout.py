"""Login throttling with django-axes: how a lockout is counted, cleared and shown.

The policy (README, "Login lockout"; the numbers are in settings.py):

- 5 failed logins for one user name *from one client address* lock that pair: that name
  from that address. The account itself is never locked, so an outsider who types wrong
  passwords for ``coordinator`` cannot keep the coordinator out: from any other address
  the coordinator logs in as usual.
- 20 failed logins from one address, for any user names together, lock that address: one
  address trying many names (or one name many times) is throttled.
- Each lock lasts until 15 minutes after the last attempt.
- A successful login clears the failures of that pair only. Axes by default also clears
  every failure from the same address, which would let someone with one valid account guess
  another account's password without limit by logging in to their own account after every
  four guesses; and clearing the whole account would let the real user's login wipe an
  outsider's count.

Axes compares one number of failures with one limit (``AXES_FAILURE_LIMIT``) and takes the
largest count over its lockout parameters; :class:`PairAndAddressHandler` gives the address
its own, higher limit. A second factor (a later issue) fits here: a user who passes it could
be let through a locked pair (the pair lock guards the password only), while the address
throttle stays.

Behind a reverse proxy every request comes from the proxy's address, which would lock the
whole site; with ``EDMONITOR_PROXY_COUNT`` set, the client address is read from
``X-Forwarded-For`` as the nearest trusted proxy wrote it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class PairAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per (user name, address) pair and a higher one per address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # One queryset per entry of AXES_LOCKOUT_PARAMETERS: the pair, then the address.
        pair, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.EDMONITOR_ADDRESS_FAILURE_LIMIT:
            return max(pair, settings.AXES_FAILURE_LIMIT)  # the address is locked, whatever the name
        return pair

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a successful login: forget the failures of this user name from this address only."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        address = request.axes_ip_address  # type: ignore[attr-defined]  # set by django-axes
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=address).delete()
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
    return render(
        request, "registration/locked_out.html", context, status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    )
