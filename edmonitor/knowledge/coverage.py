"""Which parts of the source documents the knowledge base covers (issue 15 part 6).

Every part a seed's table of contents lists — numbered sections ("2.1" → ``§2.1``), chapters
without sections ("1 Onderzoeksopzet" → ``§1``), appendices ("Bijlage 1 …" → ``Bijlage 1``)
and the unnumbered parts such as the introduction ("Inleiding") — must be cited by at least one
entry, method or link of the content files or by the help on an instrument's items
(:func:`instrument_rows`: the VIE form explains each item from 003 Bijlage 1), or be listed
with a reason in ``uncovered.json`` beside the content folder (it is not content:
:mod:`edmonitor.knowledge.content` reads only the content folder). A chapter that has
sections counts as covered through its sections.

Seeds without a table of contents (000, 001, 002) have no numbered parts; for them
:data:`NAMED_PARTS` lists the named parts the issue asks for, held to the same rule.

Pure: the caller passes the seed texts (the tests read them, see ``edmonitor.testing_seeds``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from edmonitor.instruments.definition import available_definitions, item_help
from edmonitor.instruments.sources import SEEDS

# Named parts of seeds without a table of contents, each a heading as it occurs in the seed.
# Also the named sub-parts of numbered sections that the issue asks for by name, which a citation
# of the whole section would otherwise hide.
NAMED_PARTS: dict[str, tuple[str, ...]] = {
    "003": ("Tabel 1", "Tabel 2", "Tabel 3", "Handreiking", "Vervolgonderzoek"),
    "002": (
        "Totstandkoming Basiscurriculum Ervaringsdeskundigheid",
        "Fasen van herstel",
        "Generieke competenties",
        "Specifieke competenties",
        "Dilemma’s",
    ),
}

_CONTENTS_HEADING = re.compile(r"^\s*(Inhoud|Inhoudsopgave)\s*$")
# A line of a table of contents: optional number, title, a space or tab, the page number.
_CONTENTS_LINE = re.compile(r"^\s*(?:(\d+(?:\.\d+)*)\s+)?(\S.*?)[ \t]+(\d+)\s*$")


@dataclass(frozen=True)
class Part:
    """One part of a seed: the key a citation names it by, and its title in the table of contents."""

    source: str
    key: str
    title: str


def contents(text: str) -> list[tuple[str | None, str]]:
    """(number or None, title) of each line of the seed's table of contents, in order; [] if it has none.

    The table of contents runs from the line "Inhoud" (or "Inhoudsopgave") to the line where the
    body repeats its first entry's title as a heading; running heads and page numbers in between
    are skipped (they have no page number after a title).
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _CONTENTS_HEADING.match(line)), None)
    if start is None:
        return []
    found: list[tuple[str | None, str]] = []
    for line in lines[start + 1 :]:
        if found and found[0][0] is None and line.strip() == found[0][1]:
            break  # the body begins
        match = _CONTENTS_LINE.match(line)
        if match:
            found.append((match.group(1), match.group(2).strip()))
    return found


def toc_parts(source: str, text: str) -> list[Part]:
    """The parts of a seed that must be covered, from its table of contents (see the module docstring)."""
    rows = contents(text)
    numbers = [number for number, _ in rows if number]
    parts = []
    for number, title in rows:
        if number:
            if any(other.startswith(number + ".") for other in numbers):
                continue  # a chapter with sections: covered through them
            parts.append(Part(source, f"§{number}", title))
        elif appendix := re.match(r"Bijlage\s+(\d+)", title):
            parts.append(Part(source, f"Bijlage {appendix.group(1)}", title))
        else:
            parts.append(Part(source, title, title))
    return parts


def all_parts(texts: Mapping[str, str]) -> list[Part]:
    """Every part of every seed (``texts``: source key → seed text) that must be covered."""
    parts = []
    for source, text in texts.items():
        parts += toc_parts(source, text)
        parts += [Part(source, name, name) for name in NAMED_PARTS.get(source, ())]
    return parts


def normalise(section: str) -> str:
    """A cited section as a part's key: "§ 2.1" → "§2.1", "hoofdstuk 1" → "§1", "Bijlage 1 …" → "Bijlage 1"."""
    section = " ".join(section.split())
    if m := re.fullmatch(r"§\s*(\d+(?:\.\d+)*)", section):
        return f"§{m.group(1)}"
    if m := re.fullmatch(r"[Hh]oofdstuk\s+(\d+)", section):
        return f"§{m.group(1)}"
    if m := re.match(r"[Bb]ijlage\s+(\d+)", section):
        return f"Bijlage {m.group(1)}"
    return section


def cited(rows: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """(source, key) of everything the rows cite: their own section, further citations, differing readings."""
    found = set()
    for row in rows:
        pairs = [(row["source"], row["section"])]
        pairs += [(c["source"], c["section"]) for c in row.get("also_cites", [])]
        pairs += [(r["source"], r["section"]) for d in row.get("sources_differ", []) for r in d["readings"]]
        found |= {(source, normalise(section).lower()) for source, section in pairs}
    return found


def instrument_rows() -> list[dict[str, str]]:
    """Citations of the help on instrument items, as rows :func:`cited` reads: ``{"source", "section"}``.

    The help lives beside the definitions (``<code>.about.json``, ``item_help``) and names its
    passage by seed file; here the file becomes the source key ("003") the other rows use.
    """
    keys = {seed["file"]: key for key, seed in SEEDS.items()}
    codes = sorted({stem.split("-", 1)[0] for stem in available_definitions()})
    return [
        {"source": keys.get(entry.source.document, entry.source.document), "section": entry.source.section}
        for code in codes
        for entry in item_help(code).values()
    ]


def read_uncovered(text: str | None = None) -> list[dict[str, str]]:
    """The deliberately uncovered parts: ``[{"source", "section", "reason"}, ...]`` from ``uncovered.json``."""
    if text is None:
        text = resources.files("edmonitor.knowledge").joinpath("uncovered.json").read_text("utf-8")
    rows = json.loads(text)["uncovered"]
    assert isinstance(rows, list)
    return rows


def missing(
    parts: Iterable[Part], rows: Iterable[Mapping[str, Any]], uncovered: Iterable[Mapping[str, str]]
) -> list[Part]:
    """The parts neither cited by a row nor listed as uncovered."""
    done = cited(rows) | {(u["source"], normalise(u["section"]).lower()) for u in uncovered}
    return [p for p in parts if (p.source, p.key.lower()) not in done]
