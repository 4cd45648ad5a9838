"""The interface speaks Dutch by default and English on request; the demo data loads twice without harm."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from edmonitor.instruments.definition import load_definition
from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase

pytestmark = pytest.mark.both_databases  # the demo data: make demo runs on SQLite


class LanguageTests(BaseTestCase):
    def setUp(self):
        self.login(self.alice)
        self.vie = load_definition("vie-2012.1")
        self.url = reverse("measurement_create", args=[self.org_a.pk])

    def test_the_form_is_dutch_by_default_with_the_dutch_anchor_texts(self):
        response = self.client.get(self.url)
        self.assertContains(response, '<html lang="nl">')
        self.assertContains(response, self.vie.item("8a").anchors[4].get("nl"))
        self.assertContains(response, "Meting opslaan")

    def test_english_can_be_chosen_and_shows_the_english_anchor_texts(self):
        self.client.post(reverse("set_language"), {"language": "en", "next": self.url})
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        response = self.client.get(self.url)
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, self.vie.item("8a").anchors[4].get("en"))
        self.assertContains(response, "Save measurement")


class DemoDataTests(TestCase):
    def test_the_demo_command_loads_users_the_demo_organisation_and_live_and_can_run_twice(self):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=StringIO())
        self.assertIn("edmonitor-demo", out.getvalue())
        demo = Organisation.objects.get(name="GGZ Voorbeeldstad")
        self.assertEqual(demo.measurements.count(), 2)
        self.assertEqual(Measurement.objects.filter(origin=Measurement.Origin.EXAMPLE).count(), 36)
        self.assertEqual(Organisation.objects.count(), 19)
        response = self.client.post(reverse("login"), {"username": "projectleider", "password": "edmonitor-demo"})
        self.assertRedirects(response, reverse("dashboard"), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("organisation", args=[demo.pk])).status_code, 200)


class DutchByDefaultTests(BaseTestCase):
    def test_a_browser_asking_for_english_still_gets_dutch_until_the_user_chooses(self):
        self.login(self.alice)
        response = self.client.get(reverse("dashboard"), headers={"accept-language": "en-US,en;q=0.9"})
        self.assertContains(response, '<html lang="nl">')
        self.assertContains(response, "Mijn organisaties")
