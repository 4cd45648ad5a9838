"""Middleware shared by the whole site."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class DutchByDefaultMiddleware:
    """Ignore the browser's Accept-Language header, so the interface is Dutch unless the user chose English.

    Many care workers use browsers set to English; the sector works in Dutch. The
    language switch in the header stores an explicit choice in a cookie, which
    Django's LocaleMiddleware (placed after this one) still honours.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
