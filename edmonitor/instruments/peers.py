"""Which statistics of anonymous peers a benchmark may show: one decision, plain data in and out.

The benchmark (``edmonitor/reports/benchmark.py``) puts an organisation's own score beside
those of other organisations (its *peers*: its sector or one of its programmes). Peers are
never named, but a statistic of a small group can give their scores away: with three peers
the inclusive quartiles and the median *are* the three values (q1 = (x1+x2)/2, median = x2,
q3 = (x2+x3)/2, so x1, x2 and x3 follow). Everything the benchmark shows of its peers (the
page, its chart, the CSV and Excel downloads) comes from :func:`peer_statistics`, so the rule
below holds for all of them at once:

- fewer than ``min_peers`` peers (at least :data:`MIN_PEERS_FLOOR`, 5): nothing at all, not
  even how many there are beyond "fewer than ``min_peers``";
- from ``min_peers`` up to :func:`quartiles_from` − 1: the median only, no quartiles, no
  minimum or maximum, and the number of peers only as a band (:func:`count_band`);
- from :func:`quartiles_from` peers (10, or twice ``min_peers`` if that is more): the median
  and the first and third quartile, and the band.

**What this defends.** From what one view shows, no reader can work out the set of peer
scores, nor any one peer's score. The median of five or more values and the quartiles of ten
or more depend only on the values in the middle positions (the first quartile of n ≥ 10
values lies at position (n−1)/4 ≥ 2.25, counted from 0); the lowest and highest scores never
enter them, and as the exact number of peers is not shown below 20, sets of other sizes in
the same band fit too. ``edmonitor/reports/tests/test_peer_reconstruction.py`` checks this
by brute force over every set of 1–5 scores for 1 to 19 peers: every output that shows
anything fits at least two sets.

**What it does not defend.**

- *Side knowledge of the exact number.* A reader who knows exactly how many peers there are
  (a published member list, say) can, from 10 peers on, in rare cases work out the *set* of
  scores from the interpolated quartiles: when the lowest quarter all scored 1 and the
  highest quarter all 5 (1 1 1 1 1 1 2 5 5 5 is the only set of ten with median 1, first
  quartile 1 and third quartile 4.25). Never which peer scored what, as such a set is never
  all one score; the test above checks both. Quartiles taken at whole positions (the lower
  one rounded down, the upper one rounded up) would close this, at the price of no longer
  being a spreadsheet's QUARTILE.INC.
- *Differencing*: two views of peer groups that differ by one peer (before and after a peer
  records a measurement or joins the sector or a programme, or two windows of years of which
  the longer adds one peer) can narrow that peer's score down, sometimes to one value: adding
  x to five values a ≤ b ≤ c ≤ d ≤ e moves the median from c to (c + clamp(x, b, d)) / 2.
  The benchmark makes this harder, not impossible: the peer group (an organisation's sector,
  programme membership) is changed by staff only, counts are shown as bands so a reader does
  not learn when exactly one peer joined, and the window of years is one of a few fixed
  choices.
- *Peers pooling their scores.* Peers who share their own scores with each other can work
  out what the others must have scored (four of five scores and the median can give the
  fifth); no statistic of a small group withstands that.

A reader who may see a peer's own data directly needs no attack; that is access control,
not this module.

Quartiles use the inclusive method (``statistics.quantiles(..., n=4, method="inclusive")``,
a spreadsheet's QUARTILE.INC, numpy's default), so the median of an even number of values
is the mean of the middle two.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

#: No setting may show anything of fewer peers than this.
MIN_PEERS_FLOOR = 5
#: Quartiles need at least this many peers (or twice the minimum, if that is more).
QUARTILES_FLOOR = 10
#: Upper edges of the count bands shown instead of an exact number (5–9, 10–19, 20 or more).
BAND_EDGES = (10, 20)


class Withheld(StrEnum):
    """Why a statistic is not shown."""

    TOO_FEW_PEERS = "too_few_peers"  # nothing shown: fewer than min_peers
    TOO_FEW_FOR_QUARTILES = "too_few_for_quartiles"  # the median only


@dataclass(frozen=True)
class Band:
    """A number of peers shown as a range: ``low``–``high``, or ``low`` or more (``high`` None)."""

    low: int
    high: int | None


@dataclass(frozen=True)
class PeerStatistics:
    """What may be shown of one item's peer scores; None is "not shown" (see ``withheld``)."""

    band: Band | None
    median: Decimal | None
    q1: Decimal | None
    q3: Decimal | None
    withheld: Withheld | None


def check_min_peers(min_peers: int) -> int:
    """``min_peers`` if it is allowed, else ValueError with the reason."""
    if isinstance(min_peers, bool) or not isinstance(min_peers, int) or min_peers < MIN_PEERS_FLOOR:
        raise ValueError(
            f"the minimum number of peers must be a whole number of at least {MIN_PEERS_FLOOR}, got {min_peers!r}: "
            "with fewer, the shown statistics give the peers' scores away"
        )
    return min_peers


def quartiles_from(min_peers: int) -> int:
    """The number of peers from which quartiles are shown: 10, or twice ``min_peers`` if more."""
    return max(QUARTILES_FLOOR, 2 * check_min_peers(min_peers))


def count_band(n: int, min_peers: int) -> Band | None:
    """``n`` peers as a band (5–9, 10–19, 20 or more with the default), or None below ``min_peers``."""
    check_min_peers(min_peers)
    if n < min_peers:
        return None
    edges = [edge for edge in BAND_EDGES if edge > min_peers]
    low = min_peers
    for edge in edges:
        if n < edge:
            return Band(low, edge - 1)
        low = edge
    return Band(low, None)


def peer_statistics(values: Sequence[int | Decimal], *, min_peers: int = MIN_PEERS_FLOOR) -> PeerStatistics:
    """What may be shown of these peer scores (one value per peer), under the rule of this module."""
    band = count_band(len(values), min_peers)
    if band is None:
        return PeerStatistics(None, None, None, None, Withheld.TOO_FEW_PEERS)
    data = sorted(Decimal(v) for v in values)
    q1, median, q3 = statistics.quantiles(data, n=4, method="inclusive")
    if len(data) < quartiles_from(min_peers):
        return PeerStatistics(band, Decimal(median), None, None, Withheld.TOO_FEW_FOR_QUARTILES)
    return PeerStatistics(band, Decimal(median), Decimal(q1), Decimal(q3), None)
