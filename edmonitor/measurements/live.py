"""Load the LIVE study (18 pilot institutions, 2011–2012) as example measurements.

The data are transcriptions of seed ``003_a8d87148f8c5ac85.txt``, appendices 2
(baseline), 3 (follow-up) and 4 (goal codes); see ``data/live/README.md``. The item
scores are the data: totals and levels are recomputed by the scoring engine, and
the figures the report printed are kept only to be checked. Every printed figure
that does not follow from the item scores is listed in the :class:`LiveReport`:

* per institution, the printed total and level (the engine's row warnings);
* per appendix, the printed "Gem. score alle teams" row: each item mean over the
  18 institutions, and the overall total = the mean of all 180 item scores,
  rounded once, half up (and the level that follows from it).

:func:`load_live` is all-or-nothing and idempotent: a measurement is skipped when
the organisation already has an example measurement with the same date and label.
Every organisation and measurement written is counted by
:class:`~edmonitor.core.killpoint.WriteCounter` (a test hook that can pause inside the
transaction, so a test can kill the process there; it does nothing outside tests).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from importlib import resources

from django.db import transaction

from edmonitor.core.killpoint import WriteCounter
from edmonitor.instruments.csvio import ScoredRow, read_measurements
from edmonitor.instruments.definition import Instrument, load_definition
from edmonitor.instruments.scoring import level_for, round_half_up
from edmonitor.organisations.models import Organisation, Sector

from .instruments import store_instrument
from .models import Measurement
from .services import record_measurement

# The questionnaire the LIVE study used (seed 003, Bijlage 1). Pinned, so the example
# data stay on the version they were taken with when a newer VIE version ships.
LIVE_INSTRUMENT = "vie-2012.1"

# moment -> data file; the order is the order of the appendices.
MOMENTS = {"baseline": "baseline.csv", "followup": "followup.csv"}
MOMENT_NAMES = {"baseline": "baseline (appendix 2)", "followup": "follow-up (appendix 3)"}
INSTITUTIONS_FILE = "institutions.csv"
PRINTED_MEANS_FILE = "printed_means.csv"


def data_file(name: str) -> bytes:
    """The bytes of one shipped LIVE data file (works from a source tree and an installed wheel)."""
    return resources.files("edmonitor.measurements").joinpath("data").joinpath("live").joinpath(name).read_bytes()


def _csv_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data_file(name).decode("utf-8-sig"), newline="")))


@dataclass(frozen=True)
class Institution:
    name: str  # the short name as printed in the appendix tables
    full_name: str  # as in the list of pilot institutions after appendix 4
    sector: str


def institutions() -> list[Institution]:
    found = []
    for row in _csv_rows(INSTITUTIONS_FILE):
        sector = row["sector"].strip()
        if sector not in Sector.values:
            raise ValueError(f"{INSTITUTIONS_FILE}: unknown sector {sector!r} for {row['organisation']!r}")
        found.append(Institution(row["organisation"].strip(), row["full_name"].strip(), sector))
    return found


@dataclass(frozen=True)
class PrintedMeans:
    """The printed 'Gem. score alle teams' row of one appendix."""

    moment: str
    items: dict[str, Decimal]  # item id -> printed mean
    total: Decimal
    level: str


def printed_means() -> dict[str, PrintedMeans]:
    out = {}
    for row in _csv_rows(PRINTED_MEANS_FILE):
        items = {key.removeprefix("item_"): Decimal(value) for key, value in row.items() if key.startswith("item_")}
        out[row["moment"]] = PrintedMeans(row["moment"], items, Decimal(row["total"]), row["level"])
    return out


def scored_rows(instrument: Instrument, moment: str) -> list[ScoredRow]:
    """Parse and score one appendix (raises ``InvalidFile`` if the shipped file is broken)."""
    return read_measurements(instrument, data_file(MOMENTS[moment]))


@dataclass(frozen=True)
class Discrepancy:
    """A printed figure of the source that does not follow from its item scores."""

    moment: str  # "baseline" or "followup"
    organisation: str | None  # None for the averages row ("Gem. score alle teams")
    field: str  # "total", "level" or "mean_<item id>"
    printed: str
    computed: str

    def text(self) -> str:
        where = MOMENT_NAMES[self.moment]
        if self.organisation is None:
            what = "average of all teams, " + (
                f"item {self.field.removeprefix('mean_')}" if self.field.startswith("mean_") else self.field
            )
        else:
            what = f"{self.organisation}, {self.field}"
        return f"{where}, {what}: printed {self.printed!r}, computed from the item scores {self.computed!r}"


@dataclass
class LiveReport:
    dry_run: bool = False
    organisations_created: int = 0
    organisations_reused: int = 0
    measurements_created: int = 0
    measurements_skipped: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)
    # what was loaded, for the LIVE programme (edmonitor.programmes.live): institution name ->
    # organisation, and (moment, institution name) -> measurement
    organisations: dict[str, Organisation] = field(default_factory=dict)
    taken: dict[tuple[str, str], Measurement] = field(default_factory=dict)


def row_discrepancies(moment: str, rows: list[ScoredRow]) -> list[Discrepancy]:
    """Printed totals and levels per institution that the engine's warnings flag."""
    found = []
    for row in rows:
        for warning in row.result.warnings:
            if warning.field not in ("printed_total", "printed_level"):
                continue
            params = dict(warning.params)
            found.append(
                Discrepancy(
                    moment,
                    row.organisation,
                    warning.field.removeprefix("printed_"),
                    str(params["printed"]),
                    str(params["computed"]),
                )
            )
    return found


