"""An organisation's audits over time: consensus per theme and its change since the previous audit.

No mean over the themes: the MIE gives a score per theme and no total (004 §2.13), so the
five consensus scores are an audit's result."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from edmonitor.organisations.models import Organisation

from .models import Audit, ThemeRecord


def audit_history(organisation: Organisation, audits: Any = None) -> list[dict[str, Any]]:
    """One row per audit, oldest first. Only finalised audits show scores; the change is against the
    previous finalised audit of the same scope (the whole organisation, or the same facility)."""
    if audits is None:
        audits = Audit.objects.filter(organisation=organisation)
    # The instrument version is prefetched, not joined, so its definition is decoded once and not once
    # per audit; of the theme records only the consensus is read (bench/README.md).
    audits = audits.select_related("facility").prefetch_related(
        "instrument_version",
        Prefetch("themes", queryset=ThemeRecord.objects.only("audit_id", "theme_id", "consensus")),
        "auditors",
    )
    previous: dict[int | None, dict[str, Any]] = {}
    rows = []
    for audit in audits.order_by("held_on", "id"):
        row: dict[str, Any] = {"audit": audit, "themes": []}
        if audit.is_finalised:
            consensus = {t.theme_id: t.consensus for t in audit.themes.all()}
            theme_ids = audit.instrument.theme_ids
            before = previous.get(audit.facility_id)
            for theme_id in theme_ids:
                value = consensus.get(theme_id)
                old = before["consensus"].get(theme_id) if before else None
                change = value - old if value is not None and old is not None else None
                row["themes"].append({"id": theme_id, "consensus": value, "change": change})
            previous[audit.facility_id] = {"consensus": consensus}
        rows.append(row)
    return rows
