"""Requests per token per minute (``EDMONITOR_API_RATE_LIMIT``), counted in the shared cache."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from edmonitor.core.throttle import allow

WINDOW_SECONDS = 60


class PerTokenThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.auth
        if token is None:
            return True  # refused anyway: no token, no data
        return allow("api", str(token.pk), limit=settings.EDMONITOR_API_RATE_LIMIT, window_seconds=WINDOW_SECONDS)

    def wait(self) -> float:
        return float(WINDOW_SECONDS)
