"""ICC(1,1), Gwet's AC2 and Krippendorff's ordinal alpha of two auditors (``reliability.py``, issue 20).

Each figure is checked three ways, none of which uses ``reliability.py`` as its own oracle:

* against a **published worked example** with its published value: Shrout & Fleiss (1979), Table 2
  (6 targets x 4 judges) with their Table 3 figures, through a k-general one-way ANOVA written here
  (``reliability.icc_1_1`` is for k = 2 only, so it is checked on a two-rater set worked by hand
  below); Gwet's own irrCAC R package, vignette "Weighted Chance-corrected Agreement Coefficients"
  (inst/doc/weighting.html), ``gwet.ac1.table(cont3x3abstractors, weights = quadratic.weights(1:3))``
  = 0.9402369 with percent agreement 0.9725 (data from Gwet 2014, Handbook of Inter-Rater
  Reliability, 4th ed.); Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the
  4 coders x 12 units example with missing values, ordinal alpha = 0.815, through the
  ``krippendorff`` package and through :func:`ordinal_alpha` with the coincidence matrix built here;
* against an **independent implementation written here** from the textbook formulas with numpy,
  on the pairs written out one by one (not on the counts), and for alpha also ``krippendorff.alpha``
  on the raw 2 x n reliability matrix, over random data sets (hypothesis);
* for the **undefined cases**, which must give None (never NaN, never a warning).

The ICC's interval is checked against the 0.975 quantiles of ``scipy.stats.f`` computed here
(``reliability.py`` uses ``scipy.special.fdtri``).
"""

from __future__ import annotations

import math
import warnings
from decimal import Decimal
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import f as f_distribution

from edmonitor.instruments.audit import agreement, agreement_by_theme, agreement_from_counts
from edmonitor.instruments.reliability import Icc, gwet_ac2, icc_1_1, krippendorff_alpha, ordinal_alpha
from edmonitor.testing_hypothesis import examples

PROPERTY = settings(max_examples=examples(200), deadline=None)
SCALE = (1, 5)
HALF_UNIT = 0.0005 + 1e-9  # a figure rounded once to three decimals lies this close to the unrounded value

counts_strategy = st.dictionaries(
    st.tuples(st.integers(1, 5), st.integers(1, 5)), st.integers(0, 30), max_size=25
)  # fmt: skip


