"""Goal attainment: which code (A–D) a new score proposes for a goal set before the measurement.

The VIE records, per item, whether the goal set for it was reached (seed 003, appendix 1
and §4.5): **A** no goal set, **B** not reached, **C** partly reached, **D** reached. The
source leaves the judgement to the organisation. edmonitor lets a user write the goal
down before the next measurement (or MIE audit) in one of four forms and then *proposes*
a code from the goal and the new score; the user confirms it or overrides it with a
reason. The rules of the proposal are this project's decision:

``at_least`` — reach at least score T
    D when the new score s ≥ T; C when a baseline b exists and b < s < T (moved towards
    the target); otherwise B (no baseline: partly reaching cannot be told apart from
    standing still).
``improve`` — improve by at least N points over the baseline b (b required)
    D when s − b ≥ N; C when 0 < s − b < N; B when s ≤ b.
``maintain`` — keep at least the baseline b (b required)
    D when s ≥ b; otherwise B.
``descriptive`` — a goal in words
    no proposal: the user judges B, C or D.

An item without a goal is A. Without a new score (the item was not scored) there is no
proposal. Plain, typed Python without Django; messages are English templates marked with
``gettext_noop`` (translated by the caller), as in :mod:`.scoring`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .scoring import gettext_noop

SCALE_MIN = 1
SCALE_MAX = 5

NO_GOAL = "A"
NOT_REACHED = "B"
PARTLY_REACHED = "C"
REACHED = "D"
# The codes a user may give a goal that exists (A means "no goal set").
JUDGEMENT_CODES = (NOT_REACHED, PARTLY_REACHED, REACHED)


class GoalType(StrEnum):
    AT_LEAST = "at_least"  # reach at least score T
    IMPROVE = "improve"  # improve by at least N points over the baseline
    MAINTAIN = "maintain"  # keep at least the baseline score
    DESCRIPTIVE = "descriptive"  # a goal in words, judged by the user


# Which goal types need a target (T or N) and which need a baseline to be judged at all.
NEEDS_TARGET = frozenset({GoalType.AT_LEAST, GoalType.IMPROVE})
NEEDS_BASELINE = frozenset({GoalType.IMPROVE, GoalType.MAINTAIN})


@dataclass(frozen=True)
class Goal:
    """A goal for one item or theme: its type, target (T or N, or None) and the baseline score (or None)."""

    type: GoalType
    target: int | None = None
    baseline: int | None = None


@dataclass(frozen=True)
class Proposal:
    """The proposed code (None: no proposal, the user judges) and why, as a translatable message."""

    code: str | None
    reason: str  # a stable key, e.g. "target_reached"
    message: str  # English template with %(name)s parameters
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, translate: Callable[[str], str] = lambda s: s) -> str:
        return translate(self.message) % dict(self.params)


def _proposal(code: str | None, reason: str, message: str, **params: Any) -> Proposal:
    return Proposal(code, reason, message, tuple(params.items()))


def _on_scale(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and SCALE_MIN <= value <= SCALE_MAX


def _basic_problems(goal: Goal) -> list[tuple[str, str]]:
    """Values off their range: a goal with these cannot be judged at all."""
    problems: list[tuple[str, str]] = []
    target = goal.target
    if goal.baseline is not None and not _on_scale(goal.baseline):
        problems.append(("baseline", gettext_noop("The baseline score must lie between 1 and 5.")))
    if goal.type in NEEDS_TARGET and target is None:
        problems.append(("target", gettext_noop("Give the target.")))
    elif goal.type not in NEEDS_TARGET and target is not None:
        problems.append(("target", gettext_noop("This kind of goal has no target score.")))
    elif goal.type == GoalType.AT_LEAST and not _on_scale(target):
        problems.append(("target", gettext_noop("The target score must lie between 1 and 5.")))
    elif goal.type == GoalType.IMPROVE and not (
        isinstance(target, int) and not isinstance(target, bool) and target >= 1
    ):
        problems.append(("target", gettext_noop("The improvement must be at least 1 point.")))
    return problems


def goal_problems(goal: Goal) -> list[tuple[str, str]]:
    """What is wrong with a goal as it would be set: (field, English message) pairs; empty when valid.

    Fields: ``target`` or ``baseline``. The rules: T is a score on the scale; N is at least 1;
    a goal that needs a baseline has one; an ``at_least`` target lies above the baseline and an
    improvement stays on the scale (otherwise the goal is reached before it starts, or never can be).
    """
    problems = _basic_problems(goal)
    if problems:
        return problems
    target, baseline = goal.target, goal.baseline
    if goal.type == GoalType.AT_LEAST and baseline is not None and target is not None and target <= baseline:
        problems.append(
            (
                "target",
                gettext_noop(
                    "The baseline score already reaches this target: choose a higher target, "
                    "or the goal to keep the score."
                ),
            )
        )
    if goal.type == GoalType.IMPROVE and baseline is not None and target is not None and baseline + target > SCALE_MAX:
        problems.append(("target", gettext_noop("From the baseline score the scale does not go up this many points.")))
    if goal.type in NEEDS_BASELINE and baseline is None:
        problems.append(
            (
                "baseline",
                gettext_noop(
                    "This kind of goal needs a baseline score: an earlier measurement of the same item "
                    "(or audit of the same theme). Choose a target score or a goal in words instead."
                ),
            )
        )
    return problems


def propose(goal: Goal | None, score: int | None) -> Proposal:
    """The goal-attainment code a new score proposes for a goal (None: no goal set for the item).

    Raises ``ValueError`` for a score, target or baseline off its range. A goal that
    :func:`goal_problems` would refuse for its relation to the baseline is still judged by the
    rules above (an ``at_least`` target at or below the baseline: D or B); one without the
    baseline it needs gives no proposal.
    """
    if score is not None and not _on_scale(score):
        raise ValueError(f"score {score!r} is not on the scale {SCALE_MIN}-{SCALE_MAX}")
    if goal is None:
        return _proposal(NO_GOAL, "no_goal", gettext_noop("No goal was set for this item."))
    problems = _basic_problems(goal)
    if problems:
        raise ValueError(f"invalid goal {goal!r}: {'; '.join(m for _f, m in problems)}")
    if goal.type == GoalType.DESCRIPTIVE:
        return _proposal(
            None, "descriptive", gettext_noop("A goal in words: judge for yourself whether it was reached.")
        )
    if score is None:
        return _proposal(
            None, "no_score", gettext_noop("The item has no score in this measurement, so nothing is proposed.")
        )
    baseline = goal.baseline
    if goal.type == GoalType.AT_LEAST:
        target = goal.target
        assert target is not None  # checked by goal_problems
        if score >= target:
            return _proposal(
                REACHED,
                "target_reached",
                gettext_noop("Score %(score)s reaches the target %(target)s."),
                score=score,
                target=target,
            )
        if baseline is not None and baseline < score:
            return _proposal(
                PARTLY_REACHED,
                "towards_target",
                gettext_noop(
                    "Score %(score)s is higher than the baseline %(baseline)s but below the target %(target)s."
                ),
                score=score,
                target=target,
                baseline=baseline,
            )
        if baseline is None:
            return _proposal(
                NOT_REACHED,
                "target_not_reached_no_baseline",
                gettext_noop(
                    "Score %(score)s is below the target %(target)s; without a baseline, "
                    "partly reaching it cannot be shown."
                ),
                score=score,
                target=target,
            )
        return _proposal(
            NOT_REACHED,
            "target_not_reached",
            gettext_noop(
                "Score %(score)s is below the target %(target)s and not higher than the baseline %(baseline)s."
            ),
            score=score,
            target=target,
            baseline=baseline,
        )
    if baseline is None:  # improve or maintain without a baseline: nothing to compare with
        return _proposal(
            None, "no_baseline", gettext_noop("There is no baseline score to compare with, so nothing is proposed.")
        )
    change = score - baseline
    if goal.type == GoalType.IMPROVE:
        needed = goal.target
        assert needed is not None
        if change >= needed:
            return _proposal(
                REACHED,
                "improved_enough",
                gettext_noop(
                    "Score %(score)s is %(change)s higher than the baseline %(baseline)s "
                    "(goal: at least %(needed)s higher)."
                ),
                score=score,
                baseline=baseline,
                change=change,
                needed=needed,
            )
        if change > 0:
            return _proposal(
                PARTLY_REACHED,
                "improved_partly",
                gettext_noop(
                    "Score %(score)s is %(change)s higher than the baseline %(baseline)s, "
                    "less than the %(needed)s aimed for."
                ),
                score=score,
                baseline=baseline,
                change=change,
                needed=needed,
            )
        return _proposal(
            NOT_REACHED,
            "not_improved",
            gettext_noop("Score %(score)s is not higher than the baseline %(baseline)s (goal: %(needed)s higher)."),
            score=score,
            baseline=baseline,
            needed=needed,
        )
    # GoalType.MAINTAIN
    if change >= 0:
        return _proposal(
            REACHED,
            "kept",
            gettext_noop("Score %(score)s keeps the baseline %(baseline)s."),
            score=score,
            baseline=baseline,
        )
    return _proposal(
        NOT_REACHED,
        "fell",
        gettext_noop("Score %(score)s is lower than the baseline %(baseline)s."),
        score=score,
        baseline=baseline,
    )
