"""Build audits in a given phase through the real services (no shortcuts past the rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from edmonitor.audits import services
from edmonitor.audits.models import Audit, Auditor, Position

THEMES = ("1", "2", "3", "4", "5")


unchanged = services.as_shown  # the 'original' a form would carry for exactly these stored values


def plan(organisation, first, second, *, on=dt.date(2026, 3, 2), facility=None, by=None) -> Audit:
    return services.plan_audit(
        organisation=organisation,
        held_on=on,
        facility=facility,
        auditors=[(first, Position.INTERNAL), (second, Position.EXTERNAL)],
        participants="Projectleider\nTeamleider",
        user=by or first,
    )


def auditor(audit: Audit, user) -> Auditor:
    return audit.auditors.get(user=user)


def rate(audit: Audit, user, scores: Mapping[str, int | None], *, submit=True, rationale="because") -> None:
    me = auditor(audit, user)
    current = services.rating_values(me)
    values: dict[str, int | str | None] = {f"score:{t}": scores.get(t) for t in THEMES}
    values |= {f"rationale:{t}": f"{rationale} {t}" for t in THEMES}
    services.save_ratings(audit, me, values=values, original=unchanged(current), submit=submit, user=user)


def agree(audit: Audit, user, consensus: Mapping[str, int | None], reasons: Mapping[str, str] | None = None) -> None:
    current = services.consensus_values(audit)
    values = dict(current)
    for t, v in consensus.items():
        values[f"consensus:{t}"] = v
    for t, r in (reasons or {}).items():
        values[f"consensus_reason:{t}"] = r
    services.save_consensus(audit, values=values, original=unchanged(current), user=user)


def write_report(audit: Audit, user) -> None:
    notes = services.note_values(audit)
    services.save_notes(
        audit,
        values={**notes, **{f"explanation:{t}": f"Toelichting thema {t}" for t in THEMES}},
        original=unchanged(notes),
        user=user,
    )
    report = services.report_values(audit)
    services.save_report(
        audit,
        values={
            "strengths": "Een gedeelde visie.",
            "improvements": "Meer scholing.",
            "recommendations": [["3", "Start intervisie onder leiding van een ervaringsdeskundige."]],
        },
        original=unchanged(report),
        user=user,
    )


def finalised(organisation, first, second, a: Mapping[str, int], b: Mapping[str, int], consensus, **kw) -> Audit:
    audit = plan(organisation, first, second, **kw)
    rate(audit, first, a)
    rate(audit, second, b)
    agree(audit, first, consensus)
    write_report(audit, second)
    services.confirm_report(audit, user=first)
    return services.confirm_report(audit, user=second)
