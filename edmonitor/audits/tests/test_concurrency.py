"""Two people saving the same audit never silently overwrite each other."""

from __future__ import annotations

import pytest
from django.test import Client, SimpleTestCase
from django.urls import reverse

from edmonitor.core.concurrency import Conflict, fingerprint, merge
from edmonitor.testing import BaseTestCase, make_user

from .factories import plan, rate

pytestmark = pytest.mark.both_databases  # concurrent saves: locking differs per database


def shown_form(client: Client, url: str) -> dict[str, str]:
    """The data the page's form would post back unchanged, as a browser would."""
    form = client.get(url).context["form"]
    data = {}
    for field in form:
        value = field.value()
        data[field.html_name] = "" if value is None else str(value)
    return data


class MergeTests(SimpleTestCase):
    def test_fields_the_user_left_alone_are_not_written(self):
        original = {"a": fingerprint("x"), "b": fingerprint("y")}
        self.assertEqual(merge(original, {"a": "x2", "b": "y"}, {"a": "x", "b": "y3"}), {"b": "y3"})

    def test_the_same_field_changed_by_both_is_a_conflict(self):
        original = {"a": fingerprint("x")}
        with self.assertRaises(Conflict) as conflict:
            merge(original, {"a": "theirs"}, {"a": "mine"})
        self.assertEqual(conflict.exception.fields, ["a"])
        self.assertEqual(conflict.exception.current, {"a": "theirs"})

    def test_both_making_the_same_change_is_no_conflict(self):
        self.assertEqual(merge({"a": fingerprint("x")}, {"a": "same"}, {"a": "same"}), {})

    def test_an_unknown_original_counts_as_a_conflict_when_values_differ(self):
        with self.assertRaises(Conflict):
            merge({}, {"a": "stored"}, {"a": "mine"})


class SimultaneousSavesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")

    def setUp(self):
        self.audit = plan(self.org_a, self.mia, self.eva)
        self.notes_url = reverse("audit_notes", kwargs={"pk": self.org_a.pk, "audit_pk": self.audit.pk})
        self.mia_client, self.eva_client = Client(), Client()
        self.mia_client.force_login(self.mia)
        self.eva_client.force_login(self.eva)

    def notes(self, theme: str) -> str:
        return self.audit.themes.get(theme_id=theme).notes

    def test_the_second_save_of_the_same_field_is_refused_and_shows_the_first(self):
        mine, theirs = shown_form(self.mia_client, self.notes_url), shown_form(self.eva_client, self.notes_url)
        self.mia_client.post(self.notes_url, {**mine, "notes_1": "Versie van Mia"})
        response = self.eva_client.post(self.notes_url, {**theirs, "notes_1": "Versie van Eva"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Versie van Mia")  # what is stored now is shown
        self.assertContains(response, "door iemand anders gewijzigd")
        self.assertEqual(self.notes("1"), "Versie van Mia")
        # Eva's text is still in her form; saving again (having seen Mia's) is a deliberate choice and goes through.
        again = {field.html_name: field.value() or "" for field in response.context["form"]}
        self.assertEqual(again["notes_1"], "Versie van Eva")
        self.eva_client.post(self.notes_url, again)
        self.assertEqual(self.notes("1"), "Versie van Eva")

    def test_changes_to_different_fields_are_both_kept(self):
        mine, theirs = shown_form(self.mia_client, self.notes_url), shown_form(self.eva_client, self.notes_url)
        self.mia_client.post(self.notes_url, {**mine, "notes_1": "Mia over thema 1"})
        response = self.eva_client.post(self.notes_url, {**theirs, "notes_2": "Eva over thema 2"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.notes("1"), "Mia over thema 1")
        self.assertEqual(self.notes("2"), "Eva over thema 2")

    def test_consensus_saved_by_both_at_once_conflicts(self):
        rate(self.audit, self.mia, {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3})
        rate(self.audit, self.eva, {"1": 4, "2": 4, "3": 4, "4": 4, "5": 4})
        url = reverse("audit_consensus", kwargs={"pk": self.org_a.pk, "audit_pk": self.audit.pk})
        mine, theirs = shown_form(self.mia_client, url), shown_form(self.eva_client, url)
        self.mia_client.post(url, {**mine, "consensus_1": "3"})
        response = self.eva_client.post(url, {**theirs, "consensus_1": "4"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.audit.themes.get(theme_id="1").consensus, 3)
