"""Links from a page to the Begrippenlijst where a difficult word first appears.

The Begrippenlijst (entry ``begrippenlijst``) explains jargon in plain Dutch, one child
entry per term. :func:`link_first_uses` takes the rendered HTML of a page's text and links
the first use of each term to its explanation, outside headings, existing links and form
controls, so a reader who stumbles over a word finds it explained one click away.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Entry

TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")
#: Inside these a word is not linked: a link in a link, or a link in a heading or a control, helps nobody.
SKIP = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "button", "label", "option", "textarea", "script", "style"}
PARENT = "begrippenlijst"


def _pattern(term: str) -> re.Pattern[str]:
    # the term as it stands in escaped HTML, as a whole word or words, in any case; "peer support"
    # also as "peer-support"
    words = r"[\s\-]".join(re.escape(str(escape(word))) for word in re.split(r"[\s\-]+", term.strip()))
    return re.compile(r"(?<![\w&;])" + words + r"(?![\w])", re.IGNORECASE)


def link_first_uses(html: str, terms: Sequence[tuple[str, str]]) -> SafeString:
    """``html`` (already escaped) with the first use of each (term, url) linked; each term at most once."""
    pending = [(_pattern(term), url) for term, url in terms if term.strip()]
    out: list[str] = []
    skipping = 0
    for part in TAG.split(str(html)):
        if part.startswith("<"):
            name = TAG_NAME.match(part)
            if name and name.group(1).lower() in SKIP and not part.endswith("/>"):
                skipping = max(0, skipping - 1) if part.startswith("</") else skipping + 1
            out.append(part)
            continue
        if skipping or not pending:
            out.append(part)
            continue
        # the first match of every pending term in this text, earliest first, none overlapping
        found = sorted(
            (
                (m.start(), m.end(), index)
                for index, (pattern, _url) in enumerate(pending)
                for m in [pattern.search(part)]
                if m
            ),
        )
        pieces, at, linked = [], 0, set()
        for start, end, index in found:
            if start < at:
                continue
            url = pending[index][1]
            pieces += [part[at:start], f'<a class="glossary-term" href="{escape(url)}">{part[start:end]}</a>']
            at = end
            linked.add(index)
        pieces.append(part[at:])
        pending = [term for index, term in enumerate(pending) if index not in linked]
        out.append("".join(pieces))
    return mark_safe("".join(out))  # safe: the input was escaped HTML; only our own <a> tags are added


def glossary_terms(language: str | None, exclude: str | None = None) -> list[tuple[str, str]]:
    """(term, url) of every term of the Begrippenlijst, in the page's language and in Dutch, longest first.

    ``exclude``: the slug of the page being shown (a term's own page does not link to itself).
    """
    terms: list[tuple[str, str]] = []
    for entry in Entry.objects.filter(parent__slug=PARENT).exclude(slug=exclude or ""):
        url = entry.get_absolute_url()
        names = {entry.title_nl}
        shown = entry.title_en if language == "en" else entry.title_nl
        if shown and "(" not in shown:  # "Awareness (gewaarzijn)": the Dutch word is the one to find
            names.add(shown)
        terms += [(name, url) for name in names if name]
    return sorted(terms, key=lambda term: -len(term[0]))
