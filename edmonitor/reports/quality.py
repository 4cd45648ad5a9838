"""How well the VIE's items hang together in a set of measurements a coordinator chooses (issue 20, part 3).

The figures are exactly those of ``edmonitor psychometrics``: :func:`edmonitor.instruments.psychometrics.item_analysis`
computes every one of them (Cronbach's alpha with Feldt's 95 % interval, and per item the mean, the
standard deviation, the corrected item-total correlation, alpha if the item is deleted, and the
percentages at the floor and the ceiling); this module only chooses the rows, reads them, and
compares the rounded figures with the rules of thumb below. Nothing here computes a figure.

**Which measurements: one per organisation.** A choice (:class:`Group`) is one of:

* ``alles`` -- every organisation; ``sector-<code>`` -- every organisation of that sector. Each
  counts with its *newest VIE measurement of the whole organisation* (no facility): the latest
  date, and of two on one date the one stored last (as the benchmark and the organisation report
  choose "newest"). A measurement of one facility does not count: it describes a part of the
  organisation, and the VIE's unit is the institution (seed 003, appendix 1: 18 institutions).
  An organisation measured only per facility therefore does not count; the page says so.
* ``programma-<id>-begin`` / ``programma-<id>-eind`` -- every organisation of the programme, with
  the measurement its participation names as baseline / follow-up
  (:class:`~edmonitor.programmes.models.Participation`), whatever its date or scope: the programme
  chose it. A participation without one does not count.

The scores are read as stored in :class:`~edmonitor.measurements.models.ItemResponse` (items
derived from facts included: ``record_measurement`` stores the derived score), in two queries
whatever the number of organisations. Items and scale are those of the newest VIE version, as for
the command line; the VIE versions so far share the same ten items on the same 1-5 scale, and a
measurement without a score for an item is left out of every figure (listwise: ``excluded``).

**Shown from ten complete measurements** (:data:`MIN_ROWS`). Below that the page shows how many
there are and no figure: with so few organisations alpha and the correlations swing by chance
(Feldt's interval shows how much), and every figure would lean on one or two organisations.

**When to worry** -- rules of thumb, not laws; the page gives them with their sources:

* alpha below 0.70 (:data:`ALPHA_LOW`): Nunnally (1978), *Psychometric theory*, 2nd ed., McGraw-Hill,
  p. 245: "reliabilities of .70 or higher will suffice" in early research -- the usual minimum;
  Terwee et al. (2007), "Quality criteria were proposed for measurement properties of health status
  questionnaires", *Journal of Clinical Epidemiology* 60, 34-42, rate alpha positive from 0.70 to 0.95;
* alpha above 0.95 (:data:`ALPHA_HIGH`): Terwee et al. (2007), the same criterion: items that
  nearly repeat each other;
* a corrected item-total correlation below 0.30 (:data:`ITEM_TOTAL_LOW`): Field (2005),
  *Discovering statistics using SPSS*, 2nd ed., Sage, on reliability analysis: an item that
  correlates less than about .3 with the rest may not belong to the scale;
* alpha if deleted above alpha: Field (2005), the same section: the scale would hang together
  better without the item (compared as rounded; a tie is no warning);
* more than 15 % at the floor or the ceiling (:data:`FLOOR_CEILING_PCT`): Terwee et al. (2007),
  criterion for floor and ceiling effects (more than 15 % of the respondents at the lowest or
  highest possible score); they apply it to a scale's score, here it is applied per item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from edmonitor.instruments.definition import Instrument, Item, latest_version
from edmonitor.instruments.psychometrics import ItemStatistics, Psychometrics, item_analysis
from edmonitor.measurements.models import ItemResponse, Measurement
from edmonitor.organisations.models import Organisation, Sector
from edmonitor.programmes.models import Participation

VIE = "vie"
#: Figures are shown from this many complete measurements (every item scored) on.
MIN_ROWS = 10
#: Rules of thumb (module docstring, with their sources), compared with the rounded figures.
ALPHA_LOW = Decimal("0.70")  # Nunnally 1978; Terwee et al. 2007
ALPHA_HIGH = Decimal("0.95")  # Terwee et al. 2007
ITEM_TOTAL_LOW = Decimal("0.30")  # Field 2005
FLOOR_CEILING_PCT = Decimal("15")  # Terwee et al. 2007

ALL = "alles"
BASELINE, FOLLOWUP = "baseline", "followup"
_MOMENT_WORDS = {BASELINE: "begin", FOLLOWUP: "eind"}  # in the URL's value: programma-<id>-begin / -eind


@dataclass(frozen=True)
class Group:
    """A set of measurements to analyse: everything, a sector, or a programme's baseline or follow-up."""

    value: str  # as in ``?groep=``
    label: str  # in words, for the form and the page
    sector: str | None = None
    programme_id: int | None = None
    moment: str | None = None  # BASELINE or FOLLOWUP, for a programme

    @property
    def kind(self) -> str:
        return "programme" if self.programme_id is not None else "sector" if self.sector else "all"


