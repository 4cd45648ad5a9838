"""Full-text search over the knowledge base, in Dutch (and English): the same code on SQLite and PostgreSQL.

The index (:class:`SearchDocument`) holds one row per entry or dialogue method
and language: its title and text without accents ("casuistiek" finds
"casuïstiek"), and the stems of their words. Both databases only pick the
candidate rows (``LIKE`` on the stems); which rows match and in what order is
decided here, in Python, so the results are the same on both. (PostgreSQL's
own ``dutch`` configuration was used before; its Snowball stemmer is an older
version than ours and stemmed 1559 of the 3614 Dutch words of the content
differently, so the two databases could not find the same things.)

**Words.** A query is cut to :data:`MAX_QUERY_CHARS` characters and
:data:`MAX_QUERY_WORDS` words (the page says so). Stop words
(:data:`STOP_WORDS`: Snowball's lists, the ones PostgreSQL's configurations use
too, plus a few Dutch question words) are left out of the query and the index,
so "wat zijn de kerntaken" searches for "kerntaken"; a query of stop words only
finds nothing, and the page says why.

**Word forms.** Words are reduced to their Snowball stem (``dutch_porter``,
the algorithm of PostgreSQL's ``dutch`` configuration: the newer ``dutch``
stemmer of snowballstemmer 3 makes "begeleiding" and "beleid" one word). On
top of it, an ``s`` after a vowel is dropped ("situaties" -> "situatie"),
a plural the stemmer keeps. So singular and plural meet: "kerntaak" and
"kerntaken" both become "kerntak". Compounds: a query word of four letters or
more also matches a longer word that starts with it ("herstel" finds
"herstelondersteunende", "inwerken" finds "inwerkperiode"); shorter words
("mie", "e" of "BCP-E") only match whole words. No synonym table.

**Kinds.** An entry is also found by the name of its kind: "kerntaken" finds
the seven core tasks, whose titles do not say "kerntaak" (content.KINDS).

**Ranking.** Each query word scores for a result by its best match: 3 for a
whole word of the title or of the kind's name, 2 for the start of a longer word
there, 1 for a word in the text, 0 when it does not occur. A result needs one
word found (a whole word of the entry's edition, "BCP 2014", counts as a title word); results
with the highest total come first, so an entry with a word
in its title ranks above every entry with the same words only in its text, and
an entry with more of the words above one with fewer. Equal totals: the result
whose title (or kind's name) is covered most by the query first ("herstel"
puts "Herstel" above "Basismodule 1 – Herstel"; numbers do not count), then
content order (the parts and kinds as in content.KINDS, the newest edition first, order,
slug): asked for "de kerntaken", a reader gets today's profile (2022) before the one it
replaced (2014).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import snowballstemmer
from django.db.models import Q

from edmonitor.knowledge.content import KINDS
from edmonitor.knowledge.models import DialogueMethod, Entry, SearchDocument

LANGUAGES = {"nl": "dutch_porter", "en": "english"}  # language -> Snowball algorithm
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 10
MIN_PREFIX = 4  # a shorter query word only matches whole words
WORD = re.compile(r"\w+")
NUMBER = re.compile(r"\d+")

# Snowball's stop lists (snowballstem.org, also PostgreSQL's dutch.stop and english.stop),
# and for Dutch a few question words people start a question with.
STOP_WORDS = {
    "nl": frozenset(
        """de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem dan
        zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb hoe heeft
        hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer doen toen moet
        ben zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen
        na reeds wil kon niets uw iemand geweest andere
        welk welke waar wanneer waarom""".split()
    ),
    "en": frozenset(
        """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
        hers herself it its itself they them their theirs themselves what which who whom this that these those
        am is are was were be been being have has had having do does did doing a an the and but if or because
        as until while of at by for with about against between into through during before after above below to
        from up down in out on off over under again further then once here there when where why how all any
        both each few more most other some such no nor not only own same so than too very s t can will just
        don should now""".split()
    ),
}

TITLE_WHOLE, TITLE_START, TEXT = 3, 2, 1  # what a query word scores, by where it matches


def plain(text: str) -> str:
    """Lower case without accents or other combining marks ("Cliënt" -> "client")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(LANGUAGES[language])


@lru_cache(maxsize=65_536)  # a word's stem never changes; the content repeats its words (10 s -> 3 s to index)
def _stem(word: str, language: str) -> str:
    stem: str = _stemmer(language).stemWord(word)
    if language == "nl" and len(stem) > 4 and stem[-1] == "s" and stem[-2] in "aeiouy":
        stem = stem[:-1]  # "situaties": a plural Snowball keeps
    return stem


def stems(text: str, language: str) -> list[str]:
    """The stems of the words of ``text`` that are not stop words (accents removed first)."""
    stop = STOP_WORDS[language]
    return [_stem(word, language) for word in WORD.findall(plain(text)) if word not in stop]


@cache
def _kind_stems(language: str) -> dict[str, tuple[str, ...]]:
    """Kind -> the stems of its name ("core_task" -> ("kerntak",)); dialogue methods have none."""
    index = 1 if language == "en" else 0
    return {kind: tuple(stems(names[index], language)) for kind, names in KINDS.items()}


@dataclass(frozen=True)
class Query:
    """A query as searched: its words without stop words, cut to the limits."""

    text: str  # what was searched, after cutting
    words: list[str]  # the words searched for, in order, without stop words or repeats
    stop_words: list[str] = field(default_factory=list)  # the words left out
    cut: bool = False  # the query was longer than the limits

    @property
    def only_stop_words(self) -> bool:
        return not self.words and bool(self.stop_words)