def written_out(counts: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    return [pair for pair, times in counts.items() for _ in range(times)]


def counted(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for pair in pairs:
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def close(figure: Decimal | None, expected: float | None) -> bool:
    if figure is None or expected is None:
        return figure is None and expected is None
    return abs(float(figure) - expected) <= HALF_UNIT


# --------------------------------------------------------------------------- independent implementations


def oracle_icc(ratings: np.ndarray) -> tuple[float, float, float, float, float] | None:
    """One-way random-effects ICC(1,1) of an n x k matrix (targets x ratings), Shrout & Fleiss (1979).

    Returns (BMS, WMS, ICC, lower, upper) with the F-based 95 % interval of their Table 4, case 1;
    None when undefined (fewer than two targets, or no variance at all).
    """
    n, k = ratings.shape
    if n < 2:
        return None
    target_means = ratings.mean(axis=1)
    bms = k * ((target_means - ratings.mean()) ** 2).sum() / (n - 1)
    wms = ((ratings - target_means[:, None]) ** 2).sum() / (n * (k - 1))
    if math.isclose(bms, 0, abs_tol=1e-12) and math.isclose(wms, 0, abs_tol=1e-12):
        return None
    icc = (bms - wms) / (bms + (k - 1) * wms)
    if math.isclose(wms, 0, abs_tol=1e-12):
        return bms, wms, icc, 1.0, 1.0  # F0 infinite: both bounds tend to 1
    f0 = bms / wms
    f_low = f0 / f_distribution.ppf(0.975, n - 1, n * (k - 1))
    f_high = f0 * f_distribution.ppf(0.975, n * (k - 1), n - 1)
    return bms, wms, icc, (f_low - 1) / (f_low + k - 1), (f_high - 1) / (f_high + k - 1)


def oracle_ac2(pairs: list[tuple[int, int]], low: int, high: int) -> float | None:
    """Gwet's AC2, quadratic weights, two raters, from the q x q table of the pairs (Gwet 2014)."""
    if not pairs:
        return None
    categories = np.arange(low, high + 1)
    q = len(categories)
    table = np.zeros((q, q))
    for a, b in pairs:
        table[a - low, b - low] += 1
    p = table / len(pairs)
    weights = 1 - (categories[:, None] - categories[None, :]) ** 2 / (high - low) ** 2
    p_a = (weights * p).sum()
    pi = (p.sum(axis=1) + p.sum(axis=0)) / 2
    p_e = weights.sum() / (q * (q - 1)) * (pi * (1 - pi)).sum()
    return float((p_a - p_e) / (1 - p_e))


def oracle_alpha(pairs: list[tuple[int, int]], low: int, high: int) -> float | None:
    """Krippendorff's alpha, ordinal, as 1 - D_o / D_e over the pairable values (Krippendorff 2011).

    D_o: the mean ordinal distance between the two values of each unit (each ordered pair of coders
    within a unit counts 1 / (m_u - 1) = 1); D_e: the mean distance between all ordered pairs of
    pairable values of all units. Written over the values one by one, without a coincidence matrix.
    """
    values = np.array([v for pair in pairs for v in pair])
    n = len(values)
    if n == 0 or len(set(values.tolist())) < 2:
        return None
    domain = list(range(low, high + 1))
    frequency = np.array([(values == v).sum() for v in domain])

    def delta(c: int, k: int) -> float:
        lo, hi = sorted((c - low, k - low))
        return float((frequency[lo : hi + 1].sum() - (frequency[lo] + frequency[hi]) / 2) ** 2)

    d_observed = sum(2 * delta(a, b) for a, b in pairs) / n
    distances = np.array([[delta(c, k) for k in domain] for c in domain])
    between_all = distances[values[:, None] - low, values[None, :] - low]  # n x n, zero on the diagonal
    d_expected = between_all.sum() / (n * (n - 1))
    return float(1 - d_observed / d_expected)


def package_alpha(pairs: list[tuple[int, int]]) -> float | None:
    """``krippendorff.alpha`` on the 2 x n reliability matrix; its NaN (0 / 0) as None."""
    with np.errstate(invalid="ignore", divide="ignore"):
        result = krippendorff.alpha(
            reliability_data=np.array(pairs, dtype=float).T,
            value_domain=list(range(1, 6)),
            level_of_measurement="ordinal",
        )
    return None if math.isnan(result) else float(result)


# --------------------------------------------------------------------------- ICC(1,1): published and hand-worked

# Shrout & Fleiss (1979), Table 2: four judges rate six targets.
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float
)


def test_the_oracle_reproduces_shrout_and_fleiss_table_3():
    # Their Table 3: BMS = 11.24, WMS = 6.26 (one-way ANOVA) and ICC(1,1) = .17.
    bms, wms, icc, low, high = oracle_icc(SHROUT_FLEISS)
    assert (round(bms, 2), round(wms, 2), round(icc, 2)) == (11.24, 6.26, 0.17)
    # Not in the paper, pinned here: the interval by the formulas of their Table 4 for case 1,
    # F0 = BMS / WMS = 1.79 on 5 and 18 degrees of freedom.
    assert low < icc < high
    assert (round(low, 2), round(high, 2)) == (-0.13, 0.72)


def test_icc_of_two_raters_worked_by_hand():
    # Four audits, pairs (1,2) (3,3) (4,5) (2,4); n = 4 targets, k = 2.
    # Pair sums 3, 6, 9, 6: grand mean 24 / 8 = 3; target means 1.5, 3, 4.5, 3.
    # BMS = k * sum (mean_i - 3)^2 / (n - 1) = 2 * (2.25 + 0 + 2.25 + 0) / 3 = 3.
    # WMS = sum over targets of sum (x - mean_i)^2 / (n (k - 1)) = (0.5 + 0 + 0.5 + 2) / 4 = 0.75.
    # ICC(1,1) = (3 - 0.75) / (3 + 0.75) = 0.6.
    # F0 = BMS / WMS = 4. F_.975(3, 4) = 9.97920 and F_.975(4, 3) = 15.10098, so
    # FL = 4 / 9.97920 = 0.40083 -> (FL - 1) / (FL + 1) = -0.42772 -> -0.428;
    # FU = 4 * 15.10098 = 60.40391 -> (FU - 1) / (FU + 1) = 0.96743 -> 0.967.
    pairs = [(1, 2), (3, 3), (4, 5), (2, 4)]
    assert icc_1_1(counted(pairs)) == Icc(value=Decimal("0.600"), ci95=(Decimal("-0.428"), Decimal("0.967")))
    assert round(f_distribution.ppf(0.975, 3, 4), 5) == 9.97920
    assert round(f_distribution.ppf(0.975, 4, 3), 5) == 15.10098
    bms, wms, icc, low, high = oracle_icc(np.array(pairs, dtype=float))
    assert (bms, wms) == (3.0, 0.75) and math.isclose(icc, 0.6)


def test_icc_of_the_first_two_shrout_and_fleiss_judges_matches_the_oracle():
    pairs = [(int(a), int(b)) for a, b in SHROUT_FLEISS[:, :2]]
    _bms, _wms, icc, low, high = oracle_icc(SHROUT_FLEISS[:, :2])
    result = icc_1_1(counted(pairs))
    assert close(result.value, icc) and close(result.ci95[0], low) and close(result.ci95[1], high)


@PROPERTY
@given(counts_strategy)
def test_icc_matches_the_oracle_on_the_pairs_written_out(counts):
    pairs = written_out(counts)
    expected = oracle_icc(np.array(pairs, dtype=float).reshape(-1, 2))
    result = icc_1_1(counts)
    if expected is None:
        assert result is None
        return
    _bms, _wms, icc, low, high = expected
    assert close(result.value, icc)
    assert close(result.ci95[0], low) and close(result.ci95[1], high)


@PROPERTY
@given(counts_strategy)
def test_the_interval_contains_the_estimate_and_lies_within_minus_one_and_one(counts):
    result = icc_1_1(counts)
    if result is not None:
        low, high = result.ci95
        assert Decimal(-1) <= low <= result.value <= high <= Decimal(1)


def test_the_interval_uses_the_975_quantiles_of_the_f_distribution():
    # 30 audits: the F0 and degrees of freedom come from the oracle's ANOVA, the quantiles from scipy.stats.
    pairs = [(1 + i % 5, 1 + (i * 7 + i // 3) % 5) for i in range(30)]
    bms, wms, icc, _low, _high = oracle_icc(np.array(pairs, dtype=float))
    f0 = bms / wms
    f_low = f0 / f_distribution.ppf(0.975, 29, 30)
    f_high = f0 * f_distribution.ppf(0.975, 30, 29)
    result = icc_1_1(counted(pairs))
    assert close(result.ci95[0], (f_low - 1) / (f_low + 1)) and close(result.ci95[1], (f_high - 1) / (f_high + 1))
    assert close(result.value, icc)


def test_the_order_of_the_two_auditors_does_not_change_the_icc():
    pairs = [(1, 2), (3, 3), (4, 5), (2, 4), (5, 1)]
    assert icc_1_1(counted(pairs)) == icc_1_1(counted([(b, a) for a, b in pairs]))


# --------------------------------------------------------------------------- ICC(1,1): undefined and limits


def quietly(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        return function(*args)


@pytest.mark.parametrize("counts", [{}, {(3, 4): 1}, {(2, 2): 1}, {(1, 5): 0, (2, 3): 1}])
def test_fewer_than_two_pairs_leave_the_icc_undefined(counts):
    assert quietly(icc_1_1, counts) is None


@pytest.mark.parametrize("value", range(1, 6))
def test_one_and_the_same_score_throughout_leaves_the_icc_undefined(value):
    assert quietly(icc_1_1, {(value, value): 12}) is None


def test_exact_agreement_on_every_audit_gives_one_with_a_point_interval():
    # WMS = 0 < BMS: F0 is infinite, both bounds are 1.
    assert quietly(icc_1_1, {(1, 1): 2, (4, 4): 3}) == Icc(Decimal("1.000"), (Decimal("1.000"), Decimal("1.000")))


def test_audits_with_one_and_the_same_mean_give_minus_one_with_a_point_interval():
    # (2,4) (4,2) (3,3): every target mean is 3, so BMS = 0 < WMS = (2 + 2 + 0) / 3; F0 = 0.
    assert quietly(icc_1_1, {(2, 4): 1, (4, 2): 1, (3, 3): 1}) == Icc(
        Decimal("-1.000"), (Decimal("-1.000"), Decimal("-1.000"))
    )


# --------------------------------------------------------------------------- Gwet's AC2


# irrCAC's cont3x3abstractors (Gwet 2014): 100 pregnancies classified by two abstractors into
# Ectopic (1), AIU (2), NIU (3); rows the first abstractor, columns the second.
ABSTRACTORS = {(1, 1): 13, (2, 2): 20, (2, 3): 7, (3, 2): 4, (3, 3): 56}


def test_gwets_published_ac2_of_the_abstractors():
    # Published (irrCAC, weighting vignette): Gwet's AC2 0.9402369, percent agreement 0.9725.
    # By hand, quadratic weights 1 - (k - l)^2 / 4 (1, 0.75, 0 for distances 0, 1, 2):
    # p_a = (13 + 20 + 56) / 100 + 0.75 * (7 + 4) / 100 = 0.9725;
    # marginals first (13, 27, 60), second (13, 24, 63): pi = (0.13, 0.255, 0.615);
    # sum pi (1 - pi) = 0.1131 + 0.189975 + 0.236775 = 0.53985; sum of the weights = 3 + 4 * 0.75 = 6;
    # p_e = 6 / (3 * 2) * 0.53985 = 0.53985; AC2 = (0.9725 - 0.53985) / (1 - 0.53985) = 0.940237 -> 0.940.
    assert gwet_ac2(ABSTRACTORS, 1, 3) == Decimal("0.940")
    assert math.isclose(oracle_ac2(written_out(ABSTRACTORS), 1, 3), 0.9402369, abs_tol=5e-8)


def test_ac2_worked_by_hand_on_a_five_point_scale():
    # Pairs (1,1) (2,3) (3,3) (4,2) (5,5); weights 1 - d^2 / 16: 1, 15/16, 1, 12/16, 1 -> p_a = 75/80.
    # Marginals first 1,1,1,1,1 and second 1,1,2,0,1 (of 5): pi = (0.2, 0.2, 0.3, 0.1, 0.2);
    # sum pi (1 - pi) = 3 * 0.16 + 0.21 + 0.09 = 0.78. Sum of the 25 weights = 25 - 100/16 = 18.75,
    # over q (q - 1) = 20: 0.9375. p_e = 0.9375 * 0.78 = 0.73125.
    # AC2 = (0.9375 - 0.73125) / (1 - 0.73125) = 0.20625 / 0.26875 = 33/43 = 0.76744... -> 0.767.
    assert gwet_ac2(counted([(1, 1), (2, 3), (3, 3), (4, 2), (5, 5)]), *SCALE) == Decimal("0.767")


@PROPERTY
@given(counts_strategy)
def test_ac2_matches_the_oracle_on_the_pairs_written_out(counts):
    assert close(gwet_ac2(counts, *SCALE), oracle_ac2(written_out(counts), *SCALE))


@pytest.mark.parametrize("value", range(1, 6))
def test_ac2_of_one_and_the_same_score_throughout_is_one(value):
    # p_a = 1 and p_e = 0 (one category holds every rating): AC2 does not call this undefined.
    assert quietly(gwet_ac2, {(value, value): 9}, *SCALE) == Decimal("1.000")


def test_ac2_without_pairs_or_on_a_one_point_scale_is_undefined():
    assert quietly(gwet_ac2, {}, *SCALE) is None
    assert quietly(gwet_ac2, {(1, 2): 0}, *SCALE) is None
    assert quietly(gwet_ac2, {(3, 3): 4}, 3, 3) is None


def test_ac2_weights_run_over_the_whole_scale_not_only_the_values_used():
    # Pairs (2,3) (3,3): only 2 and 3 are used. First rater 2, 3; second 3, 3: pi(2) = (1/2 + 0) / 2
    # = 1/4, pi(3) = (1/2 + 1) / 2 = 3/4, sum pi (1 - pi) = 3/8.
    # Over 1-5: w(2,3) = 15/16, p_a = (15/16 + 1) / 2 = 31/32; p_e = 0.9375 * 3/8 = 45/128;
    # AC2 = (124/128 - 45/128) / (83/128) = 79/83 = 0.9518... -> 0.952.
    # Over 2-3 alone: w(2,3) = 0, p_a = 1/2; the weights sum to 2 over q (q - 1) = 2, p_e = 3/8;
    # AC2 = (1/2 - 3/8) / (5/8) = 0.2.
    assert gwet_ac2({(2, 3): 1, (3, 3): 1}, *SCALE) == Decimal("0.952")
    assert gwet_ac2({(2, 3): 1, (3, 3): 1}, 2, 3) == Decimal("0.200")


# --------------------------------------------------------------------------- Krippendorff's alpha

# Krippendorff (2011), the example with missing values: 4 coders (rows), 12 units (columns).
NA = math.nan
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]


def test_the_package_reproduces_krippendorffs_published_ordinal_alpha():
    alpha = krippendorff.alpha(reliability_data=KRIPPENDORFF_2011, level_of_measurement="ordinal")
    assert round(alpha, 3) == 0.815


def test_ordinal_alpha_reproduces_krippendorffs_published_example_from_its_coincidences():
    # Coincidences: every ordered pair of values of two coders within a unit adds 1 / (m_u - 1);
    # unit 12 (one value) is not pairable.
    coincidences: dict[tuple[int, int], Fraction] = {}
    for unit in zip(*KRIPPENDORFF_2011, strict=True):
        values = [int(v) for v in unit if not math.isnan(v)]
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidences[c, k] = coincidences.get((c, k), Fraction(0)) + Fraction(1, len(values) - 1)
    # The matrix Krippendorff (2011) tabulates for this example: n_c = 9, 13, 10, 5, 3; n = 40.
    third = Fraction(1, 3)
    assert [[coincidences.get((c, k), 0) for k in range(1, 6)] for c in range(1, 6)] == [
        [7, 4 * third, third, third, 0],
        [4 * third, 10, 4 * third, third, 0],
        [third, 4 * third, 8, third, 0],
        [third, third, third, 4, 0],
        [0, 0, 0, 0, 3],
    ]
    assert ordinal_alpha(coincidences, [1, 2, 3, 4, 5]) == Decimal("0.815")


def test_alpha_worked_by_hand():
    # Pairs (3,4) (2,5) (4,4) (5,5) (1,2) (2,2) (3,1) (3,4) (1,1) (5,3) (also in test_mie_cli.py).
    # Coincidences: o34 = o43 = 2, o25 = o52 = 1, o12 = o21 = 1, o13 = o31 = 1, o35 = o53 = 1,
    # o11 = o22 = o44 = o55 = 2. Every value is pairable 4 times: n_c = 4, n = 20.
    # Ordinal delta^2 = (4 (k - c + 1) - 4)^2 = 16 (k - c)^2.
    # Observed, c < k: 2*16*1 + 1*16*9 + 1*16*1 + 1*16*4 + 1*16*4 = 320.
    # Expected, c < k: 4 * 4 * 16 * (4*1 + 3*4 + 2*9 + 1*16) = 256 * 50 = 12800.
    # alpha = 1 - 19 * 320 / 12800 = 1 - 0.475 = 0.525.
    pairs = [(3, 4), (2, 5), (4, 4), (5, 5), (1, 2), (2, 2), (3, 1), (3, 4), (1, 1), (5, 3)]
    assert krippendorff_alpha(counted(pairs), *SCALE) == Decimal("0.525")
    assert math.isclose(package_alpha(pairs), 0.525)


@PROPERTY
@given(counts_strategy)
def test_alpha_from_counts_matches_the_package_and_the_oracle_on_the_pairs_written_out(counts):
    pairs = written_out(counts)
    result = krippendorff_alpha(counts, *SCALE)
    assert close(result, oracle_alpha(pairs, *SCALE))
    assert close(result, package_alpha(pairs) if pairs else None)


def test_alpha_from_counts_of_fifty_thousand_pairs_matches_the_package():
    # One theme of 50,000 audits: the package needs every pair as a row, the counts a 5 x 5 matrix.
    counts = {(a, b): 50 + 300 * a * b + 13 * (a - b) ** 2 for a in range(1, 6) for b in range(1, 6) if abs(a - b) <= 2}
    pairs = written_out(counts)
    assert len(pairs) > 50_000
    assert close(krippendorff_alpha(counts, *SCALE), package_alpha(pairs))


@pytest.mark.parametrize("counts", [{}, {(4, 4): 0}, {(2, 2): 1}, {(5, 5): 30}])
def test_alpha_without_pairs_or_with_one_value_is_undefined(counts):
    assert quietly(krippendorff_alpha, counts, *SCALE) is None


def test_ordinal_alpha_of_nothing_is_undefined():
    assert quietly(ordinal_alpha, {}, [1, 2, 3]) is None


@pytest.mark.parametrize("figure", [gwet_ac2, krippendorff_alpha])
def test_pairs_off_the_scale_are_refused(figure):
    with pytest.raises(ValueError):
        figure({(1, 6): 1}, *SCALE)


# --------------------------------------------------------------------------- in the agreement


def test_agreement_carries_the_three_figures_over_the_same_pairs():
    pairs = [(3, 4), (2, 5), (4, 4), (5, 5), (1, 2), (2, 2), (3, 1), (3, 4), (1, 1), (5, 3)]
    result = agreement(pairs)
    counts = counted(pairs)
    assert result.n == 10
    assert result.icc == icc_1_1(counts)
    assert result.icc.value == Decimal("0.538")  # 7/13, see test_mie_cli.py
    assert result.gwet_ac2 == gwet_ac2(counts, *SCALE) == Decimal("0.500")
    assert result.krippendorff_alpha == krippendorff_alpha(counts, *SCALE) == Decimal("0.525")


def test_agreement_without_pairs_has_none_of_the_three():
    result = agreement_from_counts({})
    assert (result.icc, result.gwet_ac2, result.krippendorff_alpha) == (None, None, None)


def test_agreement_on_one_and_the_same_score_says_which_figures_are_undefined():
    result = quietly(agreement, [(4, 4)] * 6)
    assert (result.weighted_kappa, result.icc, result.gwet_ac2, result.krippendorff_alpha) == (
        None,
        None,
        Decimal("1.000"),
        None,
    )


def test_each_theme_gets_the_three_figures_over_its_own_pairs():
    ratings = [("1", 3, 4), ("2", 1, 1), ("1", 2, 2), ("2", 4, 5), ("1", 5, 3), ("2", 2, 2)]
    result = agreement_by_theme(ratings)
    for theme in ("1", "2"):
        counts = counted([(a, b) for t, a, b in ratings if t == theme])
        assert result[theme].n == 3
        assert result[theme].icc == icc_1_1(counts)
        assert result[theme].gwet_ac2 == gwet_ac2(counts, *SCALE)
        assert result[theme].krippendorff_alpha == krippendorff_alpha(counts, *SCALE)


def test_agreement_on_another_scale_passes_the_scale_on():
    # Scale 1-3, the abstractors: AC2 0.940 needs weights over 1-3, not 1-5.
    assert agreement_from_counts(ABSTRACTORS, 1, 3).gwet_ac2 == Decimal("0.940")
