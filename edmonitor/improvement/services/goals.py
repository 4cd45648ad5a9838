"""Goals: setting, changing and deleting them, and their judgement at a follow-up.

Decisions (see also the README, "Improvement plan"):

- A goal's baseline is the item's score in the latest VIE measurement of the same scope on or
  before the day the goal is set that scored the item (MIE: the theme's consensus in the latest
  finalised audit of the same scope). A *follow-up* is a measurement (finalised audit) of the
  same scope dated strictly after that day, so a goal set on the day of a measurement builds on
  it rather than being judged by it.
- One open goal per item and scope: a second one would make the proposal ambiguous.
- Judging (``confirm_goal_codes``): the user's code wins; a code other than the proposal needs
  a reason. A goal may be left to judge later. For the VIE the chosen code is also written to
  the follow-up measurement's goal code for that item (that is where the VIE keeps it, and what
  the reports count). Items of that measurement without a goal get **A** (no goal set) only
  where no code was entered yet: a code entered by hand, e.g. for a goal agreed outside
  edmonitor, is left alone. An MIE audit has no goal codes; the judgement stays on the goal.
- A goal can be changed or deleted only until it is judged; then it is a record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edmonitor.audits.models import Audit, ThemeRecord
from edmonitor.core.types import User, account
from edmonitor.improvement.items import InstrumentCode, item_ids
from edmonitor.improvement.models import Goal, GoalQuerySet, GoalType
from edmonitor.instruments import goals as core
from edmonitor.measurements.models import ItemResponse, Measurement
from edmonitor.organisations.models import Facility, Organisation

from .common import ImprovementRefused, _check_facility, _check_item, _refuse_if

FollowUp = Measurement | Audit


def _same_scope(facility: Facility | None) -> dict[str, Any]:
    return {"facility__isnull": True} if facility is None else {"facility": facility}


@dataclass(frozen=True)
class Baseline:
    score: int | None = None
    measurement: Measurement | None = None
    audit: Audit | None = None


def baseline_for(
    organisation: Organisation, facility: Facility | None, instrument: str, item: str, on: dt.date
) -> Baseline:
    """The latest score of the item (theme) in the same scope on or before ``on``; empty if there is none."""
    scope = {f"measurement__{k}": v for k, v in _same_scope(facility).items()}
    if instrument == InstrumentCode.VIE:
        response = (
            ItemResponse.objects.filter(
                measurement__organisation=organisation,
                measurement__instrument_version__code="vie",
                measurement__measured_on__lte=on,
                item_id=item,
                score__isnull=False,
                **scope,
            )
            .select_related("measurement")
            .order_by("-measurement__measured_on", "-measurement_id")
            .first()
        )
        return Baseline(response.score, measurement=response.measurement) if response else Baseline()
    scope = {f"audit__{k}": v for k, v in _same_scope(facility).items()}
    record = (
        ThemeRecord.objects.filter(
            audit__organisation=organisation,
            audit__finalised_at__isnull=False,
            audit__held_on__lte=on,
            theme_id=item,
            consensus__isnull=False,
            **scope,
        )
        .select_related("audit")
        .order_by("-audit__held_on", "-audit_id")
        .first()
    )
    return Baseline(record.consensus, audit=record.audit) if record else Baseline()


def _goal_problems(
    organisation: Organisation,
    *,
    facility: Facility | None,
    instrument: str,
    item: str,
    goal_type: str,
    target: int | None,
    description: str,
    set_on: dt.date,
    due_by: dt.date | None,
    baseline: Baseline,
    exclude: Goal | None,
) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    _check_facility(organisation, facility, problems)
    _check_item(instrument, item, problems, required=True)
    if goal_type not in GoalType.values:
        problems.append(("goal_type", _("Choose the kind of goal.")))
    elif goal_type == GoalType.DESCRIPTIVE and not description:
        problems.append(("description", _("Describe the goal in words.")))
    if set_on > timezone.localdate():
        problems.append(("set_on", _("A goal is set today or on an earlier day.")))
    if due_by is not None and due_by <= set_on:
        problems.append(("due_by", _("The follow-up comes after the day the goal is set.")))
    if goal_type in GoalType.values:
        for field, message in core.goal_problems(core.Goal(core.GoalType(goal_type), target, baseline.score)):
            text = _(message)
            if field == "target" and baseline.score is not None:
                # Say what the baseline is: the user may not remember it.
                text = f"{text} " + _("The baseline score is %(score)s.") % {"score": baseline.score}
            problems.append((field if field == "target" else "goal_type", text))
    if not problems:
        clash = Goal.objects.open().filter(
            organisation=organisation, instrument=instrument, item=item, **_same_scope(facility)
        )
        if exclude is not None:
            clash = clash.exclude(pk=exclude.pk)
        if clash.exists():
            problems.append(
                ("item", _("This item already has an open goal for the same scope: change that goal instead."))
            )
    return problems


def _apply_goal(goal: Goal, values: Mapping[str, Any], baseline: Baseline) -> None:
    for name, value in values.items():
        setattr(goal, name, value)
    goal.baseline_score = baseline.score
    goal.baseline_measurement = baseline.measurement
    goal.baseline_audit = baseline.audit


@transaction.atomic
def set_goal(
    *,
    organisation: Organisation,
    instrument: str,
    item: str,
    goal_type: str,
    target: int | None = None,
    description: str = "",
    set_on: dt.date | None = None,
    due_by: dt.date | None = None,
    facility: Facility | None = None,
    user: User | None = None,
) -> Goal:
    """Set a goal for an item (VIE) or theme (MIE), capturing its baseline score."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one open goal per item
    set_on = set_on or timezone.localdate()
    description = description.strip()
    baseline = baseline_for(organisation, facility, instrument, item, set_on)
    values: dict[str, Any] = {
        "facility": facility,
        "instrument": instrument,
        "item": item,
        "goal_type": goal_type,
        "target": target,
        "description": description,
        "set_on": set_on,
        "due_by": due_by,
    }
    _refuse_if(_goal_problems(organisation, **values, baseline=baseline, exclude=None))
    goal = Goal(organisation=organisation, created_by=account(user))
    _apply_goal(goal, values, baseline)
    goal._history_user = user  # type: ignore[attr-defined]
    goal.save()
    return goal


