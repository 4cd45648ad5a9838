"""Knowledge-base search with Dutch word forms and accents, on whichever database the suite runs on.

The same tests run on SQLite and on PostgreSQL; the expectations are the user's, not the
implementation's: a plural finds the singular, a derived noun finds its base, accents
are optional, stop words do not count, a title hit ranks above a hit in the text, and
the questions people really ask (``QUESTIONS``, answered from the content files by
reading them) put the entry that answers them among the first three.
"""

from __future__ import annotations

import json

import pytest
from django.test import TestCase

from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.models import Entry, SearchDocument, Source
from edmonitor.knowledge.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS, parse, plain, search, stems
from edmonitor.knowledge.services import load, reindex

pytestmark = pytest.mark.both_databases  # search filters text in the database: case and accents differ per database

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

    def test_an_entry_with_more_of_the_words_ranks_above_one_with_fewer(self):
        self.assertEqual(self.slugs("naasten cliënten"), ["naasten"])
        self.assertEqual(self.slugs("zorg herstellen"), ["herstel", "naasten"])

    def test_an_entry_with_only_some_of_the_words_is_still_found(self):
        self.assertEqual(set(self.slugs("naasten stigma")), {"naasten", "stigma"})
        self.assertEqual(self.slugs("stigma xyzzy"), ["stigma"])

    def test_stop_words_are_left_out_of_the_query(self):
        self.assertEqual(self.slugs("wat is stigma"), ["stigma"])
        self.assertEqual(self.slugs("wat zijn de naasten van een cliënt"), ["naasten"])
        self.assertEqual(parse("wat zijn de kerntaken").words, ["kerntaken"])
        self.assertEqual(parse("what is the role", "en").words, ["role"])

    def test_a_query_of_stop_words_only_finds_nothing_and_says_so(self):
        self.assertEqual(self.slugs("wat is het"), [])
        self.assertTrue(parse("wat is het").only_stop_words)
        self.assertFalse(parse("?!").only_stop_words)

    def test_a_long_query_is_cut_to_the_limits_not_refused(self):
        many = " ".join(f"woord{n}" for n in range(MAX_QUERY_WORDS + 5)) + " stigma"
        query = parse(many)
        self.assertTrue(query.cut)
        self.assertEqual(len(query.words), MAX_QUERY_WORDS)
        self.assertNotIn("stigma", query.words)
        self.assertEqual(self.slugs(many), [])
        long = "stigma " + "x" * (MAX_QUERY_CHARS + 50)
        self.assertTrue(parse(long).cut)
        self.assertLessEqual(len(parse(long).text), MAX_QUERY_CHARS)
        self.assertEqual(self.slugs(long), ["stigma"])
        self.assertFalse(parse("wat is stigma").cut)

    def test_an_entry_is_found_by_the_name_of_its_kind(self):
        self.assertEqual(self.slugs("kritische beroepssituaties"), ["stigma"])
        self.assertEqual(self.slugs("kerntaken"), [])  # no core task among these entries

    def test_a_title_hit_ranks_above_a_hit_in_the_text_only(self):
        self.assertEqual(self.slugs("naasten")[0], "naasten")
        self.assertEqual(self.slugs("stigma")[0], "stigma")
        # "zorg" is a word of one title ("naasten": only in the text)
        self.assertEqual(self.slugs("zorg"), ["herstel", "naasten"])

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

    def test_a_whole_title_word_ranks_above_the_start_of_a_longer_one(self):
        self.add("lang", "Herstelgerichte zorg", "Over zorg.")
        self.add("kort", "Wat herstel is", "Over zorg.")
        found = self.slugs("herstel")
        self.assertEqual(found[0], "kort")
        self.assertLess(found.index("kort"), found.index("lang"))

    def test_equal_hits_come_in_a_fixed_order_the_title_most_covered_first(self):
        self.add("b-twee", "Stigma en schaamte", "Tekst.")
        self.add("a-twee", "Schaamte en stigma", "Tekst.")
        # "Stigma" (the whole title) first; the two half-covered titles by slug
        self.assertEqual(self.slugs("stigma"), ["stigma", "a-twee", "b-twee"])

    def add(self, slug: str, title: str, summary: str) -> None:
        entry = Entry.objects.create(
            slug=slug, kind="concept", title_nl=title, summary_nl=summary, source=Source.objects.get(key="004")
        )
        reindex(entry)

    def test_the_index_holds_one_document_per_object_and_language(self):
        self.assertEqual(SearchDocument.objects.count(), (4 + 1) * 2)


class NormalisationTests(TestCase):
    def test_plain_removes_accents_and_lowers_the_case(self):
        self.assertEqual(plain("Cliënten Casuïstiek CRÈCHE"), "clienten casuistiek creche")

    def test_dutch_word_forms_share_a_stem(self):
        self.assertEqual(stems("ervaringsdeskundigen", "nl"), stems("ervaringsdeskundige", "nl"))
        self.assertEqual(stems("cliënten", "nl"), stems("client", "nl"))
        self.assertEqual(stems("kerntaken", "nl"), stems("kerntaak", "nl"))
        self.assertEqual(stems("beroepssituaties", "nl"), stems("beroepssituatie", "nl"))

    def test_different_words_keep_different_stems(self):
        self.assertNotEqual(stems("begeleiding", "nl"), stems("beleid", "nl"))
        self.assertNotEqual(stems("gesprek", "nl"), stems("sprek", "nl"))

    def test_stop_words_have_no_stems(self):
        self.assertEqual(stems("Wat zijn de kerntaken van het BCP?", "nl"), stems("kerntaken BCP", "nl"))


