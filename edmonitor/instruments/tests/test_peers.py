"""What a benchmark may show of its anonymous peers: the rule of edmonitor/instruments/peers.py.

Quartiles are checked against numpy's percentile (its default, linear, is the inclusive
method), not against ``statistics`` as the module uses it.
"""

from __future__ import annotations

from decimal import Decimal

import numpy
import pytest

from edmonitor.instruments.peers import Band, Withheld, count_band, peer_statistics, quartiles_from


def test_fewer_than_five_peers_show_nothing_not_even_their_number():
    for n in range(5):
        shown = peer_statistics([3] * n)
        assert (shown.band, shown.median, shown.q1, shown.q3) == (None, None, None, None)
        assert shown.withheld == Withheld.TOO_FEW_PEERS


def test_five_to_nine_peers_show_the_median_and_a_band_but_no_quartiles():
    for values in ([1, 2, 3, 4, 5], [5, 1, 1, 2, 4, 4], [1, 2, 2, 3, 3, 4, 4, 5, 5]):
        shown = peer_statistics(values)
        assert shown.median == Decimal(str(numpy.median(values)))
        assert (shown.q1, shown.q3) == (None, None)
        assert shown.band == Band(5, 9)
        assert shown.withheld == Withheld.TOO_FEW_FOR_QUARTILES


def test_from_ten_peers_the_quartiles_are_the_inclusive_ones():
    for values in ([1, 2, 3, 4, 5, 1, 2, 3, 4, 5], [5, 5, 4, 1, 2, 2, 3, 3, 3, 1, 4, 2], list(range(1, 6)) * 5):
        shown = peer_statistics(values)
        q1, median, q3 = numpy.percentile(values, [25, 50, 75])
        assert (shown.q1, shown.median, shown.q3) == (Decimal(str(q1)), Decimal(str(median)), Decimal(str(q3)))
        assert shown.withheld is None


def test_the_number_of_peers_is_shown_as_a_band_never_exactly_below_twenty():
    assert [count_band(n, 5) for n in (4, 5, 9, 10, 19, 20, 500)] == [
        None,
        Band(5, 9),
        Band(5, 9),
        Band(10, 19),
        Band(10, 19),
        Band(20, None),
        Band(20, None),
    ]


def test_a_higher_minimum_moves_the_first_band_and_the_quartiles_up():
    assert [count_band(n, 7) for n in (6, 7, 9, 10)] == [None, Band(7, 9), Band(7, 9), Band(10, 19)]
    assert [count_band(n, 12) for n in (11, 12, 19, 20)] == [None, Band(12, 19), Band(12, 19), Band(20, None)]
    assert quartiles_from(5) == 10
    assert quartiles_from(6) == 12
    assert peer_statistics([3] * 11, min_peers=6).q1 is None
    assert peer_statistics([3] * 12, min_peers=6).q1 == 3


@pytest.mark.parametrize("min_peers", [4, 3, 0, -1, True, 5.5])
def test_a_minimum_below_five_or_not_a_whole_number_is_refused(min_peers):
    with pytest.raises(ValueError, match="at least 5"):
        peer_statistics([3] * 20, min_peers=min_peers)
