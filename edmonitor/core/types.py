"""Types shared by every app.

edmonitor uses Django's own user model (``AUTH_USER_MODEL`` is not changed), so an account is a
``django.contrib.auth.models.User``; a request's user is an account or, before signing in,
Django's ``AnonymousUser``.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied

__all__ = ["Account", "User", "account", "signed_in"]

#: Who makes a request, signed in or not (``request.user``); the permission rules take this.
User = Account | AnonymousUser


def account(user: User | None) -> Account | None:
    """The account behind a request's user, for "who did this" fields; None when nobody signed in."""
    return user if isinstance(user, Account) else None


def signed_in(user: User | None) -> Account:
    """The signed-in account behind a request's user, for what only an account may do (else 403)."""
    if isinstance(user, Account):
        return user
    raise PermissionDenied("Sign in first")
