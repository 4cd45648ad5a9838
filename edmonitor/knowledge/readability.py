"""How plain the Dutch of the knowledge base is: sentence length, measured (issue 15, part 5).

Dutch texts for the public are written at language level B1 (*taalniveau B1*). The two
measures this project holds them to: on average at most :data:`TARGET_AVERAGE` words per
sentence, and no sentence of more than :data:`TARGET_LONGEST` words outside lists.

Pure Python, no Django, so the test suite and the command line share it::

    python -m edmonitor.knowledge.readability          # the figures and the longest sentences
    python -m edmonitor.knowledge.readability --all    # every sentence over 25 words
    python -m edmonitor.knowledge.readability --en     # the English mirror (held to the same targets)

What counts (see :func:`reader_texts`): every Dutch text a reader sees on a knowledge page —
an entry's summary, body and *Over de bron* text, the topics and readings of *De bronnen
verschillen*, a method's texts, its steps and typical questions, a link's rationale. Titles and
method names are headings, not sentences, and are left out (they would only pull the average
down). The steps and questions of a method are list items: each is its own unit.

How a text is split (see :func:`split_text`):

* A line that starts with ``-``, ``•``, ``*``, ``–`` or a number followed by ``.`` or ``)``
  is a list item. A list item is always its own unit (even without a full stop); the units of
  list items count in the average but are *outside* the rule on long sentences, as the issue
  says ("none over 25 words outside lists").
* Every line break ends a unit too: a heading or a line without a full stop is not glued to
  the next line.
* Within a line a sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quote or
  bracket after it) followed by a space — but not after an abbreviation (:data:`ABBREVIATIONS`:
  ``bijv.``, ``o.a.``, ``d.w.z.``, ``m.b.t.``, ``i.p.v.``, ``nr.``, …) or an initial
  (``J. Smit``), and not when the next word starts with a small letter (``wat werkt?' vroeg
  ze``). Abbreviations that often close a sentence (``enz.``, ``e.d.``, ``etc.``) end it before a
  capital. Decimals (``2,5``, ``1.000``), section numbers (``§ 2.13``) and ``t/m`` hold no space
  and never split.
* A word is a run of characters without spaces that holds at least one letter or digit:
  ``t/m``, ``2,5``, ``§1.5``, ``(ED)`` and ``ervaringsdeskundige(n)`` are one word each; a dash
  or a lone ``§`` is none.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from edmonitor.knowledge.content import content_files

# The targets of issue 15 (B1): at most this many words per sentence on average ...
TARGET_AVERAGE = 15.0
# ... and no sentence outside a list longer than this.
TARGET_LONGEST = 25

# Abbreviations that end in a full stop without ending the sentence (lower case; matched on the
# token as written, case-insensitively, without brackets before it).
ABBREVIATIONS = frozenset(
    """
    a.d. a.h.w. aanv. adv. afb. afd. art. bijv. bijvoorbeeld. bv. bijl. blz. ca. d.i. d.m.v.
    d.w.z. dhr. dr. drs. e.a. e.d. e.e.a. e.g. e.v. enz. etc. excl. fig. hfdst. i.c.m. i.e.
    i.h.a. i.o.m. i.p.v. i.s.m. i.v.m. ing. incl. ir. jl. m.a.w. m.b.t. m.b.v. m.i.v. mevr.
    min. mr. mw. n.a.v. nl. nr. nrs. o.a. o.b.v. o.i.d. o.l.v. o.m. p. pag. pp. prof. resp.
    s.v.p. t.a.v. t.b.v. t.g.v. t.o.v. t.w. t.z.t. vgl. vnl. vs. zgn. z.g.a. z.s.m.
    al. et. cf. no. vol. ed. eds. ff. e.g. i.e. approx.
    """.split()
)
# Abbreviations that often close a sentence: before a capital they end it.
FINAL_ABBREVIATIONS = frozenset("enz. etc. e.d. e.a. e.e.a. o.i.d. e.v. al.".split())

_LIST_ITEM = re.compile(r"^\s*(?:[-•*–]|\d{1,3}[.)]|[a-z][.)])\s+")
# A possible sentence end: end punctuation, then closing quotes or brackets, then a space.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_WORD = re.compile(r"\S*[^\W_]\S*")
_INITIAL = re.compile(r"^[(\"'“‘]*[A-Z]\.$")


@dataclass(frozen=True)
class Sentence:
    """One unit of text: a sentence, or a list item (``in_list``)."""

    text: str
    in_list: bool = False
    place: str = ""

    @property
    def words(self) -> int:
        return count_words(self.text)


def count_words(text: str) -> int:
    """The words of a text: runs without spaces holding at least one letter or digit."""
    return len(_WORD.findall(text))


def _ends_sentence(line: str, start: int, end: int) -> bool:
    """Whether the punctuation ending at ``end`` closes the sentence begun at ``start``."""
    token = line[start:end].split()[-1]
    bare = token.rstrip("\"'”’)]").lstrip("(\"'“‘[").lower()
    rest = line[end:].lstrip()
    capital_follows = not rest[:1].islower()
    if bare in FINAL_ABBREVIATIONS:
        # "enz." may close a sentence: then its full stop is the sentence's too.
        return capital_follows and rest[:1].isalpha()
    if bare in ABBREVIATIONS or _INITIAL.match(token.lstrip("(\"'“‘[")):
        return False
    # A lower-case word after it continues the sentence ("wat werkt?' staat", "in 2012. dan").
    return capital_follows


def _split_line(line: str) -> Iterator[str]:
    start = 0
    for match in _END.finditer(line):
        if _ends_sentence(line, start, match.end()):
            piece = line[start : match.end()].strip()
            if piece:
                yield piece
            start = match.end()
    piece = line[start:].strip()
    if piece:
        yield piece


def split_text(text: str, *, in_list: bool = False, place: str = "") -> list[Sentence]:
    """The sentences and list items of a text, in order (rules in the module docstring).

    ``in_list`` marks the whole text as a list item (the steps and questions of a method).
    """
    units: list[Sentence] = []
    for raw in text.splitlines():
        marker = _LIST_ITEM.match(raw)
        line = raw[marker.end() :] if marker else raw
        item = in_list or bool(marker)
        units += [Sentence(s, item, place) for s in _split_line(line.strip()) if count_words(s)]
    return units


# Entry and method fields a reader sees as running text (titles and names are headings).
ENTRY_TEXTS = ("summary", "body", "about_source")
METHOD_TEXTS = (
    "summary", "purpose", "setup", "participants", "group_note", "yields", "strengths", "limitations",
    "about_source",
)  # fmt: skip
METHOD_LISTS = ("steps", "questions")


def reader_texts(data: Mapping[str, Any], name: str = "", language: str = "nl") -> Iterator[tuple[str, str, bool]]:
    """(place, text, is a list item) of every reader-facing text of one content file, in one language."""

    def _text(value: Any) -> str | None:
        if isinstance(value, Mapping) and isinstance(value.get(language), str) and value[language].strip():
            return str(value[language])
        return None

    rows: list[tuple[str, Mapping[str, Any], tuple[str, ...]]] = []
    rows += [(r.get("slug", "?"), r, ENTRY_TEXTS) for r in data.get("entries", [])]
    rows += [(r.get("slug", "?"), r, METHOD_TEXTS) for r in data.get("methods", [])]
    rows += [(f"{r.get('item')}→{r.get('target')}", r, ("rationale",)) for r in data.get("links", [])]
    for slug, row, keys in rows:
        where = f"{name} {slug}".strip()
        for key in keys:
            if (text := _text(row.get(key))) is not None:
                yield f"{where} {key}", text, False
        for key in METHOD_LISTS if keys is METHOD_TEXTS else ():
            for i, value in enumerate(row.get(key, [])):
                if (text := _text(value)) is not None:
                    yield f"{where} {key}[{i + 1}]", text, True
        for i, difference in enumerate(row.get("sources_differ", [])):
            if (text := _text(difference.get("topic"))) is not None:
                yield f"{where} sources_differ[{i + 1}].topic", text, False
            for j, reading in enumerate(difference.get("readings", [])):
                if (text := _text(reading.get("text"))) is not None:
                    yield f"{where} sources_differ[{i + 1}].readings[{j + 1}]", text, False


@dataclass
class Figures:
    """The measured figures of a set of texts."""

    texts: int = 0
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sentences)

    @property
    def average(self) -> float:
        """Words per sentence (list items included), rounded to one decimal."""
        return round(self.words / len(self.sentences), 1) if self.sentences else 0.0

    def long_sentences(self, limit: int = TARGET_LONGEST) -> list[Sentence]:
        """Sentences outside lists with more than ``limit`` words, the longest first."""
        found = [s for s in self.sentences if not s.in_list and s.words > limit]
        return sorted(found, key=lambda s: -s.words)

    @property
    def longest(self) -> int:
        """The length of the longest sentence outside lists."""
        return max((s.words for s in self.sentences if not s.in_list), default=0)

    def meets_targets(self) -> bool:
        return self.average <= TARGET_AVERAGE and not self.long_sentences()


def measure(files: Iterable[tuple[str, str]], language: str = "nl") -> dict[str, Figures]:
    """The figures per content file ((name, JSON text) as :func:`content.content_files` gives).

    ``language="en"`` measures the English mirror the same way (for information: the splitter's
    abbreviations are Dutch, and the targets are set for the Dutch texts).
    """
    result: dict[str, Figures] = {}
    for name, raw in files:
        figures = Figures()
        for place, text, in_list in reader_texts(json.loads(raw), name, language):
            figures.texts += 1
            figures.sentences += split_text(text, in_list=in_list, place=place)
        result[name] = figures
    return result


def combined(per_file: Mapping[str, Figures]) -> Figures:
    """The figures of all files together."""
    total = Figures()
    for figures in per_file.values():
        total.texts += figures.texts
        total.sentences += figures.sentences
    return total


def report(per_file: Mapping[str, Figures], *, show: int = 10) -> str:
    """The figures as a small table, then the longest sentences outside lists."""
    lines = [f"{'file':<16} {'texts':>6} {'sentences':>9} {'avg':>5} {'>25':>4} {'longest':>7}"]
    for name, f in [*per_file.items(), ("all", combined(per_file))]:
        row = f"{name:<16} {f.texts:>6} {len(f.sentences):>9} {f.average:>5} {len(f.long_sentences()):>4}"
        lines.append(f"{row} {f.longest:>7}")
    total = combined(per_file)
    reached = "reached" if total.meets_targets() else "not reached yet"
    lines.append(f"targets: average <= {TARGET_AVERAGE}, none over {TARGET_LONGEST} outside lists — {reached}")
    for s in total.long_sentences()[:show]:
        lines.append(f"\n{s.words} words — {s.place}\n  {s.text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the figures of the content files (``--all``: every sentence over the limit; ``--en``: English)."""
    args = sys.argv[1:] if argv is None else argv
    per_file = measure(content_files(), "en" if "--en" in args else "nl")
    print(report(per_file, show=10**6 if "--all" in args else 10))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
