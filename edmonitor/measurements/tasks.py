"""The web import's confirm step, run in the background (:mod:`edmonitor.core.background`).

Storing a file at the upload limit takes seconds (28,000 rows: 4 s on SQLite, 8 s on
PostgreSQL, bench/README.md "Web import"), so the confirm button queues
:func:`confirm_import_task` and the user watches its progress page instead of waiting for the
request. Every confirm runs here, large or small: one way through. The task does exactly what
the confirm did in the request (:func:`.imports.confirm_upload`: the batch claimed, the file
read again, the duplicates compared with what the user saw, all rows or none), after checking
again that the user may still import into the organisation and that the upload is still theirs.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from edmonitor.core import background
from edmonitor.core.models import BackgroundJob
from edmonitor.core.types import Account
from edmonitor.organisations.permissions import Access, can

from . import imports
from .models import ImportBatch

# The steps the progress page names (translated when shown).
CHECKING = gettext_noop("Checking the file")
SAVING = gettext_noop("Saving the measurements")


def job_key(organisation_pk: int, batch_pk: int) -> str:
    """What a confirm works on: one upload (at most one unfinished confirm per upload)."""
    return f"measurement-import:{organisation_pk}:{batch_pk}"


def start_confirm(batch: ImportBatch, *, include: Collection[int], signature: str, user: Account) -> BackgroundJob:
    """Queue the confirm of ``batch`` with the rows ``include`` ticked; the job (an unfinished one of ``batch``
    if there is one). Raises :class:`~edmonitor.core.background.Busy` when the user has too many jobs waiting."""
    return background.start(
        confirm_import_task,
        owner=user,
        key=job_key(batch.organisation_id, batch.pk),
        batch_id=batch.pk,
        include=sorted(include),
        signature=signature,
    )


def unfinished_confirm(batch: ImportBatch) -> BackgroundJob | None:
    """The confirm of ``batch`` waiting or running now, if any."""
    return BackgroundJob.objects.unfinished().filter(key=job_key(batch.organisation_id, batch.pk)).first()


@task()
def confirm_import_task(job_id: str, *, batch_id: int, include: list[int], signature: str) -> dict[str, Any]:
    """The task: confirm the upload ``batch_id`` for the job's owner (arguments are JSON: ids, not objects)."""

    def work(job: BackgroundJob, progress: background.Progress) -> dict[str, Any]:
        return _confirm(job.owner, progress, batch_id=batch_id, include=include, signature=signature)

    return background.run(job_id, work)


def _confirm(
    user: Account, progress: background.Progress, *, batch_id: int, include: list[int], signature: str
) -> dict[str, Any]:
    batch = (
        ImportBatch.objects.select_related("organisation", "instrument_version")
        .filter(pk=batch_id, created_by=user)
        .first()
    )
    if batch is None:
        raise background.Failed(_("This upload no longer exists: it was cancelled, or it waited for more than a day."))
    if not user.is_active or not can(user, Access.RECORD, batch.organisation):
        raise background.Failed(_("You may no longer import measurements for this organisation."))

    progress.step(CHECKING)
    try:
        confirmed = imports.confirm_upload(
            batch,
            include=include,
            signature=signature,
            user=user,
            # Not counted until the rows are stored: inside the import's transaction the count is
            # seen at once on PostgreSQL only (core/background.py, "Progress").
            on_checked=lambda: progress.step(SAVING),
            progress=progress,
        )
    except ValidationError as invalid:
        raise background.Failed(*invalid.messages) from None
    return {"outcome": confirmed.outcome, "imported": confirmed.imported, "skipped": confirmed.skipped}
