"""An organisation beside its peers: per VIE item and per MIE theme, its own latest score next to what
may be shown of the peers' scores.

Peers are the other organisations of one of its programmes, or of its sector, that have data
inside a window of recent years (:class:`Window`: the last 1, 2, 3 or 5 years up to today,
3 by default): a VIE measurement, or a finalised MIE audit, dated inside it. Each peer counts
once per instrument, with its newest measurement and its newest finalised audit inside the
window. The organisation's own newest measurement and audit are shown whatever their date;
the page says so when they are older than the window.

Peers are never named, and what may be shown of their scores (nothing, the median, or the
median and quartiles; their number only as a band) is decided by one pure function,
:func:`edmonitor.instruments.peers.peer_statistics`, whose docstring gives the rule and what
it does and does not defend. The page, its chart and the CSV and Excel downloads all read
its result from here. The minimum number of peers is the setting
``EDMONITOR_BENCHMARK_MIN_PEERS`` (5, never lower).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from edmonitor.audits.models import Audit, ThemeRecord
from edmonitor.core import figures
from edmonitor.instruments.definition import latest_audit_version, latest_version
from edmonitor.instruments.peers import Band, PeerStatistics, count_band, peer_statistics, quartiles_from
from edmonitor.measurements.models import ItemResponse, Measurement
from edmonitor.organisations.models import Organisation

#: The windows a reader may choose, in years back from today, and the default.
WINDOW_YEARS = (1, 2, 3, 5)
DEFAULT_WINDOW_YEARS = 3


@dataclass(frozen=True)
class Window:
    """Peers count with data dated from ``start`` to and including ``end`` (today)."""

    years: int
    start: dt.date
    end: dt.date


def window(years: int, today: dt.date) -> Window:
    """The last ``years`` years up to and including ``today`` (29 February goes back to the 28th)."""
    if years not in WINDOW_YEARS:
        raise ValueError(f"a window of {years!r} years is not one of {WINDOW_YEARS}")
    try:
        start = today.replace(year=today.year - years)
    except ValueError:  # 29 February, and the year back is not a leap year
        start = today.replace(year=today.year - years, day=28)
    return Window(years, start, today)


def band_text(band: Band | None, min_peers: int) -> str:
    """A band of peers in words: "5 to 9", "20 or more"; below the minimum "fewer than 5"."""
    if band is None:
        return _("fewer than %(n)s") % {"n": min_peers}
    if band.high is None:
        return _("%(low)s or more") % {"low": band.low}
    return _("%(low)s to %(high)s") % {"low": band.low, "high": band.high}


@dataclass
class BenchmarkRow:
    key: str
    title: Any
    own: int | None
    peers: PeerStatistics
    peers_text: str  # how many peers have a score here, as a band in words


@dataclass
class Benchmark:
    organisation: Organisation
    window: Window
    min_peers: int
    quartiles_from: int
    vie_peers_text: str  # how many peers have a VIE measurement in the window, as a band in words
    mie_peers_text: str
    vie: list[BenchmarkRow]
    mie: list[BenchmarkRow]
    own_measurement: Measurement | None
    own_audit: Audit | None

    @property
    def own_measurement_before_window(self) -> bool:
        return self.own_measurement is not None and self.own_measurement.measured_on < self.window.start

    @property
    def own_audit_before_window(self) -> bool:
        return self.own_audit is not None and self.own_audit.held_on < self.window.start


def _newest_measurement(within: Window) -> QuerySet[Measurement, Any]:
    """The newest VIE measurement inside the window of the organisation of the outer query (its ``pk``)."""
    return (
        Measurement.objects.filter(
            organisation=OuterRef("pk"), instrument_version__code="vie", measured_on__range=(within.start, within.end)
        )
        .order_by("-measured_on", "-id")
        .values("pk")[:1]
    )


def _newest_audit(within: Window) -> QuerySet[Audit, Any]:
    """The newest finalised MIE audit inside the window of the organisation of the outer query (its ``pk``)."""
    return (
        Audit.objects.filter(
            organisation=OuterRef("pk"), finalised_at__isnull=False, held_on__range=(within.start, within.end)
        )
        .order_by("-held_on", "-id")
        .values("pk")[:1]
    )


# The peers' newest measurement and audit are looked up once per peer organisation (a subquery per
# organisation row, through the (organisation, date) index), not by testing every measurement or
# audit of the database against its organisation's newest: that shape scanned all 50,000 of each at
# national scale, and PostgreSQL's estimate for it was high enough to JIT-compile the query on every
# request (0.5 s of a 0.58 s page; bench/README.md). NULL (a peer with none) matches nothing in IN.
def _newest_measurement_ids(organisations: QuerySet[Organisation], within: Window) -> QuerySet[Any, Any]:
    return organisations.order_by().annotate(newest=Subquery(_newest_measurement(within))).values("newest")


def _newest_audit_ids(organisations: QuerySet[Organisation], within: Window) -> QuerySet[Any, Any]:
    return organisations.order_by().annotate(newest=Subquery(_newest_audit(within))).values("newest")


@dataclass(frozen=True)
class GroupValues:
    """Each organisation's newest item scores and theme consensus in a window, for a whole group."""

    scores: dict[int, list[tuple[str, int]]]  # organisation -> (item, score) of its newest measurement
    consensus: dict[int, list[tuple[str, int]]]  # organisation -> (theme, consensus) of its newest audit

    def without(self, organisation: int) -> tuple[dict[str, list[int]], int, dict[str, list[int]], int]:
        """The peers' values per item and per theme, and how many peers have each, leaving one organisation out."""
        scores: dict[str, list[int]] = {}
        consensus: dict[str, list[int]] = {}
        for org, pairs in self.scores.items():
            if org != organisation:
                for item_id, score in pairs:
                    scores.setdefault(item_id, []).append(score)
        for org, pairs in self.consensus.items():
            if org != organisation:
                for theme_id, value in pairs:
                    consensus.setdefault(theme_id, []).append(value)
        measured = sum(1 for org, pairs in self.scores.items() if org != organisation and pairs)
        audited = sum(1 for org, pairs in self.consensus.items() if org != organisation and pairs)
        return scores, measured, consensus, audited