def _refuse_if_evaluated(goal: Goal) -> None:
    if goal.is_evaluated:
        raise ImprovementRefused([(None, _("This goal has been judged; it can no longer be changed."))])


@transaction.atomic
def update_goal(
    goal: Goal,
    *,
    instrument: str,
    item: str,
    goal_type: str,
    target: int | None = None,
    description: str = "",
    set_on: dt.date,
    due_by: dt.date | None = None,
    facility: Facility | None = None,
    user: User | None = None,
) -> Goal:
    """Change a goal that has not been judged yet; the baseline is captured again for the new values."""
    Organisation.objects.select_for_update().filter(pk=goal.organisation_id).first()
    goal = Goal.objects.select_related("organisation").get(pk=goal.pk)
    _refuse_if_evaluated(goal)
    description = description.strip()
    baseline = baseline_for(goal.organisation, facility, instrument, item, set_on)
    values: dict[str, Any] = {
        "facility": facility,
        "instrument": instrument,
        "item": item,
        "goal_type": goal_type,
        "target": target,
        "description": description,
        "set_on": set_on,
        "due_by": due_by,
    }
    _refuse_if(_goal_problems(goal.organisation, **values, baseline=baseline, exclude=goal))
    _apply_goal(goal, values, baseline)
    goal._history_user = user  # type: ignore[attr-defined]
    goal.save()
    return goal


