"""Who may undo a measurement import: the measurements' own rule, built on the organisation's roles."""

from __future__ import annotations

from edmonitor.core.types import User
from edmonitor.organisations.permissions import Access, can

from .models import ImportBatch


def can_undo_import(user: User, batch: ImportBatch) -> bool:
    """Whether the user may undo a measurement import as a whole: whoever imported it (while they may still
    record for the organisation) and whoever may manage the organisation. Other project members may not."""
    organisation = batch.organisation
    if can(user, Access.MANAGE, organisation):
        return True
    return batch.created_by_id == user.pk and can(user, Access.RECORD, organisation)
