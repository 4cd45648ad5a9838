"""The audit trail: every recorded change to an audit, as who / when / what / old / new / reason.

django-simple-history records a snapshot on every save; this module turns the
snapshots into field-level changes by comparing each snapshot with the previous
one of the same object. Individual scores stay blind here too: a rating is shown
only to the person who wrote it until both current auditors have submitted, and the
drafts of an auditor who was replaced stay hidden from everyone but their author
(research data, never seen by the person who took over).

Each rating is attributed to the person who held its auditor row when the rating was
written (read from the auditor history), not to whoever holds the row today.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from edmonitor.core.dates import long_date
from edmonitor.organisations.models import Facility

from .models import Audit, Auditor, Position, Rating, Recommendation, ThemeRecord
from .services import field_label


@dataclass(frozen=True)
class TrailEntry:
    at: dt.datetime
    user: str
    subject: str
    old: str
    new: str
    reason: str
    amendment: bool
    hidden: bool = False


def _user_names(ids: set[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


def _may_see(record: Any, written_by: int | None, viewer: Any, blind: bool, current: set[tuple[int, int]]) -> bool:
    """The blind-scoring rule for one version of a rating in the trail."""
    if written_by is not None and written_by == getattr(viewer, "pk", None):
        return True  # one's own work
    # Others' ratings once both current auditors have submitted -- but never the drafts
    # of someone who no longer holds that auditor row (a replaced auditor).
    return not blind and (record.auditor_id, written_by) in current


def trail_entries(audit: Audit, viewer: Any) -> list[TrailEntry]:
    instrument = audit.instrument
    blind = not audit.both_submitted
    sources: list[tuple[Any, list[str]]] = [
        (
            Audit.history.filter(id=audit.pk),
            ["held_on", "facility_id", "participants", "strengths", "improvements", "finalised_at"],
        ),
        (Auditor.history.filter(audit_id=audit.pk), ["user_id", "position", "order", "submitted_at"]),
        (ThemeRecord.history.filter(audit_id=audit.pk), ["notes", "explanation", "consensus", "consensus_reason"]),
        (Recommendation.history.filter(audit_id=audit.pk), ["theme_id", "text"]),
    ]
    auditor_history = Auditor.history.filter(audit_id=audit.pk).order_by("history_date", "history_id")
    held: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for auditor_id, user_id, at in auditor_history.values_list("id", "user_id", "history_date"):
        held[auditor_id].append((at, user_id))
    sources.append((Rating.history.filter(auditor_id__in=set(held)), ["score", "rationale"]))

    def author(record: Any) -> int | None:
        """Who held the rating's auditor row when this version of the rating was written."""
        holders = held.get(record.auditor_id)
        if not holders:
            return None
        at = bisect.bisect_right([when for when, _u in holders], record.history_date)
        return holders[max(at - 1, 0)][1]

    current = {(a.pk, a.user_id) for a in audit.auditors.all()}

    records = [(r, fields) for qs, fields in sources for r in qs.order_by("history_date", "history_id")]
    user_ids = {r.history_user_id for r, _f in records if r.history_user_id}
    user_ids |= {uid for holders in held.values() for _at, uid in holders}
    names = _user_names(user_ids)
    facilities = dict(Facility.objects.filter(organisation=audit.organisation).values_list("pk", "name"))
    positions = dict(Position.choices)
    finalised_at = audit.finalised_at

    def shown(field: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if field == "facility_id":
            return str(facilities.get(value, value))
        if field == "user_id":
            return names.get(value, str(value))
        if field == "position":
            return str(positions.get(value, value))
        if isinstance(value, dt.date):
            return long_date(value)
        return str(value)

    def subject(record: Any, field: str) -> str:
        model = record.instance_type
        if model is ThemeRecord:
            return field_label(instrument, f"{field}:{record.theme_id}")
        if model is Rating:
            who = names.get(author(record) or 0, "?")  # (no author: nobody has id 0)
            own = _("own %(what)s of %(auditor)s") % {"what": field_label(instrument, field), "auditor": who}
            return field_label(instrument, f"{field}:{record.theme_id}", own)
        if model is Auditor:
            what = {
                "user_id": _("auditor"),
                "position": _("internal or external"),
                "submitted_at": _("scores submitted"),
                "order": _("place in the plan"),
            }
            return _("Auditor %(n)s: %(what)s") % {"n": record.order, "what": what[field]}
        if model is Recommendation:
            what = {"theme_id": _("theme"), "text": _("text")}
            return _("Recommendation %(n)s: %(what)s") % {"n": record.order + 1, "what": what[field]}
        labels = {"facility_id": "facility", "finalised_at": "finalised_at"}
        if field == "finalised_at":
            return _("finalised")
        return field_label(instrument, labels.get(field, field))

    previous: dict[tuple[Any, int], Any] = {}
    entries: list[TrailEntry] = []
    for record, fields in records:
        key = (record.instance_type, record.id)
        before = previous.get(key)
        previous[key] = record
        hidden = record.instance_type is Rating and not _may_see(record, author(record), viewer, blind, current)
        for field in fields:
            if field == "order" and record.history_type != "~":
                continue  # a place is worth showing only when it changes
            new = getattr(record, field)
            old = getattr(before, field) if before is not None else None
            if record.history_type == "-":
                old, new = new, None
            if old == new or (before is None and record.history_type == "+" and new in (None, "")):
                continue
            entries.append(
                TrailEntry(
                    at=record.history_date,
                    user=names.get(record.history_user_id, _("system")),
                    subject=subject(record, field),
                    old="" if hidden else shown(field, old),
                    new="" if hidden else shown(field, new),
                    reason=record.history_change_reason or "",
                    # amendments, and only they, carry a reason
                    amendment=bool(finalised_at and record.history_change_reason),
                    hidden=hidden,
                )
            )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
