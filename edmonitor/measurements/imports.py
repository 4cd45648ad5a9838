"""The web import's steps: upload, preview, confirm or cancel, and undoing an import as a whole.

- **Upload** (:func:`start_import`): a checked file becomes a *pending* :class:`ImportBatch`
  holding its text on the server (within the upload limit), so nothing the browser sends
  back decides what is imported. Pending batches older than a day are deleted then.
- **Preview** (:func:`preview`): which rows are new, and which look like a measurement
  already stored — the same organisation, facility (the row's ``voorziening``, or none: the
  whole organisation), date and label, the label compared without regard to case
  and spaces ("Beginmeting " is "beginmeting") — or like an earlier row of the same file.
  Those are skipped unless the user ticks them.
- **Confirm** (:func:`confirm_upload`, then :func:`confirm_import`): everything again (the file
  unchanged, still valid, the same rows looking like duplicates as the user saw); a second
  confirm of the same batch (a double click) does nothing. The web runs it in the background
  (:mod:`.tasks`): a file at the upload limit takes seconds to store.
- **Undo** (:func:`undo_import`): every measurement of the batch goes, in one transaction;
  goals judged at them open again (:func:`edmonitor.improvement.services.release_goals_of`,
  the rule of deleting one measurement); the batch stays, recorded as undone.

Like this app's views, this module sits on top of the measurements app and uses the
improvement plan's rule for goals judged at a measurement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edmonitor.core.types import User, account
from edmonitor.instruments.csvio import ScoredRow
from edmonitor.organisations.models import Organisation

from . import signals
from .forms import read_import
from .models import ImportBatch, InstrumentVersion, Measurement
from .services import Progress, delete_measurements, facilities_by_name, import_measurements

#: A pending upload is kept this long; the next upload (anyone's) deletes older ones.
STALE_AFTER = dt.timedelta(days=1)


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def label_key(label: str) -> str:
    """A label as compared for duplicates: without regard to case and spaces."""
    return " ".join(label.split()).casefold()


@dataclass(frozen=True)
class Duplicate:
    """A row that looks like a measurement already stored (``stored``) or like an earlier row of the file."""

    row: ScoredRow
    stored: int | None = None  # the id of the stored measurement it looks like
    earlier_row: int | None = None  # or the number of the earlier row of the file


@dataclass(frozen=True)
class Preview:
    new: list[ScoredRow] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def signature(self) -> str:
        """What the user saw as duplicates: the confirm imports only if it is still the same."""
        return checksum(",".join(f"{d.row.row}:{d.stored}:{d.earlier_row}" for d in self.duplicates).encode())

    def chosen(self, include: Collection[int]) -> list[ScoredRow]:
        """The rows to import, in file order: every new row, and the duplicates whose row number is in ``include``."""
        included = set(include)
        ticked = [d.row for d in self.duplicates if d.row.row in included]
        return sorted([*self.new, *ticked], key=lambda r: r.row)

    @property
    def rows(self) -> list[ScoredRow]:
        return sorted([*self.new, *(d.row for d in self.duplicates)], key=lambda r: r.row)


def preview(organisation: Organisation, rows: Sequence[ScoredRow]) -> Preview:
    """Split checked rows into new ones and those that look like measurements already stored (one query)."""
    Key = tuple[int | None, dt.date, str]
    stored: dict[Key, int] = {}
    measurements = Measurement.objects.filter(organisation=organisation).order_by("pk")
    for pk, facility_id, measured_on, label in measurements.values_list("pk", "facility", "measured_on", "label"):
        stored.setdefault((facility_id, measured_on, label_key(label)), pk)
    facilities = {name: facility.pk for name, facility in facilities_by_name(organisation).items()}
    seen: dict[Key, int] = {}
    result = Preview()
    for row in rows:
        assert row.measured_on is not None  # read with require_date
        key = (facilities.get(row.facility.casefold()), row.measured_on, label_key(row.label))
        if key in stored:
            result.duplicates.append(Duplicate(row, stored=stored[key]))
        elif key in seen:
            result.duplicates.append(Duplicate(row, earlier_row=seen[key]))
        else:
            result.new.append(row)
            seen[key] = row.row
    return result


def purge_stale(now: dt.datetime | None = None) -> int:
    """Delete pending uploads older than :data:`STALE_AFTER`; how many."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    deleted, _per_model = ImportBatch.objects.filter(status=ImportBatch.Status.PENDING, created_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def start_import(
    *,
    organisation: Organisation,
    instrument_version: InstrumentVersion,
    file_name: str,
    content: bytes,
    rows: int,
    user: User | None,
) -> ImportBatch:
    """A checked upload, kept on the server until the user confirms or cancels it."""
    purge_stale()
    return ImportBatch.objects.create(
        organisation=organisation,
        instrument_version=instrument_version,
        file_name=file_name[:255],
        content=content,
        checksum=checksum(content),
        rows=rows,
        created_by=account(user),
    )