@transaction.atomic
def delete_goal(goal: Goal, *, user: User | None = None) -> None:
    """Delete a goal set by mistake; refused once it has been judged."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    _refuse_if_evaluated(goal)
    goal._history_user = user  # type: ignore[attr-defined]
    goal.delete()


def _follow_up_facts(follow_up: FollowUp) -> tuple[str, dt.date]:
    if isinstance(follow_up, Measurement):
        return InstrumentCode.VIE, follow_up.measured_on
    return InstrumentCode.MIE, follow_up.held_on


def _can_be_follow_up(follow_up: FollowUp) -> bool:
    if isinstance(follow_up, Measurement):
        return follow_up.instrument_version.code == "vie"
    return follow_up.is_finalised


def pending_goals(follow_up: FollowUp) -> GoalQuerySet:
    """Open goals this measurement (finalised audit) follows up: same organisation, scope and instrument,
    set before its date."""
    if not _can_be_follow_up(follow_up):
        return Goal.objects.none()
    instrument, on = _follow_up_facts(follow_up)
    return Goal.objects.open().filter(
        organisation_id=follow_up.organisation_id,
        instrument=instrument,
        set_on__lt=on,
        **_same_scope(follow_up.facility),
    )


def goals_for(follow_up: FollowUp) -> GoalQuerySet:
    """The goals to judge at this follow-up: the pending ones and those already judged at it."""
    judged_here = {"follow_up": follow_up} if isinstance(follow_up, Measurement) else {"follow_up_audit": follow_up}
    return (pending_goals(follow_up) | Goal.objects.filter(**judged_here)).order_by("item", "set_on", "id")


def _new_scores(follow_up: FollowUp) -> dict[str, int | None]:
    if isinstance(follow_up, Measurement):
        return {r.item_id: r.score for r in follow_up.responses.all()}
    return {t.theme_id: t.consensus for t in follow_up.themes.all()}


def _item_order(instrument: str) -> dict[str, int]:
    return {item: index for index, item in enumerate(item_ids(instrument))}


@dataclass(frozen=True)
class GoalProposal:
    """A goal to judge at a follow-up: the new score and what edmonitor proposes."""

    goal: Goal
    new_score: int | None
    proposal: core.Proposal
    entered_code: str = ""  # a code typed on the measurement form for this item before judging

    @property
    def differs_from_entered(self) -> bool:
        """A code entered by hand that is not the proposal: the user must choose, nothing is preselected."""
        return bool(self.entered_code) and self.entered_code != (self.proposal.code or self.entered_code)

    @property
    def reason(self) -> str:
        return self.proposal.text(_)


def proposals_for(follow_up: FollowUp, goals: Iterable[Goal] | None = None) -> list[GoalProposal]:
    """The proposal for every goal to judge at this follow-up, in the instrument's item order."""
    scores = _new_scores(follow_up)
    goals = list(goals_for(follow_up).select_related("facility") if goals is None else goals)
    instrument, _on = _follow_up_facts(follow_up)
    order = _item_order(instrument)
    goals.sort(key=lambda g: (order.get(g.item, len(order)), g.set_on, g.pk))
    entered = {r.item_id: r.goal_code for r in follow_up.responses.all()} if isinstance(follow_up, Measurement) else {}
    return [
        GoalProposal(
            g,
            scores.get(g.item),
            core.propose(g.as_core(), scores.get(g.item)),
            # Once judged, the measurement's code is the judgement itself, not a hand-entered one.
            "" if g.is_evaluated else entered.get(g.item, ""),
        )
        for g in goals
    ]


def items_getting_a(measurement: Measurement, goals: Iterable[Goal]) -> list[str]:
    """Items of a VIE measurement that would get A (no goal set): answered, without a code, without a goal."""
    with_goal = {g.item for g in goals}
    return [
        r.item_id
        for r in measurement.responses.all()
        if r.score is not None and not r.goal_code and r.item_id not in with_goal
    ]


