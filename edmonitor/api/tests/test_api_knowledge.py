"""The knowledge base in the API (issue 19): the list, the search, one entry.

The expectations are read off the pages: the search page's result links (and, past the
50 it shows, the hits it was given), the entry page's title, citation and links.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edmonitor.accounts import tokens
from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.models import DialogueMethod, Entry, SuggestionLink
from edmonitor.knowledge.search import MAX_QUERY_WORDS
from edmonitor.knowledge.services import load
from edmonitor.knowledge.views import SHOWN_HITS
from edmonitor.organisations.models import AccessEvent

from .test_api import ApiTestCase, valid_until

pytestmark = pytest.mark.both_databases

QUERIES = {
    "nl": ["kerntaken", "herstel", "wat zijn de kerntaken", "casuistiek bespreken", "naasten", "ervaringsdeskundige"],
    "en": ["core tasks", "recovery", "what are the core tasks", "relatives", "expert by experience", "naasten"],
}
RESULTS = re.compile(r'<ol class="search-results">(.*?)</ol>', re.S)
LINK = re.compile(r'<a href="([^"]+)"')


def path(url: str) -> str:
    return urlsplit(url).path


def section(page: str, title_id: str) -> str:
    found = re.search(rf'<section aria-labelledby="{title_id}">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


class KnowledgeApiTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load(read_content())  # the real content: the search has something to rank

    def setUp(self):
        super().setUp()
        self.login(self.lex)  # any signed-in person reads the knowledge base

    def all_results(self, query: str = "", **params) -> list[dict]:
        """Every result, page after page (the default page size)."""
        url = reverse("api_knowledge")
        response = self.api.get(url, {"q": query, **params} if query else params)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        results = body["results"]
        while body["next"]:
            body = self.api.get(body["next"]).json()
            results += body["results"]
        self.assertEqual(len(results), response.json()["count"])
        return results


class SearchTests(KnowledgeApiTestCase):
    def test_the_search_finds_what_the_search_page_finds_in_the_same_order(self):
        for language, queries in QUERIES.items():
            for query in queries:
                with self.subTest(language=language, query=query):
                    self.api.cookies["django_language"] = language
                    self.client.cookies["django_language"] = language
                    api = [path(r["page"]) for r in self.all_results(query)]
                    page = self.client.get(reverse("knowledge_search"), {"q": query})
                    listed = RESULTS.search(page.content.decode())
                    shown = [html.unescape(href) for href in LINK.findall(listed[1])] if listed else []
                    self.assertEqual(api[:SHOWN_HITS], shown)  # the best ones, as the page lists them
                    hits = page.context["hits"]  # past those the page only counts them
                    self.assertEqual(api, [hit.obj.get_absolute_url() for hit in hits])
                    # a Dutch word searched in English finds nothing, on both; every other query finds something
                    self.assertEqual(bool(api), (language, query) != ("en", "naasten"))

    def test_a_part_narrows_the_search_as_on_the_page(self):
        for part in ("framework", "methods", "live"):
            with self.subTest(part=part):
                api = [path(r["page"]) for r in self.all_results("herstel", part=part)]
                page = self.client.get(reverse("knowledge_search"), {"q": "herstel", "part": part})
                self.assertEqual(api, [hit.obj.get_absolute_url() for hit in page.context["hits"]])
        methods = self.all_results("herstel", part="methods")
        self.assertTrue(methods)
        self.assertEqual({(r["type"], r["kind"], r["url"]) for r in methods}, {("method", "method", None)})
        refused = self.api.get(reverse("api_knowledge"), {"q": "herstel", "part": "alles"})
        self.assertEqual((refused.status_code, list(refused.json())), (400, ["part"]))

    def test_the_answer_says_how_the_query_was_searched(self):
        body = self.api.get(reverse("api_knowledge"), {"q": "wat is de rol"}).json()
        self.assertEqual(body["query"]["words"], ["rol"])
        self.assertEqual(set(body["query"]["stop_words"]), {"wat", "is", "de"})
        only_stop = self.api.get(reverse("api_knowledge"), {"q": "wat is het"}).json()
        self.assertEqual((only_stop["count"], only_stop["query"]["only_stop_words"]), (0, True))
        long = " ".join(f"woord{n}" for n in range(MAX_QUERY_WORDS + 3))
        cut = self.api.get(reverse("api_knowledge"), {"q": long}).json()["query"]
        self.assertEqual((cut["cut"], len(cut["words"])), (True, MAX_QUERY_WORDS))
        self.assertIsNone(self.api.get(reverse("api_knowledge")).json()["query"])

    def test_a_result_shows_what_the_search_page_shows_of_it(self):
        [first, *_rest] = self.all_results("kerntaken")
        entry = Entry.objects.select_related("source").get(slug=first["slug"])
        page = self.client.get(reverse("knowledge_search"), {"q": "kerntaken"}).content.decode()
        first_item = RESULTS.search(page)[1].split("</li>")[0]
        self.assertIn(html.escape(first["title"]), first_item)
        self.assertIn(html.escape(first["summary"]), first_item)
        self.assertIn(html.escape(first["citation"]), first_item)
        self.assertEqual(
            (first["kind"], first["edition"], first["source"]["key"]), (entry.kind, entry.edition, entry.source.key)
        )
        self.assertIsInstance(first["rank"], float)
        self.assertEqual(path(first["url"]), reverse("api_knowledge_entry", args=[entry.slug]))


class ListTests(KnowledgeApiTestCase):
    def test_without_a_query_every_entry_and_method_is_listed_once_in_pages(self):
        first = self.api.get(reverse("api_knowledge")).json()
        total = Entry.objects.count() + DialogueMethod.objects.count()
        self.assertEqual((first["count"], len(first["results"])), (total, 50))
        results = self.all_results()
        entries = [r["slug"] for r in results if r["type"] == "entry"]
        methods = [r["slug"] for r in results if r["type"] == "method"]
        self.assertEqual(sorted(entries), sorted(Entry.objects.values_list("slug", flat=True)))
        self.assertEqual(sorted(methods), sorted(DialogueMethod.objects.values_list("slug", flat=True)))
        self.assertEqual([r["type"] for r in results], ["entry"] * len(entries) + ["method"] * len(methods))
        small = self.api.get(reverse("api_knowledge"), {"page_size": 7, "page": 2}).json()
        self.assertEqual([r["slug"] for r in small["results"]], [r["slug"] for r in results[7:14]])

    def test_a_part_lists_only_its_kinds(self):
        methods = self.all_results(part="methods")
        self.assertEqual(len(methods), DialogueMethod.objects.count())
        route = self.all_results(part="route")
        self.assertEqual({r["kind"] for r in route}, {"route_step", "onboarding_tip"})
        self.assertEqual(len(route), Entry.objects.filter(kind__in=["route_step", "onboarding_tip"]).count())

    def test_a_part_of_an_entry_names_its_parent(self):
        child = Entry.objects.filter(parent__isnull=False).select_related("parent").first()
        assert child is not None
        [listed] = [r for r in self.all_results() if r["slug"] == child.slug]
        self.assertEqual(listed["parent"], child.parent.slug)


class EntryTests(KnowledgeApiTestCase):
    def entry_and_page(self, entry: Entry) -> tuple[dict, str]:
        response = self.api.get(reverse("api_knowledge_entry", args=[entry.slug]))
        self.assertEqual(response.status_code, 200)
        page = self.client.get(reverse("knowledge_entry", args=[entry.slug]))
        return response.json(), page.content.decode()

    def test_an_entry_has_the_text_sources_and_links_its_page_shows(self):
        candidates = {
            "children": Entry.objects.filter(children__isnull=False),
            "methods": Entry.objects.filter(methods_for_task__isnull=False),
            "related": Entry.objects.filter(related__isnull=False),
            "suggested_for": Entry.objects.filter(suggested_for__isnull=False),
            "further_citations": Entry.objects.exclude(also_cites=[]),
        }
        for what, entries in candidates.items():
            entry = entries.distinct().order_by("slug").first()
            assert entry is not None, what
            with self.subTest(what=what, slug=entry.slug):
                body, page = self.entry_and_page(entry)
                self.assertTrue(body[what], what)
                self.assertIn(f"<h1>{html.escape(body['title'])}</h1>", page)
                citation = re.search(r'<p class="citation">(.*?)</p>', page, re.S)[1]
                self.assertEqual(
                    html.unescape(citation.split("</span>", 1)[1]).strip(),
                    "; ".join([body["citation"], *body["further_citations"]]),
                )
                for key, title_id in (("children", "children-title"), ("related", "related-title")):
                    links = [path(ref["page"]) for ref in body[key]]
                    self.assertEqual(links, LINK.findall(section(page, title_id)), key)
                methods = [path(m["page"]) for m in body["methods"]]
                self.assertEqual(methods, LINK.findall(section(page, "methods-title")))
                self.assertEqual(len(body["suggested_for"]), section(page, "suggested-title").count("<li>"))
                for ref in body["children"] + body["related"]:
                    self.assertEqual(path(ref["url"]), reverse("api_knowledge_entry", args=[ref["slug"]]))

    def test_an_entry_with_a_table_and_where_the_sources_differ(self):
        table = Entry.objects.exclude(table={}).first()
        assert table is not None
        body, page = self.entry_and_page(table)
        self.assertEqual(body["table"]["caption"], table.table_view()["caption"])
        self.assertIn(html.escape(body["table"]["caption"]), page)
        differ = Entry.objects.exclude(sources_differ=[]).first()
        if differ is not None:  # the content may have none today
            body, page = self.entry_and_page(differ)
            for difference in body["differences"]:
                for reading in difference["readings"]:
                    self.assertIn(html.escape(reading["citation"]), page)

    def test_a_suggestion_is_given_as_its_page_gives_it(self):
        link = SuggestionLink.objects.filter(entry__isnull=False).select_related("entry", "source").first()
        assert link is not None
        body, _page = self.entry_and_page(link.entry)
        self.assertIn(
            {
                "instrument": link.instrument,
                "item": link.item,
                "rationale": link.rationale_nl,
                "source": link.source.title,
                "section": link.section,
            },
            body["suggested_for"],
        )

    def test_an_unknown_entry_is_not_found(self):
        self.assertEqual(self.api.get(reverse("api_knowledge_entry", args=["bestaat-niet"])).status_code, 404)


class AccessTests(KnowledgeApiTestCase):
    def test_every_token_reads_it_and_nothing_is_logged(self):
        entry = Entry.objects.first()
        assert entry is not None
        urls = [
            reverse("api_knowledge"),
            reverse("api_knowledge") + "?q=herstel",
            reverse("api_knowledge_entry", args=[entry.slug]),
        ]
        before = AccessEvent.objects.count()
        for user in (self.lex, self.bob, self.carol):
            for scope in ("read", "write"):
                _token, raw = tokens.create(user, name=f"k {scope}", scope=scope, expires_on=valid_until())
                client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
                for url in urls:
                    self.assertEqual(client.get(url).status_code, 200, (user, scope, url))
        self.assertEqual(AccessEvent.objects.count(), before)  # public framework content: not in the access log
        for url in urls:
            self.assertEqual(Client().get(url).status_code, 401)  # a token is needed
        self.client.force_login(self.lex)
        self.assertEqual(self.client.get(urls[0]).status_code, 401)  # a browser session is no token

    def test_it_only_reads(self):
        response = self.api.post(reverse("api_knowledge"), "{}", content_type="application/json")
        self.assertEqual(response.status_code, 405)


class QueryCountTests(KnowledgeApiTestCase):
    def test_a_page_of_hundreds_of_rows_costs_a_few_queries(self):
        def count(url: str, params: dict) -> int:
            self.api.get(url, params)  # the token's last use is recorded once
            with CaptureQueriesContext(connection) as queries:
                response = self.api.get(url, params)
            self.assertEqual(response.status_code, 200)
            return len(queries)

        url = reverse("api_knowledge")
        self.assertGreater(Entry.objects.count(), 300)
        # token, entries, methods, their parents: none per row
        self.assertLessEqual(count(url, {"page_size": 500}), 6)
        # token, the search's candidates (with their entries, methods and sources), their parents
        self.assertLessEqual(count(url, {"q": "ervaringsdeskundige", "page_size": 500}), 5)
        entry = Entry.objects.filter(children__isnull=False).first()
        assert entry is not None
        # token, entry, children, related, methods, suggestions
        self.assertLessEqual(count(reverse("api_knowledge_entry", args=[entry.slug]), {}), 8)
