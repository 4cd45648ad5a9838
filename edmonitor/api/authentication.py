"""Who calls the API: a personal access token in ``Authorization: Bearer <token>``, nothing else.

No session or cookie counts here, so a page open in a browser can never be made to call the API
(no CSRF), and a token is never asked for a second step: it was made by a person who passed it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from edmonitor.accounts import tokens
from edmonitor.accounts.models import ApiToken


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no token: DRF answers 401 with the header below
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid, has expired or has been revoked.")
            ) from None
        token = tokens.authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid, has expired or has been revoked."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="edmonitor"'
