"""VIE 2012.2 and MIE 2026.3: the same instruments as 2012.1 and 2026.2, in plainer Dutch (issue 15, part 5).

Issue 15 holds every Dutch reader-facing text to B1, the instrument definitions included: on
average at most 15 words per sentence, none over 25 outside lists. A version in use never
changes (its anchors are what respondents chose from), so the plainer wording is a new
version. These tests prove that nothing but wording changed, independently of the scoring code:

* with every text removed (every ``{"nl": …, "en": …}`` object), the two files are equal — item
  and theme ids, facts, derivation thresholds, criteria, level bands, rounding, scale, rules
  and crosswalk;
* every text keeps its numbers, in the same order (thresholds, counts, size classes, fte);
* the stored LIVE measurements score the same on both VIE versions;
* the newest versions read at B1; the older ones stay as they were, for the records that use them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from edmonitor.instruments.definition import latest_audit_version, latest_version, load_definition
from edmonitor.knowledge.readability import TARGET_AVERAGE, TARGET_LONGEST, Sentence, split_text
from edmonitor.measurements.live import MOMENTS, scored_rows

PAIRS = [("vie-2012.1", "vie-2012.2"), ("mie-2026.2", "mie-2026.3")]
LANGUAGES = ("nl", "en")
# Numbers as digits, and the number words the anchors use for counts ("twee of drie").
NUMBER = re.compile(
    r"\d+(?:[.,]\d+)*[a-z]?|\b(?:nul|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|"
    r"zero|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)


def raw(key: str) -> dict[str, Any]:
    text = resources.files("edmonitor.instruments.definitions").joinpath(f"{key}.json").read_text("utf-8")
    return dict(json.loads(text))


def is_text(value: Any) -> bool:
    return (
        isinstance(value, dict) and set(value) >= set(LANGUAGES) and all(isinstance(value[k], str) for k in LANGUAGES)
    )


def without_texts(value: Any) -> Any:
    """The definition with every text object replaced by a marker (the structure, rules and numbers)."""
    if is_text(value):
        return (
            "<text>"
            if set(value) == set(LANGUAGES)
            else {"<text>": without_texts({k: v for k, v in value.items() if k not in LANGUAGES})}
        )
    if isinstance(value, dict):
        return {k: without_texts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_texts(v) for v in value]
    return value


def texts(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """(path, text object) of every text of a definition."""
    if is_text(value):
        yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in LANGUAGES:
                yield from texts(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from texts(v, f"{path}[{i}]")


def numbers(text: str) -> list[str]:
    return [n.lower() for n in NUMBER.findall(text)]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_nothing_but_the_wording_changed(old: str, new: str) -> None:
    before, after = raw(old), raw(new)
    assert after["version"] != before["version"]
    # the plainer version adds one decision ("plain-wording") that says what changed, and nothing else
    added = [d for d in after.pop("decisions") if d.get("id") == "plain-wording"]
    assert len(added) == 1
    before.pop("decisions")
    for data in (before, after):
        data.pop("version")
    assert without_texts(after) == without_texts(before)


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_every_text_keeps_its_numbers_in_order(old: str, new: str) -> None:
    before, after = dict(texts(raw(old))), dict(texts(raw(new)))
    assert set(before) <= set(after)
    changed = 0
    for path, text in before.items():
        if path.startswith(".description"):
            continue  # superseded by <code>.about.json in every version (test_vie_description.py)
        for language in LANGUAGES:
            old_text, new_text = text[language], after[path][language]
            changed += old_text != new_text
            if path.startswith(".decisions") and "version" in old_text:
                continue  # "in versie 2026.2" became "vanaf versie 2026.2": same numbers, checked below
            assert numbers(new_text) == numbers(old_text), (path, language, old_text, new_text)
    assert changed >= 10  # the plain version is not a copy


def test_the_theme_2_decision_still_names_both_versions() -> None:
    decision = next(d for d in raw("mie-2026.3")["decisions"] if d["id"] == "theme-2-paid-and-voluntary")
    assert "vanaf versie 2026.2" in decision["text"]["nl"] and "2026.1" in decision["text"]["nl"]


def test_the_live_measurements_score_the_same_on_both_vie_versions() -> None:
    # the 36 measurements of LIVE appendices 2 and 3, read and scored with each version
    old, new = load_definition("vie-2012.1"), load_definition("vie-2012.2")
    for moment in MOMENTS:
        before, after = scored_rows(old, moment), scored_rows(new, moment)
        assert len(before) == len(after) == 18
        for a, b in zip(before, after, strict=True):
            assert a.input == b.input
            assert (a.result.total, a.result.level, a.result.items) == (b.result.total, b.result.level, b.result.items)


def test_new_measurements_and_audits_use_the_plain_versions() -> None:
    assert latest_version("vie").key == "vie-2012.2"
    assert latest_audit_version("mie").key == "mie-2026.3"


def units(key: str) -> list[Sentence]:
    found: list[Sentence] = []
    for path, text in texts(raw(key)):
        if path.startswith(".description") and key.startswith("vie"):
            continue  # the VIE's description is read from vie.about.json, measured below
        found += split_text(text["nl"], place=f"{key}{path}")
    return found


@pytest.mark.parametrize("key", ["vie-2012.2", "mie-2026.3", "vie.about"])
def test_the_newest_versions_read_at_b1(key: str) -> None:
    found = units(key)
    assert len(found) > 100
    long = [(s.place, s.words, s.text) for s in found if s.words > TARGET_LONGEST and not s.in_list]
    assert not long, long
    assert sum(s.words for s in found) / len(found) <= TARGET_AVERAGE


def test_the_older_versions_did_not_which_is_why_the_new_ones_exist() -> None:
    for key in ("vie-2012.1", "mie-2026.2"):
        assert any(s.words > TARGET_LONGEST for s in units(key)), key
