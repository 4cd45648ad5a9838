"""Business operations on measurements, one function each, used by views, commands and imports."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field, QuerySet
from django.utils import timezone

from edmonitor.core import figures
from edmonitor.core.concurrency import fingerprint, merge
from edmonitor.instruments.csvio import ScoredRow
from edmonitor.instruments.scoring import InvalidMeasurement, MeasurementInput, ScoreResult, score
from edmonitor.organisations.models import Facility, Organisation

from . import signals
from .models import ImportBatch, InstrumentVersion, ItemResponse, Measurement, MeasurementDraft

#: Told how many of how many rows are stored: ``progress(done, total)`` (a background job's progress).
Progress = Callable[[int, int], None]

BATCH = 500  # rows per INSERT in the bulk path (well under SQLite's limit of variables per statement)
UNNEST_BATCH = 5000  # rows per INSERT … UNNEST on PostgreSQL (six arrays, whatever their length)


def input_of(measurement: Measurement) -> MeasurementInput:
    """Rebuild the engine's typed input from a stored measurement (responses prefetched)."""
    direct = {r.item_id: r.score for r in measurement.responses.all() if r.score is not None and not r.derived}
    return MeasurementInput(
        direct=direct,
        facts={k: Decimal(v) for k, v in measurement.facts.items()},
        criteria={k: frozenset(v) for k, v in measurement.criteria.items()},
        goals={
            item.goal_id: r.goal_code
            for r in measurement.responses.all()
            if r.goal_code
            for item in [measurement.instrument.item(r.item_id)]
        },
        printed_total=measurement.printed_total,
        printed_level=measurement.printed_level or None,
    )


def rescore(measurement: Measurement) -> ScoreResult:
    result, problems = score(measurement.instrument, input_of(measurement))
    if result is None:
        raise InvalidMeasurement(problems)
    return result


@dataclass(frozen=True)
class NewMeasurement:
    """One measurement to record with :func:`record_measurements`.

    ``result`` is the engine's :func:`~edmonitor.instruments.scoring.score` of ``inp`` when the
    caller has it already (the CSV reader scores every row to check it); None: scored here.
    """

    measured_on: dt.date
    inp: MeasurementInput
    label: str = ""
    facility: Facility | None = None
    notes: Mapping[str, str] | None = None
    result: ScoreResult | None = None


def _scored(instrument_version: InstrumentVersion, inp: MeasurementInput) -> ScoreResult:
    result, problems = score(instrument_version.instrument, inp)
    if result is None:
        raise InvalidMeasurement(problems)
    return result


def _fill(
    measurement: Measurement,
    *,
    organisation: Organisation,
    version: InstrumentVersion,
    entry: NewMeasurement,
    result: ScoreResult,
) -> None:
    """Set a measurement's fields from its input and score (the rules of both recording paths)."""
    if entry.facility is not None and entry.facility.organisation_id != organisation.pk:
        raise ValueError("The facility belongs to another organisation.")
    inp = entry.inp
    measurement.instrument_version = version
    measurement.facility = entry.facility
    measurement.measured_on = entry.measured_on
    measurement.label = entry.label.strip()
    measurement.facts = {k: str(v) for k, v in inp.facts.items()}
    measurement.criteria = {k: sorted(v) for k, v in inp.criteria.items()}
    measurement.total = result.total
    measurement.level = result.level or ""
    measurement.printed_total = inp.printed_total
    measurement.printed_level = inp.printed_level or ""


#: One item response as plain values: item id, score, derived, goal code, note (the columns after the measurement).
ResponseValues = tuple[str, int | None, bool, str, str]
RESPONSE_COLUMNS = ("item_id", "score", "derived", "goal_code", "note")


def _responses(version: InstrumentVersion, entry: NewMeasurement, result: ScoreResult) -> list[ResponseValues]:
    """The item responses of a scored measurement: an item with a score, a goal code or a note."""
    notes = {k: v.strip() for k, v in (entry.notes or {}).items() if v and v.strip()}
    responses = []
    for item in version.instrument.items:
        scored = result.items.get(item.id)
        goal = result.goals.get(item.goal_id, "")
        note = notes.get(item.id, "")
        if scored is None and not goal and not note:
            continue
        responses.append((item.id, scored, item.id in result.derived, goal, note))
    return responses


