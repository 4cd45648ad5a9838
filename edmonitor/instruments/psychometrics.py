"""Item analysis of a questionnaire's scores: Cronbach's alpha, its interval, and figures per item.

Plain typed Python without Django (numpy for the sums, scipy for the F quantiles), used by the
``edmonitor psychometrics`` command line (a ``score vie`` file, read and scored as ``score vie``
reads it, so items derived from facts count as scored) and open to the web application. Issue 20
gives the contract; the figures are the classical ones of test theory:

* **Rows.** Listwise: only rows with a score for every item enter any figure (``n``); ``excluded``
  counts the rows with at least one item missing (absent or None).
* **mean** and **sd** of each item over the ``n`` rows; ``sd`` is the sample standard deviation
  (divisor n - 1).
* **Cronbach's alpha** (Cronbach 1951, *Psychometrika* 16, 297-334) over the k items:
  alpha = k/(k-1) * (1 - sum of the item variances / variance of the row totals), sample variances.
* **alpha_ci95**: Feldt's 95 % interval, as Feldt, Woodruff & Salih (1987), "Statistical inference
  for coefficient alpha", *Applied Psychological Measurement* 11, 93-103, p. 95, formulas 6 and 7
  give it (from Feldt 1965, *Psychometrika* 30, 357-370): lower = 1 - (1 - alpha) * F(0.975),
  upper = 1 - (1 - alpha) * F(0.025), with F(p) the p-quantile of the F distribution with
  df1 = n - 1 and df2 = (n - 1)(k - 1). This is the interval of R's ``cocron::cronbach.alpha.CI``,
  ``psych::alpha`` ("Feldt") and ``pingouin.cronbach_alpha``. (``statpsych::ci.cronbach`` uses
  df2 = n(k - 1) instead; for its documented example, alpha .85 of 7 items and 89 rows, the two
  differ from the fifth decimal on: 0.79713 to 0.89314 there, 0.79706 to 0.89317 here.)
* **item_total_r**: the corrected item-total correlation, Pearson's r of the item with the sum of
  the other k - 1 items (SPSS's "Corrected Item-Total Correlation", psych's ``r.drop``).
* **alpha_if_deleted**: Cronbach's alpha of the other k - 1 items.
* **floor_pct** / **ceiling_pct**: the percentage of the n rows that give the item the scale's
  lowest / highest score (1 and 5 for the VIE).

**Undefined figures are None** (null in JSON), never a guess:

* with n = 0: every figure (no row to average over); ``n`` and ``excluded`` are still given;
* with n = 1: ``sd``, ``item_total_r``, alpha, its interval and ``alpha_if_deleted`` (a sample
  variance needs two rows); ``mean`` and the percentages are given;
* alpha when the row totals do not vary (zero total variance: the formula divides by it), or when
  there are fewer than two items; ``alpha_ci95`` exactly when alpha is None -- alpha needs n >= 2
  and k >= 2, which are what the F distribution needs (df1 >= 1, df2 >= 1), so the interval has
  no rule of its own; it may reach below 0 when alpha is low and n small, and is then shown so;
* ``item_total_r`` when the item does not vary or the sum of the other items does not vary
  (Pearson's r divides by both standard deviations);
* ``alpha_if_deleted`` when fewer than two items remain or their totals do not vary.

**Exact arithmetic.** Scores are whole numbers, so every variance and covariance is a fraction of
whole-number sums: with n rows, ``M[i][j] = n * sum(x_i x_j) - sum(x_i) * sum(x_j)`` is
n(n - 1) times the sample covariance, and alpha, alpha if deleted, r squared, the means, the
variances and the percentages are exact fractions of these. Each figure is rounded once, from its
exact value, half up (:func:`.scoring.round_half_up`), to three decimals (the percentages to
one); a standard deviation or r (a square root) is rounded exactly too, with whole-number square
roots (:func:`_round_root`). Half up means towards +infinity on a tie, for figures that can be
negative too (alpha, its interval, alpha if deleted, r): -0.0625 -> -0.062, as the MIE's kappa
rounds (:mod:`.audit`). Only the interval's F quantiles are floating point (scipy).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from .scoring import round_half_up

DECIMALS = 3  # means, standard deviations, correlations, alphas and interval bounds
PERCENT_DECIMALS = 1  # floor_pct and ceiling_pct
CONFIDENCE = Fraction(95, 100)  # Feldt's interval


@dataclass(frozen=True)
class ItemStatistics:
    """One item's figures over the complete rows; None where undefined (module docstring)."""

    mean: Decimal | None
    sd: Decimal | None  # sample standard deviation (n - 1)
    item_total_r: Decimal | None  # corrected: against the sum of the other items
    alpha_if_deleted: Decimal | None  # Cronbach's alpha of the other items
    floor_pct: Decimal | None  # percentage of the rows at the scale's lowest score
    ceiling_pct: Decimal | None  # percentage of the rows at the scale's highest score


