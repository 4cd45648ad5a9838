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
    """A numbered section ("§1.5", a chapter "§1") is a line starting "1.5 "; a named section must occur in the text."""
    text = seed_text(document)
    numbered = re.fullmatch(r"§\s*(\d+(?:\.\d+)*)", section.strip())
    if numbered:
        return re.search(rf"^\s*{re.escape(numbered.group(1))}\.? \S", text, flags=re.MULTILINE) is not None
    return squash(section).lower() in squash(text).lower()


def section_text(document: str, section: str) -> str:
    """The body of a numbered section ("§2.3"): from its heading to the next heading of the seed.

    A heading is a line whose number and first word (its first six letters, so a typo in the body
    does not matter) are those of an entry of the table of contents; the table of contents itself
    (entries end in a tab and a page number) and numbered lists in the text are not headings.
    """
    number = re.fullmatch(r"§\s*(\d+(?:\.\d+)+)", section.strip())
    assert number, f"not a numbered section: {section}"
    lines = seed_text(document).splitlines()
    contents = {
        m.group(1): m.group(2)[:6].lower()
        for m in (re.match(r"^(\d+(?:\.\d+)*) (\S+).*\t\d+\s*$", line) for line in lines)
        if m
    }

    def heading(line: str) -> str | None:
        m = re.match(r"^(\d+(?:\.\d+)*)\.? (\S+)", line)
        if m and "\t" not in line and contents.get(m.group(1)) == m.group(2)[:6].lower():
            return m.group(1)
        return None

    start = next(i for i, line in enumerate(lines) if heading(line) == number.group(1))
    end = next((i for i in range(start + 1, len(lines)) if heading(lines[i])), len(lines))
    return "\n".join(lines[start:end])


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
