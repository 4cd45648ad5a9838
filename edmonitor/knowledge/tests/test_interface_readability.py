"""The Dutch of the interface reads at B1 too (issue 15, part 5: "interface help texts").

Every Dutch text of the interface is a translation in the Dutch catalogue
(``locale/nl/LC_MESSAGES/django.po``): labels, help texts, explanations on pages, messages and
errors. They are measured with the same splitter as the knowledge base: on average at most
15 words per sentence, none over 25. (Most are short labels, so the average is far below the
target; the rule on long sentences is the one that bites.)
"""

from __future__ import annotations

from pathlib import Path

import polib

from edmonitor.knowledge.readability import TARGET_AVERAGE, TARGET_LONGEST, Sentence, split_text

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def interface_sentences() -> list[Sentence]:
    units: list[Sentence] = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            units += split_text(text, place=entry.msgid[:60])
    return units


def test_the_dutch_interface_texts_read_at_b1():
    units = interface_sentences()
    assert len(units) > 1000
    long = [(s.words, s.text) for s in units if s.words > TARGET_LONGEST and not s.in_list]
    assert not long, long
    assert sum(s.words for s in units) / len(units) <= TARGET_AVERAGE
