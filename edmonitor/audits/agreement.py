"""Inter-rater agreement over finalised audits, read from the database.

Only finalised audits count: their scores are no longer blind, and both auditors
have scored every theme. The statistics themselves are computed by the pure
module :mod:`edmonitor.instruments.audit`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet

from edmonitor.core import figures
from edmonitor.core.types import User
from edmonitor.instruments.audit import Agreement, agreement_from_counts
from edmonitor.instruments.definition import Theme, latest_audit_version
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import visible_organisations

from .models import Audit, AuditQuerySet, Rating


@dataclass(frozen=True)
class AgreementReport:
    audits: int
    overall: Agreement
    by_theme: list[tuple[Theme, Agreement]]


def pair_counts(audits: QuerySet[Audit]) -> dict[str, dict[tuple[int, int], int]]:
    """theme id -> (first auditor's score, second auditor's score) -> how many times, counted by the database.

    Only themes both auditors scored count. The database pairs each first auditor's rating with
    the second auditor's rating of the same audit and theme and counts the pairs: at most 25
    rows per theme come back, where reading every rating took 1.8 s over 50,000 audits
    (bench/README.md).
    """
    second = "auditor__audit__auditors__ratings__"  # one join: every condition below is on the same rating
    rows: Iterable[Any] = (
        Rating.objects.filter(
            auditor__audit__in=audits,
            auditor__order=1,
            score__isnull=False,
            auditor__audit__auditors__order=2,
            **{f"{second}theme_id": F("theme_id"), f"{second}score__isnull": False},
        )
        .values("theme_id", "score", second_score=F(f"{second}score"))
        .annotate(times=Count("pk"))
        .order_by()
        .values_list("theme_id", "score", "second_score", "times")
    )
    counts: dict[str, dict[tuple[int, int], int]] = defaultdict(dict)
    for theme_id, first_score, second_score, times in rows:
        counts[theme_id][(first_score, second_score)] = times
    return counts


def report(audits: AuditQuerySet) -> AgreementReport:
    """The agreement over the finalised ones of ``audits``; from the cache while no data changed
    (edmonitor.core.figures): over every audit of the country it reads every rating."""
    sql, params = audits.values("pk").query.sql_with_params()
    # "agreement-2": the figures gained ICC, AC2 and alpha (issue 20); entries cached before are not read
    return figures.cached("agreement-2", (sql, tuple(map(str, params))), lambda: _report(audits))


def _report(audits: AuditQuerySet) -> AgreementReport:
    audits = audits.finalised()
    per_theme = pair_counts(audits)
    instrument = latest_audit_version()
    low, high = instrument.scale_min, instrument.scale_max
    overall: dict[tuple[int, int], int] = defaultdict(int)
    for counts in per_theme.values():
        for pair, times in counts.items():
            overall[pair] += times
    return AgreementReport(
        audits=audits.count(),
        overall=agreement_from_counts(overall, low, high),
        by_theme=[
            (theme, agreement_from_counts(per_theme.get(theme.id, {}), low, high)) for theme in instrument.themes
        ],
    )


def agreement_for(
    user: User, organisation: Organisation | None = None, among: QuerySet[Organisation] | None = None
) -> AgreementReport:
    """Agreement over the finalised audits of one organisation, of a group of organisations (``among``:
    a programme's), or of every organisation the user may see (always limited to those the user may see)."""
    audits = Audit.objects.filter(organisation__in=visible_organisations(user))
    if organisation is not None:
        audits = audits.filter(organisation=organisation)
    if among is not None:
        audits = audits.filter(organisation__in=among)
    return report(audits)
