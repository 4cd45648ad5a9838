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


def _latest_measurements(organisations: QuerySet[Organisation]) -> QuerySet[Measurement]:
    newest = (
        Measurement.objects.filter(organisation=OuterRef("organisation"), instrument_version__code="vie")
        .order_by("-measured_on", "-id")
        .values("pk")[:1]
    )
    return Measurement.objects.filter(organisation__in=organisations, instrument_version__code="vie").filter(
        pk=Subquery(newest)
    )


def _latest_audits(organisations: QuerySet[Organisation]) -> QuerySet[Audit]:
    newest = (
        Audit.objects.filter(organisation=OuterRef("organisation"), finalised_at__isnull=False)
        .order_by("-held_on", "-id")
        .values("pk")[:1]
    )
    return Audit.objects.filter(organisation__in=organisations, finalised_at__isnull=False).filter(pk=Subquery(newest))


def benchmark(organisation: Organisation, peers: QuerySet[Organisation]) -> Benchmark:
    """Compare ``organisation`` with ``peers`` (the organisation itself is left out of the peers)."""
    peers = peers.exclude(pk=organisation.pk)
    vie = latest_version("vie")
    mie = latest_audit_version()

    own_measurement = _latest_measurements(Organisation.objects.filter(pk=organisation.pk)).first()
    own_scores = (
        dict(ItemResponse.objects.filter(measurement=own_measurement).values_list("item_id", "score"))
        if own_measurement
        else {}
    )
    peer_scores: dict[str, list[int]] = {}
    rows = ItemResponse.objects.filter(measurement__in=_latest_measurements(peers), score__isnull=False).values_list(
        "item_id", "score"
    )
    for item_id, score in rows:
        peer_scores.setdefault(item_id, []).append(score)

    own_audit = _latest_audits(Organisation.objects.filter(pk=organisation.pk)).first()
    own_consensus = (
        dict(ThemeRecord.objects.filter(audit=own_audit).values_list("theme_id", "consensus")) if own_audit else {}
    )
    peer_consensus: dict[str, list[int]] = {}
    themes = ThemeRecord.objects.filter(audit__in=_latest_audits(peers), consensus__isnull=False).values_list(
        "theme_id", "consensus"
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
