"""The item analysis (``edmonitor/instruments/psychometrics.py``, issue 20): published examples,
an independent implementation, undefined figures, listwise exclusion and derived items.

Published examples:

* Denis, D. J., *Applied Univariate, Bivariate, and Multivariate Statistics* (Wiley), the SPSS
  ``RELIABILITY`` example of ten cases and five items (read at https://librs.net/lread_928329_p36
  and https://livelib.biz/read_928329/p38): Cronbach's alpha 0.633, the item means and standard
  deviations, and item 1's corrected item-total correlation 0.712 (its alpha if deleted is cut off
  after "0.4" on that page).
* The ``cronbach_alpha`` data set of pingouin (raphaelvallat/pingouin,
  ``pingouin/datasets/cronbach_alpha.csv``: 15 subjects, 10 items scored 1-7), for which
  ``pingouin.cronbach_alpha``'s documentation prints alpha 0.591719 with Feldt's 95 % interval
  [0.195, 0.840] (its test, ``pingouin/tests/test_reliability.py``, checks these against R's
  ``psych`` package).

The independent implementation below (:func:`reference`) is written from the textbook formulas
in floating point with numpy and scipy -- alpha both from the variances and from the covariance
matrix, k/(k-1) * (1 - tr(C) / sum(C)) -- never from the code under test.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from edmonitor.instruments.csvio import read_measurements
from edmonitor.instruments.definition import latest_version
from edmonitor.instruments.psychometrics import _round_root, item_analysis, to_json
from edmonitor.instruments.scoring import round_half_up
from edmonitor.testing_hypothesis import examples

VIE = latest_version("vie")
ITEMS = tuple(item.id for item in VIE.items)
FIGURES = ("mean", "sd", "item_total_r", "alpha_if_deleted", "floor_pct", "ceiling_pct")


def analyse(rows: list[dict[str, Any]], item_ids: tuple[str, ...] = ITEMS, low: int = 1, high: int = 5) -> Any:
    return item_analysis(rows, item_ids, scale_min=low, scale_max=high)


def as_rows(matrix: list[list[int]], item_ids: tuple[str, ...] = ITEMS) -> list[dict[str, Any]]:
    return [dict(zip(item_ids, scores, strict=True)) for scores in matrix]


# --------------------------------------------------------------------------- published examples

DENIS_ITEMS = ("Item_1", "Item_2", "Item_3", "Item_4", "Item_5")
DENIS = [
    [10, 12, 15, 11, 12],
    [12, 18, 12, 12, 1],
    [8, 16, 14, 14, 4],
    [6, 8, 16, 8, 6],
    [4, 7, 8, 7, 5],
    [6, 6, 3, 7, 3],
    [3, 4, 6, 5, 8],
    [7, 3, 7, 9, 9],
    [8, 9, 4, 10, 10],
    [9, 5, 6, 11, 12],
]

# pingouin's cronbach_alpha.csv, one line per item (Q1-Q10), subjects 0-14 in order.
PINGOUIN_ITEMS = tuple(f"Q{i}" for i in range(1, 11))
PINGOUIN_BY_ITEM = [
    [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
    [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
    [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
    [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
    [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
    [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
    [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
    [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
    [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
    [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
]
PINGOUIN = [list(subject) for subject in zip(*PINGOUIN_BY_ITEM, strict=True)]


def test_denis_textbook_example_gives_the_published_alpha_means_and_sds():
    # The example names no scale; any range that holds its scores (1-18) will do.
    result = analyse(as_rows(DENIS, DENIS_ITEMS), DENIS_ITEMS, low=0, high=20)
    assert (result.n, result.excluded) == (10, 0)
    assert result.cronbach_alpha == Decimal("0.633")
    published = {
        "Item_1": ("7.3000", "2.71006"),
        "Item_2": ("8.8000", "5.05085"),
        "Item_3": ("9.1000", "4.74810"),
        "Item_4": ("9.4000", "2.71621"),
        "Item_5": ("7.0000", "3.80058"),
    }
    for item_id, (mean, sd) in published.items():
        assert result.items[item_id].mean == Decimal(mean).quantize(Decimal("0.001"))
        # SPSS prints five decimals; ours are those rounded half up to three
        assert result.items[item_id].sd == Decimal(sd).quantize(Decimal("0.001"), ROUND_HALF_UP)


def test_denis_textbook_example_gives_the_published_corrected_item_total_correlation():
    result = analyse(as_rows(DENIS, DENIS_ITEMS), DENIS_ITEMS, low=0, high=20)
    assert result.items["Item_1"].item_total_r == Decimal("0.712")
    assert str(result.items["Item_1"].alpha_if_deleted).startswith("0.4")  # all the page shows
    # Item 5 correlates negatively with the others (its published inter-item correlations are
    # -0.463, -0.129, -0.011 and 0.022): dropping it raises alpha, as the example discusses.
    assert result.items["Item_5"].item_total_r < 0
    assert result.items["Item_5"].alpha_if_deleted > result.cronbach_alpha


def test_pingouin_example_gives_its_published_alpha_and_feldt_interval():
    result = analyse(as_rows(PINGOUIN, PINGOUIN_ITEMS), PINGOUIN_ITEMS, low=1, high=7)
    assert (result.n, result.excluded) == (15, 0)
    assert result.cronbach_alpha == Decimal("0.592")  # 0.591719
    assert result.alpha_ci95 == (Decimal("0.195"), Decimal("0.840"))


# --------------------------------------------------------------------------- independent implementation


def reference(matrix: np.ndarray, low: int = 1, high: int = 5) -> dict[str, Any]:
    """Every figure in floating point, straight from the formulas; None where a formula divides by zero.

    Whether something varies is asked of the whole-number scores (``np.ptp``): a float variance of
    scores that do not vary can come out as 1e-17 instead of 0.
    """
    n, k = matrix.shape
    x = matrix.astype(float)

    def varies(values: np.ndarray) -> bool:
        return values.size > 0 and bool(np.ptp(values) > 0)

    out: dict[str, Any] = {"alpha": None, "ci": None, "items": []}
    covariance = np.cov(x, rowvar=False).reshape(k, k) if n >= 2 else None
    if covariance is not None and k >= 2 and varies(matrix.sum(axis=1)):
        alpha = k / (k - 1) * (1 - np.trace(covariance) / covariance.sum())
        by_variances = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
        assert math.isclose(alpha, by_variances, rel_tol=1e-9, abs_tol=1e-9)
        df1, df2 = n - 1, (n - 1) * (k - 1)
        out["alpha"] = alpha
        out["ci"] = (1 - (1 - alpha) * stats.f.isf(0.025, df1, df2), 1 - (1 - alpha) * stats.f.isf(0.975, df1, df2))
    for i in range(k):
        column, rest = x[:, i], np.delete(x, i, axis=1)
        figures: dict[str, Any] = dict.fromkeys(FIGURES)
        if n:
            figures["mean"] = column.mean()
            figures["floor_pct"] = 100 * np.count_nonzero(column == low) / n
            figures["ceiling_pct"] = 100 * np.count_nonzero(column == high) / n
        if n >= 2:
            figures["sd"] = column.std(ddof=1)
            rest_total = rest.sum(axis=1)
            if varies(column) and varies(rest_total):
                figures["item_total_r"] = np.corrcoef(column, rest_total)[0, 1]
            if k - 1 >= 2 and varies(rest_total):
                sub = np.cov(rest, rowvar=False)
                figures["alpha_if_deleted"] = (k - 1) / (k - 2) * (1 - np.trace(sub) / sub.sum())
        out["items"].append(figures)
    return out


def assert_close(ours: Decimal | None, theirs: float | None, decimals: int = 3) -> None:
    """Ours is theirs rounded to ``decimals``: within half a unit of the last place (and a hair)."""
    assert (ours is None) == (theirs is None), (ours, theirs)
    if ours is not None and theirs is not None:
        assert abs(float(ours) - theirs) <= 0.5 * 10**-decimals + 1e-9, (ours, theirs)
        assert ours == ours.quantize(Decimal(1).scaleb(-decimals))  # no more decimals than that


@st.composite
def vie_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Up to 40 rows of the ten VIE items: independent or correlated scores, some items missing."""
    correlated = draw(st.booleans())
    rows = []
    for _ in range(draw(st.integers(0, 40))):
        if correlated:  # one level per row, each item a step from it: a consistent scale
            level = draw(st.integers(1, 5))
            scores = [min(5, max(1, level + draw(st.integers(-1, 1)))) for _ in ITEMS]
        else:
            scores = draw(st.lists(st.integers(1, 5), min_size=len(ITEMS), max_size=len(ITEMS)))
        row: dict[str, Any] = dict(zip(ITEMS, scores, strict=True))
        if draw(st.integers(0, 5)) == 0:  # now and then an item missing: absent or None
            item = draw(st.sampled_from(ITEMS))
            if draw(st.booleans()):
                del row[item]
            else:
                row[item] = None
        rows.append(row)
    return rows


