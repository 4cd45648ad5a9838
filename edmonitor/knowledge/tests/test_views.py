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
from edmonitor.knowledge.models import Entry
from edmonitor.testing import BaseTestCase

CONTENT = read_content()
METHODS = {m["slug"]: m for m in CONTENT.methods}


def method_slugs(html: str) -> set[str]:
    return set(re.findall(r'href="/kennisbank/werkvormen/([a-z0-9-]+)/"', html))


def size_stated(method: dict) -> bool:
    return method["min_group"] is not None or method["max_group"] is not None


def fits(method: dict, size: int) -> bool:
    """Within the limits the source states; a method without any never fits a size."""
    low, high = method["min_group"], method["max_group"]
    return size_stated(method) and (low is None or low <= size) and (high is None or high >= size)


def named(method: dict, role: str) -> bool:
    """The source names the role as taking part or as able to join."""
    return method["roles"][role] in ("required", "welcome")


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

    def test_an_entry_page_shows_over_de_bron_apart_with_each_reading_and_where_it_comes_from(self):
        page = self.get("knowledge_entry", "kerntaak-2014-1")
        about = page[page.index("Over de bron") :]
        self.assertNotIn("Over de bron", page[: page.index('class="citation"')])  # below the text and citation
        self.assertIn("De bronnen verschillen", about)
        entry = next(e for e in CONTENT.entries if e["slug"] == "kerntaak-2014-1")
        for difference in entry["sources_differ"]:
            for reading in difference["readings"]:
                self.assertIn(reading["text"]["nl"].replace("'", "&#x27;"), about)
                self.assertIn(f"{SOURCES[reading['source']]['title']} ({SOURCES[reading['source']]['edition']}), "
                              f"{reading['section']}", about)  # fmt: skip
        self.assertIn(entry["about_source"]["nl"], about)

    def test_a_further_citation_is_named_beside_the_source(self):
        page = self.get("knowledge_entry", "kernaanbeveling-managers-1")
        citation = re.search(r'<p class="citation">.*?</p>', page, flags=re.S).group(0)
        self.assertIn("Samenvattingskaart Zorgstandaard Ervaringsdeskundigheid", citation)
        self.assertIn(f"{SOURCES['004']['title']} ({SOURCES['004']['edition']}), §2.1", citation)

    def test_a_page_without_notes_about_its_source_has_no_over_de_bron(self):
        entry = next(e for e in CONTENT.entries if not e.get("about_source") and not e.get("sources_differ"))
        self.assertNotIn("Over de bron", self.get("knowledge_entry", entry["slug"]))

    def test_a_method_page_shows_what_the_source_leaves_out_under_over_de_bron(self):
        page = self.get("knowledge_method", "mindful-communiceren")
        about = page[page.index("Over de bron") :]
        self.assertIn("Beperkingen noemt de bron niet.", about)
        self.assertNotIn("noemt geen beperkingen", page)

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

    def groups(self, **params) -> dict[str, list]:
        response = self.client.get(reverse("knowledge_methods"), params)
        self.assertEqual(response.status_code, 200)
        return {
            name: [m.method.slug for m in response.context[name]]
            for name in ("fitting", "size_not_stated", "not_fitting")
        }

    def test_a_group_size_fits_only_methods_whose_source_states_a_size_that_includes_it(self):
        for size in (2, 8, 9, 30):
            groups = self.groups(group_size=size)
            self.assertEqual(set(groups["fitting"]), {s for s, m in METHODS.items() if fits(m, size)}, size)
            self.assertEqual(set(groups["size_not_stated"]), {s for s, m in METHODS.items() if not size_stated(m)})
        self.assertIn("kampvuurgesprek", self.groups(group_size=8)["fitting"])
        self.assertIn("kampvuurgesprek", self.groups(group_size=9)["not_fitting"])

    def test_a_participant_filter_keeps_only_methods_whose_source_names_every_group_ticked(self):
        for roles in (["clients"], ["relatives", "board"], ["managers"]):
            expected = {s for s, m in METHODS.items() if all(named(m, r) for r in roles)}
            groups = self.groups(present=roles)
            self.assertEqual(set(groups["fitting"]), expected, roles)
            self.assertEqual(groups["size_not_stated"], [], "without a size asked, no size group")

    def test_the_issues_query_clients_experts_and_professionals_for_ten_people(self):
        query = {"present": ["clients", "experts", "professionals"], "group_size": 10}
        groups = self.groups(**query)
        self.assertEqual(groups["fitting"], [])  # no method whose source states a size fits ten people
        self.assertEqual(
            groups["size_not_stated"],
            ["spiegelgesprek", "socratisch-gesprek", "moreel-beraad", "creatieve-dialoog", "open-dialogue",
             "anticipational-dialogue", "waarderend-organiseren"],
        )  # fmt: skip
        self.assertEqual(
            groups["not_fitting"],
            ["kampvuurgesprek", "mindful-communiceren", "co-peer-counselen", "gesprekskaarten-casuistiek",
             "mie-gesprek"],
        )  # fmt: skip
        page = self.get("knowledge_methods", **query)
        self.assertIn("Past: 0 werkvormen", page)
        self.assertIn("Geen grootte genoemd in de bron: 7 werkvormen", page)
        not_fitting = page[page.index('<details class="not-fitting">') :]
        self.assertIn("Past niet: 5 werkvormen, met de reden", not_fitting)

    def test_co_counselling_does_not_fit_ten_people_but_fits_two(self):
        response = self.client.get(reverse("knowledge_methods"), {"group_size": 10})
        co = next(m for m in response.context["not_fitting"] if m.method.slug == "co-peer-counselen")
        self.assertEqual(co.misfits, ("10 deelnemers is te veel (2 mensen)",))
        self.assertIn("co-peer-counselen", self.groups(group_size=2)["fitting"])

    def test_the_mie_conversation_fits_only_the_participants_its_source_names(self):
        response = self.client.get(reverse("knowledge_methods"), {"present": ["clients", "experts"]})
        mie = next(m for m in response.context["not_fitting"] if m.method.slug == "mie-gesprek")
        self.assertEqual(mie.reasons, ("ervaringsdeskundigen nemen deel",))
        self.assertEqual(mie.misfits, ("de bron noemt geen cliënten als deelnemers",))
        self.assertIn("mie-gesprek", self.groups(present=["experts", "managers"])["fitting"])

    def test_every_result_says_why_it_fits(self):
        response = self.client.get(reverse("knowledge_methods"), {"present": ["clients", "managers"], "group_size": 6})
        campfire = next(m for m in response.context["fitting"] if m.method.slug == "kampvuurgesprek")
        self.assertEqual(
            campfire.reasons,
            ("cliënten nemen deel", "managers nemen deel", "past bij 6 deelnemers (hoogstens 8 mensen)"),
        )
        page = response.content.decode()
        self.assertIn("<li>past bij 6 deelnemers (hoogstens 8 mensen)</li>", page)
        moral = next(m for m in response.context["size_not_stated"] if m.method.slug == "moreel-beraad")
        self.assertEqual(moral.reasons, ("cliënten kunnen meedoen", "managers kunnen meedoen"))
        self.assertIn("De bron noemt geen groepsgrootte.", page)

    def test_the_aim_filter_separates_decisions_from_open_exploration(self):
        for aim in ("decision", "exploration"):
            expected = {s for s, m in METHODS.items() if m["aim"] == aim}
            self.assertEqual(set(self.groups(aim=aim)["fitting"]), expected, aim)
        self.assertIn("moreel-beraad", self.groups(aim="decision")["fitting"])

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
        # session, user, two-step verification; the top-level entries with their sources; the methods
        with self.assertNumQueries(5):
            self.get("knowledge")
        # session, user, two-step verification; the methods; the organisations where the viewer works and her
        # roles there (to offer to plan a session: a viewer may not); the core-task choices; the situation
        # choices
        with self.assertNumQueries(8):
            self.get("knowledge_methods")
        # with every filter chosen: session, user, two-step verification; the chosen core task and situation
        # (validating the form); the methods linked to each; the methods; the organisations and roles; the
        # choices
        task = next(slug for m in CONTENT.methods for slug in m["core_tasks"])
        situation = next(slug for m in CONTENT.methods for slug in m["critical_situations"])
        ids = dict(Entry.objects.filter(slug__in=[task, situation]).values_list("slug", "pk"))
        params = {"present": ["clients"], "group_size": 6, "aim": "decision", "core_task": ids[task],
                  "situation": ids[situation]}  # fmt: skip
        with self.assertNumQueries(12):
            response = self.client.get(reverse("knowledge_methods"), params)
        self.assertTrue(response.context["form"].is_valid(), response.context["form"].errors)
        # session, user, two-step verification; the search documents with their entries or methods and
        # sources (however many words)
        for q in ("herstel", "wat zegt LIVE over draagvlak en herstelondersteunende zorg in teams"):
            with self.assertNumQueries(4):
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

    def test_a_result_offers_to_plan_a_session_with_that_method_where_the_user_may_record(self):
        self.client.force_login(self.mia)  # project member of A
        page = self.get("knowledge_methods", group_size=10)
        self.assertIn(reverse("session_create", args=[self.org_a.pk]) + "?methode=open-dialogue", page)
        self.assertNotIn("?methode=co-peer-counselen", page)  # does not fit ten people: no plan link in the list
