"""The help on the VIE items (003 Bijlage 1, shown on the form) reads at B1 by the project's own measure.

The help lives with the instrument (``vie.about.json``), not in the knowledge content, so
:mod:`edmonitor.knowledge.readability` does not see it on its own; this test measures it alike.
"""

from __future__ import annotations

from edmonitor.instruments.definition import item_help
from edmonitor.knowledge.readability import TARGET_AVERAGE, TARGET_LONGEST, split_text


def test_the_dutch_help_on_the_vie_items_reads_at_b1():
    units = [s for item_id, entry in item_help("vie").items() for s in split_text(entry.text.get("nl"), place=item_id)]
    assert len(units) > 50
    long = [(s.place, s.words, s.text) for s in units if s.words > TARGET_LONGEST and not s.in_list]
    assert not long, long
    average = sum(s.words for s in units) / len(units)
    assert average <= TARGET_AVERAGE, average