@dataclass(frozen=True)
class Psychometrics:
    """The item analysis of a set of rows (:func:`item_analysis`); rounded figures, None where undefined."""

    n: int  # rows with every item scored: the rows every figure is computed over
    excluded: int  # rows with at least one item missing
    cronbach_alpha: Decimal | None
    alpha_ci95: tuple[Decimal, Decimal] | None  # Feldt (1965; Feldt, Woodruff & Salih 1987)
    items: dict[str, ItemStatistics]  # every item, in the order asked for


# --------------------------------------------------------------------------- arithmetic


def _round_root(square: Fraction, negative: bool = False, decimals: int = DECIMALS) -> Decimal:
    """The square root of ``square`` (>= 0), negated when ``negative``, rounded once, half up, exactly.

    As :func:`.scoring.round_half_up` rounds a fraction -- floor(v * 10**d + 1/2) -- for a value it
    cannot hold, v = +-sqrt(s), in whole numbers: with y = sqrt(s) * 10**d and z = floor(2y), which
    ``math.isqrt`` gives exactly, floor(y + 1/2) = (z + 1) // 2, and floor(-y + 1/2) = -(z // 2)
    when 2y is a whole number (a tie: towards +infinity), else -((z + 1) // 2). A float square root
    could land on the wrong side of a half (0.0005 has no exact binary form); this cannot.
    """
    scaled = square * 4 * 10 ** (2 * decimals)  # (2y) ** 2
    z = math.isqrt(scaled.numerator * scaled.denominator) // scaled.denominator
    if not negative:
        return Decimal((z + 1) // 2).scaleb(-decimals)
    tie = scaled.denominator == 1 and z * z == scaled.numerator
    size = z // 2 if tie else (z + 1) // 2
    return Decimal(-size).scaleb(-decimals) if size else Decimal(0).scaleb(-decimals)


def _alpha(comoments: Sequence[Sequence[int]], items: Sequence[int]) -> Fraction | None:
    """Cronbach's alpha of the ``items`` (indexes) from the scaled comoments; None where undefined."""
    k = len(items)
    if k < 2:
        return None
    total = sum(comoments[i][j] for i in items for j in items)  # n(n-1) x variance of the totals
    if total == 0:
        return None
    return Fraction(k, k - 1) * (1 - Fraction(sum(comoments[i][i] for i in items), total))


def _item_total_r(comoments: Sequence[Sequence[int]], item: int) -> Decimal | None:
    """Pearson's r of the item with the sum of the other items, rounded; None where undefined."""
    rest = [j for j in range(len(comoments)) if j != item]
    item_variance = comoments[item][item]
    rest_variance = sum(comoments[i][j] for i in rest for j in rest)
    if item_variance == 0 or rest_variance == 0:
        return None
    covariance = sum(comoments[item][j] for j in rest)
    return _round_root(Fraction(covariance * covariance, item_variance * rest_variance), covariance < 0)


def feldt_interval(alpha: Fraction, n: int, k: int) -> tuple[Decimal, Decimal]:
    """Feldt's 95 % interval for an alpha of n rows and k items (n >= 2, k >= 2), rounded.

    Feldt, Woodruff & Salih (1987), p. 95, formulas 6 and 7: 1 - (1 - alpha) * F(0.975) and
    1 - (1 - alpha) * F(0.025), F with n - 1 and (n - 1)(k - 1) degrees of freedom.
    """
    from scipy.stats import f  # lazy: scipy is slow to import and only the interval needs it

    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - CONFIDENCE) / 2
    upper_quantile = Fraction(float(f.ppf(float(1 - tail), df1, df2)))
    lower_quantile = Fraction(float(f.ppf(float(tail), df1, df2)))
    lower = 1 - (1 - alpha) * upper_quantile
    upper = 1 - (1 - alpha) * lower_quantile
    return round_half_up(lower, DECIMALS), round_half_up(upper, DECIMALS)


# --------------------------------------------------------------------------- the analysis


