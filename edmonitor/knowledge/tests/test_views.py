"""The knowledge-base pages with the real content: overview, search, entries, methods and their filters.

Expected results are computed from the content files themselves (``read_content``),
not from the database the pages read, so a loading or filtering mistake shows.
"""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from edmonitor.knowledge.content import SOURCES, read_content
from edmonitor.testing import BaseTestCase

CONTENT = read_content()
METHODS = {m["slug"]: m for m in CONTENT.methods}


def method_slugs(html: str) -> set[str]:
    return set(re.findall(r'href="/kennisbank/werkvormen/([a-z0-9-]+)/"', html))


def fits(method: dict, size: int) -> bool:
    low, high = method["min_group"], method["max_group"]
    return (low is None or low <= size) and (high is None or high >= size)


class KnowledgePageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("load_knowledge", stdout=StringIO())

    def setUp(self):
        self.client.force_login(self.lex)  # a viewer: the knowledge base is for every logged-in user

    def get(self, name: str, *args, **params) -> str:
        response = self.client.get(reverse(name, args=args), params)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_overview_keeps_both_editions_of_the_core_tasks(self):
        page = self.get("knowledge")
        self.assertIn("Kerntaak (BCP 2014)", page)
        self.assertIn("Kerntaak (BCP-E 2022)", page)
        for entry in CONTENT.entries:
            if entry["kind"] == "core_task":
                self.assertIn(reverse("knowledge_entry", args=[entry["slug"]]), page)

    def test_an_entry_page_cites_its_source_and_section(self):
        entry = next(e for e in CONTENT.entries if e["kind"] == "critical_situation")
        page = self.get("knowledge_entry", entry["slug"])
        self.assertIn(SOURCES[entry["source"]]["title"], page)
        self.assertIn(entry["section"], page)
        self.assertIn(SOURCES[entry["source"]]["edition"], page)
        self.assertNotIn(SOURCES[entry["source"]]["file"], page)  # cited by title, not by file name

    def test_a_module_page_lists_its_learning_goals(self):
        module = next(e for e in CONTENT.entries if e["kind"] == "module")
        goals = [e for e in CONTENT.entries if e.get("parent") == module["slug"] and e["kind"] == "learning_goal"]
        page = self.get("knowledge_entry", module["slug"])
        for goal in goals:
            self.assertIn(reverse("knowledge_entry", args=[goal["slug"]]), page)

    def test_searching_a_plural_finds_the_key_recommendations_for_experts(self):
        page = self.get("knowledge_search", q="ervaringsdeskundigen")
        for entry in CONTENT.entries:
            if entry["kind"] == "key_recommendation" and "ervaringsdeskundige" in entry["title"]["nl"].lower():
                self.assertIn(reverse("knowledge_entry", args=[entry["slug"]]), page)
        self.assertRegex(page, r"\d+ resultaten voor “ervaringsdeskundigen”")

    def test_searching_without_accents_finds_the_conversation_cards(self):
        page = self.get("knowledge_search", q="casuistiek", part="methods")
        self.assertIn("gesprekskaarten-casuistiek", method_slugs(page))

    def test_a_search_without_hits_says_so_and_suggests_what_to_try(self):
        page = self.get("knowledge_search", q="xyzzyquux")
        self.assertIn("0 resultaten", page)
        self.assertIn("Probeer", page)
        self.assertIn("0 resultaten", self.get("knowledge_search", q="?!"))

    def test_a_question_about_the_core_tasks_lists_the_core_tasks_first(self):
        page = self.get("knowledge_search", q="wat zijn de kerntaken")
        core_tasks = [e["slug"] for e in CONTENT.entries if e["kind"] == "core_task"]
        first = re.findall(r'href="/kennisbank/([a-z0-9-]+)/"', page.split('class="search-results"')[1])
        self.assertEqual(set(first[: len(core_tasks)]), set(core_tasks))

    def test_a_search_of_common_words_only_explains_why_nothing_is_searched(self):
        page = self.get("knowledge_search", q="wat is het")
        self.assertIn("alleen heel gewone woorden", page)
        self.assertNotIn("search-results", page)
        self.assertNotIn("resultaten", page)

    def test_a_search_too_long_is_cut_with_a_message_not_refused(self):
        words = " ".join(["herstel"] + [f"woord{n}" for n in range(20)])
        page = self.get("knowledge_search", q=words)
        self.assertIn("Uw zoekvraag was lang", page)
        self.assertIn(reverse("knowledge_entry", args=["begrip-herstel"]), page)
        page = self.get("knowledge_search", q="herstel " + "x" * 300)
        self.assertIn("Uw zoekvraag was lang", page)
        self.assertIn(reverse("knowledge_entry", args=["begrip-herstel"]), page)
        self.assertNotIn("Uw zoekvraag was lang", self.get("knowledge_search", q="herstel"))

    def test_a_group_size_filter_keeps_only_methods_that_suit_that_many_people(self):
        for size in (2, 8, 9, 30):
            expected = {slug for slug, m in METHODS.items() if fits(m, size)}
            self.assertEqual(method_slugs(self.get("knowledge_methods", group_size=size)), expected, size)
        self.assertNotIn("kampvuurgesprek", method_slugs(self.get("knowledge_methods", group_size=9)))

    def test_a_participant_filter_leaves_out_methods_not_meant_for_that_group(self):
        for roles in (["clients"], ["relatives", "board"], ["managers"]):
            expected = {s for s, m in METHODS.items() if all(m["roles"][r] != "not_intended" for r in roles)}
            self.assertEqual(method_slugs(self.get("knowledge_methods", present=roles)), expected, roles)

    def test_the_aim_filter_separates_decisions_from_open_exploration(self):
        for aim in ("decision", "exploration"):
            expected = {s for s, m in METHODS.items() if m["aim"] == aim}
            self.assertEqual(method_slugs(self.get("knowledge_methods", aim=aim)), expected, aim)
        self.assertIn("moreel-beraad", method_slugs(self.get("knowledge_methods", aim="decision")))

    def test_a_bad_filter_value_is_explained_and_filters_nothing(self):
        page = self.get("knowledge_methods", group_size="veel")
        self.assertIn('aria-invalid="true"', page)
        self.assertEqual(method_slugs(page), set(METHODS))

    def test_a_method_page_lists_its_steps_in_order_and_its_participants(self):
        method = METHODS["moreel-beraad"]
        page = self.get("knowledge_method", "moreel-beraad")
        positions = [page.index(step["nl"][:40].replace("'", "&#x27;")) for step in method["steps"]]
        self.assertEqual(positions, sorted(positions))
        self.assertEqual(len(method["steps"]), 7)
        self.assertIn("Deelnemers per rol", page)

    def test_pages_use_a_fixed_number_of_queries(self):
        # session, user; the top-level entries with their sources; the methods
        with self.assertNumQueries(4):
            self.get("knowledge")
        # session, user; the methods with their step counts; the core-task choices; the situation choices
        with self.assertNumQueries(5):
            self.get("knowledge_methods")
        # session, user; the search documents with their entries or methods and sources (however many words)
        for q in ("herstel", "wat zegt LIVE over draagvlak en herstelondersteunende zorg in teams"):
            with self.assertNumQueries(3):
                self.get("knowledge_search", q=q)

    def test_an_unknown_slug_is_not_found(self):
        self.assertEqual(self.client.get(reverse("knowledge_entry", args=["bestaat-niet"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("knowledge_method", args=["bestaat-niet"])).status_code, 404)

    def test_a_method_page_offers_to_plan_a_session_where_the_user_may_record(self):
        url = reverse("session_create", args=[self.org_a.pk]) + "?methode=moreel-beraad"
        self.client.force_login(self.mia)  # project member of A
        self.assertIn(url, self.get("knowledge_method", "moreel-beraad"))
        self.client.force_login(self.lex)  # viewer of A: may not record
        self.assertNotIn(reverse("session_create", args=[self.org_a.pk]), self.get("knowledge_method", "moreel-beraad"))
