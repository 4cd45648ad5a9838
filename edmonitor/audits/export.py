"""One audit as a documented JSON structure (download), built from what the requesting user may see.

Structure (version 1)::

    {"format": "edmonitor-mie-audit", "format_version": 1,
     "instrument": {"code": "mie", "version": "2026.1"},
     "organisation": str, "facility": str | null, "held_on": "YYYY-MM-DD",
     "phase": "scoring" | "consensus" | "finalised", "finalised_at": ISO time | null,
     "participants": str,
     "auditors": [{"order": 1, "name": str, "position": "internal" | "external", "submitted": bool}, ...],
     "themes": {"1": {"title": str, "notes": str, "explanation": str, "consensus": int | null,
                      "consensus_reason": str,
                      "ratings": [{"auditor": 1, "score": int | null, "rationale": str}, ...]}, ...},
     "conclusion": {"strengths": str, "improvements": str},
     "recommendations": [{"theme": "3", "text": str}, ...],
     "amendments": [{"at": ISO time, "author": str, "reason": str,
                     "changes": [{"field": str, "old": str, "new": str}]}, ...]}

``ratings`` holds only the ratings passed in — the caller passes
:func:`~edmonitor.audits.permissions.visible_ratings`, so an export made
before both auditors submitted carries no one else's scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import Audit, Rating


def export_audit(audit: Audit, ratings: Iterable[Rating]) -> dict[str, Any]:
    instrument = audit.instrument
    auditors = list(audit.auditors.all())
    order = {a.pk: a.order for a in auditors}
    by_theme: dict[str, list[dict[str, Any]]] = {}
    for rating in ratings:
        by_theme.setdefault(rating.theme_id, []).append(
            {"auditor": order[rating.auditor_id], "score": rating.score, "rationale": rating.rationale}
        )
    records = {r.theme_id: r for r in audit.themes.all()}
    return {
        "format": "edmonitor-mie-audit",
        "format_version": 1,
        "instrument": {"code": audit.instrument_version.code, "version": audit.instrument_version.version},
        "organisation": audit.organisation.name,
        "facility": audit.facility.name if audit.facility else None,
        "held_on": audit.held_on.isoformat(),
        "phase": audit.phase,
        "finalised_at": audit.finalised_at.isoformat() if audit.finalised_at else None,
        "participants": audit.participants,
        "auditors": [
            {
                "order": a.order,
                "name": a.user.get_full_name() or a.user.get_username(),
                "position": a.position,
                "submitted": a.submitted_at is not None,
            }
            for a in auditors
        ],
        "themes": {
            theme.id: {
                "title": theme.title.get(),
                "notes": records[theme.id].notes if theme.id in records else "",
                "explanation": records[theme.id].explanation if theme.id in records else "",
                "consensus": records[theme.id].consensus if theme.id in records else None,
                "consensus_reason": records[theme.id].consensus_reason if theme.id in records else "",
                "ratings": sorted(by_theme.get(theme.id, []), key=lambda r: r["auditor"]),
            }
            for theme in instrument.themes
        },
        "conclusion": {"strengths": audit.strengths, "improvements": audit.improvements},
        "recommendations": [{"theme": r.theme_id, "text": r.text} for r in audit.recommendations.all()],
        "amendments": [
            {
                "at": a.made_at.isoformat(),
                "author": a.author.get_full_name() or a.author.get_username(),
                "reason": a.reason,
                "changes": a.changes,
            }
            for a in audit.amendments.select_related("author")
        ],
    }
