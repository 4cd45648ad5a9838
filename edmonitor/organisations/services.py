"""Changes to who belongs to an organisation: one function each, for pages, commands and invitations."""

from __future__ import annotations

from edmonitor.core.types import Account

from .models import Membership, Organisation


def give_role(user: Account, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` this role in the organisation; a role they already had there is replaced."""
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership
