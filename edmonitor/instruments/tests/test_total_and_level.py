"""Total (mean rounded once, half up, to one decimal), level bands, missing items, goals,
printed figures and direct-versus-derived scores."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from edmonitor.instruments.definition import load_definition
from edmonitor.instruments.scoring import (
    InvalidMeasurement,
    MeasurementInput,
    evaluate,
    level_for,
    round_half_up,
    score,
)
from edmonitor.testing_seeds import seed_text, squash

from . import oracle

VIE = load_definition("vie-2012.1")
ITEMS = oracle.ITEM_IDS


def scored(*values: int, **extra: str) -> object:
    """Evaluate CSV-style raw values: the given scores go to items 1a, 2a, ... in order."""
    raw = {f"item_{item_id}": str(v) for item_id, v in zip(ITEMS, values, strict=False)}
    raw.update(extra)
    _, result = evaluate(VIE, raw)
    return result


def warning_texts(result) -> list[str]:
    return [w.text() for w in result.warnings]


# --------------------------------------------------------------------------- rounding


def test_the_example_scores_of_appendix_1_total_1_9_which_is_laag():
    result = scored(2, 2, 1, 2, 1, 2, 3, 2, 3, 1)
    assert result.total == Decimal("1.9")
    assert result.level == "laag"
    assert result.warnings == ()


def test_a_mean_of_exactly_2_25_rounds_half_up_to_2_3_which_is_laag():
    result = scored(2, 2, 2, 3)  # 9 / 4 = 2.25; half-even would give 2.2
    assert result.total == Decimal("2.3")
    assert level_for(VIE, result.total).code == "laag"
    assert result.level is None  # over 4 items: no level (003 §5.2)


def test_a_mean_of_exactly_2_75_rounds_half_up_to_2_8():
    assert scored(3, 3, 3, 2).total == Decimal("2.8")  # 11 / 4


def test_a_mean_of_exactly_3_75_rounds_half_up_to_3_8_which_is_hoog():
    result = scored(4, 4, 4, 3)  # 15 / 4
    assert result.total == Decimal("3.8")
    assert level_for(VIE, result.total).code == "hoog"
    assert result.level is None  # over 4 items: no level (003 §5.2)


def test_a_mean_of_exactly_1_25_rounds_half_up_to_1_3():
    assert scored(1, 1, 1, 2).total == Decimal("1.3")  # 5 / 4; half-even gives 1.2


@pytest.mark.parametrize(
    ("mean", "expected", "level"),
    [
        (Fraction(47, 20), "2.4", "midden"),  # 2.35 -> 2.4
        (Fraction(73, 20), "3.7", "hoog"),  # 3.65 -> 3.7
        (Fraction(45, 20), "2.3", "laag"),  # 2.25 -> 2.3
        (Fraction(449, 200), "2.2", "laag"),  # 2.245 rounded once is 2.2 (twice would be 2.3)
        (Fraction(3649, 1000), "3.6", "midden"),  # 3.649 rounded once is 3.6 (twice: 3.7)
    ],
)
def test_a_mean_ending_in_five_rounds_half_up_once_and_the_level_follows_the_rounded_total(mean, expected, level):
    total = round_half_up(mean, 1)
    assert total == Decimal(expected)
    assert str(total) == expected
    assert level_for(VIE, total).code == level
    assert oracle.level(Decimal(expected)) == level


def test_a_mean_of_11_thirds_rounds_to_3_7_and_is_hoog_though_the_exact_mean_is_below_3_7():
    result = scored(4, 4, 3)  # 3.666...
    assert result.total == Decimal("3.7")
    assert level_for(VIE, result.total).code == "hoog"  # the band; over 3 items the measurement gets no level
    assert result.level is None
    assert result.mean == Fraction(11, 3)


def test_a_mean_of_16_sevenths_rounds_to_2_3_and_is_laag():
    result = scored(2, 2, 2, 2, 3, 3, 2)
    assert (result.total, level_for(VIE, result.total).code, result.level) == (Decimal("2.3"), "laag", None)


# --------------------------------------------------------------------------- level boundaries


@pytest.mark.parametrize(
    ("item_sum", "total", "level"),
    [
        (10, "1.0", "laag"),
        (23, "2.3", "laag"),
        (24, "2.4", "midden"),
        (36, "3.6", "midden"),
        (37, "3.7", "hoog"),
        (50, "5.0", "hoog"),
    ],
)
def test_each_level_boundary_with_all_ten_items(item_sum, total, level):
    # spread the sum over ten items scored 1-5
    base, extra = divmod(item_sum, 10)
    values = [base + 1] * extra + [base] * (10 - extra)
    result = scored(*values)
    assert result.total == Decimal(total)
    assert result.level == level
    assert oracle.level(Decimal(total)) == level


def test_the_definition_levels_cover_every_rounded_total_without_gaps_or_overlaps():
    for tenths in range(10, 51):
        total = Decimal(tenths) / 10
        assert level_for(VIE, total).code == oracle.level(total)


# --------------------------------------------------------------------------- missing items


def test_with_missing_items_the_total_is_the_mean_of_the_present_ones_and_a_warning_says_how_many():
    result = scored(5, 4, 4, 1)  # 14 / 4 = 3.5
    assert result.total == Decimal("3.5")
    assert result.level is None  # a total over 4 items is not the end score over all items
    texts = warning_texts(result)
    assert len(texts) == 1
    assert "4" in texts[0] and "10" in texts[0]


def test_missing_items_need_not_be_the_last_ones():
    result = scored(**{"item_10a": "5", "item_6a": "2"})
    assert result.items == {"6a": 2, "10a": 5}
    assert result.total == Decimal("3.5")
    assert any("2" in t and "10" in t for t in warning_texts(result))


def test_nine_of_ten_items_still_give_a_warning():
    result = scored(3, 3, 3, 3, 3, 3, 3, 3, 3)
    assert any("9" in t and "10" in t for t in warning_texts(result))


def test_the_source_computes_the_end_score_over_all_items_and_bands_that_end_score():
    text = squash(seed_text("003_a8d87148f8c5ac85.txt"))
    assert "vervol- gens wordt de eindscore over alle items berekend. De eindscore geeft een indicatie" in text
    assert "kan worden ingedeeld in drie catego- rieën: laag, midden en hoog" in text


def test_nine_items_give_a_total_and_no_level_and_the_warning_says_why():
    result = scored(4, 4, 4, 4, 4, 4, 4, 4, 4)
    assert result.total == Decimal("4.0")
    assert result.level is None  # 4.0 would be hoog over ten items
    assert warning_texts(result) == [
        "Only 9 of the 10 items are scored; the total is their mean. It gets no level: the levels laag, midden "
        "and hoog are for the end score over all items (003 §5.2)."
    ]


def test_ten_items_give_a_level():
    assert scored(4, 4, 4, 4, 4, 4, 4, 4, 4, 4).level == "hoog"


def test_a_printed_level_beside_a_total_over_nine_items_is_flagged():
    result = scored(4, 4, 4, 4, 4, 4, 4, 4, 4, printed_level="hoog")
    assert any("Printed level 'hoog' differs" in t for t in warning_texts(result))


def test_with_no_items_there_is_no_total_and_no_level():
    result = scored()
    assert result.items == {}
    assert result.total is None
    assert result.level is None
    assert result.warnings  # says there is no total


# --------------------------------------------------------------------------- goals


def test_goal_codes_never_affect_the_total():
    plain = scored(2, 2, 1, 2, 1, 2, 3, 2, 3, 1)
    goals = {f"goal_{i}b": code for i, code in zip(range(1, 11), "ABCDDCBAAD", strict=True)}
    with_goals = scored(2, 2, 1, 2, 1, 2, 3, 2, 3, 1, **goals)
    assert with_goals.total == plain.total == Decimal("1.9")
    assert with_goals.level == plain.level
    assert with_goals.goals == {f"{i}b": code for i, code in zip(range(1, 11), "ABCDDCBAAD", strict=True)}


def test_goal_codes_alone_give_no_total():
    result = scored(goal_1b="D", goal_2b="D")
    assert result.total is None
    assert result.goals == {"1b": "D", "2b": "D"}


def test_only_recorded_goals_are_listed():
    assert scored(3, goal_3b="B", goal_1b="").goals == {"3b": "B"}


# --------------------------------------------------------------------------- printed figures


def test_a_printed_total_that_differs_is_a_warning_not_an_error():
    result = scored(2, 2, 1, 2, 1, 2, 3, 2, 3, 1, printed_total="2.0")
    assert result.total == Decimal("1.9")
    fields = [w.field for w in result.warnings]
    assert fields == ["printed_total"]
    assert "2.0" in result.warnings[0].text() and "1.9" in result.warnings[0].text()


def test_a_printed_total_with_a_dutch_comma_that_agrees_gives_no_warning():
    assert scored(2, 2, 1, 2, 1, 2, 3, 2, 3, 1, printed_total="1,9").warnings == ()


def test_a_printed_level_that_differs_is_a_warning_not_an_error():
    result = scored(2, 2, 1, 2, 1, 2, 3, 2, 3, 1, printed_level="midden")
    assert result.level == "laag"
    assert [w.field for w in result.warnings] == ["printed_level"]


def test_a_printed_level_that_agrees_gives_no_warning():
    assert scored(2, 2, 1, 2, 1, 2, 3, 2, 3, 1, printed_level="laag").warnings == ()


def test_a_printed_total_outside_the_scale_is_an_error_not_a_crash():
    with pytest.raises(InvalidMeasurement) as info:
        evaluate(VIE, {"item_1a": "2", "printed_total": "1e30"})
    assert [p.field for p in info.value.problems] == ["printed_total"]


# --------------------------------------------------------------------------- direct vs derived


def test_a_direct_score_is_used_when_no_facts_for_the_item_are_given():
    result = scored(4)
    assert result.items == {"1a": 4}
    assert result.derived == ()


def test_a_direct_score_that_agrees_with_the_facts_is_accepted_and_the_item_listed_as_derived():
    result = scored(2, ed_fte="2", staff_fte="1000")
    assert result.items == {"1a": 2}
    assert result.derived == ("1a",)


def test_facts_alone_derive_the_item():
    result = scored(ed_policy_count="4")
    assert result.items == {"3a": 4}
    assert result.derived == ("3a",)


def test_a_direct_score_that_disagrees_with_the_facts_is_an_error_on_the_item_column():
    with pytest.raises(InvalidMeasurement) as info:
        evaluate(VIE, {"item_1a": "5", "ed_fte": "2", "staff_fte": "1000"})
    problems = info.value.problems
    assert [p.field for p in problems] == ["item_1a"]
    assert "5" in problems[0].text() and "2" in problems[0].text()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"item_3a": "2", "ed_policy_count": "3"}, "item_3a"),
        ({"item_4a": "5", "ed_recovery_coach_count": "3", "clients": "3000"}, "item_4a"),
        ({"item_5a": "1", "ed_group_facilitator_count": "1", "clients": "20000"}, "item_5a"),
        ({"item_7a": "5", "support_criteria_met": "4"}, "item_7a"),
    ],
)
def test_every_derivable_item_rejects_a_disagreeing_direct_score(raw, field):
    with pytest.raises(InvalidMeasurement) as info:
        evaluate(VIE, raw)
    assert [p.field for p in info.value.problems] == [field]


def test_derived_items_are_listed_in_questionnaire_order():
    inp = MeasurementInput(
        facts={
            "support_criteria_met": Decimal(5),
            "ed_policy_count": Decimal(1),
            "ed_fte": Decimal("0.5"),
            "staff_fte": Decimal(100),
        },
        direct={"2a": 3},
    )
    result, errors = score(VIE, inp)
    assert errors == []
    assert result.derived == ("1a", "3a", "7a")
    assert result.items == {"1a": 3, "2a": 3, "3a": 2, "7a": 5}  # 0.5 of 100 = 5 per mille
    assert list(result.items) == ["1a", "2a", "3a", "7a"]
