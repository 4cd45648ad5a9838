"""Everything of one organisation as one JSON document (format ``edmonitor-organisation``, version 1).

The structure is documented field by field in ``FORMAT.md`` beside this module. The
output is deterministic, so that export → import into an empty database → export gives
byte-identical text (:func:`export_json`):

- keys sorted, lists in a stable order that never depends on database ids: by name, by
  date and then by the entry's own content;
- dates ``YYYY-MM-DD``, times ISO 8601 in UTC with microseconds (``…T10:15:00.000000Z``);
- decimals as strings (``"1000.00"``), never floats;
- no export time in the file (the access log records when a file was taken).

Blind scoring (README, "How the MIE audit works"): individual ratings leave the database
only for audits in which both auditors have submitted. For an audit still in the scoring
phase the export carries no ratings at all, and no submission times, whoever exports it
(staff included); such an audit re-imports as planned, with notes but without scores.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from edmonitor.audits.models import Amendment, Audit, Auditor, Recommendation
from edmonitor.core.types import User
from edmonitor.measurements.models import InstrumentVersion, Measurement
from edmonitor.organisations.models import Organisation

FORMAT = "edmonitor-organisation"
FORMAT_VERSION = 1
# How deeply the format's arrays and objects nest: document → audits → audit → themes → theme →
# ratings → rating. A reader refuses a file that nests deeper before parsing it (FORMAT.md).
MAX_DEPTH = 7


def timestamp(value: dt.datetime | None) -> str | None:
    """An aware time as ISO 8601 in UTC with microseconds and ``Z``."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def decimal_text(value: Decimal | None, places: int) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).quantize(Decimal(1).scaleb(-places)), "f")


def username(user: User | None) -> str | None:
    return None if user is None else user.get_username()


def canonical(data: Any) -> str:
    """The entry as compact sorted JSON: the last, content-based sort key of entries that share a date."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(data: dict[str, Any]) -> str:
    """The exact text of an export file (what the command writes and the web page serves)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _instrument(version: InstrumentVersion) -> dict[str, str]:
    return {"code": version.code, "version": version.version, "checksum": version.checksum}


def _measurement(m: Measurement) -> dict[str, Any]:
    return {
        "instrument": _instrument(m.instrument_version),
        "measured_on": m.measured_on.isoformat(),
        "label": m.label,
        "facility": m.facility.name if m.facility else None,
        "facts": {k: str(v) for k, v in m.facts.items()},
        "criteria": {k: sorted(str(c) for c in v) for k, v in m.criteria.items()},
        "items": {
            r.item_id: {"score": r.score, "derived": r.derived, "goal": r.goal_code or None, "note": r.note}
            for r in m.responses.all()
        },
        "total": decimal_text(m.total, 1),
        "level": m.level or None,
        "printed_total": decimal_text(m.printed_total, 1),
        "printed_level": m.printed_level or None,
        "origin": m.origin,
        "created_by": username(m.created_by),
        "created_at": timestamp(m.created_at),
        "updated_at": timestamp(m.updated_at),
    }


def _audit(audit: Audit) -> dict[str, Any]:
    unblinded = audit.both_submitted
    auditors = sorted(audit.auditors.all(), key=lambda a: a.order)
    ratings: dict[str, list[dict[str, Any]]] = {}
    if unblinded:
        for auditor in auditors:
            for rating in auditor.ratings.all():
                ratings.setdefault(rating.theme_id, []).append(
                    {"auditor": auditor.order, "score": rating.score, "rationale": rating.rationale}
                )
    records = {r.theme_id: r for r in audit.themes.all()}
    themes = {}
    for theme_id in audit.instrument.theme_ids:
        record = records.get(theme_id)
        themes[theme_id] = {
            "notes": record.notes if record else "",
            "explanation": record.explanation if record else "",
            "consensus": record.consensus if record else None,
            "consensus_reason": record.consensus_reason if record else "",
            "ratings": sorted(ratings.get(theme_id, []), key=lambda r: r["auditor"]),
        }
    recommendations = [{"theme": r.theme_id, "text": r.text, "order": r.order} for r in audit.recommendations.all()]
    amendments = [
        {
            "author": username(a.author),
            "made_at": timestamp(a.made_at),
            "reason": a.reason,
            "changes": a.changes,
        }
        for a in audit.amendments.all()
    ]
    return {
        "instrument": _instrument(audit.instrument_version),
        "held_on": audit.held_on.isoformat(),
        "facility": audit.facility.name if audit.facility else None,
        "phase": audit.phase,
        "ratings_withheld": not unblinded,
        "participants": audit.participants,
        "auditors": [
            {
                "order": a.order,
                "user": a.user.get_username(),
                "full_name": a.user.get_full_name(),
                "position": a.position,
                # withheld with the ratings: a submission without its scores could never be completed
                "submitted_at": timestamp(a.submitted_at) if unblinded else None,
            }
            for a in auditors
        ],
        "themes": themes,
        "conclusion": {"strengths": audit.strengths, "improvements": audit.improvements},
        "recommendations": sorted(recommendations, key=lambda r: (r["order"], r["theme"], r["text"])),
        "finalised_at": timestamp(audit.finalised_at),
        "finalised_by": username(audit.finalised_by),
        "amendments": sorted(amendments, key=lambda a: (a["made_at"], canonical(a))),
        "created_by": username(audit.created_by),
        "created_at": timestamp(audit.created_at),
    }


def export_organisation(organisation: Organisation) -> dict[str, Any]:
    """Everything of one organisation as a plain dict (see ``FORMAT.md``); passwords never."""
    memberships = organisation.memberships.select_related("user")
    measurements = (
        organisation.measurements.select_related("instrument_version", "facility", "created_by")
        .prefetch_related("responses")
        .order_by()
    )
    audits = (
        organisation.audits.select_related("instrument_version", "facility", "finalised_by", "created_by")
        .prefetch_related(
            Prefetch("auditors", queryset=Auditor.objects.select_related("user").prefetch_related("ratings")),
            "themes",
            Prefetch("recommendations", queryset=Recommendation.objects.order_by()),
            Prefetch("amendments", queryset=Amendment.objects.select_related("author").order_by()),
        )
        .order_by()
    )
    measurement_entries = [_measurement(m) for m in measurements]
    audit_entries = [_audit(a) for a in audits]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "organisation": {
            "name": organisation.name,
            "sector": organisation.sector,
            "clients": organisation.clients,
            "staff_fte": decimal_text(organisation.staff_fte, 2),
            "created_at": timestamp(organisation.created_at),
        },
        "facilities": sorted(({"name": f.name} for f in organisation.facilities.all()), key=lambda f: f["name"]),
        "roles": sorted(
            ({"user": m.user.get_username(), "full_name": m.user.get_full_name(), "role": m.role} for m in memberships),
            key=lambda r: r["user"],
        ),
        "measurements": sorted(measurement_entries, key=lambda m: (m["measured_on"], canonical(m))),
        "audits": sorted(audit_entries, key=lambda a: (a["held_on"], canonical(a))),
    }


def export_json(organisation: Organisation) -> str:
    """The export file's text: sorted keys, two-space indent, UTF-8 characters as they are."""
    return dumps(export_organisation(organisation))
