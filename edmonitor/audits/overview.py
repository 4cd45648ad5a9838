"""An organisation's audits over time: consensus per theme and its change since the previous audit.

No mean over the themes: the MIE gives a score per theme and no total (004 §2.13), so the
five consensus scores are an audit's result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from edmonitor.measurements.models import InstrumentVersion
from edmonitor.organisations.models import Organisation

from .models import Audit, Auditor, Phase, ThemeRecord


@dataclass(frozen=True)
class AuditRow:
    """An audit as the organisation page lists it: plain values, not a model instance (bench/README.md, fix 23)."""

    pk: int
    organisation_id: int
    held_on: dt.date
    facility_id: int | None
    facility_name: str | None
    instrument_version_id: int
    finalised_at: dt.datetime | None

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    def get_absolute_url(self) -> str:
        return Audit.url_of(self.organisation_id, self.pk)


def audit_history(organisation: Organisation) -> list[dict[str, Any]]:
    """One row per audit, oldest first. Only finalised audits show scores; the change is against the
    previous finalised audit of the same scope (the whole organisation, or the same facility).

    Each row has the audit (:class:`AuditRow`: what the rows show), its phase, and per theme the
    consensus and change. Audits, the themes' consensus and the auditors' submissions are read as
    plain values, not as model instances: a decade of audits is 50 audits, 250 theme records and
    100 auditors, and building those objects was most of the organisation page's time (bench/README.md).
    """
    columns = ("pk", "organisation_id", "held_on", "facility_id", "facility__name", "instrument_version_id")
    audits = [
        AuditRow(*values)
        for values in Audit.objects.filter(organisation=organisation)
        .order_by("held_on", "id")
        .values_list(*columns, "finalised_at")
    ]
    # each version's definition is decoded once (the audits of a decade share one or two versions)
    versions = InstrumentVersion.objects.in_bulk({audit.instrument_version_id for audit in audits})
    ids = [audit.pk for audit in audits]
    consensus_of: dict[int, dict[str, int | None]] = {}
    for audit_id, theme_id, value in ThemeRecord.objects.filter(audit_id__in=ids).values_list(
        "audit_id", "theme_id", "consensus"
    ):
        consensus_of.setdefault(audit_id, {})[theme_id] = value
    submitted_of: dict[int, list[bool]] = {}
    for audit_id, submitted_at in (
        Auditor.objects.filter(audit_id__in=ids).order_by("audit_id", "order").values_list("audit_id", "submitted_at")
    ):
        submitted_of.setdefault(audit_id, []).append(submitted_at is not None)
    previous: dict[int | None, dict[str, int | None]] = {}
    rows = []
    for audit in audits:
        phase = Audit.phase_of(audit.is_finalised, submitted_of.get(audit.pk, []))
        row: dict[str, Any] = {"audit": audit, "phase": Phase(phase).label, "themes": []}
        if audit.is_finalised:
            consensus = consensus_of.get(audit.pk, {})
            before = previous.get(audit.facility_id)
            for theme_id in versions[audit.instrument_version_id].audit_instrument.theme_ids:
                value = consensus.get(theme_id)
                old = before.get(theme_id) if before else None
                change = value - old if value is not None and old is not None else None
                row["themes"].append({"id": theme_id, "consensus": value, "change": change})
            previous[audit.facility_id] = consensus
        rows.append(row)
    return rows