@dataclass(frozen=True)
class Decision:
    """The user's code for one goal ('' = judge later) and the reason for departing from the proposal."""

    code: str
    reason: str = ""


@transaction.atomic
def confirm_goal_codes(follow_up: FollowUp, decisions: Mapping[int, Decision], *, user: User | None) -> list[Goal]:
    """Judge the goals of a follow-up measurement or finalised audit; returns the goals that changed.

    ``decisions`` maps goal ids to the user's decision. A code other than the proposal needs a
    reason; a goal already judged at this follow-up needs a code. For the VIE the codes are also
    written to the measurement (and A where an item without a goal has no code yet).
    """
    if not _can_be_follow_up(follow_up):
        raise ImprovementRefused([(None, _("Goals are judged at a VIE measurement or a finalised MIE audit."))])
    goals = list(goals_for(follow_up).select_for_update())
    by_pk = {g.pk: g for g in goals}
    problems: list[tuple[str | None, str]] = []
    for pk in decisions:
        if pk not in by_pk:
            problems.append((None, _("One of the goals does not belong to this measurement.")))
    proposals = {p.goal.pk: p for p in proposals_for(follow_up, goals)}
    for goal in goals:
        decision = decisions.get(goal.pk, Decision(""))
        code, reason = decision.code.strip().upper(), decision.reason.strip()
        if not code:
            if goal.is_evaluated:
                problems.append((f"code_{goal.pk}", _("This goal was judged at this follow-up: keep a code.")))
            continue
        if code not in core.JUDGEMENT_CODES:
            problems.append((f"code_{goal.pk}", _("Choose B, C or D: a goal was set, so A does not apply.")))
            continue
        proposed = proposals[goal.pk].proposal.code
        if proposed is not None and code != proposed and not reason:
            problems.append(
                (
                    f"reason_{goal.pk}",
                    _("You chose %(code)s where %(proposed)s is proposed: give the reason.")
                    % {"code": code, "proposed": proposed},
                )
            )
    _refuse_if(problems)

    now = timezone.now()
    changed: list[Goal] = []
    for goal in goals:
        decision = decisions.get(goal.pk, Decision(""))
        code = decision.code.strip().upper()
        if not code:
            continue
        proposal = proposals[goal.pk]
        proposed = proposal.proposal.code or ""
        reason = decision.reason.strip() if proposed and code != proposed else ""
        values = {
            "follow_up": follow_up if isinstance(follow_up, Measurement) else None,
            "follow_up_audit": follow_up if isinstance(follow_up, Audit) else None,
            "new_score": proposal.new_score,
            "proposed_code": proposed,
            "code": code,
            "override_reason": reason,
        }
        if goal.is_evaluated and all(getattr(goal, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(goal, name, value)
        goal.evaluated_by, goal.evaluated_at = account(user), now
        goal._history_user = user  # type: ignore[attr-defined]  # read by simple_history
        goal.save()
        changed.append(goal)

    if isinstance(follow_up, Measurement):
        _write_goal_codes(follow_up, goals)
    return changed


@transaction.atomic
def refresh_judged_goals(follow_up: FollowUp, *, user: User | None) -> list[Goal]:
    """After a correction of a judged follow-up, bring its goals up to date; returns those to judge again.

    A corrected measurement (an amended audit) may give a goal judged at it another new score.
    The goal then gets the new score and the proposal for it. The code chosen stays when the
    proposal did not change, or when the code is the new proposal (a reason for departing from
    the proposal is then no longer kept). Otherwise the judgement was made on a score that no
    longer stands: the goal is opened again (its code also removed from the measurement) and is
    judged again at this follow-up. A goal that the corrected date or scope no longer lets this
    follow-up judge (set on or after its date, another facility) is opened again to wait for its
    own follow-up. The history keeps the earlier judgement. For the VIE the codes of the
    judgements that stand are written onto the corrected measurement again.
    """
    judged_here = {"follow_up": follow_up} if isinstance(follow_up, Measurement) else {"follow_up_audit": follow_up}
    goals = list(Goal.objects.filter(**judged_here).select_for_update())
    # Read again: the corrected answers are new rows, and the caller's object may hold the old ones.
    rows: QuerySet[Any, tuple[str, int | None]]
    if isinstance(follow_up, Measurement):
        rows = ItemResponse.objects.filter(measurement=follow_up).values_list("item_id", "score")
    else:
        rows = ThemeRecord.objects.filter(audit=follow_up).values_list("theme_id", "consensus")
    scores: dict[str, int | None] = dict(rows)
    _instrument, on = _follow_up_facts(follow_up)
    again: list[Goal] = []
    opened: list[Goal] = []
    for goal in goals:
        goal._history_user = user  # type: ignore[attr-defined]
        if goal.set_on >= on or goal.facility_id != follow_up.facility_id:
            # Its corrected date or scope makes this no longer the goal's follow-up: it waits for its own.
            _open_again(goal)
            opened.append(goal)
            continue
        new_score = scores.get(goal.item)
        if new_score == goal.new_score:
            continue
        proposed = core.propose(goal.as_core(), new_score).code or ""
        if proposed == goal.proposed_code or goal.code == proposed:
            # The same proposal, or the code chosen is now the proposal: the judgement holds.
            goal.new_score, goal.proposed_code = new_score, proposed
            if goal.code == proposed:
                goal.override_reason = ""
            goal.save()
            continue
        _open_again(goal)
        opened.append(goal)
        again.append(goal)
    if goals and isinstance(follow_up, Measurement):
        # The judgements that stand go back onto the corrected answers, as after judging.
        _write_goal_codes(follow_up, list(goals_for(follow_up)))
        ItemResponse.objects.filter(measurement=follow_up, item_id__in=[g.item for g in opened]).update(goal_code="")
    return again


def _open_again(goal: Goal) -> None:
    """Undo a goal's judgement (the history keeps it): it is open, to be judged at a follow-up."""
    goal.follow_up = goal.follow_up_audit = None
    goal.new_score, goal.proposed_code, goal.code, goal.override_reason = None, "", "", ""
    goal.evaluated_by, goal.evaluated_at = None, None
    goal.save()


@transaction.atomic
def release_goals_of(measurements: Measurement | QuerySet[Measurement], *, user: User | None) -> list[Goal]:
    """Before measurements are deleted: the goals judged at them are opened again, to be judged at another.

    Without this a goal would stay judged against a measurement that no longer exists. The
    history keeps the judgement. Called through the measurements app's signal
    (:mod:`edmonitor.measurements.signals`) by its delete services, whoever deletes.
    """
    if isinstance(measurements, Measurement):
        judged = Goal.objects.filter(follow_up=measurements)
    else:
        judged = Goal.objects.filter(follow_up__in=measurements.values("pk"))
    goals = list(judged.order_by("follow_up_id", "id").select_for_update())
    for goal in goals:
        goal._history_user = user  # type: ignore[attr-defined]
        _open_again(goal)
    return goals


def _write_goal_codes(measurement: Measurement, goals: Sequence[Goal]) -> None:
    """The judged codes onto the measurement's item responses, and A for answered items without a goal."""
    responses = {r.item_id: r for r in ItemResponse.objects.filter(measurement=measurement)}
    for goal in goals:
        if not goal.is_evaluated:
            continue
        response = responses.get(goal.item)
        if response is None:
            ItemResponse.objects.create(measurement=measurement, item_id=goal.item, goal_code=goal.code)
        elif response.goal_code != goal.code:
            response.goal_code = goal.code
            response.save(update_fields=["goal_code"])
    with_goal = {g.item for g in goals}
    ItemResponse.objects.filter(measurement=measurement, goal_code="", score__isnull=False).exclude(
        item_id__in=with_goal
    ).update(goal_code=core.NO_GOAL)