def read_pending(batch: ImportBatch) -> list[ScoredRow]:
    """The checked rows of a pending upload, read again from the text kept on the server.

    Raises ``ValidationError`` when the text changed on the server, or the file is no longer
    valid (e.g. the organisation was renamed); the upload is then deleted: the user starts again.
    """
    content = bytes(batch.content)
    try:
        if checksum(content) != batch.checksum:
            raise forms.ValidationError(_("The uploaded file has changed on the server. Please upload it again."))
        return read_import(batch.instrument_version.instrument, batch.organisation, content)
    except forms.ValidationError:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).delete()
        raise


def earlier_imports_of_same_file(batch: ImportBatch) -> QuerySet[ImportBatch]:
    """Imports of this organisation of a file with exactly the same content (still standing)."""
    return ImportBatch.objects.filter(
        organisation_id=batch.organisation_id, checksum=batch.checksum, status=ImportBatch.Status.IMPORTED
    ).select_related("created_by")


class Outcome(StrEnum):
    IMPORTED = "imported"
    ALREADY_DONE = "already_done"  # the batch is no longer pending (a second confirm)
    CHANGED = "changed"  # the rows looking like duplicates are not those the user saw


@dataclass(frozen=True)
class Confirmed:
    outcome: Outcome
    imported: int = 0
    skipped: int = 0
    preview: Preview | None = None  # when CHANGED: the preview as it is now


def confirm_import(
    batch: ImportBatch,
    *,
    rows: Sequence[ScoredRow],
    include: Collection[int],
    signature: str,
    user: User | None,
    progress: Progress | None = None,
) -> Confirmed:
    """Import a pending batch's checked ``rows``: the new ones and the duplicates ticked (``include``).

    In one transaction that first claims the batch (a conditional UPDATE: of two confirms at
    once, one finds it pending), then looks for duplicates again: if they are not what the user
    saw (``signature``), nothing is imported and the batch stays pending. ``progress(done,
    total)`` is told how many rows are stored.
    """
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).update(
            status=ImportBatch.Status.IMPORTED, imported_at=timezone.now()
        )
        if not claimed:
            return Confirmed(Outcome.ALREADY_DONE)
        now = preview(batch.organisation, rows)
        if now.signature != signature:
            transaction.set_rollback(True)
            return Confirmed(Outcome.CHANGED, preview=now)
        chosen = now.chosen(include)
        imported = import_measurements(
            organisation=batch.organisation,
            instrument_version=batch.instrument_version,
            rows=chosen,
            user=user,
            batch=batch,
            skipped=len(rows) - len(chosen),
            progress=progress,
        )
    return Confirmed(Outcome.IMPORTED, imported=imported, skipped=len(rows) - len(chosen))


def confirm_upload(
    batch: ImportBatch,
    *,
    include: Collection[int],
    signature: str,
    user: User | None,
    progress: Progress | None = None,
    on_checked: Callable[[], None] | None = None,
) -> Confirmed:
    """The confirm step of a web import: the pending upload read again (:func:`read_pending`), then
    :func:`confirm_import`. Raises ``ValidationError`` (the upload deleted) when the file is no longer valid.

    ``on_checked()`` is called when the file has been read and checked again, before the rows
    are stored (``progress``).
    """
    if batch.status != ImportBatch.Status.PENDING:
        return Confirmed(Outcome.ALREADY_DONE)
    rows = read_pending(batch)
    if on_checked is not None:
        on_checked()
    return confirm_import(batch, rows=rows, include=include, signature=signature, user=user, progress=progress)


def judged_goals(batch: ImportBatch) -> list[Any]:
    """What depends on the batch's measurements (goals judged at them): undoing it opens them again.

    Asked of the apps above through :data:`.signals.measurements_dependents`, so this app
    need not know what they keep.
    """
    measurements = Measurement.objects.filter(import_batch=batch)
    return signals.answers(signals.measurements_dependents.send(Measurement, measurements=measurements))


def changed_since_import(batch: ImportBatch) -> int:
    """How many of the batch's measurements were corrected after the import (the undo removes them too)."""
    later = F("created_at") + dt.timedelta(seconds=1)
    return Measurement.objects.filter(import_batch=batch, updated_at__gt=later).count()


@dataclass(frozen=True)
class Undone:
    removed: int
    reopened: list[Any]


def undo_import(batch: ImportBatch, *, user: User | None) -> Undone | None:
    """Delete every measurement of an imported batch in one transaction; None if it was not (or no longer) imported."""
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.IMPORTED).update(
            status=ImportBatch.Status.UNDONE, undone_by=user, undone_at=timezone.now()
        )
        if not claimed:
            return None
        # goals judged at these measurements open again (the service's signal to the improvement plan)
        removed, reopened = delete_measurements(Measurement.objects.filter(import_batch=batch), user=user)
        ImportBatch.objects.filter(pk=batch.pk).update(removed=removed)
    batch.refresh_from_db()
    return Undone(removed=removed, reopened=reopened)