def groups(programmes: Iterable[tuple[int, str]]) -> list[Group]:
    """Every choice, in the order the form lists them: everything, each sector, each programme twice.

    ``programmes`` are (id, name) pairs of the programmes the user may see.
    """
    choices = [Group(ALL, _("all organisations"))]
    choices += [
        Group(f"sector-{code}", _("the sector %(sector)s") % {"sector": label}, sector=code)
        for code, label in Sector.choices
    ]
    for pk, name in programmes:
        for moment, text in (
            (BASELINE, _("the programme %(name)s: baseline")),
            (FOLLOWUP, _("the programme %(name)s: follow-up")),
        ):
            choices.append(
                Group(f"programma-{pk}-{_MOMENT_WORDS[moment]}", text % {"name": name}, programme_id=pk, moment=moment)
            )
    return choices


@dataclass(frozen=True)
class ItemRow:
    """One item's figures and which rule of thumb it breaks (only from MIN_ROWS complete measurements)."""

    item: Item
    figures: ItemStatistics
    low_item_total: bool  # item-total r below ITEM_TOTAL_LOW
    raises_alpha: bool  # alpha if deleted above alpha
    floor_effect: bool  # floor_pct above FLOOR_CEILING_PCT
    ceiling_effect: bool  # ceiling_pct above FLOOR_CEILING_PCT


@dataclass(frozen=True)
class InstrumentQuality:
    """The item analysis of one :class:`Group`, with the counts that say what it rests on."""

    group: Group
    instrument: Instrument
    organisations: int  # organisations in the choice (a programme's: its participations)
    measurements: int  # of them with a measurement that counts (one each): n + excluded
    n: int  # complete measurements, every item scored (item_analysis's n)
    excluded: int  # measurements left out, an item missing (item_analysis's excluded)
    analysis: Psychometrics | None  # None below MIN_ROWS: then no figure may be shown
    items: list[ItemRow]  # empty below MIN_ROWS
    min_rows: int = MIN_ROWS

    @property
    def alpha_low(self) -> bool:
        alpha = self.analysis.cronbach_alpha if self.analysis else None
        return alpha is not None and alpha < ALPHA_LOW

    @property
    def alpha_high(self) -> bool:
        alpha = self.analysis.cronbach_alpha if self.analysis else None
        return alpha is not None and alpha > ALPHA_HIGH


def _newest_whole_organisation_measurement() -> QuerySet[Measurement, Any]:
    """The newest VIE measurement of the whole organisation of the outer query (its ``pk``)."""
    return (
        Measurement.objects.filter(organisation=OuterRef("pk"), facility__isnull=True, instrument_version__code=VIE)
        .order_by("-measured_on", "-id")
        .values("pk")[:1]
    )


def _chosen(group: Group) -> tuple[list[int | None], QuerySet[Any, Any]]:
    """(per organisation of the group its measurement's id or None; the same ids as a subquery)."""
    if group.programme_id is not None:
        field = group.moment or BASELINE
        participations = Participation.objects.filter(programme_id=group.programme_id).order_by()
        pairs = participations.values_list(f"{field}_id", f"{field}__instrument_version__code")
        ids = [pk if code == VIE else None for pk, code in pairs]
        return ids, participations.filter(**{f"{field}__instrument_version__code": VIE}).values(f"{field}_id")
    organisations = Organisation.objects.order_by()
    if group.sector:
        organisations = organisations.filter(sector=group.sector)
    newest = organisations.annotate(newest=Subquery(_newest_whole_organisation_measurement())).values("newest")
    # NULL (an organisation without one) matches nothing in IN (...)
    return list(newest.values_list("newest", flat=True)), newest


def measurement_rows(group: Group) -> tuple[int, dict[int, dict[str, int | None]]]:
    """(organisations in the group; measurement id -> item id -> score as stored), in two queries.

    Every chosen measurement has a row, also one without any stored score (it then counts as
    excluded, as a row of the command line's file with every item empty does).
    """
    ids, subquery = _chosen(group)
    rows: dict[int, dict[str, int | None]] = {pk: {} for pk in ids if pk is not None}
    responses = (
        ItemResponse.objects.filter(measurement__in=subquery)
        .order_by()
        .values_list("measurement_id", "item_id", "score")
    )
    for measurement_id, item_id, score in responses:
        rows[measurement_id][item_id] = score
    return len(ids), rows


def instrument_quality(group: Group, *, min_rows: int = MIN_ROWS) -> InstrumentQuality:
    """The item analysis (``item_analysis``, as ``edmonitor psychometrics``) of the group's measurements."""
    instrument = latest_version(VIE)
    organisations, rows = measurement_rows(group)
    result = item_analysis(
        list(rows.values()),
        [item.id for item in instrument.items],
        scale_min=instrument.scale_min,
        scale_max=instrument.scale_max,
    )
    shown = result.n >= min_rows
    alpha = result.cronbach_alpha
    items = (
        [
            ItemRow(
                item=item,
                figures=(s := result.items[item.id]),
                low_item_total=s.item_total_r is not None and s.item_total_r < ITEM_TOTAL_LOW,
                raises_alpha=alpha is not None and s.alpha_if_deleted is not None and s.alpha_if_deleted > alpha,
                floor_effect=s.floor_pct is not None and s.floor_pct > FLOOR_CEILING_PCT,
                ceiling_effect=s.ceiling_pct is not None and s.ceiling_pct > FLOOR_CEILING_PCT,
            )
            for item in instrument.items
        ]
        if shown
        else []
    )
    return InstrumentQuality(
        group=group,
        instrument=instrument,
        organisations=organisations,
        measurements=len(rows),
        n=result.n,
        excluded=result.excluded,
        analysis=result if shown else None,
        items=items,
        min_rows=min_rows,
    )
