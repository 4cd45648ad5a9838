"""Test helpers that check content against the seed documents (../shared/seeds).

Used by the tests of the MIE definition and of the knowledge base: a cited
section must exist in the named seed, and Dutch texts must be in our own words
(no run of eight or more words in common with a seed). The seeds are read from
``$EDMONITOR_SEEDS`` or ``/work/shared/seeds``; a test that needs a seed that is
not there is skipped.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

MAX_SHARED_WORDS = 7  # a run of 8 or more words in common with a seed counts as copied


def seed_text(name: str) -> str:
    for folder in (os.environ.get("EDMONITOR_SEEDS"), "/work/shared/seeds"):
        if folder and (Path(folder) / name).is_file():
            return (Path(folder) / name).read_text(encoding="utf-8")
    pytest.skip(f"seed {name} not available")


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces, ends trimmed."""
    return " ".join(text.split())


def section_occurs(document: str, section: str) -> bool:
    """A numbered section ("§1.5") is a line starting "1.5 "; a named section must occur in the text."""
    text = seed_text(document)
    numbered = re.fullmatch(r"§\s*(\d+(?:\.\d+)+)", section.strip())
    if numbered:
        return re.search(rf"^\s*{re.escape(numbered.group(1))}\.? \S", text, flags=re.MULTILINE) is not None
    return squash(section).lower() in squash(text).lower()


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def runs(tokens: list[str], length: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + length]) for i in range(len(tokens) - length + 1)}


@cache
def seed_runs(names: tuple[str, ...], length: int = MAX_SHARED_WORDS + 1) -> frozenset[tuple[str, ...]]:
    """Every run of ``length`` words in the named seeds, read as printed and with hyphenated line breaks joined."""
    found: set[tuple[str, ...]] = set()
    for name in names:
        text = seed_text(name)
        joined = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", text)
        found |= runs(words(text), length) | runs(words(joined), length)
    return frozenset(found)


def copied_runs(text: str, names: tuple[str, ...]) -> list[str]:
    """The runs of eight or more words that ``text`` shares with the named seeds."""
    shared = runs(words(text), MAX_SHARED_WORDS + 1) & seed_runs(names)
    return [" ".join(run) for run in sorted(shared)]