@settings(max_examples=examples(300), deadline=None)
@given(vie_rows())
def test_every_figure_agrees_with_an_independent_implementation(rows):
    result = analyse(rows)
    complete = [[row[i] for i in ITEMS] for row in rows if all(row.get(i) is not None for i in ITEMS)]
    assert (result.n, result.excluded) == (len(complete), len(rows) - len(complete))
    expected = reference(np.array(complete, dtype=np.int64).reshape(len(complete), len(ITEMS)))
    assert_close(result.cronbach_alpha, expected["alpha"])
    assert (result.alpha_ci95 is None) == (expected["ci"] is None)
    if result.alpha_ci95 is not None:
        for ours, theirs in zip(result.alpha_ci95, expected["ci"], strict=True):
            assert_close(ours, theirs)
    assert list(result.items) == list(ITEMS)
    for item_id, theirs in zip(ITEMS, expected["items"], strict=True):
        ours = result.items[item_id]
        for figure in FIGURES:
            assert_close(getattr(ours, figure), theirs[figure], 1 if figure.endswith("_pct") else 3)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.lists(st.integers(1, 5), min_size=4, max_size=4), min_size=2, max_size=25))
def test_alpha_of_a_short_scale_agrees_with_the_covariance_form_too(matrix):
    ids = ("a", "b", "c", "d")
    result = analyse(as_rows(matrix, ids), ids)
    assert_close(result.cronbach_alpha, reference(np.array(matrix))["alpha"])


