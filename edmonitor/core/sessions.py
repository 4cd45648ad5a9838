"""Ending a person's sessions at once (issue 17 part 7).

When someone loses their place (a membership is removed, an account is deactivated), every
browser where they are logged in must stop working immediately, not at the next login. The
receivers in :mod:`edmonitor.organisations` and :func:`account_deactivated` call
:func:`end_sessions`; it is the one function that does it.

Sessions live in the database (Django's default session engine), which stores the account
inside each session's encoded data; so the sessions still valid are read and those of the
account deleted. That is linear in the number of open sessions, which is small next to what
a request already does (a national installation has a few thousand at most), and it happens
only when someone's access ends.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

DELETE_BATCH = 500  # session keys per DELETE statement (SQLite takes at most 999 parameters)


def end_sessions(user_id: int) -> int:
    """Log the account out everywhere: delete every open session of it. Returns how many there were."""
    wanted = str(user_id)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=DELETE_BATCH)
        if str(session.get_decoded().get(SESSION_KEY, "")) == wanted
    ]
    for start in range(0, len(keys), DELETE_BATCH):
        Session.objects.filter(session_key__in=keys[start : start + DELETE_BATCH]).delete()
    return len(keys)


@receiver(pre_save, sender=get_user_model(), dispatch_uid="end_sessions_of_deactivated_account")
def account_deactivated(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An account switched off (in the admin or anywhere else) is logged out everywhere at once."""
    if instance.pk is None or instance.is_active:
        return
    was_active = sender._base_manager.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        end_sessions(instance.pk)