def _insert_responses(rows: list[tuple[int, ResponseValues]]) -> None:
    """Insert (measurement id, response values) rows, many per statement.

    The bulk path's responses, up to ten per measurement: ``bulk_create`` spent most of an
    import building a model instance per response and preparing each of its values
    (bench/README.md, "Web import"), for columns that need no preparing (integers, booleans,
    text). The values are parameters, as in every query; table, columns and their types come
    from the model. PostgreSQL gets one array per column (``UNNEST``, as Django's own
    ``bulk_create`` does there): a statement with thousands of placeholders costs psycopg more
    to parse than the database to run. SQLite gets rows of placeholders, as many as it takes.
    """
    qn = connection.ops.quote_name
    fields = [cast(Field, ItemResponse._meta.get_field(name)) for name in ("measurement", *RESPONSE_COLUMNS)]
    insert = f"INSERT INTO {qn(ItemResponse._meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Types without their length (varchar, not varchar(16)), as Django's UNNEST insert writes them.
            arrays = ", ".join(f"(%s)::{(field.db_type(connection) or '').split('(')[0]}[]" for field in fields)
            for start in range(0, len(rows), UNNEST_BATCH):
                chunk = rows[start : start + UNNEST_BATCH]
                columns = zip(*((measurement_id, *values) for measurement_id, values in chunk), strict=True)
                cursor.execute(f"{insert}SELECT * FROM UNNEST({arrays})", [list(column) for column in columns])
            return
        width = len(fields)
        # SQLite takes at most max_query_params values per statement (999 before SQLite 3.32).
        per_statement = min(BATCH, (connection.features.max_query_params or BATCH * width) // width)
        placeholders = "(" + ", ".join(["%s"] * width) + ")"
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"{insert}VALUES " + ", ".join([placeholders] * len(chunk)),
                [value for measurement_id, values in chunk for value in (measurement_id, *values)],
            )


@transaction.atomic
def record_measurement(
    *,
    organisation: Organisation,
    instrument_version: InstrumentVersion,
    measured_on: dt.date,
    inp: MeasurementInput,
    label: str = "",
    facility: Facility | None = None,
    notes: Mapping[str, str] | None = None,
    user=None,
    origin: str = Measurement.Origin.FORM,
    measurement: Measurement | None = None,
    draft: MeasurementDraft | None = None,
) -> tuple[Measurement, ScoreResult]:
    """Score and save a new measurement, or replace the answers of an existing one.

    With ``draft``, the draft these answers were completed from is removed in the same
    transaction: the measurement replaces it. Raises :class:`InvalidMeasurement` (and saves
    nothing, the draft included) when the input has errors.
    """
    entry = NewMeasurement(measured_on=measured_on, inp=inp, label=label, facility=facility, notes=notes)
    result = _scored(instrument_version, inp)
    if measurement is None:
        measurement = Measurement(organisation=organisation, created_by=user, origin=origin)
    elif measurement.organisation_id != organisation.pk or measurement.instrument_version_id != instrument_version.pk:
        raise ValueError("A measurement keeps its organisation and instrument version.")
    _fill(measurement, organisation=organisation, version=instrument_version, entry=entry, result=result)
    measurement.save()
    measurement.responses.all().delete()
    ItemResponse.objects.bulk_create(
        ItemResponse(measurement=measurement, **dict(zip(RESPONSE_COLUMNS, values, strict=True)))
        for values in _responses(instrument_version, entry, result)
    )
    if draft is not None:
        if draft.organisation_id != organisation.pk or draft.measurement_id not in (None, measurement.pk):
            raise ValueError("The draft belongs to another organisation or measurement.")
        if not MeasurementDraft.objects.filter(pk=draft.pk).delete()[0]:
            raise DraftGone  # completed or discarded by someone else meanwhile: this save is undone
    return measurement, result