def mean_discrepancies(
    instrument: Instrument, moment: str, rows: list[ScoredRow], printed: PrintedMeans
) -> list[Discrepancy]:
    """Compare the printed averages row with the means of the institutions' item scores.

    Item means: the mean of that item over the institutions, rounded once, half up.
    Overall: the mean of all item scores (with ten items each, equal to the mean of
    the unrounded institution totals), rounded once, half up; its level follows.
    """
    found = []
    for item in instrument.items:
        scores = [row.result.items[item.id] for row in rows if item.id in row.result.items]
        computed = round_half_up(Fraction(sum(scores), len(scores)), instrument.decimals)
        if item.id in printed.items and printed.items[item.id] != computed:
            found.append(Discrepancy(moment, None, f"mean_{item.id}", str(printed.items[item.id]), str(computed)))
    every_score = [score for row in rows for score in row.result.items.values()]
    total = round_half_up(Fraction(sum(every_score), len(every_score)), instrument.decimals)
    if printed.total != total:
        found.append(Discrepancy(moment, None, "total", str(printed.total), str(total)))
    level = level_for(instrument, total)
    level_code = level.code if level else "—"
    if printed.level.strip().lower() != level_code:
        found.append(Discrepancy(moment, None, "level", printed.level, level_code))
    return found


def check_live(instrument: Instrument | None = None) -> list[Discrepancy]:
    """Every discrepancy in the shipped LIVE data, without touching the database."""
    instrument = instrument or load_definition(LIVE_INSTRUMENT)
    means = printed_means()
    found: list[Discrepancy] = []
    for moment in MOMENTS:
        rows = scored_rows(instrument, moment)
        found += row_discrepancies(moment, rows)
        found += mean_discrepancies(instrument, moment, rows, means[moment])
    return found


def load_live(*, dry_run: bool = False) -> LiveReport:
    """Create the 18 LIVE institutions and their measurements; report every printed discrepancy.

    The LIVE programme that ties them together is made by :func:`edmonitor.programmes.live.load_live`,
    which calls this in the same transaction.
    """
    report = LiveReport(dry_run=dry_run)
    counter = WriteCounter()
    with transaction.atomic():
        version = store_instrument(load_definition(LIVE_INSTRUMENT))
        instrument = version.instrument
        known = {inst.name: inst for inst in institutions()}
        organisations: dict[str, Organisation] = {}
        for inst in known.values():
            organisation, created = Organisation.objects.get_or_create(name=inst.name, defaults={"sector": inst.sector})
            organisations[inst.name] = organisation
            if created:
                report.organisations_created += 1
                counter.wrote()
            else:
                report.organisations_reused += 1

        means = printed_means()
        taken: dict[tuple[str, str], Measurement] = {}  # (moment, organisation name) -> measurement
        for moment in MOMENTS:
            rows = scored_rows(instrument, moment)
            unknown = sorted({row.organisation for row in rows} - known.keys())
            if unknown:
                raise ValueError(f"{MOMENTS[moment]}: not in {INSTITUTIONS_FILE}: {', '.join(unknown)}")
            for row in rows:
                if row.measured_on is None:
                    raise ValueError(f"{MOMENTS[moment]}, row {row.row}: measured_on is missing")
                organisation = organisations[row.organisation]
                existing = Measurement.objects.filter(
                    organisation=organisation,
                    measured_on=row.measured_on,
                    label=row.label,
                    origin=Measurement.Origin.EXAMPLE,
                ).first()
                if existing is not None:
                    report.measurements_skipped += 1
                    taken[(moment, row.organisation)] = existing
                    continue
                taken[(moment, row.organisation)], _result = record_measurement(
                    organisation=organisation,
                    instrument_version=version,
                    measured_on=row.measured_on,
                    label=row.label,
                    inp=row.input,
                    origin=Measurement.Origin.EXAMPLE,
                )
                report.measurements_created += 1
                counter.wrote()
            report.discrepancies += row_discrepancies(moment, rows)
            report.discrepancies += mean_discrepancies(instrument, moment, rows, means[moment])
        report.organisations, report.taken = organisations, taken
        if dry_run:
            transaction.set_rollback(True)
    return report
