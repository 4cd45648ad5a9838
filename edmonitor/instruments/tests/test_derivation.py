"""Derivation of the VIE items 1a, 3a, 4a, 5a and 7a from facts, at every anchor boundary.

Expected scores are written out by hand from DOMAIN.md and checked against the
independent oracle in ``oracle.py``; the code's own helpers are never used as the oracle.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edmonitor.instruments.definition import Derivation, load_definition
from edmonitor.instruments.scoring import InvalidMeasurement, MeasurementInput, evaluate, score
from edmonitor.testing_hypothesis import examples

from . import oracle

VIE = load_definition("vie-2012.1")


def derivation(item_id: str) -> Derivation:
    """The derivation rule of an item the definition derives from facts."""
    rule = VIE.item(item_id).derivation
    assert rule is not None, f"item {item_id} has no derivation"
    return rule


CRITERIA_IDS = tuple(c.id for c in derivation("7a").criteria)
PROPERTY = settings(max_examples=examples(200), deadline=None)


def derived_score(item_id: str, **facts: object) -> int:
    """Score one item from CSV-style text facts; the item must be listed as derived."""
    _, result = evaluate(VIE, {k: str(v) for k, v in facts.items()})
    assert item_id in result.derived, result
    return result.items[item_id]


def errors_of(raw: dict[str, str], criteria=None) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidMeasurement) as info:
        evaluate(VIE, raw, criteria)
    return [(p.field, p.text()) for p in info.value.problems]


# --------------------------------------------------------------------------- 1a: fte per 1000


FTE_CASES = [
    # (ed_fte, staff_fte, expected score, why)
    ("0", "1000", 1, "no experts is 0 per mille"),
    ("0.001", "1000", 2, "the smallest positive ratio"),
    ("1", "1000", 2, "1 per mille"),
    ("2", "1000", 2, "exactly 2 per mille"),
    ("0.2", "100", 2, "exactly 2 per mille (0.2 of 100)"),
    ("0.0082", "4.1", 2, "exactly 2 per mille where floating point gives 2.0000000000000004"),
    ("2.001", "1000", 3, "just above 2 per mille"),
    ("5", "1000", 3, "exactly 5 per mille"),
    ("0.0205", "4.1", 3, "exactly 5 per mille where floating point gives 5.000000000000001"),
    ("5.001", "1000", 4, "just above 5 per mille"),
    ("10", "1000", 4, "exactly 10 per mille"),
    ("0.041", "4.1", 4, "exactly 10 per mille where floating point gives 10.000000000000002"),
    ("10.001", "1000", 5, "just above 10 per mille"),
    ("1000", "1000", 5, "everyone is an expert"),
]


@pytest.mark.parametrize(
    ("ed_fte", "staff_fte", "expected"),
    [c[:3] for c in FTE_CASES],
    ids=[c[3] for c in FTE_CASES],
)
def test_item_1a_scores_the_per_mille_band_of_ed_fte(ed_fte, staff_fte, expected):
    assert oracle.per_mille_score(Fraction(ed_fte), Fraction(staff_fte)) == expected
    assert derived_score("1a", ed_fte=ed_fte, staff_fte=staff_fte) == expected


def test_a_ratio_of_exactly_two_per_mille_scores_2():
    assert derived_score("1a", ed_fte="0.2", staff_fte="100") == 2


def test_a_ratio_that_floating_point_puts_above_two_per_mille_still_scores_2():
    assert 0.0082 / 4.1 * 1000 > 2  # the trap this test guards against
    assert derived_score("1a", ed_fte="0.0082", staff_fte="4.1") == 2


HOURS_CASES = [
    # (ed_hours_per_week, staff_fte, expected, why) -- 36 hours is 1 fte
    ("0", "1000", 1, "no hours"),
    ("72", "1000", 2, "72 h is 2 fte: exactly 2 per mille"),
    ("72.036", "1000", 3, "just above 2 per mille"),
    ("0.2952", "4.1", 2, "exactly 2 per mille where floating point goes above"),
    ("0.0216", "0.3", 2, "exactly 2 per mille of a tiny staff"),
    ("180", "1000", 3, "180 h is 5 fte: exactly 5 per mille"),
    ("0.7380", "4.1", 3, "exactly 5 per mille where floating point goes above"),
    ("180.036", "1000", 4, "just above 5 per mille"),
    ("360", "1000", 4, "360 h is 10 fte: exactly 10 per mille"),
    ("0.324", "0.9", 4, "exactly 10 per mille where floating point goes above"),
    ("360.036", "1000", 5, "just above 10 per mille"),
]


@pytest.mark.parametrize(
    ("hours", "staff_fte", "expected"),
    [c[:3] for c in HOURS_CASES],
    ids=[c[3] for c in HOURS_CASES],
)
def test_item_1a_can_be_derived_from_weekly_hours_at_36_hours_per_fte(hours, staff_fte, expected):
    ed = Fraction(Decimal(hours)) / oracle.HOURS_PER_FTE
    assert oracle.per_mille_score(ed, Fraction(Decimal(staff_fte))) == expected
    assert derived_score("1a", ed_hours_per_week=hours, staff_fte=staff_fte) == expected


def test_72_hours_a_week_of_1000_staff_fte_is_two_per_mille_and_scores_2():
    assert derived_score("1a", ed_hours_per_week="72", staff_fte="1000") == 2


def test_a_dutch_decimal_comma_in_the_fte_facts_is_read_as_a_decimal_point():
    # 2,5 of 1000 = 2.5 per mille -> 3; misread as 25 it would be 25 per mille -> 5
    assert derived_score("1a", ed_fte="2,5", staff_fte="1000") == 3


# --------------------------------------------------------------------------- 3a: policy level


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, 1), (1, 2), (2, 3), (3, 3), (4, 4), (5, 4), (6, 5), (7, 5)],
)
def test_item_3a_scores_the_number_of_experts_at_policy_or_board_level(count, expected):
    assert oracle.policy_score(count) == expected
    assert derived_score("3a", ed_policy_count=count) == expected


def test_three_experts_at_policy_level_score_3_not_4():
    # The source's "three to five" for 4 overlaps "two or three" for 3; decision: 3 scores 3.
    assert derived_score("3a", ed_policy_count=3) == 3


# --------------------------------------------------------------------------- 4a / 5a by size


SIZE_EXAMPLES = {"small": (0, 1500, 2999), "medium": (3000, 6000, 10000), "large": (10001, 50000)}
COUNT_FACT = {"4a": "ed_recovery_coach_count", "5a": "ed_group_facilitator_count"}

BAND_CASES = [
    # (size class, count, expected): both ends of every band, written out from the table
    ("small", 0, 1), ("small", 1, 2), ("small", 2, 2), ("small", 3, 3), ("small", 4, 3),
    ("small", 5, 4), ("small", 6, 4), ("small", 7, 5), ("small", 40, 5),
    ("medium", 0, 1), ("medium", 1, 2), ("medium", 3, 2), ("medium", 4, 3), ("medium", 5, 3),
    ("medium", 6, 4), ("medium", 8, 4), ("medium", 9, 5), ("medium", 40, 5),
    ("large", 0, 1), ("large", 1, 2), ("large", 4, 2), ("large", 5, 3), ("large", 6, 3),
    ("large", 7, 4), ("large", 10, 4), ("large", 11, 5), ("large", 40, 5),
]  # fmt: skip


@pytest.mark.parametrize("item_id", ["4a", "5a"])
@pytest.mark.parametrize(("size", "count", "expected"), BAND_CASES)
def test_items_4a_and_5a_score_the_count_within_the_size_class(item_id, size, count, expected):
    for clients in SIZE_EXAMPLES[size]:
        assert oracle.count_by_size_score(count, clients) == expected
        assert derived_score(item_id, clients=clients, **{COUNT_FACT[item_id]: count}) == expected


SIZE_BOUNDARY_CASES = [
    # (clients, count, expected): counts chosen so the neighbouring class would score differently
    (2999, 3, 3), (2999, 5, 4), (2999, 7, 5),  # small
    (3000, 3, 2), (3000, 5, 3), (3000, 7, 4),  # medium starts at 3,000 (included)
    (10000, 6, 4), (10000, 9, 5),  # medium ends at 10,000 (included)
    (10001, 6, 3), (10001, 9, 4),  # large
]  # fmt: skip


@pytest.mark.parametrize("item_id", ["4a", "5a"])
@pytest.mark.parametrize(("clients", "count", "expected"), SIZE_BOUNDARY_CASES)
def test_the_size_classes_split_at_3000_and_10000_clients_both_inclusive_for_medium(item_id, clients, count, expected):
    assert oracle.count_by_size_score(count, clients) == expected
    assert derived_score(item_id, clients=clients, **{COUNT_FACT[item_id]: count}) == expected


def test_an_institution_with_2999_clients_is_small_and_one_with_3000_is_medium():
    # three recovery coaches: "reasonable" (3) for a small, "some" (2) for a medium institution
    assert derived_score("4a", clients=2999, ed_recovery_coach_count=3) == 3
    assert derived_score("4a", clients=3000, ed_recovery_coach_count=3) == 2


def test_an_institution_with_10000_clients_is_medium_and_one_with_10001_is_large():
    assert derived_score("5a", clients=10000, ed_group_facilitator_count=6) == 4
    assert derived_score("5a", clients=10001, ed_group_facilitator_count=6) == 3


@pytest.mark.parametrize("item_id", ["4a", "5a"])
def test_a_count_without_the_number_of_clients_is_an_error_on_clients(item_id):
    errors = errors_of({COUNT_FACT[item_id]: "3"})
    assert "clients" in [field for field, _ in errors]


# --------------------------------------------------------------------------- 7a: criteria


@pytest.mark.parametrize(("met", "expected"), [(0, 1), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)])
def test_item_7a_scores_the_stated_number_of_support_criteria_met(met, expected):
    assert oracle.criteria_score(met) == expected
    assert derived_score("7a", support_criteria_met=met) == expected


def test_the_definition_offers_five_distinct_support_criteria():
    assert len(set(CRITERIA_IDS)) == 5


@pytest.mark.parametrize(("met", "expected"), [(0, 1), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)])
def test_item_7a_scores_the_number_of_ticked_criteria(met, expected):
    assert oracle.criteria_score(met) == expected
    for ticked in combinations(CRITERIA_IDS, met):
        inp = MeasurementInput(criteria={"7a": frozenset(ticked)})
        result, errors = score(VIE, inp)
        assert errors == []
        assert result.items == {"7a": expected}
        assert result.derived == ("7a",)


def test_ticked_criteria_that_agree_with_the_stated_count_are_accepted():
    ticked = {"7a": frozenset(CRITERIA_IDS[:3])}
    _, result = evaluate(VIE, {"support_criteria_met": "3"}, ticked)
    assert result.items["7a"] == 3


def test_a_stated_count_that_disagrees_with_the_ticked_criteria_is_an_error():
    ticked = {"7a": frozenset(CRITERIA_IDS[:2])}
    errors = errors_of({"support_criteria_met": "4"}, ticked)
    assert [field for field, _ in errors] == ["support_criteria_met"]
    assert "4" in errors[0][1] and "2" in errors[0][1]


def test_more_than_five_support_criteria_is_an_error():
    errors = errors_of({"support_criteria_met": "6"})
    assert [field for field, _ in errors] == ["support_criteria_met"]


# --------------------------------------------------------------------------- properties

# ed and staff in thousandths of an fte, so the exact boundaries are hit often.
staff_milli = st.integers(min_value=1, max_value=5_000_000)


@st.composite
def fte_pairs(draw) -> tuple[Decimal, Decimal]:
    staff = draw(staff_milli)
    how = draw(st.sampled_from(["anywhere", "on_a_boundary", "next_to_a_boundary"]))
    if how == "anywhere":
        ed = Fraction(draw(st.integers(min_value=0, max_value=staff)))
    else:
        boundary = draw(st.sampled_from([0, 2, 5, 10]))
        ed = Fraction(staff * boundary, 1000)
        if how == "next_to_a_boundary":
            ed += draw(st.sampled_from([Fraction(-1, 1000), Fraction(1, 1000)]))
        ed = min(max(ed, Fraction(0)), Fraction(staff))
    # ed * 1000 / staff ... written as decimals of fte with enough places to be exact
    staff_fte = Decimal(staff) / 1000
    ed_fte = Decimal(ed.numerator) / Decimal(ed.denominator) / 1000
    assert Fraction(ed_fte) * 1000 == ed  # exact: the denominator divides 1000
    return ed_fte, staff_fte


@PROPERTY
@given(fte_pairs())
def test_for_any_ratio_the_1a_score_is_the_exact_per_mille_band(pair):
    ed_fte, staff_fte = pair
    expected = oracle.per_mille_score(Fraction(ed_fte), Fraction(staff_fte))
    assert derived_score("1a", ed_fte=ed_fte, staff_fte=staff_fte) == expected


@PROPERTY
@given(fte_pairs())
def test_for_any_ratio_weekly_hours_score_like_the_same_fte(pair):
    ed_fte, staff_fte = pair
    hours = ed_fte * oracle.HOURS_PER_FTE
    expected = oracle.per_mille_score(Fraction(ed_fte), Fraction(staff_fte))
    assert derived_score("1a", ed_hours_per_week=hours, staff_fte=staff_fte) == expected


@PROPERTY
@given(
    item_id=st.sampled_from(["4a", "5a"]),
    clients=st.one_of(st.sampled_from([0, 2999, 3000, 10000, 10001]), st.integers(0, 10**6)),
    count=st.integers(min_value=0, max_value=60),
)
def test_4a_and_5a_scores_follow_the_band_table_and_never_fall_when_the_count_rises(item_id, clients, count):
    fact = COUNT_FACT[item_id]
    here = derived_score(item_id, clients=clients, **{fact: count})
    above = derived_score(item_id, clients=clients, **{fact: count + 1})
    assert here == oracle.count_by_size_score(count, clients)
    assert here <= above


@PROPERTY
@given(count=st.integers(min_value=0, max_value=60))
def test_3a_scores_follow_the_band_table_and_never_fall_when_the_count_rises(count):
    here = derived_score("3a", ed_policy_count=count)
    assert here == oracle.policy_score(count)
    assert here <= derived_score("3a", ed_policy_count=count + 1)


@PROPERTY
@given(staff=staff_milli, ed=st.integers(min_value=0, max_value=5_000_000))
def test_1a_never_falls_when_the_experts_fte_rises(staff, ed):
    staff_fte = Decimal(staff) / 1000
    lower = Decimal(ed % (staff + 1)) / 1000
    higher = min(lower + Decimal("0.001"), staff_fte)
    assert derived_score("1a", ed_fte=lower, staff_fte=staff_fte) <= derived_score(
        "1a", ed_fte=higher, staff_fte=staff_fte
    )


@PROPERTY
@given(st.dictionaries(st.sampled_from(oracle.ITEM_IDS), st.integers(1, 5), min_size=1))
def test_the_total_is_the_half_up_rounded_mean_within_1_to_5_and_its_level_follows_the_bands(
    scores,
):
    result, errors = score(VIE, MeasurementInput(direct=scores))
    assert errors == []
    expected_total = oracle.total(list(scores.values()))
    assert result.total == expected_total
    assert Decimal(1) <= result.total <= Decimal(5)
    assert result.level == oracle.level_of(scores, expected_total)  # a level only over all ten items


def test_a_ticked_criterion_that_the_definition_does_not_know_is_an_error():
    instrument = load_definition("vie-2012.1")
    result, problems = score(instrument, MeasurementInput(criteria={"7a": frozenset({"regular_actions", "made_up"})}))
    assert result is None
    assert [p.field for p in problems] == ["criteria_7a"]
    assert "made_up" in problems[0].text()
