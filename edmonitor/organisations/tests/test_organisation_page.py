"""The organisation page: measurements over time and the change between any two of them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from edmonitor.audits.tests.factories import finalised, plan
from edmonitor.improvement.services import create_action, set_goal
from edmonitor.testing import BaseTestCase, make_measurement

FIRST = {"1a": 2, "2a": 2, "3a": 1, "4a": 2, "5a": 1, "6a": 2, "7a": 3, "8a": 2, "9a": 3, "10a": 1}  # 19 -> 1.9
SECOND = {"1a": 3, "2a": 4, "3a": 1, "4a": 2, "5a": 2, "6a": 4, "7a": 3, "8a": 2, "9a": 4, "10a": 3}  # 28 -> 2.8


class OrganisationPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = make_measurement(cls.org_a, FIRST, on=dt.date(2024, 5, 1), label="beginmeting")
        cls.second = make_measurement(cls.org_a, SECOND, on=dt.date(2025, 5, 1), label="eindmeting")

    def setUp(self):
        self.login(self.lex)

    def test_it_lists_measurements_in_date_order_with_total_and_level(self):
        response = self.client.get(reverse("organisation", args=[self.org_a.pk]))
        rows = response.context["rows"]
        self.assertEqual([r["measurement"].label for r in rows], ["beginmeting", "eindmeting"])
        self.assertEqual([str(r["measurement"].total) for r in rows], ["1.9", "2.8"])
        self.assertEqual([r["measurement"].level for r in rows], ["laag", "midden"])
        self.assertEqual([r["change"] for r in rows][1], rows[1]["measurement"].total - rows[0]["measurement"].total)
        self.assertContains(response, "1,9")
        self.assertContains(response, "+0,9")

    def test_a_long_history_shows_the_ten_newest_and_all_on_request(self):
        for year in range(2013, 2023):  # ten more, older than the two of setUpTestData (2025)
            make_measurement(self.org_a, FIRST, on=dt.date(year, 5, 1), label=f"meting {year}")
        url = reverse("organisation", args=[self.org_a.pk])
        response = self.client.get(url)
        labels = [r["measurement"].label for r in response.context["rows"]]
        self.assertEqual(labels, [f"meting {year}" for year in range(2015, 2023)] + ["beginmeting", "eindmeting"])
        self.assertContains(response, "De 10 nieuwste metingen van 12 staan hier.")
        self.assertContains(response, 'href="?alle=1#measurements"')
        # both comparison lists still offer all twelve
        self.assertEqual(response.content.decode().count("meting 2013"), 2)
        everything = self.client.get(url, {"alle": "1"})
        self.assertEqual(len(everything.context["rows"]), 12)
        self.assertNotContains(everything, 'href="?alle=1')

    def test_it_shows_the_change_per_item_between_two_chosen_measurements(self):
        response = self.client.get(
            reverse("organisation", args=[self.org_a.pk]), {"a": self.first.pk, "b": self.second.pk}
        )
        comparison = response.context["comparison"]
        changes = {row.item.id: row.change for row in comparison.items}
        self.assertEqual(changes, {k: SECOND[k] - FIRST[k] for k in FIRST})
        self.assertEqual(str(comparison.total_change), "0.9")

    def test_the_comparison_works_backwards_too(self):
        response = self.client.get(
            reverse("organisation", args=[self.org_a.pk]), {"a": self.second.pk, "b": self.first.pk}
        )
        changes = {row.item.id: row.change for row in response.context["comparison"].items}
        self.assertEqual(changes["2a"], -2)

    def test_a_measurement_of_another_organisation_cannot_be_compared(self):
        other = make_measurement(self.org_b, FIRST)
        response = self.client.get(reverse("organisation", args=[self.org_a.pk]), {"a": self.first.pk, "b": other.pk})
        self.assertIsNone(response.context["comparison"])
        self.assertNotContains(response, "RIBW Beta")

    def test_the_page_needs_the_same_number_of_queries_however_many_measurements(self):
        url = reverse("organisation", args=[self.org_a.pk])
        scores = {t: 3 for t in "12345"}
        finalised(self.org_a, self.mia, self.lex, scores, scores, scores, on=dt.date(1999, 1, 1))
        self.client.get(url)  # warm the session
        # 1 session, 2 user, 3 two-step verification, 4 the organisation among those visible to the
        # user, 5 the user's roles (cached for the request), 6 measurements as values, joined with
        # their facility and instrument version, 7 audits as values likewise, 8 their instrument
        # version (by key), 9 their themes, 10 their auditors, 11 overdue improvement actions with their
        # facility, 12 goals not yet judged with their facility and whether a follow-up exists
        # (a subquery), 13 facilities, 14 the access log's entry
        with self.assertNumQueries(14):
            self.client.get(url)
        for year in range(2000, 2010):
            make_measurement(self.org_a, FIRST, on=dt.date(year, 1, 1))
            finalised(self.org_a, self.mia, self.lex, scores, scores, scores, on=dt.date(year, 6, 1))
            create_action(organisation=self.org_a, title=f"Actie {year}", owner="x", due_on=dt.date(year, 2, 1))
        for item in ("2a", "6a"):
            set_goal(organisation=self.org_a, instrument="vie", item=item, goal_type="at_least", target=5,
                     set_on=dt.date(2005, 1, 1), facility=self.facility_a)  # fmt: skip
        plan(self.org_a, self.mia, self.lex)
        with self.assertNumQueries(14):
            response = self.client.get(url)
        self.assertEqual(len(response.context["attention"].overdue_actions), 10)
