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

from django.db.models import QuerySet

from edmonitor.instruments.audit import Agreement, agreement, agreement_by_theme
from edmonitor.instruments.definition import Theme, latest_audit_version
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import visible_organisations

from .models import Audit, Rating


@dataclass(frozen=True)
class AgreementReport:
    audits: int
    overall: Agreement
    by_theme: list[tuple[Theme, Agreement]]


def rating_pairs(audits: QuerySet[Audit]) -> list[tuple[str, int, int]]:
    """(theme id, first auditor's score, second auditor's score) for every fully scored theme."""
    scores: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    rows: Iterable[Any] = (
        Rating.objects.filter(auditor__audit__in=audits, score__isnull=False)
        .values_list("auditor__audit_id", "auditor__order", "theme_id", "score")
        .order_by()
    )
    for audit_id, order, theme_id, score in rows:
        scores[(audit_id, theme_id)][order] = score
    return [
        (theme_id, pair[1], pair[2])
        for (_audit_id, theme_id), pair in sorted(scores.items())
        if 1 in pair and 2 in pair
    ]


def report(audits: QuerySet[Audit]) -> AgreementReport:
    audits = audits.finalised()
    triples = rating_pairs(audits)
    instrument = latest_audit_version()
    per_theme = agreement_by_theme(triples, scale_min=instrument.scale_min, scale_max=instrument.scale_max)
    return AgreementReport(
        audits=audits.count(),
        overall=agreement([(a, b) for _t, a, b in triples], instrument.scale_min, instrument.scale_max),
        by_theme=[
            (theme, per_theme.get(theme.id) or agreement([], instrument.scale_min, instrument.scale_max))
            for theme in instrument.themes
        ],
    )


def agreement_for(user: Any, organisation: Organisation | None = None, programme: Any = None) -> AgreementReport:
    """Agreement over the finalised audits of one organisation, of a programme's organisations, or of every
    organisation the user may see (always limited to the organisations the user may see)."""
    audits = Audit.objects.filter(organisation__in=visible_organisations(user))
    if organisation is not None:
        audits = audits.filter(organisation=organisation)
    if programme is not None:
        audits = audits.filter(organisation__participations__programme=programme)
    return report(audits)
