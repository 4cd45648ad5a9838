"""Knowledge-base search with Dutch word forms and accents, on whichever database the suite runs on.

The same tests run on SQLite (Snowball stems in the index) and on PostgreSQL (its
Dutch text search configuration); the expectations are the user's, not the
implementation's: a plural finds the singular, a derived noun finds its base,
accents are optional, and every word of the query must match.
"""

from __future__ import annotations

import json

from django.test import TestCase

from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.models import Entry, SearchDocument
from edmonitor.knowledge.search import plain, search, stems
from edmonitor.knowledge.services import load, reindex

ROLES = {"clients": "welcome", "relatives": "welcome", "experts": "required", "professionals": "welcome",
         "managers": "not_intended", "board": "not_intended"}  # fmt: skip


def text(nl: str, en: str = "") -> dict[str, str]:
    return {"nl": nl, "en": en or nl}


def entry(slug: str, title: str, summary: str, kind: str = "concept", en: str = "") -> dict:
    return {"slug": slug, "kind": kind, "title": text(title, en), "summary": text(summary, en),
            "source": "004", "section": "§1.1"}  # fmt: skip


FILES = [
    (
        "entries.json",
        json.dumps(
            {
                "entries": [
                    entry(
                        "rol",
                        "De rol van de ervaringsdeskundige",
                        "Wat een collega met eigen ervaring doet.",
                        en="The role of the expert by experience",
                    ),  # fmt: skip
                    entry("naasten", "Naasten betrekken", "Cliënten en hun naasten praten mee over de zorg."),
                    entry("stigma", "Stigma", "Over uitsluiting en schaamte.", kind="critical_situation"),
                    entry("herstel", "Herstelondersteunende zorg", "Zorg die herstellen mogelijk maakt."),
                ]
            }
        ),
    ),
    (
        "methods.json",
        json.dumps(
            {
                "methods": [
                    {
                        "slug": "kaarten",
                        "name": text("Gesprekskaarten casuïstiek"),
                        **{
                            k: text(f"{k} van de werkvorm")
                            for k in (
                                "summary",
                                "purpose",
                                "setup",
                                "participants",
                                "yields",
                                "strengths",
                                "limitations",
                            )
                        },
                        "steps": [text("Kies een kaart"), text("Bespreek de casus")],
                        "roles": ROLES,
                        "min_group": 3,
                        "max_group": 8,
                        "aim": "exploration",
                        "source": "004",
                        "section": "§2.12",
                    }  # fmt: skip
                ]
            }
        ),
    ),
]


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load(read_content(FILES))

    def slugs(self, query: str, language: str = "nl", kinds=None) -> list[str]:
        return [hit.obj.slug for hit in search(query, language, kinds)]

    def test_a_plural_finds_the_singular(self):
        self.assertEqual(self.slugs("ervaringsdeskundigen"), ["rol"])

    def test_a_derived_noun_finds_its_base_word(self):
        self.assertEqual(self.slugs("ervaringsdeskundigheid"), ["rol"])

    def test_a_verb_form_finds_the_noun_it_shares_a_stem_with(self):
        self.assertIn("herstel", self.slugs("herstel"))
        self.assertIn("herstel", self.slugs("herstellen"))

    def test_accents_are_optional_in_the_query_and_in_the_text(self):
        self.assertEqual(self.slugs("casuistiek"), ["kaarten"])
        self.assertEqual(self.slugs("casuïstiek"), ["kaarten"])
        self.assertEqual(self.slugs("clienten"), ["naasten"])
        self.assertEqual(self.slugs("CLIËNT"), ["naasten"])

    def test_every_word_of_the_query_must_match(self):
        self.assertEqual(self.slugs("naasten cliënten"), ["naasten"])
        self.assertEqual(self.slugs("naasten stigma"), [])

    def test_a_title_hit_ranks_above_a_hit_in_the_text_only(self):
        self.assertEqual(self.slugs("naasten")[0], "naasten")
        self.assertEqual(self.slugs("stigma")[0], "stigma")

    def test_the_search_can_be_narrowed_to_some_kinds(self):
        self.assertEqual(self.slugs("stigma", kinds=["concept"]), [])
        self.assertEqual(self.slugs("stigma", kinds=["critical_situation"]), ["stigma"])
        self.assertEqual(self.slugs("kaart", kinds=["method"]), ["kaarten"])

    def test_a_method_is_found_by_the_words_of_its_steps(self):
        self.assertEqual(self.slugs("kaart"), ["kaarten"])

    def test_english_searches_the_english_texts_with_the_english_stemmer(self):
        self.assertEqual(self.slugs("experts", language="en"), ["rol"])
        self.assertEqual(self.slugs("ervaringsdeskundigen", language="en"), [])

    def test_an_empty_or_punctuation_only_query_finds_nothing(self):
        self.assertEqual(self.slugs(""), [])
        self.assertEqual(self.slugs("?!"), [])

    def test_an_edit_is_found_after_reindexing(self):
        entry = Entry.objects.get(slug="stigma")
        entry.summary_nl = "Over zelfstigma en kwartiermaken."
        entry.save()
        self.assertEqual(self.slugs("kwartiermaken"), [])
        reindex(entry)
        self.assertEqual(self.slugs("kwartiermaken"), ["stigma"])

    def test_the_index_holds_one_document_per_object_and_language(self):
        self.assertEqual(SearchDocument.objects.count(), (4 + 1) * 2)


class NormalisationTests(TestCase):
    def test_plain_removes_accents_and_lowers_the_case(self):
        self.assertEqual(plain("Cliënten Casuïstiek CRÈCHE"), "clienten casuistiek creche")

    def test_dutch_word_forms_share_a_stem(self):
        self.assertEqual(stems("ervaringsdeskundigen", "nl"), stems("ervaringsdeskundige", "nl"))
        self.assertEqual(stems("cliënten", "nl"), stems("client", "nl"))
