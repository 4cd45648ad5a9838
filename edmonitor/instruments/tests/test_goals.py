"""The goal-attainment proposal (``goals.py``): every goal type against every outcome.

The table below is written from the rules in the module's docstring, not recorded from the
code: each goal type × reached / partly / not reached / no new score / no baseline, plus the
boundaries. A property test then checks every score, target and baseline on the scale against
an independent restatement of the rules (written here as plain comparisons of a change).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edmonitor.instruments.goals import (
    JUDGEMENT_CODES,
    Goal,
    GoalType,
    Proposal,
    goal_problems,
    propose,
)
from edmonitor.testing_hypothesis import examples

AT_LEAST, IMPROVE, MAINTAIN, DESCRIPTIVE = GoalType.AT_LEAST, GoalType.IMPROVE, GoalType.MAINTAIN, GoalType.DESCRIPTIVE
SCALE = range(1, 6)

# (goal type, target, baseline, new score) → (proposed code, reason)
CASES = {
    # --- at least T ------------------------------------------------------------------------
    "at least: reached exactly": ((AT_LEAST, 3, 1, 3), ("D", "target_reached")),
    "at least: reached and passed": ((AT_LEAST, 3, 1, 5), ("D", "target_reached")),
    "at least: reached without a baseline": ((AT_LEAST, 4, None, 4), ("D", "target_reached")),
    "at least: partly, one above the baseline": ((AT_LEAST, 4, 1, 2), ("C", "towards_target")),
    "at least: partly, one below the target": ((AT_LEAST, 4, 1, 3), ("C", "towards_target")),
    "at least: not reached, stayed at the baseline": ((AT_LEAST, 4, 2, 2), ("B", "target_not_reached")),
    "at least: not reached, fell below the baseline": ((AT_LEAST, 4, 2, 1), ("B", "target_not_reached")),
    "at least: below target, no baseline": ((AT_LEAST, 4, None, 3), ("B", "target_not_reached_no_baseline")),
    "at least: no new score": ((AT_LEAST, 4, 2, None), (None, "no_score")),
    "at least: no new score, no baseline": ((AT_LEAST, 4, None, None), (None, "no_score")),
    "at least: target 1 is reached by any score": ((AT_LEAST, 1, None, 1), ("D", "target_reached")),
    # --- improve by N ----------------------------------------------------------------------
    "improve: reached exactly": ((IMPROVE, 2, 2, 4), ("D", "improved_enough")),
    "improve: reached and passed": ((IMPROVE, 1, 2, 5), ("D", "improved_enough")),
    "improve: partly, one point of two": ((IMPROVE, 2, 2, 3), ("C", "improved_partly")),
    "improve: partly, three of four": ((IMPROVE, 4, 1, 4), ("C", "improved_partly")),
    "improve: not reached, unchanged": ((IMPROVE, 1, 3, 3), ("B", "not_improved")),
    "improve: not reached, fell": ((IMPROVE, 1, 3, 2), ("B", "not_improved")),
    "improve: no new score": ((IMPROVE, 1, 3, None), (None, "no_score")),
    "improve: no baseline": ((IMPROVE, 1, None, 4), (None, "no_baseline")),
    # --- maintain the baseline -------------------------------------------------------------
    "maintain: kept exactly": ((MAINTAIN, None, 3, 3), ("D", "kept")),
    "maintain: kept and rose": ((MAINTAIN, None, 3, 5), ("D", "kept")),
    "maintain: fell by one": ((MAINTAIN, None, 3, 2), ("B", "fell")),
    "maintain: at the bottom of the scale": ((MAINTAIN, None, 1, 1), ("D", "kept")),
    "maintain: no new score": ((MAINTAIN, None, 3, None), (None, "no_score")),
    "maintain: no baseline": ((MAINTAIN, None, None, 3), (None, "no_baseline")),
    # --- a goal in words: the user judges --------------------------------------------------
    "descriptive: with a score": ((DESCRIPTIVE, None, 2, 4), (None, "descriptive")),
    "descriptive: without a score": ((DESCRIPTIVE, None, None, None), (None, "descriptive")),
}


@pytest.mark.parametrize("case", CASES)
def test_every_goal_type_against_every_outcome(case):
    (goal_type, target, baseline, score), expected = CASES[case]
    proposal = propose(Goal(goal_type, target, baseline), score)
    assert (proposal.code, proposal.reason) == expected


def test_every_goal_type_reaches_every_outcome_it_has() -> None:
    """The table covers each type's possible outcomes (so a new rule cannot slip in untested)."""
    seen: dict[GoalType, set[str | None]] = {}
    for (goal_type, _t, _b, _s), (code, _reason) in CASES.values():
        seen.setdefault(goal_type, set()).add(code)
    assert seen == {
        AT_LEAST: {"B", "C", "D", None},
        IMPROVE: {"B", "C", "D", None},
        MAINTAIN: {"B", "D", None},  # keeping a score is all or nothing: never "partly"
        DESCRIPTIVE: {None},
    }


