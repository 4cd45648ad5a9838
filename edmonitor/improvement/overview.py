"""What the pages show of the improvement loop: the plan of one organisation and what needs attention.

Every function here runs a fixed number of queries however many goals, actions and sessions
there are (the plan page's count is pinned in its tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from edmonitor.audits.models import Audit
from edmonitor.core.types import User
from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, can

from .items import InstrumentCode, item_label
from .models import UNFINISHED, Action, DialogueSession, Goal
from .services import pending_goals

ATTENTION_LIMIT = 50  # rows per list on the main dashboard


class GoalState:
    JUDGED = "judged"
    AWAITING = "awaiting"  # a follow-up exists: judge the goal there
    PAST_DUE = "past_due"  # no follow-up yet and its date has passed
    OPEN = "open"  # no follow-up yet

    LABELS = {
        JUDGED: _("judged"),
        AWAITING: _("follow-up measured: awaiting judgement"),
        PAST_DUE: _("no follow-up yet, past its date"),
        OPEN: _("no follow-up yet"),
    }


def goal_state(goal: Goal, today: dt.date) -> str:
    """Needs ``goal.follow_up_available`` (:meth:`GoalQuerySet.with_follow_up_available`)."""
    if goal.is_evaluated:
        return GoalState.JUDGED
    if getattr(goal, "follow_up_available", False):
        return GoalState.AWAITING
    if goal.is_past_due(today):
        return GoalState.PAST_DUE
    return GoalState.OPEN


def _with_state(goals: QuerySet[Goal], today: dt.date) -> list[Goal]:
    rows = list(goals)
    for goal in rows:
        goal.state = goal_state(goal, today)  # type: ignore[attr-defined]
        goal.state_label = GoalState.LABELS[goal.state]  # type: ignore[attr-defined]
    return rows


@dataclass
class Attention:
    """Overdue actions and open goals (for one organisation, or all the user may see)."""

    overdue_actions: list[Action] = field(default_factory=list)
    open_goals: list[Goal] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue_actions or self.open_goals)


def attention_for(organisation: Organisation, today: dt.date) -> Attention:
    """The organisation page: every overdue action and every goal not yet judged (two queries)."""
    goals = (
        Goal.objects.open()
        .filter(organisation=organisation)
        .with_follow_up_available()
        .select_related("facility")
        .order_by("set_on", "id")
    )
    actions = Action.objects.overdue(today).filter(organisation=organisation).select_related("facility")
    return Attention(list(actions.order_by("due_on", "id")), _with_state(goals, today))


def attention_across(organisations: QuerySet[Organisation], today: dt.date) -> Attention:
    """The main dashboard: overdue actions, and goals awaiting judgement or past their date (two queries)."""
    goals = (
        Goal.objects.open()
        .filter(organisation__in=organisations)
        .with_follow_up_available()
        .filter(Q(follow_up_available=True) | Q(due_by__lt=today))
        .select_related("organisation", "facility")
        .order_by("due_by", "set_on", "id")
    )
    actions = (
        Action.objects.overdue(today)
        .filter(organisation__in=organisations)
        .select_related("organisation", "facility")
        .order_by("due_on", "id")
    )
    return Attention(list(actions[:ATTENTION_LIMIT]), _with_state(goals[:ATTENTION_LIMIT], today))


def plan_for(organisation: Organisation, today: dt.date) -> dict[str, Any]:
    """The improvement plan page: goals, actions and sessions of one organisation (three queries)."""
    goals = (
        Goal.objects.filter(organisation=organisation)
        .with_follow_up_available()
        .select_related("facility", "follow_up", "follow_up_audit")
        .order_by("evaluated_at", "set_on", "id")
    )
    actions = (
        Action.objects.filter(organisation=organisation)
        .select_related("facility", "source_recommendation__audit", "source_outcome__session")
        .alias(finished=Case(When(status__in=UNFINISHED, then=Value(0)), default=Value(1)))
        .order_by("finished", F("due_on").asc(nulls_last=True), "id")
    )
    sessions = DialogueSession.objects.filter(organisation=organisation).select_related("method", "facility")
    action_rows = list(actions)
    for action in action_rows:
        action.overdue = action.is_overdue(today)  # type: ignore[attr-defined]
    goal_rows = _with_state(goals, today)
    return {
        "open_goals": [g for g in goal_rows if not g.is_evaluated],
        "judged_goals": [g for g in goal_rows if g.is_evaluated],
        "actions": action_rows,
        "sessions": list(sessions.order_by("-held_on", "-id")),
    }


def next_follow_up(goal: Goal) -> Measurement | Audit | None:
    """The first measurement (finalised audit) of the goal's scope after it was set: where to judge it."""
    scope: dict[str, Any] = (
        {"facility__isnull": True} if goal.facility_id is None else {"facility_id": goal.facility_id}
    )
    if goal.instrument == InstrumentCode.VIE:
        return (
            Measurement.objects.filter(
                organisation_id=goal.organisation_id,
                instrument_version__code="vie",
                measured_on__gt=goal.set_on,
                **scope,
            )
            .order_by("measured_on", "id")
            .first()
        )
    return (
        Audit.objects.finalised()
        .filter(organisation_id=goal.organisation_id, held_on__gt=goal.set_on, **scope)
        .order_by("held_on", "id")
        .first()
    )


def for_audit_page(user: User, audit: Audit) -> dict[str, Any] | None:
    """The improvement part of a finalised audit's page: its recommendations with their actions, and
    how many goals await judgement at it. None before finalising or for a user who may not view the
    organisation (an external auditor sees the audit only)."""
    if not audit.is_finalised or not can(user, Access.VIEW, audit.organisation):
        return None
    recommendations = list(audit.recommendations.prefetch_related("improvement_actions"))
    return {
        "recommendations": [
            {
                "recommendation": r,
                "theme": item_label(InstrumentCode.MIE, r.theme_id),
                "actions": list(r.improvement_actions.all()),
            }
            for r in recommendations
        ],
        "goals_to_judge": pending_goals(audit).count(),
        "can_record": can(user, Access.RECORD, audit.organisation),
    }
