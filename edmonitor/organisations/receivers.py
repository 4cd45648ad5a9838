"""What follows when someone's place in an organisation ends, wherever it is ended (page, admin, cascade)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from edmonitor.core.sessions import end_sessions

from .models import Membership


@receiver(post_delete, sender=Membership, dispatch_uid="end_sessions_of_removed_member")
def membership_removed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    """A removed member is logged out everywhere at once; their other roles count again at their next login."""
    end_sessions(instance.user_id)
