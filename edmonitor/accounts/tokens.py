"""Personal access tokens for the API: made, listed and revoked by their person; checked per request.

A token is ``edm_`` and 43 random URL-safe characters (256 bits). Only its SHA-256 hash is
stored; the person sees the token once. A token has a name (what uses it), an expiry date
(at most :data:`MAX_DAYS` ahead) and a scope: reading only, or reading and writing. What a
token may reach is what its person may reach in the browser, decided by the same permission
rules (:mod:`edmonitor.organisations.permissions`): the token only stands in for the login.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edmonitor.core.types import Account

from .models import ApiToken, TokenScope

PREFIX = "edm_"
SHOWN_CHARACTERS = 12  # "edm_" and 8 characters: enough to tell tokens apart, far too few to guess one
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_ACTIVE = 10  # per person: a token per program that uses the API, not one per request
# last_used_at is written at most this often per token, so a busy program does not write on every call
USE_RECORDED_EVERY = dt.timedelta(minutes=15)


class TokenRefused(ValueError):
    """A token that cannot be made as asked; the message says why, for the person."""


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create(user: Account, *, name: str, scope: str, expires_on: dt.date) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it and the token itself, which is not stored and shown once."""
    name = name.strip()
    today = timezone.localdate()
    if not name:
        raise TokenRefused(_("Give the token a name, for example the program that will use it."))
    if scope not in TokenScope.values:
        raise TokenRefused(_("Choose whether the token may only read or may also write."))
    if expires_on < today:
        raise TokenRefused(_("The date has passed. Choose a date from today."))
    if expires_on > today + dt.timedelta(days=MAX_DAYS):
        raise TokenRefused(_("A token is valid for at most %(days)d days.") % {"days": MAX_DAYS})
    # Counted under a lock on the person's row, so two requests at once cannot pass the limit together.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE:
        raise TokenRefused(
            _("You have %(count)d valid tokens, the most there may be. Revoke one you no longer use.")
            % {"count": MAX_ACTIVE}
        )
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        scope=scope,
        prefix=raw[:SHOWN_CHARACTERS],
        digest=digest_of(raw),
        expires_on=expires_on,
    )
    return token, raw


def revoke(token: ApiToken) -> bool:
    """Stop a token from working, from the next request on; False when it was revoked already."""
    return bool(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def tokens_of(user: Account) -> list[ApiToken]:
    """A person's tokens for their account page: the valid ones first, then the others (newest first)."""
    tokens = list(ApiToken.objects.filter(user=user))
    return sorted(tokens, key=lambda token: not token.is_active)


def authenticate(raw: str) -> ApiToken | None:
    """The valid token of an active account that ``raw`` is, or None; records when it was last used."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.active().select_related("user").filter(digest=digest_of(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