#: An organisation's newest item scores and theme consensus in a window: ((item, score), ...), ((theme, value), ...)
OrganisationValues = tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]
_NO_VALUES: OrganisationValues = ((), ())
#: At most this many organisations are read by their keys, IN (...) (SQLite's old limit is 999 parameters).
_FEW = 500


def _group_values(group: QuerySet[Organisation], within: Window) -> GroupValues:
    """The values of one group, each member's from the cache while its own data did not change
    (edmonitor.core.figures): a save in one organisation recomputes that one alone, not the 999 others."""
    members = list(group.order_by("pk").values_list("pk", flat=True))
    values = figures.cached_per_organisation(
        "organisation-values",
        (within.start, within.end),
        members,
        lambda missing: _read_values(group, missing, within),
        _NO_VALUES,
    )
    scores = {pk: list(values[pk][0]) for pk in members if values[pk][0]}
    consensus = {pk: list(values[pk][1]) for pk in members if values[pk][1]}
    return GroupValues(scores, consensus)


def _read_values(group: QuerySet[Organisation], missing: list[int], within: Window) -> dict[int, OrganisationValues]:
    # Few missing (a save here and there): those by their keys; many (a cold cache): the whole group by its own
    # query, so the number of statements stays the same however large the group.
    chosen = Organisation.objects.filter(pk__in=missing) if len(missing) <= _FEW else group
    # One statement each, organisation and value together. No ORDER BY (the model's orders by measurement
    # date, a join): peer_statistics sorts the values itself.
    scores: dict[int, list[tuple[str, int]]] = {}
    rows = (
        ItemResponse.objects.filter(measurement__in=_newest_measurement_ids(chosen, within), score__isnull=False)
        .order_by()
        .values_list("measurement__organisation_id", "item_id", "score")
    )
    for organisation_id, item_id, score in rows:
        scores.setdefault(organisation_id, []).append((item_id, cast(int, score)))  # not null: filtered above
    consensus: dict[int, list[tuple[str, int]]] = {}
    themes = (
        ThemeRecord.objects.filter(audit__in=_newest_audit_ids(chosen, within), consensus__isnull=False)
        .order_by()
        .values_list("audit__organisation_id", "theme_id", "consensus")
    )
    for organisation_id, theme_id, value in themes:
        consensus.setdefault(organisation_id, []).append((theme_id, cast(int, value)))
    return {
        pk: (tuple(scores.get(pk, ())), tuple(consensus.get(pk, ())))
        for pk in missing
        if pk in scores or pk in consensus
    }


def benchmark(
    organisation: Organisation, peers: QuerySet[Organisation], within: Window, min_peers: int | None = None
) -> Benchmark:
    """Compare ``organisation`` with those ``peers`` that have data inside the window (itself left out).

    ``min_peers`` defaults to the setting ``EDMONITOR_BENCHMARK_MIN_PEERS``.
    """
    min_peers = settings.EDMONITOR_BENCHMARK_MIN_PEERS if min_peers is None else min_peers
    vie = latest_version("vie")
    mie = latest_audit_version()

    own_measurement = (
        Measurement.objects.filter(organisation=organisation, instrument_version__code="vie")
        .order_by("-measured_on", "-id")
        .first()
    )
    own_scores = (
        dict(ItemResponse.objects.filter(measurement=own_measurement).values_list("item_id", "score"))
        if own_measurement
        else {}
    )
    own_audit = (
        Audit.objects.filter(organisation=organisation, finalised_at__isnull=False).order_by("-held_on", "-id").first()
    )
    own_consensus = (
        dict(ThemeRecord.objects.filter(audit=own_audit).values_list("theme_id", "consensus")) if own_audit else {}
    )
    # the whole group (the organisation itself may be in it), then without the organisation
    peer_scores, measured, peer_consensus, audited = _group_values(peers, within).without(organisation.pk)

    def row(key: str, title: Any, own: int | None, values: list[int]) -> BenchmarkRow:
        shown = peer_statistics(values, min_peers=min_peers)
        return BenchmarkRow(key, title, own, shown, band_text(shown.band, min_peers))

    return Benchmark(
        organisation=organisation,
        window=within,
        min_peers=min_peers,
        quartiles_from=quartiles_from(min_peers),
        vie_peers_text=band_text(count_band(measured, min_peers), min_peers),
        mie_peers_text=band_text(count_band(audited, min_peers), min_peers),
        vie=[row(item.id, item.title, own_scores.get(item.id), peer_scores.get(item.id, [])) for item in vie.items],
        mie=[
            row(theme.id, theme.title, own_consensus.get(theme.id), peer_consensus.get(theme.id, []))
            for theme in mie.themes
        ],
        own_measurement=own_measurement,
        own_audit=own_audit,
    )