def _score(row: Mapping[str, int | None], item_id: str, scale_min: int, scale_max: int) -> int | None:
    value = row.get(item_id)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not scale_min <= value <= scale_max:
        raise ValueError(
            f"a score of item {item_id} must be a whole number from {scale_min} to {scale_max}, not {value!r}"
        )
    return value


def _complete_rows(
    rows: Iterable[Mapping[str, int | None]], item_ids: Sequence[str], scale_min: int, scale_max: int
) -> tuple[list[list[int]], int]:
    """(the rows with every item scored, as lists of scores in item order; the number of other rows)."""
    complete: list[list[int]] = []
    excluded = 0
    for row in rows:
        scores = [_score(row, item_id, scale_min, scale_max) for item_id in item_ids]
        if any(score is None for score in scores):
            excluded += 1
        else:
            complete.append([score for score in scores if score is not None])
    return complete, excluded


def item_analysis(
    rows: Sequence[Mapping[str, int | None]],
    item_ids: Sequence[str],
    *,
    scale_min: int,
    scale_max: int,
) -> Psychometrics:
    """The item analysis of ``rows`` (item id -> score; absent or None = missing) over ``item_ids``.

    ``scale_min`` and ``scale_max`` are the scale's lowest and highest score (the instrument's:
    1 and 5 for the VIE): the floor and the ceiling, and the range every score must lie in.
    Keys of a row that are not in ``item_ids`` are ignored. Raises ValueError for a score that is
    not a whole number on the scale, or for an item id given twice. Definitions, the rules for
    undefined figures and the rounding: the module docstring.
    """
    if len(set(item_ids)) != len(item_ids):
        raise ValueError(f"every item once, please: {list(item_ids)!r}")
    if scale_min > scale_max:
        raise ValueError(f"the scale runs from {scale_min} to {scale_max}")
    complete, excluded = _complete_rows(rows, item_ids, scale_min, scale_max)
    n, k = len(complete), len(item_ids)
    scores = np.array(complete, dtype=np.int64).reshape(n, k)
    # Whole-number sums (at most 25 n per product on the VIE's scale: far inside 64 bits).
    sums = [int(s) for s in scores.sum(axis=0)]
    products = scores.T @ scores
    comoments = [[n * int(products[i, j]) - sums[i] * sums[j] for j in range(k)] for i in range(k)]
    floors = [int(c) for c in (scores == scale_min).sum(axis=0)]
    ceilings = [int(c) for c in (scores == scale_max).sum(axis=0)]

    alpha = _alpha(comoments, range(k)) if n >= 2 else None
    items: dict[str, ItemStatistics] = {}
    for i, item_id in enumerate(item_ids):
        others = [j for j in range(k) if j != i]
        alpha_without = _alpha(comoments, others) if n >= 2 else None
        items[item_id] = ItemStatistics(
            mean=round_half_up(Fraction(sums[i], n), DECIMALS) if n else None,
            sd=_round_root(Fraction(comoments[i][i], n * (n - 1))) if n >= 2 else None,
            item_total_r=_item_total_r(comoments, i) if n >= 2 else None,
            alpha_if_deleted=None if alpha_without is None else round_half_up(alpha_without, DECIMALS),
            floor_pct=round_half_up(Fraction(100 * floors[i], n), PERCENT_DECIMALS) if n else None,
            ceiling_pct=round_half_up(Fraction(100 * ceilings[i], n), PERCENT_DECIMALS) if n else None,
        )
    return Psychometrics(
        n=n,
        excluded=excluded,
        cronbach_alpha=None if alpha is None else round_half_up(alpha, DECIMALS),
        alpha_ci95=None if alpha is None else feldt_interval(alpha, n, k),
        items=items,
    )


# --------------------------------------------------------------------------- output


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def to_json(result: Psychometrics) -> dict[str, Any]:
    """The ``edmonitor psychometrics --format json`` object, exactly as issue 20's contract."""
    return {
        "n": result.n,
        "excluded": result.excluded,
        "cronbach_alpha": _number(result.cronbach_alpha),
        "alpha_ci95": None if result.alpha_ci95 is None else [float(bound) for bound in result.alpha_ci95],
        "items": {
            item_id: {
                "mean": _number(s.mean),
                "sd": _number(s.sd),
                "item_total_r": _number(s.item_total_r),
                "alpha_if_deleted": _number(s.alpha_if_deleted),
                "floor_pct": _number(s.floor_pct),
                "ceiling_pct": _number(s.ceiling_pct),
            }
            for item_id, s in result.items.items()
        },
    }
