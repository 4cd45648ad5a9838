"""Inter-rater reliability of two auditors beyond plain agreement: ICC(1,1), Gwet's AC2, Krippendorff's alpha.

Plain, typed Python without Django. :func:`edmonitor.instruments.audit.agreement_from_counts` calls
these functions beside exact agreement, agreement within one point and the weighted kappa, over the
same pairs of theme scores (first auditor's, second auditor's), pooled and per theme. Like that
function they take the pairs as **counts** of each (first, second) pair, which the database
aggregates itself (at most 25 different pairs, against half a million ratings: bench/README.md), so
the cost does not grow with the number of audits. Every figure is computed in exact fractions and
rounded once, half up (ties towards +infinity, as the kappa), to three decimals; only the quantiles of
the F distribution for the ICC's confidence interval are floating point (scipy).

Where a figure is undefined it is None, never a number and never NaN:

* **ICC(1,1)**, Shrout & Fleiss (1979) case 1: every audit has its own pair of auditors, so a
  one-way random-effects analysis of variance with each audit as a target and k = 2 ratings per
  target; absolute agreement, single rater. With n targets (pairs)::

      BMS = 2 * sum_i (mean_i - grand mean)^2 / (n - 1)     (between targets, n - 1 df)
      WMS = sum_i (a_i - b_i)^2 / 2 / n                      (within targets, n(k - 1) = n df)
      ICC(1,1) = (BMS - WMS) / (BMS + (k - 1) WMS)

  The 95 % confidence interval (S&F Table 4, case 1), with F0 = BMS / WMS and F_p(d1, d2) the
  p-quantile of the F distribution::

      FL = F0 / F_.975(n - 1, n(k - 1)),   FU = F0 * F_.975(n(k - 1), n - 1)
      [(FL - 1) / (FL + k - 1),  (FU - 1) / (FU + k - 1)]

  Undefined (None) with fewer than two pairs (BMS has n - 1 = 0 degrees of freedom) and when BMS =
  WMS = 0: every score of every pair is one and the same value (e.g. 3 and 3 throughout), 0 / 0.
  Defined limits: WMS = 0 < BMS (the auditors agree exactly on every audit, the audits differ) gives
  ICC 1 and the interval [1, 1] (F0 is infinite, so both bounds are 1); BMS = 0 < WMS (every audit
  has the same mean, the auditors differ, e.g. (2, 4) throughout) gives ICC -1 and the interval
  [-1, -1] (F0 = 0). The interval always contains the estimate: the 0.975 quantiles exceed 1.

* **Gwet's AC2** with quadratic weights over all points of the scale (q = max - min + 1 categories,
  also those nobody used), two raters, Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed.,
  ch. 3 (weighted AC1 = AC2) -- as Gwet's own R package irrCAC computes it (``gwet.ac1.table`` in
  R/agree.coeff2.r, weights from ``quadratic.weights``)::

      w_kl = 1 - (k - l)^2 / (max - min)^2
      p_a  = sum_kl w_kl p_kl                                 (p_kl: share of pairs (k, l))
      pi_k = (p_k+ + p_+k) / 2                                (mean of the two raters' marginals)
      p_e  = (sum_kl w_kl) / (q (q - 1)) * sum_k pi_k (1 - pi_k)
      AC2  = (p_a - p_e) / (1 - p_e)

  Defined for every non-empty set of pairs: p_e <= (sum w) / q^2 < 1 on a scale of at least two
  points. When both auditors give one and the same score throughout, AC2 = 1 (p_a = 1, p_e = 0):
  unlike the kappa, AC2 does not call perfect agreement undefined. None without pairs, or on a
  scale of one point (no weights).

* **Krippendorff's alpha, ordinal**, Krippendorff (2011), "Computing Krippendorff's
  Alpha-Reliability" (Annenberg School for Communication, University of Pennsylvania), from the
  coincidence matrix: each pair (a, b) is a unit with two pairable values and adds 1 to o[a][b]
  and 1 to o[b][a]; n_c = sum_k o[c][k], n = sum_c n_c = 2 * pairs::

      delta^2_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2     (ordinal metric, c <= k)
      alpha = 1 - (n - 1) * sum_ck o_ck delta^2_ck / sum_ck n_c n_k delta^2_ck

  Undefined (None) without pairs and when only one value occurs (the expected disagreement is 0).
  The ``krippendorff`` package (0.9.0) computes the same figure from a units x values matrix, one
  row per pair: 0.6 s and some 200 MB for the 250,000 pairs of 50,000 audits, where the counts give
  a 5 x 5 matrix. So the coincidences are built here from the counts, and the tests check the
  result against ``krippendorff.alpha`` on the pairs written out, and against Krippendorff's
  published example through :func:`ordinal_alpha`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .scoring import round_half_up

DECIMALS = 3
#: Two-sided 95 %: the bounds use the 0.975 quantiles of the F distribution.
CONFIDENCE_QUANTILE = 0.975

PairCounts = Mapping[tuple[int, int], int]


@dataclass(frozen=True)
class Icc:
    """ICC(1,1) and its F-based 95 % confidence interval, three decimals each."""

    value: Decimal
    ci95: tuple[Decimal, Decimal]  # (lower, upper)


def _present(counts: PairCounts) -> list[tuple[int, int, int]]:
    """(first, second, times) of every pair that occurs."""
    return [(a, b, times) for (a, b), times in counts.items() if times > 0]


def _f_quantile(dfn: int, dfd: int) -> Fraction:
    from scipy.special import fdtri  # lazy: scipy is slow to import and only the ICC's interval needs it

    return Fraction(float(fdtri(dfn, dfd, CONFIDENCE_QUANTILE)))


def icc_1_1(counts: PairCounts) -> Icc | None:
    """ICC(1,1) of Shrout & Fleiss (1979), case 1, k = 2, with its 95 % interval (see the module docstring)."""
    pairs = _present(counts)
    n = sum(times for _a, _b, times in pairs)
    if n < 2:
        return None
    grand_mean = Fraction(sum((a + b) * times for a, b, times in pairs), 2 * n)
    # k = 2: a target's sum of squares about its own mean is (a - b)^2 / 2
    between = Fraction(2) * sum(((Fraction(a + b, 2) - grand_mean) ** 2 * times for a, b, times in pairs), Fraction(0))
    within = Fraction(sum((a - b) ** 2 * times for a, b, times in pairs), 2)
    bms, wms = between / (n - 1), within / n
    if bms == 0 and wms == 0:
        return None
    value = (bms - wms) / (bms + wms)
    if wms == 0:
        low = high = Fraction(1)
    else:
        f0 = bms / wms
        f_low = f0 / _f_quantile(n - 1, n)
        f_high = f0 * _f_quantile(n, n - 1)
        low, high = (f_low - 1) / (f_low + 1), (f_high - 1) / (f_high + 1)
    return Icc(
        value=round_half_up(value, DECIMALS),
        ci95=(round_half_up(low, DECIMALS), round_half_up(high, DECIMALS)),
    )


def _scale(counts: PairCounts, scale_min: int, scale_max: int) -> list[int]:
    values = list(range(scale_min, scale_max + 1))
    for a, b, _times in _present(counts):
        if not (scale_min <= a <= scale_max and scale_min <= b <= scale_max):
            raise ValueError(f"a pair of scores must lie on the scale {scale_min}-{scale_max}, not {(a, b)!r}")
    return values


def gwet_ac2(counts: PairCounts, scale_min: int, scale_max: int) -> Decimal | None:
    """Gwet's AC2 with quadratic weights over the whole scale (see the module docstring)."""
    values = _scale(counts, scale_min, scale_max)
    pairs = _present(counts)
    n = sum(times for _a, _b, times in pairs)
    q = len(values)
    if n == 0 or q < 2:
        return None
    span = (scale_max - scale_min) ** 2

    def weight(x: int, y: int) -> Fraction:  # w_kl of the scale values x = k, y = l
        return 1 - Fraction((x - y) ** 2, span)

    p_a = sum((weight(a, b) * times for a, b, times in pairs), Fraction(0)) / n
    marginal = dict.fromkeys(values, 0)  # first rater's plus second rater's count of each value
    for a, b, times in pairs:
        marginal[a] += times
        marginal[b] += times
    pi = [Fraction(marginal[k], 2 * n) for k in values]
    total_weight = sum((weight(x, y) for x in values for y in values), Fraction(0))
    p_e = total_weight / (q * (q - 1)) * sum((p * (1 - p) for p in pi), Fraction(0))
    return round_half_up((p_a - p_e) / (1 - p_e), DECIMALS)


