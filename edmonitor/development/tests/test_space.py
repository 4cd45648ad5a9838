"""The personal development space (issue 21, first part): the person's own, and nobody else's.

From the issue: the person owns it, with or without an organisation; a self-assessment per
item over time; evidence linked to one or more items; explicit consent before anything is
kept; exported whole and deleted for real; and no other role, no staff power, no admin page,
no search, no organisation export reaches it.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from edmonitor.development import services
from edmonitor.development.models import Assessment, Evidence, EvidenceItem, Space
from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.models import SearchDocument
from edmonitor.knowledge.services import load as load_knowledge
from edmonitor.testing import BaseTestCase, make_user
from edmonitor.transfer.export import export_organisation

pytestmark = pytest.mark.both_databases  # who reaches personal material: on both databases

SECRET = "Mijn eigen verhaal: de opname in 2019"
CONTENT = read_content()


class SpaceCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_knowledge(CONTENT)  # the framework as shipped: its core tasks, task areas and competences
        cls.items = [e.slug for e in services.map_items()]
        cls.noor = make_user("noor")  # an expert by experience with no organisation at all

    def start(self, user) -> Space:
        space = services.space_of(user)
        services.give_consent(space)
        return space


class OwnSpaceTests(SpaceCase):
    def test_nothing_is_kept_before_the_person_consents(self):
        self.login(self.noor)
        page = self.client.get(reverse("development"))
        self.assertTemplateUsed(page, "development/consent.html")
        self.assertFalse(Space.objects.filter(user=self.noor).exists())  # looking makes nothing
        space = services.space_of(self.noor)
        with self.assertRaises(services.Refused):
            services.assess(space, item=self.items[0], level="begun", on=dt.date(2026, 1, 1))
        self.assertEqual(self.client.post(reverse("development"), {}).status_code, 200)  # unticked: refused
        self.assertIsNone(Space.objects.get(user=self.noor).consent_given_at)
        self.client.post(reverse("development"), {"agree": "on"})
        self.assertTemplateUsed(self.client.get(reverse("development")), "development/home.html")

    def test_a_self_assessment_over_time_and_evidence_linked_to_two_items(self):
        self.start(self.noor)
        self.login(self.noor)
        first, second = self.items[0], self.items[-1]
        url = reverse("development_assess", args=[first])
        self.client.post(url, {"level": "begun", "assessed_on": "2026-01-10", "note": ""})
        self.client.post(url, {"level": "partly", "assessed_on": "2026-06-10", "note": "beter"})
        self.assertEqual(list(Assessment.objects.values_list("level", flat=True)), ["partly", "begun"])
        data = {"kind": "reflection", "title": "Gesprek met een cliënt", "occurred_on": "2026-06-01",
                "text": SECRET, "items": [first, second]}  # fmt: skip
        self.assertRedirects(self.client.post(reverse("development_evidence_create"), data), reverse("development"))
        evidence = Evidence.objects.get()
        self.assertEqual(sorted(evidence.items.values_list("item", flat=True)), sorted([first, second]))
        rows = {r["entry"].slug: r for r in self.client.get(reverse("development")).context["rows"]}
        self.assertEqual(rows[first]["assessment"].level, "partly")
        self.assertEqual((rows[first]["evidence"], rows[second]["evidence"]), (1, 1))

    def test_bad_input_is_refused_and_changes_nothing(self):
        self.start(self.noor)
        self.login(self.noor)
        cases = [
            {"kind": "reflection", "title": "", "occurred_on": "2026-06-01", "items": [self.items[0]]},
            {"kind": "reflection", "title": "x", "occurred_on": "2026-06-01", "items": []},
            {"kind": "reflection", "title": "x", "occurred_on": "2026-06-01", "items": ["bestaat-niet"]},
            {"kind": "dagboek", "title": "x", "occurred_on": "2026-06-01", "items": [self.items[0]]},
            {"kind": "reflection", "title": "x", "occurred_on": "gisteren", "items": [self.items[0]]},
            {"kind": "reflection", "title": "x", "occurred_on": "2026-06-01", "items": [self.items[0]],
             "text": "x" * 20_001},
        ]  # fmt: skip
        for data in cases:
            with self.subTest(data={k: str(v)[:20] for k, v in data.items()}):
                response = self.client.post(reverse("development_evidence_create"), data)
                self.assertContains(response, "error-summary")
        self.assertFalse(Evidence.objects.exists())
        self.assertEqual(self.client.get(reverse("development_assess", args=["bestaat-niet"])).status_code, 404)

    def test_export_holds_everything_and_delete_removes_everything(self):
        space = self.start(self.noor)
        services.assess(space, item=self.items[0], level="fully", on=dt.date(2026, 2, 2), note="n")
        services.save_evidence(space, kind="course", title="Basismodule", text=SECRET, occurred_on=dt.date(2026, 3, 3),
                               items=[self.items[1]])  # fmt: skip
        self.login(self.noor)
        document = json.loads(self.client.get(reverse("development_export")).content)
        self.assertEqual((document["format"], document["version"]), ("edmonitor-development", 1))
        self.assertEqual(document["assessments"][0]["item"], self.items[0])
        self.assertEqual(document["evidence"][0]["text"], SECRET)
        self.assertEqual(document["evidence"][0]["items"], [self.items[1]])
        wrong = self.client.post(reverse("development_delete"), {"confirm": "ja"})
        self.assertContains(wrong, "VERWIJDEREN")
        self.assertTrue(Evidence.objects.exists())
        self.client.post(reverse("development_delete"), {"confirm": "verwijderen"})
        for model in (Space, Assessment, Evidence, EvidenceItem):
            self.assertFalse(model.objects.exists(), model.__name__)


class NobodyElseTests(SpaceCase):
    """No other person, role or power reaches a space's material."""

    def setUp(self):
        self.space = self.start(self.mia)
        self.evidence = services.save_evidence(
            self.space, kind="reflection", title="Nabijheid en afstand", text=SECRET,
            occurred_on=dt.date(2026, 5, 5), items=[self.items[0]],
        )  # fmt: skip

    def test_no_other_person_whatever_their_role_reaches_it(self):
        urls = [
            reverse("development_evidence", args=[self.evidence.pk]),
            reverse("development_evidence_delete", args=[self.evidence.pk]),
        ]
        # alice is mia's organisation admin, carol a coordinator (staff and superuser), bob elsewhere
        for other in (self.alice, self.carol, self.bob, self.noor):
            client = Client()
            client.force_login(other)
            for url in urls:
                self.assertEqual(client.get(url).status_code, 404, (other, url))
                self.assertEqual(client.post(url, {"title": "overschreven"}).status_code, 404, (other, url))
            for own_page in (reverse("development"), reverse("development_export")):
                self.assertNotContains(client.get(own_page), SECRET)
        self.evidence.refresh_from_db()
        self.assertEqual(self.evidence.title, "Nabijheid en afstand")

    def test_no_admin_page_search_or_organisation_export_holds_it(self):
        development_models = set(apps.get_app_config("development").get_models())
        self.assertFalse(development_models & set(admin.site._registry), "the admin site must not show a space")
        self.assertFalse(SearchDocument.objects.filter(text__contains="de opname in 2019").exists())
        self.client.force_login(self.carol)
        self.assertNotContains(self.client.get(reverse("knowledge_search"), {"q": "eigen verhaal opname"}), SECRET)
        document = json.dumps(export_organisation(self.org_a), default=str)
        self.assertNotIn(SECRET, document)
        self.assertNotIn("Nabijheid en afstand", document)