# --------------------------------------------------------------------------- undefined figures


def assert_all_none(result: Any, figures: tuple[str, ...]) -> None:
    for s in result.items.values():
        assert all(getattr(s, figure) is None for figure in figures), s


def test_no_rows_give_no_figures():
    result = analyse([])
    assert (result.n, result.excluded, result.cronbach_alpha, result.alpha_ci95) == (0, 0, None, None)
    assert_all_none(result, FIGURES)


def test_rows_each_missing_an_item_are_all_excluded_and_give_no_figures():
    rows = as_rows([[3] * 10] * 3)
    del rows[0]["1a"]
    rows[1]["5a"] = None
    del rows[2]["10a"]
    result = analyse(rows)
    assert (result.n, result.excluded, result.cronbach_alpha, result.alpha_ci95) == (0, 3, None, None)
    assert_all_none(result, FIGURES)


def test_one_row_gives_means_and_percentages_but_no_spread():
    result = analyse(as_rows([[1, 2, 3, 4, 5, 1, 2, 3, 4, 5]]))
    assert (result.n, result.cronbach_alpha, result.alpha_ci95) == (1, None, None)
    assert_all_none(result, ("sd", "item_total_r", "alpha_if_deleted"))
    assert result.items["1a"].mean == Decimal("1.000") and result.items["1a"].floor_pct == Decimal("100.0")
    assert result.items["5a"].ceiling_pct == Decimal("100.0") and result.items["5a"].floor_pct == Decimal("0.0")