@pytest.mark.parametrize("score", [None, 1, 3, 5])
def test_an_item_without_a_goal_is_a_whatever_its_score(score):
    proposal = propose(None, score)
    assert (proposal.code, proposal.reason) == ("A", "no_goal")


def test_the_reason_names_the_numbers_that_decided_it():
    assert propose(Goal(AT_LEAST, 3), 3).text() == "Score 3 reaches the target 3."
    assert propose(Goal(AT_LEAST, 4, 1), 2).text() == "Score 2 is higher than the baseline 1 but below the target 4."
    assert propose(Goal(IMPROVE, 2, 2), 3).text() == (
        "Score 3 is 1 higher than the baseline 2, less than the 2 aimed for."
    )
    assert propose(Goal(MAINTAIN, None, 3), 2).text() == "Score 2 is lower than the baseline 3."


def test_the_reason_is_translated_by_the_caller():
    proposal = propose(Goal(AT_LEAST, 3), 4)
    dutch = {"Score %(score)s reaches the target %(target)s.": "Score %(score)s haalt het doel %(target)s."}
    assert proposal.text(dutch.__getitem__) == "Score 4 haalt het doel 3."


def test_a_proposal_is_a_frozen_value() -> None:
    proposal = propose(Goal(AT_LEAST, 3), 4)
    assert proposal == Proposal("D", "target_reached", proposal.message, (("score", 4), ("target", 3)))
    with pytest.raises(AttributeError):
        proposal.code = "B"  # type: ignore[misc]  # assigning to a frozen field on purpose


# --- refused input ------------------------------------------------------------------------------


@pytest.mark.parametrize("score", [0, 6, -1, True, 2.5, "3"])
def test_a_score_off_the_scale_is_refused(score):
    with pytest.raises(ValueError):
        propose(Goal(AT_LEAST, 3), score)
    with pytest.raises(ValueError):
        propose(None, score)


@pytest.mark.parametrize(
    "goal",
    [
        Goal(AT_LEAST, None),
        Goal(AT_LEAST, 0),
        Goal(AT_LEAST, 6),
        Goal(IMPROVE, 0, 2),
        Goal(IMPROVE, None, 2),
        Goal(IMPROVE, -1, 2),
        Goal(MAINTAIN, 3, 3),
        Goal(DESCRIPTIVE, 3),
        Goal(AT_LEAST, 3, 0),
        Goal(MAINTAIN, None, 7),
    ],
    ids=repr,
)
def test_a_goal_with_a_value_off_its_range_is_refused(goal):
    assert goal_problems(goal)
    with pytest.raises(ValueError):
        propose(goal, 3)


