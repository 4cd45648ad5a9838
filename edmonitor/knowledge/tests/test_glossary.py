"""The Begrippenlijst (issue 15 part 5): the jargon of the knowledge base explained in plain Dutch.

The glossary is an entry ``begrippenlijst`` with one child entry per term (kind ``concept``, slug
``begrip-…``), each citing the seed and section where the word appears or is explained, and
relating to the entries and methods that use it. Pages link the first use of a term to its
explanation (``glossary.py``, tested in ``test_glossary_links.py``).
"""

from __future__ import annotations

import json

import pytest

from edmonitor.knowledge.content import read_content

CONTENT = read_content()
ROWS = {row["slug"]: row for row in [*CONTENT.entries, *CONTENT.methods]}
TERMS = [e for e in CONTENT.entries if e.get("parent") == "begrippenlijst"]

# The jargon issue 15 names, each with the word as the knowledge base writes it.
JARGON = {
    "begrip-gewaarzijn": "gewaarzijn",
    "begrip-dialogisme": "dialogisme",
    "begrip-meerstemmigheid": "meerstemmigheid",
    "begrip-epistemische-ongelijkheid": "epistemische ongelijkheid",
    "begrip-consumer-run": "consumer-run",
    "begrip-recalling-the-future": "recalling the future",
    "begrip-peer-support": "peer-support",
    "begrip-stakeholders": "stakeholders",
    "begrip-sparren": "sparren",
    "begrip-dos-en-donts": "do's",
}


def test_the_glossary_explains_every_term_the_issue_names() -> None:
    assert ROWS["begrippenlijst"]["kind"] == "concept"
    assert {e["slug"] for e in TERMS} >= set(JARGON)
    assert all(e["kind"] == "concept" and e["slug"].startswith("begrip-") for e in TERMS)


@pytest.mark.parametrize("slug", sorted(JARGON))
def test_a_term_relates_to_a_page_that_uses_it(slug: str) -> None:
    word = JARGON[slug]
    related = ROWS[slug]["related"]
    using = [s for s in related if word in json.dumps(ROWS[s], ensure_ascii=False).lower()]
    assert using, f"none of {related} uses '{word}'"
