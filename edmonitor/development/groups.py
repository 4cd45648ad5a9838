"""Intervision groups: members, facilitators and attendance; and the organisation's k-anonymous figures.

A group may span organisations: many organisations have too few experts by experience for a
group of their own (003 §2.5). Its record holds attendance only — who was present, on which day,
for how many hours — never notes of what was said (issue 21).

An organisation that facilitates groups sees aggregate figures of them, and only when at least
:data:`K` distinct people are counted, so that no figure describes one or a few people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edmonitor.core.types import Account
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, can

from .models import GroupMeeting, GroupMember, IntervisionGroup
from .services import Refused, find_account

#: The least number of distinct people a figure shown to an organisation may count (k-anonymity).
K = 5
MAX_MEMBERS = 30
MAX_GROUPS_CREATED = 50  # groups one person may facilitate: a bound, far above any real need
MAX_MEETINGS = 1_000  # per group: twenty years of weekly meetings
MIN_HOURS = Decimal("0.25")
MAX_HOURS = Decimal("12")
MAX_NAME = 200


def groups_of(user: Account) -> QuerySet[IntervisionGroup]:
    return IntervisionGroup.objects.filter(members__user=user).select_related("organisation").distinct()


def is_facilitator(group: IntervisionGroup, user: Account) -> bool:
    return group.members.filter(user=user, facilitator=True).exists()


def organisations_to_facilitate(user: Account) -> list[Organisation]:
    """The organisations on whose behalf the user may facilitate a group: those where they RECORD."""
    organisations = Organisation.objects.filter(memberships__user=user).distinct().order_by("name")
    return [o for o in organisations if can(user, Access.RECORD, o)]


@transaction.atomic
def create_group(user: Account, *, name: str, organisation: Organisation | None = None) -> IntervisionGroup:
    """A new group with its creator as facilitator, facilitated on behalf of an organisation or not."""
    problems = []
    name = name.strip()
    if not name:
        problems.append(_("Give the group a name."))
    elif len(name) > MAX_NAME:
        problems.append(_("The name is too long (at most %(count)s characters).") % {"count": MAX_NAME})
    if organisation is not None and not can(user, Access.RECORD, organisation):
        problems.append(_("You can only choose an organisation where you record data."))
    if GroupMember.objects.filter(user=user, facilitator=True).count() >= MAX_GROUPS_CREATED:
        problems.append(_("You facilitate %(count)s groups already; that is the most.") % {"count": MAX_GROUPS_CREATED})
    if problems:
        raise Refused(problems)
    group = IntervisionGroup.objects.create(name=name, organisation=organisation)
    GroupMember.objects.create(group=group, user=user, facilitator=True)
    return group


def _require_facilitator(group: IntervisionGroup, by: Account) -> None:
    if not is_facilitator(group, by):
        raise Refused([_("Only a facilitator of the group can do this.")])


@transaction.atomic
def add_member(group: IntervisionGroup, by: Account, *, name_or_email: str, facilitator: bool = False) -> GroupMember:
    """Add an existing account to the group, by user name or e-mail address (facilitators only)."""
    group = IntervisionGroup.objects.select_for_update().get(pk=group.pk)  # one addition at a time: the bound holds
    _require_facilitator(group, by)
    person = find_account(name_or_email)
    if person is None:
        raise Refused([_("There is no account with this user name or e-mail address.")])
    if group.members.filter(user=person).exists():
        raise Refused([_("This person is a member of the group already.")])
    if group.members.count() >= MAX_MEMBERS:
        raise Refused([_("A group has at most %(count)s members.") % {"count": MAX_MEMBERS}])
    return GroupMember.objects.create(group=group, user=person, facilitator=facilitator)


@transaction.atomic
def remove_member(group: IntervisionGroup, by: Account, member: GroupMember) -> None:
    """A facilitator removes a member; a member may leave. The last facilitator stays.

    Attendance already recorded stays: it is the record of meetings that took place.
    """
    if member.group_id != group.pk:
        raise Refused([_("This person is not a member of the group.")])
    if member.user_id != by.pk:
        _require_facilitator(group, by)
    if member.facilitator and not group.members.filter(facilitator=True).exclude(pk=member.pk).exists():
        raise Refused([_("A group needs a facilitator. Make someone else facilitator first.")])
    member.delete()


def parse_hours(value: str | Decimal) -> Decimal | None:
    try:
        hours = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return hours if hours.is_finite() else None


@transaction.atomic
def record_meeting(
    group: IntervisionGroup, by: Account, *, held_on: dt.date, hours: Decimal, present: Iterable[Account]
) -> GroupMeeting:
    """Record that the group met: the date, how long, and who of its members were there. Nothing else."""
    _require_facilitator(group, by)
    problems = []
    if not (MIN_HOURS <= hours <= MAX_HOURS):
        problems.append(_("A meeting lasts from %(least)s to %(most)s hours.") % {"least": "0,25", "most": MAX_HOURS})
    elif hours % MIN_HOURS:
        problems.append(_("Give the hours in quarters of an hour, for example 1,5 or 2,25."))
    if held_on > timezone.localdate():
        problems.append(_("Record a meeting after it took place: the date cannot be in the future."))
    people = {p.pk: p for p in present}
    members = set(group.members.values_list("user_id", flat=True))
    if not people:
        problems.append(_("Tick who was present."))
    elif set(people) - members:
        problems.append(_("Only members of the group can be present."))
    if group.meetings.count() >= MAX_MEETINGS:
        problems.append(_("This group has the most meetings a group can have."))
    if problems:
        raise Refused(problems)
    meeting = GroupMeeting.objects.create(group=group, held_on=held_on, hours=hours)
    meeting.present.set(people.values())
    return meeting


# --- figures for the facilitating organisation (issue 21: only when at least K people are counted) ---


@dataclass(frozen=True)
class Figures:
    meetings: int
    hours: Decimal
    people: int  # distinct people present at least once
    person_hours: Decimal  # the sum over meetings of hours × people present


@dataclass(frozen=True)
class GroupFigures:
    group: IntervisionGroup
    figures: Figures


@dataclass
class OrganisationFigures:
    """What an organisation may see; ``total`` is None when it would count fewer than K people."""

    total: Figures | None
    groups: list[GroupFigures] = field(default_factory=list)
    hidden_groups: int = 0


def _figures(meetings: list[tuple[Decimal, set[int]]]) -> Figures:
    people: set[int] = set()
    for _hours, present in meetings:
        people |= present
    return Figures(
        meetings=len(meetings),
        hours=sum((hours for hours, _present in meetings), Decimal(0)),
        people=len(people),
        person_hours=sum((hours * len(present) for hours, present in meetings), Decimal(0)),
    )


def organisation_figures(organisation: Organisation) -> OrganisationFigures:
    """The intervision the organisation facilitated, counted so that no figure describes fewer than K people.

    A group is shown on its own only when at least K distinct people attended it. The total is
    shown only when it counts at least K people and the groups not shown on their own together
    count at least K too (or there are none): otherwise the total minus the groups shown would
    give the figures of a small group.
    """
    present: dict[int, set[int]] = {}
    for meeting_id, user_id in GroupMeeting.present.through.objects.filter(
        groupmeeting__group__organisation=organisation
    ).values_list("groupmeeting_id", "user_id"):
        present.setdefault(meeting_id, set()).add(user_id)
    per_group: dict[int, list[tuple[Decimal, set[int]]]] = {}
    for meeting_id, group_id, hours in GroupMeeting.objects.filter(group__organisation=organisation).values_list(
        "pk", "group_id", "hours"
    ):
        per_group.setdefault(group_id, []).append((hours, present.get(meeting_id, set())))
    groups = IntervisionGroup.objects.in_bulk(list(per_group))
    shown, hidden = [], []
    for group_id, meetings in per_group.items():
        figures = _figures(meetings)
        if figures.people >= K:
            shown.append(GroupFigures(groups[group_id], figures))
        else:
            hidden.extend(meetings)
    total = _figures([m for meetings in per_group.values() for m in meetings])
    total_shown = total.people >= K and (not hidden or _figures(hidden).people >= K)
    shown.sort(key=lambda g: (g.group.name, g.group.pk))
    return OrganisationFigures(
        total=total if total_shown else None,
        groups=shown,
        hidden_groups=len(per_group) - len(shown),
    )
