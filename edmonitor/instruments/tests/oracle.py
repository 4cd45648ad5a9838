"""An independent, deliberately plain transcription of the VIE rules for the tests.

Written from DOMAIN.md ("The VIE questionnaire") and seed 003_a8d87148f8c5ac85.txt,
Bijlage 1 — not from the code under test. It uses its own arithmetic (Fraction for the
1a ratio, Decimal with ROUND_HALF_UP for the total) so the tests compare two
implementations, never the code with itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HOURS_PER_FTE = 36

ITEM_IDS = ("1a", "2a", "3a", "4a", "5a", "6a", "7a", "8a", "9a", "10a")
DERIVABLE_ITEM_IDS = ("1a", "3a", "4a", "5a", "7a")

# score -> (lowest count, highest count) per size class; None = no upper bound.
COUNT_BANDS_BY_SIZE = {
    "small": {1: (0, 0), 2: (1, 2), 3: (3, 4), 4: (5, 6), 5: (7, None)},
    "medium": {1: (0, 0), 2: (1, 3), 3: (4, 5), 4: (6, 8), 5: (9, None)},
    "large": {1: (0, 0), 2: (1, 4), 3: (5, 6), 4: (7, 10), 5: (11, None)},
}

# 3a: 0 -> 1; 1 -> 2; 2-3 -> 3; 4-5 -> 4; more than 5 -> 5.
POLICY_BANDS = {1: (0, 0), 2: (1, 1), 3: (2, 3), 4: (4, 5), 5: (6, None)}

# 7a: criteria met 0-1 -> 1; 2 -> 2; 3 -> 3; 4 -> 4; 5 -> 5.
CRITERIA_BANDS = {1: (0, 1), 2: (2, 2), 3: (3, 3), 4: (4, 4), 5: (5, 5)}

# level code -> (lowest, highest) rounded total, both inclusive.
LEVEL_BANDS = {
    "laag": (Decimal("1.0"), Decimal("2.3")),
    "midden": (Decimal("2.4"), Decimal("3.6")),
    "hoog": (Decimal("3.7"), Decimal("5.0")),
}


def per_mille_score(ed_fte: Fraction, staff_fte: Fraction) -> int:
    """Item 1a from an exact ratio."""
    r = Fraction(ed_fte) / Fraction(staff_fte) * 1000
    if r == 0:
        return 1
    if r <= 2:
        return 2
    if r <= 5:
        return 3
    if r <= 10:
        return 4
    return 5


def _from_bands(bands: Mapping[int, tuple[int, int | None]], n: int) -> int:
    for score, (low, high) in bands.items():
        if n >= low and (high is None or n <= high):
            return score
    raise AssertionError(f"no band for {n}")


def size_class(clients: int) -> str:
    if clients < 3000:
        return "small"
    if clients <= 10000:
        return "medium"
    return "large"


def count_by_size_score(count: int, clients: int) -> int:
    """Items 4a and 5a."""
    return _from_bands(COUNT_BANDS_BY_SIZE[size_class(clients)], count)


def policy_score(count: int) -> int:
    """Item 3a."""
    return _from_bands(POLICY_BANDS, count)


def criteria_score(met: int) -> int:
    """Item 7a."""
    return _from_bands(CRITERIA_BANDS, met)


def total(scores: list[int]) -> Decimal | None:
    """Mean of the scores, rounded once half up to one decimal."""
    if not scores:
        return None
    mean = Decimal(sum(scores)) / Decimal(len(scores))
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def level_of(scores: dict[str, int] | list[int], rounded_total: Decimal | None, items: int = 10) -> str | None:
    """The level of a measurement: only a total over all ten items has one (003 §5.2)."""
    return level(rounded_total) if len(scores) == items else None


def level(rounded_total: Decimal | None) -> str | None:
    if rounded_total is None:
        return None
    for code, (low, high) in LEVEL_BANDS.items():
        if low <= rounded_total <= high:
            return code
    raise AssertionError(f"no level for {rounded_total}")