def ordinal_alpha(coincidences: Mapping[tuple[int, int], Fraction | int], values: Sequence[int]) -> Decimal | None:
    """Krippendorff's ordinal alpha from a coincidence matrix over ``values`` (in scale order).

    The general form, for units with any number of coders (Krippendorff 2011, ordinal metric);
    :func:`krippendorff_alpha` builds the matrix of pairs. ``coincidences[(c, k)]`` is o_ck, absent
    cells are 0. None when no value or only one value is pairable.
    """
    o = {(c, k): Fraction(coincidences.get((c, k), 0)) for c in values for k in values}
    n_c = {c: sum((o[c, k] for k in values), Fraction(0)) for c in values}
    n = sum(n_c.values(), Fraction(0))
    position = {value: i for i, value in enumerate(values)}
    observed = expected = Fraction(0)
    for c in values:
        for k in values:
            if position[c] >= position[k]:
                continue
            between = sum((n_c[g] for g in values[position[c] : position[k] + 1]), Fraction(0))
            delta = (between - (n_c[c] + n_c[k]) / 2) ** 2
            observed += o[c, k] * delta
            expected += n_c[c] * n_c[k] * delta
    if expected == 0:  # no pairable value, or only one value occurs
        return None
    return round_half_up(1 - (n - 1) * observed / expected, DECIMALS)


def krippendorff_alpha(counts: PairCounts, scale_min: int, scale_max: int) -> Decimal | None:
    """Krippendorff's alpha, ordinal, of the pairs: each pair a unit with two values (see the module docstring)."""
    values = _scale(counts, scale_min, scale_max)
    coincidences: dict[tuple[int, int], int] = {}
    for a, b, times in _present(counts):
        coincidences[a, b] = coincidences.get((a, b), 0) + times
        coincidences[b, a] = coincidences.get((b, a), 0) + times
    return ordinal_alpha(coincidences, values)
