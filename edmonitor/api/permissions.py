"""What a token may do at all: only with a token, and only reading unless it may write.

What it may reach is decided per view by :mod:`edmonitor.organisations.permissions`, the same
rules as the pages (``organisation_for``, ``visible_organisations``, ``can``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from edmonitor.accounts.models import ApiToken


class TokenScopePermission(BasePermission):
    message = _("This token may only read. Make a token that may also write on your account page.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        return request.method in SAFE_METHODS or token.may_write
