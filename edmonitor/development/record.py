"""The development record: intervision, supervision, training and other activities, with hours.

An activity has a shared part (kind, title, date, times, hours, participants, confirmation)
and a private part (the note). The person may ask one named person (a supervisor, or the
facilitator of their intervision group) to confirm an activity: that person then sees the
shared part of that one activity, never the note, and confirms it. Changing the shared part
of a confirmed activity takes the confirmation away, since it was given for what was there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edmonitor.core.types import Account

from . import register
from .models import MAX_TEXT, Activity, ActivityKind, ConsentUse, IntervisionGroup, Space
from .services import Refused, has_consent, require_consent

MAX_HOURS = Decimal(24)  # one activity, one day
MAX_ACTIVITIES = 2_000  # per person: decades of a working life
SHARED_FIELDS = ("kind", "title", "occurred_on", "starts_at", "ends_at", "hours", "participants", "group_id")


@transaction.atomic
def save_activity(
    space: Space,
    *,
    kind: str,
    title: str,
    occurred_on: dt.date,
    hours: Decimal,
    starts_at: dt.time | None = None,
    ends_at: dt.time | None = None,
    participants: str = "",
    private_note: str = "",
    group: IntervisionGroup | None = None,
    confirm_by: Account | None = None,
    activity: Activity | None = None,
    today: dt.date | None = None,
) -> Activity:
    """Make or change one activity; ``confirm_by`` asks that person to confirm it."""
    require_consent(space)
    today = today or timezone.localdate()
    problems = []
    if kind not in ActivityKind.values:
        problems.append(_("Choose what kind of activity this was."))
    if not title.strip():
        problems.append(_("Give the activity a title."))
    if occurred_on > today:
        problems.append(_("Record an activity once it has taken place."))
    if not Decimal(0) < hours <= MAX_HOURS:
        problems.append(_("Give the hours: more than 0 and at most %(count)s.") % {"count": MAX_HOURS})
    if (starts_at is None) != (ends_at is None):
        problems.append(_("Give both times, or neither."))
    elif starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            problems.append(_("The end time comes after the start time."))
        else:
            span = dt.datetime.combine(occurred_on, ends_at) - dt.datetime.combine(occurred_on, starts_at)
            if hours * 3600 > Decimal(span.total_seconds()):
                problems.append(_("The hours are more than the time between start and end."))
    if len(private_note) > MAX_TEXT:
        problems.append(_("The note is too long (at most %(count)s characters).") % {"count": MAX_TEXT})
    if group is not None and not group.members.filter(user_id=space.user_id).exists():
        problems.append(_("Choose one of your own intervision groups."))
    if confirm_by is not None:
        if confirm_by.pk == space.user_id:
            problems.append(_("Someone else confirms your activity, not you."))
        elif not has_consent(space, ConsentUse.SHARING):
            problems.append(_("Asking someone to confirm shows them this activity. First agree to sharing."))
    if activity is not None and activity.space_id != space.pk:
        problems.append(_("This activity is not yours."))
    if activity is None and space.activities.count() >= MAX_ACTIVITIES:
        problems.append(_("Your record is full (%(count)s activities).") % {"count": MAX_ACTIVITIES})
    if problems:
        raise Refused(problems)
    new = activity or Activity(space=space)
    before = {name: getattr(new, name) for name in SHARED_FIELDS} if activity is not None else None
    new.kind, new.title, new.occurred_on, new.hours = kind, title.strip(), occurred_on, hours
    new.starts_at, new.ends_at, new.participants = starts_at, ends_at, participants.strip()
    new.private_note, new.group = private_note.strip(), group
    changed = before is not None and before != {name: getattr(new, name) for name in SHARED_FIELDS}
    if changed or (confirm_by is not None and confirm_by.pk != new.confirm_by_id):
        new.confirmed_at, new.confirmed_by_name = None, ""
    new.confirm_by = confirm_by
    new.save()
    return new


@transaction.atomic
def delete_activity(space: Space, activity: Activity) -> None:
    if activity.space_id != space.pk:
        raise Refused([_("This activity is not yours.")])
    activity.delete()


def to_confirm(user: Account) -> QuerySet[Activity]:
    """Activities someone asked ``user`` to confirm, not yet confirmed; the private note is not loaded."""
    asked = Activity.objects.filter(confirm_by=user, confirmed_at__isnull=True)
    return asked.defer("private_note").select_related("space__user", "group")


@transaction.atomic
def confirm(user: Account, activity: Activity) -> None:
    """``user`` confirms the shared part of an activity they were asked to confirm."""
    if activity.confirm_by_id != user.pk or activity.space.user_id == user.pk:
        raise Refused([_("You were not asked to confirm this activity.")])
    if activity.confirmed_at is None:
        activity.confirmed_at = timezone.now()
        activity.confirmed_by_name = (user.get_full_name() or user.get_username())[:200]
        activity.save(update_fields=["confirmed_at", "confirmed_by_name"])


def hours_per_kind(activities: list[Activity]) -> list[dict[str, Any]]:
    """Hours per kind of activity: in total and confirmed."""
    rows = []
    for kind, name in ActivityKind.choices:
        mine = [a for a in activities if a.kind == kind]
        rows.append({
            "kind": kind, "name": name, "count": len(mine),
            "hours": sum((a.hours for a in mine), Decimal(0)),
            "confirmed": sum((a.hours for a in mine if a.confirmed_at), Decimal(0)),
        })  # fmt: skip
    return rows


def overview(space: Space) -> dict[str, Any]:
    """The record with hours per kind and, when the person chose a rule set, the progress toward it."""
    activities = list(space.activities.select_related("confirm_by", "group"))
    context: dict[str, Any] = {"activities": activities, "totals": hours_per_kind(activities)}
    if space.rule_set is not None:
        since, rows = register.progress(space.rule_set, activities, timezone.localdate())
        context |= {"rule_set": space.rule_set, "rule_name": register.name(space.rule_set),
                    "rule_notice": register.notice(space.rule_set), "since": since, "progress": rows}  # fmt: skip
    return context
