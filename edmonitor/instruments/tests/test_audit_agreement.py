"""Theme comparison, consensus mean and inter-rater agreement of the MIE audit (``audit.py``).

The weighted kappa is checked against an independent computation written here from
the definition (Cohen 1968): observed and expected weighted disagreement from the 5x5
contingency table and its marginals, weights (i - j)^2, in exact ``Fraction``
arithmetic. Percentages are checked by direct counting. Nothing in ``audit.py`` is
used as an oracle.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edmonitor.instruments.audit import (
    Agreement,
    agreement,
    agreement_by_theme,
    agreement_from_counts,
    compare_theme,
    consensus_mean,
    consensus_outside,
)
from edmonitor.testing_hypothesis import examples

PROPERTY = settings(max_examples=examples(300), deadline=None)
SCALE = range(1, 6)

# --------------------------------------------------------------------------- the independent oracle


def half_up(value: Fraction, decimals: int) -> Decimal:
    """Round half up (ties towards +infinity), written out with integers."""
    scaled = value * 10**decimals
    whole = scaled.numerator // scaled.denominator  # floor
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole).scaleb(-decimals)


def oracle_kappa(pairs: list[tuple[int, int]]) -> Fraction | None:
    """Quadratic-weighted kappa: 1 - observed / expected weighted disagreement."""
    n = len(pairs)
    if n == 0:
        return None
    table = {(i, j): 0 for i in SCALE for j in SCALE}
    for a, b in pairs:
        table[a, b] += 1
    rows = {i: sum(table[i, j] for j in SCALE) for i in SCALE}  # first rater's marginals
    cols = {j: sum(table[i, j] for i in SCALE) for j in SCALE}  # second rater's marginals
    observed = sum(Fraction((i - j) ** 2 * table[i, j], n) for i in SCALE for j in SCALE)
    expected = sum(Fraction((i - j) ** 2 * rows[i] * cols[j], n * n) for i in SCALE for j in SCALE)
    if expected == 0:
        return None
    return 1 - observed / expected


def oracle_agreement(pairs: list[tuple[int, int]]) -> tuple[int, Decimal | None, Decimal | None, Decimal | None]:
    n = len(pairs)
    if n == 0:
        return 0, None, None, None
    exact = sum(1 for a, b in pairs if a == b)
    within = sum(1 for a, b in pairs if abs(a - b) <= 1)
    kappa = oracle_kappa(pairs)
    return (
        n,
        half_up(Fraction(100 * exact, n), 1),
        half_up(Fraction(100 * within, n), 1),
        None if kappa is None else half_up(kappa, 3),
    )


def as_tuple(result: Agreement) -> tuple[int, Decimal | None, Decimal | None, Decimal | None]:
    return result.n, result.exact, result.within_one, result.weighted_kappa


def test_the_oracle_rounds_half_up():
    assert half_up(Fraction(125, 100), 1) == Decimal("1.3")
    assert half_up(Fraction(115, 100), 1) == Decimal("1.2")
    assert half_up(Fraction(3, 16), 3) == Decimal("0.188")
    assert half_up(Fraction(-5, 16), 3) == Decimal("-0.312")
    assert half_up(Fraction(-3124, 10000), 3) == Decimal("-0.312")


# --------------------------------------------------------------------------- agreement vs the oracle

pair = st.tuples(st.integers(1, 5), st.integers(1, 5))


@PROPERTY
@given(st.lists(pair, max_size=60))
def test_agreement_matches_the_independent_computation(pairs):
    assert as_tuple(agreement(pairs)) == oracle_agreement(pairs)


@PROPERTY
@given(st.dictionaries(pair, st.integers(0, 500), max_size=25))
def test_agreement_from_counted_pairs_matches_the_oracle_over_every_pair_written_out(counts):
    """What the database hands over: each different pair once with how often it occurs (zero included)."""
    written_out = [p for p, times in counts.items() for _ in range(times)]
    assert as_tuple(agreement_from_counts(counts)) == oracle_agreement(written_out)


def test_counted_pairs_are_checked_like_pairs():
    with pytest.raises(ValueError):
        agreement_from_counts({(0, 3): 2})
    with pytest.raises(ValueError):
        agreement_from_counts({(1, 3): -1})


@PROPERTY
@given(st.lists(pair, min_size=1, max_size=40))
def test_swapping_the_two_raters_changes_nothing(pairs):
    assert agreement([(b, a) for a, b in pairs]) == agreement(pairs)


@PROPERTY
@given(st.lists(pair, min_size=1, max_size=40))
def test_the_order_of_the_pairs_changes_nothing(pairs):
    assert agreement(list(reversed(pairs))) == agreement(sorted(pairs)) == agreement(pairs)


@PROPERTY
@given(st.lists(pair, min_size=1, max_size=40))
def test_kappa_never_exceeds_one_and_perfect_agreement_with_spread_is_one(pairs):
    kappa = agreement(pairs).weighted_kappa
    assert kappa is None or kappa <= 1
    same = [(a, a) for a, _ in pairs]
    expected = None if len({a for a, _ in same}) == 1 else Decimal("1.000")
    assert agreement(same).weighted_kappa == expected


def test_a_hand_worked_example():
    # Pairs (1,1) (2,3) (3,3) (4,2) (5,5); n = 5.
    # Contingency table, rows = first rater, columns = second rater:
    #        1  2  3  4  5 | row
    #   1    1  .  .  .  . | 1
    #   2    .  .  1  .  . | 1
    #   3    .  .  1  .  . | 1
    #   4    .  1  .  .  . | 1
    #   5    .  .  .  .  1 | 1
    #   col  1  1  2  0  1
    # Equal: (1,1) (3,3) (5,5) = 60 %; within one also (2,3) = 80 %.
    # Observed weighted disagreement: (0 + 1 + 0 + 4 + 0) / 5 = 1.
    # Expected: sum over i, j of (i-j)^2 * row_i * col_j / 25. With every row_i = 1, column j
    # contributes col_j * sum_i (i-j)^2: j=1: 1*30, j=2: 1*15, j=3: 2*10, j=5: 1*30 -> 95/25 = 3.8.
    # kappa = 1 - 1/3.8 = 14/19 = 0.73684... -> 0.737
    result = agreement([(1, 1), (2, 3), (3, 3), (4, 2), (5, 5)])
    assert as_tuple(result) == (5, Decimal("60.0"), Decimal("80.0"), Decimal("0.737"))
    assert str(result.exact) == "60.0" and str(result.weighted_kappa) == "0.737"


def test_distances_are_scale_values_not_indices_of_the_values_seen():
    # Only 1, 2 and 5 occur. Pairs (1,2) (2,5) (5,5) (1,1):
    # squared differences 1 + 9 + 0 + 0 = 10, observed 10/4 = 2.5.
    # First rater 1,2,5,1: mean 9/4, variance 31/4 - 81/16 = 43/16.
    # Second rater 2,5,5,1: mean 13/4, variance 55/4 - 169/16 = 51/16.
    # Expected = 43/16 + 51/16 + (13/4 - 9/4)^2 = 110/16 = 6.875;
    # kappa = 1 - 2.5/6.875 = 7/11 = 0.636... (treating 5 as the third category would give 9/13 = 0.692).
    assert agreement([(1, 2), (2, 5), (5, 5), (1, 1)]).weighted_kappa == Decimal("0.636")


def test_complete_disagreement_at_the_extremes_is_minus_one():
    # (1,5) and (5,1): observed (16 + 16) / 2 = 16; marginals row 1:1, 5:1 and column 1:1, 5:1,
    # so expected (0 + 16 + 16 + 0) / 4 = 8 and kappa = 1 - 16/8 = -1.
    assert agreement([(1, 5), (5, 1)]).weighted_kappa == Decimal("-1.000")


# --------------------------------------------------------------------------- rounding at the boundary


def test_a_kappa_of_exactly_3_16_rounds_up_although_floating_point_lands_below_it():
    # Squared differences 9 + 16 + 1 + 0 + 0 = 26, observed 26/5 = 5.2.
    # First rater 1,1,4,3,1: mean 2, variance 28/5 - 4 = 1.6; second 4,5,5,3,1: mean 3.6,
    # variance 76/5 - 12.96 = 2.24; expected 1.6 + 2.24 + 1.6^2 = 6.4; kappa = 1 - 5.2/6.4 = 3/16
    # = 0.1875 exactly, which binary floating point computes as 0.18749999999999990.
    pairs = [(1, 4), (1, 5), (4, 5), (3, 3), (1, 1)]
    assert oracle_kappa(pairs) == Fraction(3, 16)
    assert agreement(pairs).weighted_kappa == Decimal("0.188")


def test_a_negative_kappa_at_a_tie_rounds_towards_plus_infinity():
    pairs = [(4, 2), (4, 1), (3, 4)]
    assert oracle_kappa(pairs) == Fraction(-5, 16)  # -0.3125
    assert agreement(pairs).weighted_kappa == Decimal("-0.312")


def test_percentages_of_exactly_x_x5_round_half_up():
    # 1 of 80 = 1.25 % -> 1.3 (half-even would give 1.2)
    pairs = [(1, 1)] + [(1, 3)] * 40 + [(5, 3)] * 39
    result = agreement(pairs)
    assert (result.n, result.exact, result.within_one) == (80, Decimal("1.3"), Decimal("1.3"))
    # 3 of 2000 = 0.15 % -> 0.2 (the float 0.15 lies below the tie, so round(0.15, 1) gives 0.1)
    pairs = [(2, 2), (3, 3), (4, 4)] + [(2, 1)] * 997 + [(1, 4)] * 1000
    result = agreement(pairs)
    assert (result.exact, result.within_one) == (Decimal("0.2"), Decimal("50.0"))
    # 1997 of 2000 = 99.85 % -> 99.9
    pairs = [(1, 5), (5, 1), (1, 4)] + [(3, 3)] * 1997
    assert agreement(pairs).exact == Decimal("99.9")


# --------------------------------------------------------------------------- undefined kappa


def quietly(pairs: list[tuple[int, int]]) -> Agreement:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        return agreement(pairs)


def test_no_pairs_gives_nothing():
    assert quietly([]) == Agreement(n=0, exact=None, within_one=None, weighted_kappa=None)


@pytest.mark.parametrize("value", SCALE)
def test_everyone_giving_the_same_score_leaves_kappa_undefined(value):
    result = quietly([(value, value)] * 7)
    assert as_tuple(result) == (7, Decimal("100.0"), Decimal("100.0"), None)
    assert quietly([(value, value)]).weighted_kappa is None


def test_two_raters_who_each_always_give_one_score_have_kappa_zero():
    # Expected disagreement is not zero here: (2-4)^2 = 4 = observed, so kappa = 0.
    result = quietly([(2, 4)] * 3)
    assert (result.exact, result.within_one, result.weighted_kappa) == (
        Decimal("0.0"),
        Decimal("0.0"),
        Decimal("0.000"),
    )


def test_the_result_is_never_nan():
    for pairs in ([(3, 3)], [(1, 1), (1, 1)], [(5, 5)] * 20):
        kappa = quietly(pairs).weighted_kappa
        assert kappa is None or not math.isnan(kappa)


def test_a_generator_is_accepted():
    assert agreement(p for p in [(1, 2), (2, 2), (5, 4)]).n == 3


@pytest.mark.parametrize("bad", [(0, 3), (3, 6), (True, 2), (2.0, 2)])
def test_scores_outside_the_scale_are_refused(bad):
    with pytest.raises(ValueError):
        agreement([(1, 2), bad])


def test_another_scale_can_be_given():
    # Scale 0-2: pairs (0,0) (1,2) (2,1). Observed (0 + 1 + 1)/3 = 2/3; each rater has one of
    # each value: mean 1, variance 2/3; expected 2/3 + 2/3 + 0 = 4/3; kappa = 1 - 1/2 = 0.5.
    result = agreement([(0, 0), (1, 2), (2, 1)], scale_min=0, scale_max=2)
    assert result.weighted_kappa == Decimal("0.500")


# --------------------------------------------------------------------------- by theme


def test_agreement_by_theme_splits_the_pairs_by_theme():
    ratings = [
        ("1", 3, 4),
        ("2", 1, 1),
        ("1", 2, 2),
        ("3", 5, 1),
        ("2", 4, 5),
        ("1", 5, 3),
    ]
    result = agreement_by_theme(ratings)
    assert list(result) == ["1", "2", "3"]
    assert result["1"] == agreement([(3, 4), (2, 2), (5, 3)])
    assert result["2"] == agreement([(1, 1), (4, 5)])
    assert result["3"] == agreement([(5, 1)])
    assert as_tuple(result["1"]) == oracle_agreement([(3, 4), (2, 2), (5, 3)])
    assert result["2"].n == 2 and result["2"].exact == Decimal("50.0")


def test_agreement_by_theme_of_nothing_is_empty():
    assert agreement_by_theme([]) == {}


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from("12345"), st.integers(1, 5), st.integers(1, 5)), max_size=40))
def test_agreement_by_theme_matches_the_oracle_per_theme(ratings):
    result = agreement_by_theme(ratings)
    counts = Counter(theme for theme, _, _ in ratings)
    assert set(result) == set(counts)
    for theme, count in counts.items():
        pairs = [(a, b) for t, a, b in ratings if t == theme]
        assert result[theme].n == count
        assert as_tuple(result[theme]) == oracle_agreement(pairs)


# --------------------------------------------------------------------------- comparing one theme


@pytest.mark.parametrize(
    ("a", "b", "consensus", "difference", "discuss", "outside"),
    [
        (3, 3, 3, 0, False, False),
        (3, 4, 4, 1, False, False),
        (4, 3, None, 1, False, False),
        (3, 5, 4, 2, True, False),
        (5, 3, None, 2, True, False),
        (1, 5, 1, 4, True, False),
        (2, 4, 2, 2, True, False),  # the lower bound is inside
        (2, 4, 4, 2, True, False),  # the upper bound is inside
        (4, 4, 2, 0, False, True),  # below both
        (5, 3, 2, 2, True, True),  # below the range
        (1, 2, 3, 1, False, True),  # above the range
        (2, 1, 5, 1, False, True),  # above, scores in reverse order
    ],
)
def test_compare_theme(a, b, consensus, difference, discuss, outside):
    result = compare_theme(a, b, consensus, 2)
    assert result.scores == (a, b)
    assert result.difference == difference
    assert result.discuss is discuss
    assert result.consensus == consensus
    assert result.consensus_outside_range is outside


def test_compare_theme_uses_the_given_discuss_difference():
    assert compare_theme(1, 4, None, 3).discuss is True
    assert compare_theme(1, 3, None, 3).discuss is False
    assert compare_theme(2, 3, None, 1).discuss is True


def test_a_theme_comparison_is_frozen() -> None:
    result = compare_theme(1, 2, None, 2)
    with pytest.raises(AttributeError):
        result.difference = 5  # type: ignore[misc]  # assigning to a frozen field on purpose


# --------------------------------------------------------------------------- consensus mean


@pytest.mark.parametrize(
    ("values", "decimals", "expected"),
    [
        ([4, 4, 2, 5, 3], 1, "3.6"),
        ([4, 4, 4], 1, "4.0"),
        ([1, 1, 1, 2], 1, "1.3"),  # 1.25 -> 1.3, not the half-even 1.2
        ([1] * 17 + [2] * 3, 1, "1.2"),  # 1.15 -> 1.2, although float(1.15) lies below the tie
        ([1, 2], 0, "2"),  # 1.5 -> 2
        ([1, 2, 2], 2, "1.67"),
        ([5], 1, "5.0"),
    ],
)
def test_consensus_mean(values, decimals, expected):
    result = consensus_mean(values, decimals)
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_consensus_mean_defaults_to_one_decimal():
    assert str(consensus_mean([3, 4])) == "3.5"
    assert str(consensus_mean((1, 2, 2))) == "1.7"


@pytest.mark.parametrize("values", [[], [None], [4, None, 3, 5, 2], [None, None]])
def test_consensus_mean_is_none_without_a_consensus_on_every_theme(values):
    assert consensus_mean(values) is None


# --------------------------------------------------------------------------- consensus outside the scores


@pytest.mark.parametrize(
    ("scores", "consensus", "outside"),
    [
        ((2, 4), 3, False),  # between: no reason needed
        ((2, 4), 2, False),  # on a score
        ((4, 2), 4, False),  # the order of the auditors does not matter
        ((2, 4), 1, True),  # below both
        ((2, 4), 5, True),  # above both
        ((3, 3), 3, False),
        ((3, 3), 4, True),
        ((), 3, False),  # no scores to compare with
    ],
)
def test_a_consensus_below_or_above_both_scores_is_outside(scores, consensus, outside):
    assert consensus_outside(scores, consensus) is outside
    if len(scores) == 2:
        assert compare_theme(*scores, consensus, 2).consensus_outside_range is outside
