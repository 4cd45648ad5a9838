"""Every change to goals, actions and dialogue sessions goes through one function here.

Each function validates everything before it writes anything: a refusal raises
:class:`ImprovementRefused` with every problem (tied to a form field where there is one) and
changes nothing. Writes to goals and actions record their author in the history.

The functions live in :mod:`.goals` (goals and their judgement at a follow-up), :mod:`.actions`
(improvement actions) and :mod:`.sessions` (dialogue sessions), each with the decisions behind
its rules; :mod:`.common` holds the refusal and the checks they share. They are all importable
from here.
"""

from .actions import ACTION_FIELDS, action_from_outcome, action_from_recommendation, create_action, update_action
from .common import ImprovementRefused
from .goals import (
    Baseline,
    Decision,
    FollowUp,
    GoalProposal,
    baseline_for,
    confirm_goal_codes,
    delete_goal,
    goals_for,
    items_getting_a,
    pending_goals,
    proposals_for,
    refresh_judged_goals,
    release_goals_of,
    set_goal,
    update_goal,
)
from .sessions import (
    SessionDeletion,
    add_outcome,
    delete_session,
    deleting_session,
    plan_session,
    record_session,
    session_warnings,
    steps_lost_by_changing_method,
    tick_steps,
)

__all__ = [
    "ACTION_FIELDS",
    "Baseline",
    "Decision",
    "FollowUp",
    "GoalProposal",
    "ImprovementRefused",
    "SessionDeletion",
    "action_from_outcome",
    "action_from_recommendation",
    "add_outcome",
    "baseline_for",
    "confirm_goal_codes",
    "create_action",
    "delete_goal",
    "delete_session",
    "deleting_session",
    "goals_for",
    "items_getting_a",
    "pending_goals",
    "plan_session",
    "proposals_for",
    "record_session",
    "refresh_judged_goals",
    "release_goals_of",
    "session_warnings",
    "set_goal",
    "steps_lost_by_changing_method",
    "tick_steps",
    "update_action",
    "update_goal",
]
