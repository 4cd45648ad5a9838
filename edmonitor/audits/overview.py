"""An organisation's audits over time: consensus per theme, mean, and change since the previous audit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from edmonitor.instruments.audit import consensus_mean
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
        row: dict[str, Any] = {"audit": audit, "themes": [], "mean": None, "mean_change": None}
        if audit.is_finalised:
            consensus = {t.theme_id: t.consensus for t in audit.themes.all()}
            theme_ids = audit.instrument.theme_ids
            mean: Decimal | None = consensus_mean([consensus.get(t) for t in theme_ids])
            before = previous.get(audit.facility_id)
            for theme_id in theme_ids:
                value = consensus.get(theme_id)
                old = before["consensus"].get(theme_id) if before else None
                change = value - old if value is not None and old is not None else None
                row["themes"].append({"id": theme_id, "consensus": value, "change": change})
            row["mean"] = mean
            if before and before["mean"] is not None and mean is not None:
                row["mean_change"] = mean - before["mean"]
            previous[audit.facility_id] = {"consensus": consensus, "mean": mean}
        rows.append(row)
    return rows