@transaction.atomic
def record_measurements(
    *,
    organisation: Organisation,
    instrument_version: InstrumentVersion,
    entries: Sequence[NewMeasurement],
    user=None,
    origin: str = Measurement.Origin.FORM,
    import_batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> int:
    """Record many new measurements of one organisation at once, all or none; the number recorded.

    The bulk path: the same rules as :func:`record_measurement` (through the same helpers),
    written with one INSERT per batch of rows instead of several statements per measurement,
    so a file of tens of thousands of rows is stored in seconds (bench/README.md, "Web
    import"); batch by batch, so the objects of one batch are all that is held at a time.
    ``progress(done, total)`` is told after each batch. Raises :class:`InvalidMeasurement`
    (and saves nothing) when an entry without a result has errors.
    """
    figures.changed(organisation=organisation.pk)  # bulk_create and the raw INSERT send no signals
    if progress is not None:
        progress(0, len(entries))
    for start in range(0, len(entries), BATCH):
        batch = entries[start : start + BATCH]
        measurements: list[Measurement] = []
        results: list[ScoreResult] = []
        for entry in batch:
            result = entry.result if entry.result is not None else _scored(instrument_version, entry.inp)
            measurement = Measurement(
                organisation=organisation, created_by=user, origin=origin, import_batch=import_batch
            )
            _fill(measurement, organisation=organisation, version=instrument_version, entry=entry, result=result)
            measurements.append(measurement)
            results.append(result)
        Measurement.objects.bulk_create(measurements)  # sets the ids (RETURNING) on both databases
        _insert_responses(
            [
                (measurement.pk, values)
                for measurement, entry, result in zip(measurements, batch, results, strict=True)
                for values in _responses(instrument_version, entry, result)
            ]
        )
        if progress is not None:
            progress(start + len(batch), len(entries))
    return len(entries)


class DraftGone(Exception):
    """The draft was completed or discarded by someone else while this user worked on it."""


#: The most a draft may hold, as JSON: the whole form with every explanation at its longest is under half of it.
MAX_DRAFT_BYTES = 128 * 1024

DraftValue = str | list[str]


@dataclass(frozen=True)
class SavedDraft:
    draft: MeasurementDraft
    #: Someone else saved this draft after the user opened it; their changes were kept (merged in).
    merged_others: bool


def _empty_like(value: DraftValue) -> DraftValue:
    return [] if isinstance(value, list) else ""


@transaction.atomic
def save_draft(
    *,
    organisation: Organisation,
    instrument_version: InstrumentVersion,
    data: Mapping[str, DraftValue],
    user=None,
    draft: MeasurementDraft | None = None,
    measurement: Measurement | None = None,
    seen: Mapping[str, str] | None = None,
    defaults: Mapping[str, DraftValue] | None = None,
) -> SavedDraft:
    """Save the form's values as typed, unchecked, as a new draft or into an existing one.

    ``seen`` holds the fingerprints (:func:`edmonitor.core.concurrency.fingerprints`) of the
    draft's values when the user opened it (``defaults``: what the form showed for a value
    the draft did not hold). A value someone else changed in the meantime is
    kept where this user left it as it was; where both changed the same value differently,
    :class:`~edmonitor.core.concurrency.Conflict` is raised and nothing is written. Raises
    ValueError when the values are too large (:data:`MAX_DRAFT_BYTES`).
    """
    if len(json.dumps(dict(data), ensure_ascii=False).encode("utf-8")) > MAX_DRAFT_BYTES:
        raise ValueError("A draft holds at most %s bytes." % MAX_DRAFT_BYTES)
    if measurement is not None and measurement.organisation_id != organisation.pk:
        raise ValueError("The measurement belongs to another organisation.")
    if draft is None:
        new = MeasurementDraft.objects.create(
            organisation=organisation,
            instrument_version=instrument_version,
            measurement=measurement,
            data=dict(data),
            created_by=user,
            updated_by=user,
        )
        return SavedDraft(new, merged_others=False)
    if draft.organisation_id != organisation.pk:
        raise ValueError("The draft belongs to another organisation.")
    locked = MeasurementDraft.objects.select_for_update().get(pk=draft.pk)
    shown = defaults or {}
    current = {key: locked.data.get(key, shown.get(key, _empty_like(value))) for key, value in data.items()}
    if seen is None:
        merged = dict(data)
        others = False
    else:
        merged = {**locked.data, **merge(seen, current, data)}
        # Values this user left as shown but someone else changed since: kept, and said so.
        others = any(key in seen and fingerprint(now) != seen[key] for key, now in current.items())
        merged = {key: merged.get(key, value) for key, value in data.items()}
    locked.data = merged
    locked.updated_by = user
    locked.save(update_fields=["data", "updated_by", "updated_at"])
    return SavedDraft(locked, merged_others=others)


@transaction.atomic
def discard_draft(draft: MeasurementDraft) -> None:
    draft.delete()


@dataclass(frozen=True)
class Correction:
    """A corrected measurement, its new score, and what the apps above opened to judge again (goals)."""

    measurement: Measurement
    result: ScoreResult
    judge_again: list[Any]


@transaction.atomic
def correct_measurement(
    measurement: Measurement,
    *,
    measured_on: dt.date,
    inp: MeasurementInput,
    label: str = "",
    facility: Facility | None = None,
    notes: Mapping[str, str] | None = None,
    user=None,
    draft: MeasurementDraft | None = None,
) -> Correction:
    """Replace a stored measurement's answers and bring what depends on its scores up to date, as one step.

    What depends on it lives in higher apps (goals judged at it): they hear of the correction
    through :data:`.signals.measurement_corrected`, in this transaction.
    """
    saved, result = record_measurement(
        organisation=measurement.organisation,
        instrument_version=measurement.instrument_version,
        measured_on=measured_on,
        inp=inp,
        label=label,
        facility=facility,
        notes=notes,
        user=user,
        measurement=measurement,
        draft=draft,
    )
    again = signals.answers(signals.measurement_corrected.send(Measurement, measurement=saved, user=user))
    return Correction(saved, result, again)


@transaction.atomic
def delete_measurements(measurements: QuerySet[Measurement], *, user=None) -> tuple[int, list[Any]]:
    """Delete measurements and release what depends on them, as one step; (number deleted, what was reopened).

    Goals judged at a deleted measurement open again (the improvement plan's receiver of
    :data:`.signals.measurements_deleting`), so nothing stays judged against nothing.
    """
    released = signals.answers(signals.measurements_deleting.send(Measurement, measurements=measurements, user=user))
    _total, per_model = measurements.delete()
    return per_model.get(Measurement._meta.label, 0), released


def delete_measurement(measurement: Measurement, *, user=None) -> list[Any]:
    """Delete one measurement (:func:`delete_measurements`); what was reopened."""
    return delete_measurements(Measurement.objects.filter(pk=measurement.pk), user=user)[1]


def facilities_by_name(organisation: Organisation) -> dict[str, Facility]:
    """The organisation's facilities by their name without regard to case: how an import file names them."""
    return {facility.name.strip().casefold(): facility for facility in organisation.facilities.all()}


@transaction.atomic
def import_measurements(
    *,
    organisation: Organisation,
    instrument_version: InstrumentVersion,
    rows: Sequence[ScoredRow],
    user=None,
    batch: ImportBatch | None = None,
    file_name: str = "",
    skipped: int = 0,
    progress: Progress | None = None,
) -> int:
    """Store checked rows of a CSV file as measurements of one organisation, all of them or none; how many.

    Every import is one recorded :class:`ImportBatch`, to be undone as a whole: ``batch`` is the
    pending batch of a web upload (it becomes imported), or None for a new one. ``skipped``:
    rows of the file left out (looking like measurements already stored). ``progress(done,
    total)``: how many rows are stored, as :func:`record_measurements` goes.
    """
    facilities = facilities_by_name(organisation)
    entries = []
    for row in rows:
        if row.measured_on is None:
            raise ValueError("An imported row needs its date (read the file with require_date=True).")
        facility = facilities[row.facility.casefold()] if row.facility else None  # checked by the reader's caller
        entries.append(
            NewMeasurement(
                measured_on=row.measured_on, inp=row.input, label=row.label, facility=facility, result=row.result
            )
        )
    if batch is None:
        batch = ImportBatch(
            organisation=organisation, instrument_version=instrument_version, file_name=file_name, created_by=user
        )
    elif batch.organisation_id != organisation.pk or batch.instrument_version_id != instrument_version.pk:
        raise ValueError("An import batch keeps its organisation and instrument version.")
    batch.status = ImportBatch.Status.IMPORTED
    batch.imported_at = timezone.now()
    batch.rows, batch.imported, batch.skipped = len(rows) + skipped, len(rows), skipped
    batch.content = b""  # the checksum stays: enough to recognise the same file again
    batch.save()
    return record_measurements(
        organisation=organisation,
        instrument_version=instrument_version,
        entries=entries,
        user=user,
        origin=Measurement.Origin.IMPORT,
        import_batch=batch,
        progress=progress,
    )