@pytest.mark.parametrize(
    ("goal", "field"),
    [
        (Goal(AT_LEAST, None), "target"),
        (Goal(AT_LEAST, 6), "target"),
        (Goal(AT_LEAST, 3, 3), "target"),  # the baseline already reaches it
        (Goal(AT_LEAST, 2, 4), "target"),
        (Goal(IMPROVE, 0, 2), "target"),
        (Goal(IMPROVE, 3, 3), "target"),  # 3 + 3 is off the scale
        (Goal(IMPROVE, 1, None), "baseline"),
        (Goal(MAINTAIN, None, None), "baseline"),
        (Goal(MAINTAIN, 2, 3), "target"),
        (Goal(DESCRIPTIVE, 2), "target"),
        (Goal(AT_LEAST, 3, 9), "baseline"),
    ],
    ids=repr,
)
def test_goal_problems_name_the_field_at_fault(goal, field):
    assert [f for f, _message in goal_problems(goal)] == [field]


@pytest.mark.parametrize(
    "goal",
    [
        Goal(AT_LEAST, 5),
        Goal(AT_LEAST, 1),
        Goal(AT_LEAST, 4, 3),
        Goal(IMPROVE, 1, 4),
        Goal(IMPROVE, 4, 1),
        Goal(MAINTAIN, None, 1),
        Goal(MAINTAIN, None, 5),
        Goal(DESCRIPTIVE),
        Goal(DESCRIPTIVE, None, 2),
    ],
    ids=repr,
)
def test_goals_on_the_edges_of_the_rules_are_accepted(goal):
    assert goal_problems(goal) == []


def test_a_goal_the_rules_refuse_only_for_its_baseline_is_still_judged():
    """Stored data may predate a rule; the proposal then follows the type's plain comparison."""
    assert propose(Goal(AT_LEAST, 3, 4), 3).code == "D"
    assert propose(Goal(AT_LEAST, 3, 4), 2).code == "B"
    assert propose(Goal(IMPROVE, 3, 4), 5).code == "C"


# --- property: every combination on the scale ---------------------------------------------------


def restated(goal_type: GoalType, target: int | None, baseline: int | None, score: int | None) -> str | None:
    """The rules again, written independently: compare the score with what the goal asks for."""
    if goal_type is DESCRIPTIVE or score is None:
        return None
    if goal_type is AT_LEAST:
        assert target is not None
        gap_closed = score >= target
        moved_towards = baseline is not None and score > baseline
        return "D" if gap_closed else ("C" if moved_towards else "B")
    if baseline is None:
        return None
    asked = target if goal_type is IMPROVE else 0
    assert asked is not None
    gained = score - baseline
    if gained >= asked:
        return "D"
    return "C" if goal_type is IMPROVE and gained >= 1 else "B"


scores = st.one_of(st.none(), st.sampled_from(SCALE))
baselines = st.one_of(st.none(), st.sampled_from(SCALE))


@st.composite
def goals_and_scores(draw):
    goal_type = draw(st.sampled_from(list(GoalType)))
    target = None
    if goal_type is AT_LEAST:
        target = draw(st.sampled_from(SCALE))
    elif goal_type is IMPROVE:
        target = draw(st.integers(min_value=1, max_value=6))
    return goal_type, target, draw(baselines), draw(scores)


@settings(max_examples=examples(500), deadline=None)
@given(goals_and_scores())
def test_the_proposal_agrees_with_a_restatement_of_the_rules(case):
    goal_type, target, baseline, score = case
    proposal = propose(Goal(goal_type, target, baseline), score)
    assert proposal.code == restated(goal_type, target, baseline, score)
    assert proposal.code is None or proposal.code in JUDGEMENT_CODES
    if proposal.code is not None:  # the message formats with its own parameters
        assert "%(" not in proposal.text()


def test_every_combination_on_the_scale_agrees_with_the_restatement():
    """Exhaustive as well: the scale is small enough to try every value."""
    values = [None, *SCALE]
    checked = 0
    for baseline in values:
        for score in values:
            for target in SCALE:
                for goal_type in (AT_LEAST, IMPROVE):
                    assert propose(Goal(goal_type, target, baseline), score).code == restated(
                        goal_type, target, baseline, score
                    )
                    checked += 1
            for goal_type in (MAINTAIN, DESCRIPTIVE):
                assert propose(Goal(goal_type, None, baseline), score).code == restated(
                    goal_type, None, baseline, score
                )
                checked += 1
    assert checked == 6 * 6 * (5 * 2 + 2)