def parse(query: str, language: str = "nl") -> Query:
    """Cut ``query`` to the limits and split it into the words to search for and the stop words left out."""
    language = language if language in LANGUAGES else "nl"
    text = query.strip()
    cut = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    words: list[str] = []
    stop: list[str] = []
    for word in WORD.findall(plain(text)):
        if word in STOP_WORDS[language]:
            stop.append(word)
        elif word not in words:
            if len(words) == MAX_QUERY_WORDS:
                cut = True
                break
            words.append(word)
    if cut:
        text = " ".join(words)
    return Query(text=text, words=words, stop_words=stop, cut=cut)


def _texts(obj: Entry | DialogueMethod, language: str) -> tuple[str, str]:
    """(title, text) of an entry or method in one language, falling back to Dutch where untranslated."""

    def pick(name: str) -> str:
        value: str = getattr(obj, f"{name}_{language}", "") or getattr(obj, f"{name}_nl", "")
        return value

    if isinstance(obj, DialogueMethod):
        fields = ("summary", "purpose", "setup", "participants", "yields", "strengths", "limitations", "questions")
        steps = [getattr(s, f"text_{language}") or s.text_nl for s in obj.steps.all()]
        return pick("name"), "\n".join([*(pick(f) for f in fields), *steps])
    return pick("title"), "\n".join([pick("summary"), pick("body"), obj.edition, obj.section])


def document_rows(obj: Entry | DialogueMethod) -> list[SearchDocument]:
    """The (unsaved) search documents of one entry or method: one per language."""
    rows = []
    for language in LANGUAGES:
        title, text = _texts(obj, language)
        rows.append(
            SearchDocument(
                language=language,
                entry=obj if isinstance(obj, Entry) else None,
                method=obj if isinstance(obj, DialogueMethod) else None,
                kind=obj.kind if isinstance(obj, Entry) else "method",
                title=plain(title),
                text=plain(text),
                title_stems=" " + " ".join(stems(title, language)) + " ",
                stems=" " + " ".join(stems(f"{title}\n{text}", language)) + " ",
            )
        )
    return rows


@dataclass(frozen=True)
class Hit:
    """One search result: the entry or method, and its score (the sum over the query's words; higher first)."""

    obj: Entry | DialogueMethod
    rank: float


def search(query: str | Query, language: str = "nl", kinds: list[str] | None = None) -> list[Hit]:
    """Entries and methods matching at least one word of ``query``, best first (see the module's docstring)."""
    language = language if language in LANGUAGES else "nl"
    parsed = query if isinstance(query, Query) else parse(query, language)
    wanted = list(dict.fromkeys(_stem(word, language) for word in parsed.words))
    if not wanted:
        return []
    kind_stems = _kind_stems(language)
    condition = Q()
    for stem in wanted:
        # a candidate: the stem in the words (as a whole word, or as the start of one) or in the kind's name
        condition |= Q(stems__contains=f" {stem}" if len(stem) >= MIN_PREFIX else f" {stem} ")
        named = [kind for kind, names in kind_stems.items() if any(_matches(stem, name) for name in names)]
        if named:
            condition |= Q(kind__in=named)
    documents = SearchDocument.objects.filter(condition, language=language)
    if kinds:
        documents = documents.filter(kind__in=kinds)
    scored = []
    for doc in documents.select_related("entry__source", "method__source"):
        edition = tuple(stems(getattr(doc.entry or doc.method, "edition", ""), language))
        score, coverage = _score(doc, wanted, kind_stems.get(doc.kind, ()), edition)
        if score:
            scored.append((-score, -coverage, _content_order(doc), doc))
    scored.sort(key=lambda row: row[:3])
    return [
        Hit(obj=obj, rank=float(-score))
        for score, _c, _o, doc in scored
        if (obj := doc.entry or doc.method) is not None
    ]


def _matches(stem: str, word: str) -> bool:
    """A query stem matches a word's stem: the whole word, or the start of a longer one (compounds)."""
    return word == stem or (len(stem) >= MIN_PREFIX and word.startswith(stem))


def _score(
    doc: SearchDocument, wanted: list[str], kind: tuple[str, ...], edition: tuple[str, ...] = ()
) -> tuple[int, float]:
    """(sum of the query words' scores, share of the title or kind name the query covers).

    The edition ("BCP 2014") names an entry as its title does: "kerntaken 2014" asks for the
    core tasks of that edition, not for every text that mentions the year.
    """
    title = doc.title_stems.split()
    text = set(doc.stems.split())
    score = 0
    for stem in wanted:
        if stem in title or stem in kind or stem in edition:
            score += TITLE_WHOLE
        elif any(_matches(stem, word) for word in (*title, *kind)):
            score += TITLE_START
        elif any(_matches(stem, word) for word in text):
            score += TEXT
    return score, max(_covered(title, wanted), _covered(list(kind), wanted))


def _covered(words: list[str], wanted: list[str]) -> float:
    words = [w for w in words if not NUMBER.fullmatch(w)]  # "Basismodule 1 – Herstel": the number does not count
    if not words:
        return 0.0
    return sum(any(_matches(stem, word) for stem in wanted) for word in words) / len(words)


ORDER = {kind: index for index, kind in enumerate(KINDS)}
YEAR = re.compile(r"\b(19|20)[0-9]{2}\b")


def _content_order(doc: SearchDocument) -> tuple[int, int, int, str]:
    """The order of the content: parts and kinds as in content.KINDS (methods last), newest edition, order, slug."""
    obj: Any = doc.entry or doc.method
    year = YEAR.search(getattr(obj, "edition", ""))  # "BCP-E 2022"
    newest_first = -int(year.group()) if year else 0
    return ORDER.get(doc.kind, len(ORDER)), newest_first, obj.order, obj.slug
