"""Suggestions on the report and the audit page: the weakest items, each with its reasoned links."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse

from edmonitor.audits.tests.factories import finalised
from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.services import load
from edmonitor.knowledge.suggestions import weakest
from edmonitor.testing import BaseTestCase, make_measurement

from .test_search import FILES


def link(instrument: str, item: str, target: str, why: str) -> dict:
    return {"instrument": instrument, "item": item, "target": target, "rationale": {"nl": why, "en": why},
            "source": "003", "section": "§4.1"}  # fmt: skip


LINKS = [
    link("vie", "1a", "rol", "Meer ervaringsdeskundigen aannemen."),
    link("vie", "1a", "kaarten", "Bespreek het samen."),
    link("vie", "6a", "naasten", "Een plek om elkaar te treffen."),
    link("vie", "9a", "stigma", "Scholing helpt."),
    link("mie", "2", "kaarten", "Praat over de positie."),
]


class WeakestTests(BaseTestCase):
    def test_the_lowest_scores_below_four_come_first_ties_in_instrument_order(self):
        scored = [("1a", "", 3), ("2a", "", 1), ("3a", "", 4), ("4a", "", 2), ("5a", "", 1), ("6a", "", None)]
        self.assertEqual([i for i, _l, _s in weakest(scored)], ["2a", "5a", "4a"])

    def test_at_most_three_even_when_more_share_the_lowest_score(self):
        scored = [(f"{n}a", "", 2) for n in range(1, 11)]
        self.assertEqual([i for i, _l, _s in weakest(scored)], ["1a", "2a", "3a"])

    def test_scores_of_four_and_five_and_missing_scores_give_no_suggestion(self):
        self.assertEqual(weakest([("1a", "", 4), ("2a", "", 5), ("3a", "", None)]), [])


class SuggestionPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load(read_content([*FILES, ("links.json", json.dumps({"links": LINKS}))]))
        # 1a derives 1 from no paid experts; 6a and 9a are chosen; every other item 4 or 5
        cls.scores = {"2a": 4, "3a": 5, "4a": 4, "5a": 4, "6a": 2, "7a": 5, "8a": 4, "9a": 3, "10a": 5}

    def test_the_report_names_the_weakest_items_with_their_links_and_reasons(self):
        make_measurement(self.org_a, {"1a": 1, **self.scores}, on=dt.date(2025, 1, 1))
        self.client.force_login(self.lex)
        page = self.client.get(reverse("organisation_report", args=[self.org_a.pk])).content.decode()
        section = page[page.index('id="vie-suggestions-title"') :]
        self.assertLess(section.index("Item 1a"), section.index("Item 6a"))
        self.assertLess(section.index("Item 6a"), section.index("Item 9a"))
        for why in ("Meer ervaringsdeskundigen aannemen.", "Bespreek het samen.", "Een plek om elkaar te treffen."):
            self.assertIn(why, section)
        self.assertIn(reverse("knowledge_method", args=["kaarten"]), section)
        self.assertIn(reverse("knowledge_entry", args=["rol"]), section)

    def test_a_report_without_low_scores_shows_no_suggestions(self):
        make_measurement(self.org_a, {"1a": 5, **{k: 5 for k in self.scores}}, on=dt.date(2025, 1, 1))
        self.client.force_login(self.lex)
        page = self.client.get(reverse("organisation_report", args=[self.org_a.pk])).content.decode()
        self.assertNotIn("vie-suggestions-title", page)

    def test_the_audit_page_suggests_for_the_weakest_consensus_themes(self):
        themes = {"1": 4, "2": 1, "3": 4, "4": 5, "5": 4}
        audit = finalised(self.org_a, self.mia, self.alice, themes, themes, themes, on=dt.date(2025, 3, 1))
        self.client.force_login(self.lex)
        page = self.client.get(reverse("audit", args=[self.org_a.pk, audit.pk])).content.decode()
        section = page[page.index('id="mie-suggestions-title"') :]
        self.assertIn("Praat over de positie.", section)
        self.assertIn("Thema 2", section)
