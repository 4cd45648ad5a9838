"""The start page: a list sorted as people read it, a search for coordinators, a title that fits the user."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.urls import reverse

from edmonitor.audits.tests.factories import plan
from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase, make_user


class DashboardTests(BaseTestCase):
    def names_listed(self, response):
        return [o.name for o in response.context["organisations"]]

    def test_the_organisation_list_sorts_without_regard_to_capitals(self):
        for name in ("arkin", "Zuidas Zorg", "antes", "De Hoop"):
            Organisation.objects.create(name=name)
        self.login(self.carol)
        names = self.names_listed(self.client.get(reverse("dashboard")))
        self.assertEqual(names, sorted(names, key=str.casefold))
        self.assertEqual(names.index("antes") + 1, names.index("arkin"))  # not after every capital

    def test_a_coordinator_finds_an_organisation_by_part_of_its_name(self):
        self.login(self.carol)
        response = self.client.get(reverse("dashboard"), {"zoek": "alf"})
        self.assertEqual(self.names_listed(response), ["GGZ Alfa"])
        response = self.client.get(reverse("dashboard"), {"zoek": "bestaat niet"})
        self.assertEqual(self.names_listed(response), [])
        self.assertContains(response, "bestaat niet")  # says what found nothing
        # A search longer than any name is cut, not refused.
        self.assertEqual(self.client.get(reverse("dashboard"), {"zoek": "x" * 10_000}).status_code, 200)

    def test_others_get_no_search_and_their_own_organisations_only(self):
        self.login(self.alice)
        response = self.client.get(reverse("dashboard"), {"zoek": "Beta"})
        self.assertEqual(self.names_listed(response), ["GGZ Alfa"])
        self.assertNotContains(response, 'name="zoek"')

    def test_an_external_auditor_without_organisations_sees_her_audits_under_a_fitting_title(self):
        eva = make_user("eva")
        plan(self.org_a, self.mia, eva)
        self.login(eva)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "<h1>Mijn audits</h1>", html=True)
        self.login(self.mia)
        self.assertContains(self.client.get(reverse("dashboard")), "<h1>Mijn organisaties</h1>", html=True)

    def test_every_page_names_a_favicon_that_exists(self):
        self.login(self.alice)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, 'rel="icon"')
        self.assertIsNotNone(finders.find("edmonitor/favicon.svg"))
