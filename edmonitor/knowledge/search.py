"""Full-text search over the knowledge base, in Dutch (and English), on SQLite and PostgreSQL.

Both databases search the same index (:class:`SearchDocument`): one row per
entry or dialogue method and language, holding its title and text with the
accents removed, so "casuistiek" finds "casuïstiek" and "clienten" finds
"cliënten".

* On **PostgreSQL** the text is matched with the built-in Dutch (or English)
  text search configuration: ``to_tsvector('dutch', …)`` against
  ``websearch_to_tsquery('dutch', …)``, ranked with ``ts_rank`` (title weighted
  above text).
* On **SQLite** the index also holds the Snowball stems of the same words
  (``snowballstemmer``, the algorithm PostgreSQL's configuration is built on);
  every word of the query, stemmed alike, must occur (as the start of a stem,
  so a stem found inside a longer compound's start matches too), and hits in the
  title count more.

Either way, word forms are matched by their stem: "ervaringsdeskundigen" finds
"ervaringsdeskundige" and "ervaringsdeskundigheid".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import snowballstemmer
from django.db import connection
from django.db.models import F, Q

if TYPE_CHECKING:
    from edmonitor.knowledge.models import DialogueMethod, Entry, SearchDocument

LANGUAGES = {"nl": ("dutch", "dutch"), "en": ("english", "english")}  # language -> (snowball, PostgreSQL config)
MAX_QUERY_WORDS = 12
WORD = re.compile(r"\w+")


def plain(text: str) -> str:
    """Lower case without accents or other combining marks ("Cliënt" -> "client")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(LANGUAGES[language][0])


def stems(text: str, language: str) -> list[str]:
    """The Snowball stems of the words of ``text`` (accents removed first)."""
    return list(_stemmer(language).stemWords(WORD.findall(plain(text))))


def _texts(obj: Entry | DialogueMethod, language: str) -> tuple[str, str]:
    """(title, text) of an entry or method in one language, falling back to Dutch where untranslated."""

    def pick(name: str) -> str:
        value: str = getattr(obj, f"{name}_{language}", "") or getattr(obj, f"{name}_nl", "")
        return value

    from edmonitor.knowledge.models import DialogueMethod

    if isinstance(obj, DialogueMethod):
        fields = ("summary", "purpose", "setup", "participants", "yields", "strengths", "limitations", "questions")
        steps = [getattr(s, f"text_{language}") or s.text_nl for s in obj.steps.all()]
        return pick("name"), "\n".join([*(pick(f) for f in fields), *steps])
    return pick("title"), "\n".join([pick("summary"), pick("body"), obj.edition, obj.section])


def document_rows(obj: Entry | DialogueMethod) -> list[SearchDocument]:
    """The (unsaved) search documents of one entry or method: one per language."""
    from edmonitor.knowledge.models import DialogueMethod, SearchDocument

    rows = []
    for language in LANGUAGES:
        title, text = _texts(obj, language)
        is_method = isinstance(obj, DialogueMethod)
        rows.append(
            SearchDocument(
                language=language,
                entry=None if is_method else obj,
                method=obj if is_method else None,
                kind="method" if is_method else obj.kind,  # type: ignore[union-attr]
                title=plain(title),
                text=plain(text),
                title_stems=" " + " ".join(stems(title, language)) + " ",
                stems=" " + " ".join(stems(f"{title}\n{text}", language)) + " ",
            )
        )
    return rows


@dataclass(frozen=True)
class Hit:
    """One search result: the entry or method, and its rank (higher first)."""

    obj: Entry | DialogueMethod
    rank: float


def search(query: str, language: str = "nl", kinds: list[str] | None = None) -> list[Hit]:
    """Entries and methods matching every word of ``query``, best first."""
    from edmonitor.knowledge.models import SearchDocument

    language = language if language in LANGUAGES else "nl"
    words = WORD.findall(plain(query))[:MAX_QUERY_WORDS]
    if not words:
        return []
    documents = SearchDocument.objects.filter(language=language)
    if kinds:
        documents = documents.filter(kind__in=kinds)
    if connection.vendor == "postgresql":
        ranked = _postgresql(documents, " ".join(words), language)
    else:
        ranked = _stemmed(documents, stems(" ".join(words), language))
    return [Hit(obj=doc.entry or doc.method, rank=rank) for doc, rank in ranked]  # type: ignore[arg-type]


def _postgresql(documents: Any, query: str, language: str) -> list[tuple[Any, float]]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    config = LANGUAGES[language][1]
    vector = SearchVector("title", weight="A", config=config) + SearchVector("text", weight="B", config=config)
    # every word, stemmed by the configuration, as the start of a word of the text ("herstel" finds
    # "herstelondersteunend"), as on SQLite; the words are \w+ only, so they cannot break the query syntax
    wanted = SearchQuery(" & ".join(f"{word}:*" for word in query.split()), config=config, search_type="raw")
    found = (
        documents.annotate(matched=vector, rank=SearchRank(vector, wanted))
        .filter(matched=wanted)
        .select_related("entry__source", "method__source")
        .order_by("-rank", F("title").asc())
    )
    return [(doc, float(doc.rank)) for doc in found]


def _stemmed(documents: Any, wanted: list[str]) -> list[tuple[Any, float]]:
    if not wanted:
        return []
    condition = Q()
    for stem in wanted:
        condition &= Q(stems__contains=f" {stem}")
    found = documents.filter(condition).select_related("entry__source", "method__source")
    ranked = []
    for doc in found:
        # a title hit counts four times a hit in the text, as PostgreSQL's weights A and B (1.0 / 0.4) do roughly
        rank = sum(4 * doc.title_stems.count(f" {s}") + doc.stems.count(f" {s}") for s in wanted)
        ranked.append((doc, rank / (1 + len(doc.stems) / 2000)))
    ranked.sort(key=lambda pair: (-pair[1], pair[0].title))
    return ranked