def test_totals_that_do_not_vary_leave_alpha_undefined_but_not_the_items():
    # The items vary, but every row totals 30: alpha divides by the totals' variance, 0.
    result = analyse(as_rows([[1, 5] * 5, [5, 1] * 5]))
    assert (result.cronbach_alpha, result.alpha_ci95) == (None, None)
    first = result.items["1a"]
    assert first.sd == Decimal("2.828")  # sqrt(8)
    assert first.item_total_r == Decimal("-1.000")  # the other nine total 29 and 25: exactly opposite
    assert first.alpha_if_deleted is not None


def test_an_item_that_does_not_vary_has_no_item_total_correlation():
    matrix = [[3, *[s] * 9] for s in (1, 2, 4, 5)]  # item 1a is 3 in every row
    result = analyse(as_rows(matrix))
    assert result.items["1a"].item_total_r is None
    assert result.items["1a"].sd == Decimal("0.000")  # zero spread is a spread: defined
    assert result.items["2a"].item_total_r == Decimal("1.000")
    assert result.cronbach_alpha is not None and result.alpha_ci95 is not None


def test_identical_rows_leave_every_correlation_and_alpha_undefined():
    result = analyse(as_rows([[2] * 10] * 5))
    assert (result.n, result.cronbach_alpha, result.alpha_ci95) == (5, None, None)
    assert_all_none(result, ("item_total_r", "alpha_if_deleted"))
    assert all(s.sd == Decimal("0.000") and s.floor_pct == Decimal("0.0") for s in result.items.values())


def test_with_two_items_alpha_if_deleted_is_undefined_and_with_one_alpha_too():
    two = analyse(as_rows([[1, 2], [3, 3], [5, 5]], ("a", "b")), ("a", "b"))
    assert two.cronbach_alpha is not None
    assert two.items["a"].alpha_if_deleted is None and two.items["a"].item_total_r is not None
    one = analyse(as_rows([[1], [3], [5]], ("a",)), ("a",))
    assert (one.cronbach_alpha, one.alpha_ci95, one.items["a"].item_total_r) == (None, None, None)
    assert one.items["a"].sd == Decimal("2.000")


def test_perfectly_consistent_items_give_alpha_one_and_a_closed_interval():
    result = analyse(as_rows([[1] * 10, [3] * 10, [5] * 10]))
    assert result.cronbach_alpha == Decimal("1.000")
    assert result.alpha_ci95 == (Decimal("1.000"), Decimal("1.000"))


def test_two_rows_are_enough_for_the_interval():
    # df1 = 1, df2 = 9: very wide, but defined (the rule: the interval exists exactly when alpha does)
    result = analyse(as_rows([[1, 2, 1, 2, 1, 2, 1, 2, 1, 2], [4, 5, 4, 5, 5, 4, 5, 4, 4, 5]]))
    assert result.cronbach_alpha is not None and result.alpha_ci95 is not None
    lower, upper = result.alpha_ci95
    assert lower < result.cronbach_alpha <= upper


# --------------------------------------------------------------------------- rounding


def test_means_and_percentages_round_half_up_once_from_the_exact_value():
    # 1a: fifteen 2s and one 3 -> mean 33/16 = 2.0625 -> 2.063 (binary floats and round() give 2.062);
    # one 3 in sixteen rows -> 6.25 % at the ceiling of a 1-3 scale -> 6.3 (round() gives 6.2).
    ids = ("a", "b")
    rows = as_rows([[2, 1]] * 15 + [[3, 2]], ids)
    result = analyse(rows, ids, low=1, high=3)
    assert result.items["a"].mean == Decimal("2.063")
    assert result.items["a"].ceiling_pct == Decimal("6.3")