# Questions as people ask them, and the entry that answers each, chosen by reading the content
# files (not by running the search): (question, slug that must be among the first three[, language]).
QUESTIONS = [
    # the current profile (2022) first; its predecessor's tasks follow (test_newest_edition_first)
    ("kerntaken", "kerntaak-2022-1"),
    ("kerntaak", "kerntaak-2022-1"),
    ("wat zijn de kerntaken", "kerntaak-2022-1"),
    ("kerntaken 2014", "kerntaak-2014-1"),
    ("wat zijn de kerntaken van het BCP-E 2022?", "kerntaak-2022-1"),
    ("ruimte voor ervaringskennis", "kerntaak-2022-1"),
    ("beleid beinvloeden", "kerntaak-2022-3"),
    ("wat doet een ervaringsdeskundige", "begrip-ervaringsdeskundigheid"),
    ("hoe start ik een spiegelgesprek", "spiegelgesprek"),
    ("wat is herstel?", "begrip-herstel"),
    ("welke opleiding heb ik nodig", "route-opleiding-volgen"),
    ("wat zegt LIVE over draagvlak", "live-succes-draagvlak"),
    ("wat is ervaringskennis", "begrip-ervaringskennis"),
    ("verschil tussen ervaringskennis en ervaringsdeskundigheid", "begrip-ervaringskennis-en-ervaringsdeskundigheid"),
    ("ervaringsdeskundigheid", "begrip-ervaringsdeskundigheid"),
    ("kritische beroepssituaties", "begrip-kritische-beroepssituaties"),
    ("nabijheid en afstand", "kritische-situatie-2"),
    ("schaamte en zelfstigma", "kritische-situatie-5"),
    ("zingeving", "kritische-situatie-3"),
    ("wat is kwartiermaken", "praktijkmodule-3-kwartiermaken"),
    ("wat is herstelondersteunende zorg", "basismodule-4-herstelondersteunende-zorg"),
    ("leerdoelen basismodule herstel", "basismodule-1-herstel"),
    ("stigma op de werkvloer", "opdracht-bm2-8"),
    ("inwerken", "tip-werkgever-inwerkperiode-op-maat"),
    ("intervisie en supervisie", "tip-nieuwe-collega-intervisie-en-supervisie"),
    ("betaald of als vrijwilliger werken", "live-dilemma-vrijwilliger-of-betaald"),
    ("functieomschrijving", "live-voorwaarde-functiebeschrijving"),
    ("weerstand bij managers", "live-valkuil-weerstand"),
    ("WRAP", "live-aanbeveling-wrap"),
    ("wat zijn de pijlers", "pijler-methodische-zelfhulp"),
    ("emancipatie", "pijler-emancipatie"),
    ("Moreel Beraad", "moreel-beraad"),
    ("hoe werkt een socratisch gesprek", "socratisch-gesprek"),
    ("MIE gesprek", "mie-gesprek"),
    ("open dialogue", "open-dialogue"),
    ("casuistiek bespreken", "gesprekskaarten-casuistiek"),
    ("what are the core tasks", "kerntaak-2022-1", "en"),
    ("recovery", "begrip-herstel", "en"),
]


class QuestionTests(TestCase):
    """The real content, and the questions its readers ask."""

    @classmethod
    def setUpTestData(cls):
        load(read_content())

    def first(self, query: str, language: str = "nl", n: int = 3) -> list[str]:
        return [hit.obj.slug for hit in search(query, language)[:n]]

    def test_each_question_puts_the_entry_that_answers_it_among_the_first_three(self):
        self.assertGreaterEqual(len(QUESTIONS), 25)
        for question, slug, *language in QUESTIONS:
            with self.subTest(question=question):
                self.assertIn(slug, self.first(question, *language))

    def test_a_question_about_core_tasks_puts_the_seven_core_tasks_first(self):
        core_tasks = {e["slug"] for e in read_content().entries if e["kind"] == "core_task"}
        self.assertEqual(len(core_tasks), 3 + 4)
        for question in ("kerntaken", "kerntaak", "wat zijn de kerntaken", "Kerntaken?"):
            with self.subTest(question=question):
                self.assertEqual(set(self.first(question, n=7)), core_tasks)

    def test_newest_edition_first_the_2022_core_tasks_before_those_of_2014(self):
        # 004 describes the current competency profile (2022, four core tasks); 002 the one of
        # 2014 (three) that it replaced. A reader asking for the core tasks gets today's first.
        editions = {e["slug"]: e.get("edition", "") for e in read_content().entries if e["kind"] == "core_task"}
        for question in ("kerntaken", "wat zijn de kerntaken"):
            with self.subTest(question=question):
                order = [editions[slug][-4:] for slug in self.first(question, n=7)]  # "BCP-E 2022"
                self.assertEqual(order, ["2022"] * 4 + ["2014"] * 3)
