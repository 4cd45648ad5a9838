"""Business operations on measurements, one function each, used by views, commands and imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction

from edmonitor.instruments.csvio import ScoredRow
from edmonitor.instruments.scoring import InvalidMeasurement, MeasurementInput, ScoreResult, score
from edmonitor.organisations.models import Facility, Organisation

from .models import InstrumentVersion, ItemResponse, Measurement


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
) -> tuple[Measurement, ScoreResult]:
    """Score and save a new measurement, or replace the answers of an existing one.

    Raises :class:`InvalidMeasurement` (and saves nothing) when the input has errors.
    """
    if facility is not None and facility.organisation_id != organisation.pk:
        raise ValueError("The facility belongs to another organisation.")
    instrument = instrument_version.instrument
    result, problems = score(instrument, inp)
    if result is None:
        raise InvalidMeasurement(problems)
    notes = {k: v.strip() for k, v in (notes or {}).items() if v and v.strip()}

    if measurement is None:
        measurement = Measurement(organisation=organisation, created_by=user, origin=origin)
    elif measurement.organisation_id != organisation.pk or measurement.instrument_version_id != instrument_version.pk:
        raise ValueError("A measurement keeps its organisation and instrument version.")
    measurement.instrument_version = instrument_version
    measurement.facility = facility
    measurement.measured_on = measured_on
    measurement.label = label.strip()
    measurement.facts = {k: str(v) for k, v in inp.facts.items()}
    measurement.criteria = {k: sorted(v) for k, v in inp.criteria.items()}
    measurement.total = result.total
    measurement.level = result.level or ""
    measurement.printed_total = inp.printed_total
    measurement.printed_level = inp.printed_level or ""
    measurement.save()

    measurement.responses.all().delete()
    responses = []
    for item in instrument.items:
        scored = result.items.get(item.id)
        goal = result.goals.get(item.goal_id, "")
        note = notes.get(item.id, "")
        if scored is None and not goal and not note:
            continue
        responses.append(
            ItemResponse(
                measurement=measurement,
                item_id=item.id,
                score=scored,
                derived=item.id in result.derived,
                goal_code=goal,
                note=note,
            )
        )
    ItemResponse.objects.bulk_create(responses)
    return measurement, result


@transaction.atomic
def delete_measurement(measurement: Measurement) -> None:
    measurement.delete()


@transaction.atomic
def import_measurements(
    *, organisation: Organisation, instrument_version: InstrumentVersion, rows: Sequence[ScoredRow], user=None
) -> list[Measurement]:
    """Store checked rows of a CSV file as measurements of one organisation: all of them or none."""
    return [
        record_measurement(
            organisation=organisation,
            instrument_version=instrument_version,
            measured_on=row.measured_on,
            label=row.label,
            inp=row.input,
            user=user,
            origin=Measurement.Origin.IMPORT,
        )[0]
        for row in rows
    ]
