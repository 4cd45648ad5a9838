"""An organisation beside its peers: per VIE item and per MIE theme, its own latest score next to the
peers' median and interquartile range.

Peers are the other organisations of one of its programmes, or of its sector. They
are never named: only the median and quartiles are shown, and only when at least
:data:`MIN_PEERS` peers have a value (with fewer, an aggregate would all but show
one organisation's score). Quartiles use the inclusive method
(``statistics.quantiles(..., n=4, method="inclusive")``, the same as a spreadsheet's
QUARTILE.INC and numpy's default), so the median of an even number of peers is the
mean of the middle two.

Each peer counts once per instrument, with its latest VIE measurement (any scope)
and its latest finalised MIE audit.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from edmonitor.audits.models import Audit, ThemeRecord
from edmonitor.instruments.definition import latest_audit_version, latest_version
from edmonitor.measurements.models import ItemResponse, Measurement
from edmonitor.organisations.models import Organisation

MIN_PEERS = 3


@dataclass(frozen=True)
class Spread:
    n: int
    median: Decimal | None
    q1: Decimal | None
    q3: Decimal | None


def spread(values: Sequence[int | float | Decimal]) -> Spread:
    """Median and quartiles (inclusive method), or empty when there are fewer than MIN_PEERS values."""
    if len(values) < MIN_PEERS:
        return Spread(len(values), None, None, None)
    data = sorted(Decimal(str(v)) for v in values)
    q1, median, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return Spread(len(data), Decimal(median), Decimal(q1), Decimal(q3))


@dataclass
class BenchmarkRow:
    key: str
    title: Any
    own: int | None
    peers: Spread


@dataclass
class Benchmark:
    organisation: Organisation
    peer_count: int
    vie: list[BenchmarkRow]
    mie: list[BenchmarkRow]
    own_measurement: Measurement | None
    own_audit: Audit | None


def _newest_measurement() -> QuerySet[Measurement]:
    """The newest VIE measurement of the organisation of the outer query (its ``pk``)."""
    return (
        Measurement.objects.filter(organisation=OuterRef("pk"), instrument_version__code="vie")
        .order_by("-measured_on", "-id")
        .values("pk")[:1]
    )


def _newest_audit() -> QuerySet[Audit]:
    """The newest finalised MIE audit of the organisation of the outer query (its ``pk``)."""
    return (
        Audit.objects.filter(organisation=OuterRef("pk"), finalised_at__isnull=False)
        .order_by("-held_on", "-id")
        .values("pk")[:1]
    )


# The peers' newest measurement and audit are looked up once per peer organisation (a subquery per
# organisation row, through the (organisation, date) index), not by testing every measurement or
# audit of the database against its organisation's newest: that shape scanned all 50,000 of each at
# national scale, and PostgreSQL's estimate for it was high enough to JIT-compile the query on every
# request (0.5 s of a 0.58 s page; bench/README.md). NULL (a peer with none) matches nothing in IN.
def _newest_measurement_ids(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return organisations.order_by().annotate(newest=Subquery(_newest_measurement())).values("newest")


def _newest_audit_ids(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return organisations.order_by().annotate(newest=Subquery(_newest_audit())).values("newest")


def benchmark(organisation: Organisation, peers: QuerySet[Organisation]) -> Benchmark:
    """Compare ``organisation`` with ``peers`` (the organisation itself is left out of the peers)."""
    peers = peers.exclude(pk=organisation.pk)
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
    peer_scores: dict[str, list[int]] = {}
    # no ORDER BY (the model's orders by measurement date, a join): spread() sorts the values itself
    rows = (
        ItemResponse.objects.filter(measurement__in=_newest_measurement_ids(peers), score__isnull=False)
        .order_by()
        .values_list("item_id", "score")
    )
    for item_id, score in rows:
        peer_scores.setdefault(item_id, []).append(score)

    own_audit = (
        Audit.objects.filter(organisation=organisation, finalised_at__isnull=False).order_by("-held_on", "-id").first()
    )
    own_consensus = (
        dict(ThemeRecord.objects.filter(audit=own_audit).values_list("theme_id", "consensus")) if own_audit else {}
    )
    peer_consensus: dict[str, list[int]] = {}
    themes = (
        ThemeRecord.objects.filter(audit__in=_newest_audit_ids(peers), consensus__isnull=False)
        .order_by()
        .values_list("theme_id", "consensus")
    )
    for theme_id, consensus in themes:
        peer_consensus.setdefault(theme_id, []).append(consensus)

    return Benchmark(
        organisation=organisation,
        peer_count=peers.count(),
        vie=[
            BenchmarkRow(item.id, item.title, own_scores.get(item.id), spread(peer_scores.get(item.id, [])))
            for item in vie.items
        ],
        mie=[
            BenchmarkRow(theme.id, theme.title, own_consensus.get(theme.id), spread(peer_consensus.get(theme.id, [])))
            for theme in mie.themes
        ],
        own_measurement=own_measurement,
        own_audit=own_audit,
    )