def test_square_roots_round_exactly_half_up_as_round_half_up_rounds_fractions():
    assert _round_root(Fraction(25, 10**8)) == Decimal("0.001")  # sqrt = 0.0005 exactly: half up
    assert _round_root(Fraction(24, 10**8)) == Decimal("0.000")
    assert _round_root(Fraction(1, 4)) == Decimal("0.500")
    assert _round_root(Fraction(2)) == Decimal("1.414")
    assert _round_root(Fraction(1, 4), negative=True) == Decimal("-0.500")
    # negative: a tie goes towards +infinity, exactly as round_half_up does with a fraction
    for square in (Fraction(1, 256), Fraction(9, 4 * 10**6), Fraction(25, 10**8), Fraction(2), Fraction(49, 10**8)):
        root = Fraction(math.isqrt(square.numerator), math.isqrt(square.denominator))
        if root * root == square:  # a rational root: compare with the fraction rounded
            assert _round_root(square, negative=True) == round_half_up(-root, 3), square
    assert _round_root(Fraction(1, 256), negative=True) == Decimal("-0.062")  # -0.0625
    assert _round_root(Fraction(2), negative=True) == Decimal("-1.414")
    assert str(_round_root(Fraction(0), negative=True)) == "0.000"  # no "-0.000"
    assert str(_round_root(Fraction(25, 10**8), negative=True)) == "0.000"  # -0.0005 -> -0.000 is 0.000


# --------------------------------------------------------------------------- listwise, derived items, input


def test_keys_that_are_not_items_are_ignored():
    rows = [{**row, "organisation": "X", "11a": 9} for row in as_rows([[1] * 10, [2] * 10])]
    assert analyse(rows).n == 2


def test_a_row_with_facts_for_1a_counts_as_having_1a_as_score_vie_derives_it():
    items = ",".join(f"item_{i}" for i in ITEMS)
    content = (
        f"organisation,staff_fte,ed_fte,{items}\n"
        "Feiten,1000,0,,2,2,2,2,2,2,2,2,2\n"  # 1a from its facts: 0 fte of experts -> 1
        "Direct,,,4,4,4,4,4,4,4,4,4,4\n"
        "Zonder 2a,,,3,,3,3,3,3,3,3,3,3\n"  # 2a missing: left out
    )
    rows = read_measurements(VIE, content.encode())
    assert list(rows[0].result.derived) == ["1a"]
    result = analyse([row.result.items for row in rows])
    assert (result.n, result.excluded) == (2, 1)
    assert result.items["1a"].mean == Decimal("2.500")  # (1 + 4) / 2: the derived 1 counts
    assert result.items["1a"].floor_pct == Decimal("50.0")


@pytest.mark.parametrize("score", [0, 6, 2.5, "3", True])
def test_a_score_off_the_scale_or_not_a_whole_number_is_refused(score):
    with pytest.raises(ValueError, match="1a"):
        analyse([{**as_rows([[3] * 10])[0], "1a": score}])


def test_an_item_asked_for_twice_is_refused():
    with pytest.raises(ValueError):
        analyse([], ("1a", "1a"))


def test_the_json_has_the_contracts_keys_and_plain_numbers():
    data = to_json(analyse(as_rows(PINGOUIN, PINGOUIN_ITEMS), PINGOUIN_ITEMS, low=1, high=7))
    assert list(data) == ["n", "excluded", "cronbach_alpha", "alpha_ci95", "items"]
    assert data["cronbach_alpha"] == 0.592 and data["alpha_ci95"] == [0.195, 0.84]
    assert list(data["items"]) == list(PINGOUIN_ITEMS)
    assert list(data["items"]["Q1"]) == list(FIGURES)
    assert all(type(v) is float for s in data["items"].values() for v in s.values())
