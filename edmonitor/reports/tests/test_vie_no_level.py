"""A VIE total over fewer than ten items has no level, and the pages say why (issue 15, item 2.14).

003 §5.2: "Per item wordt een score toegekend en vervolgens wordt de eindscore over alle items
berekend. De eindscore ... kan worden ingedeeld in drie categorieën: laag, midden en hoog." A mean
over nine items is not that end score, so it keeps its warning and gets no level.
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

from django.apps import apps as django_apps
from django.urls import reverse

from edmonitor.measurements.models import Measurement
from edmonitor.programmes.models import Participation, Programme
from edmonitor.testing import BaseTestCase, make_measurement

NINE = {"1a": 4, "2a": 4, "3a": 4, "4a": 4, "5a": 4, "6a": 4, "7a": 4, "8a": 4, "9a": 4}  # 4.0: hoog over ten
TEN = {**NINE, "10a": 4}
REASON = "Geen niveau: maar 9 van de 10 items hebben een score. De niveaus gelden voor de eindscore over alle items"


class NoLevelBelowTenItemsTests(BaseTestCase):
    def test_a_measurement_of_nine_items_has_a_total_and_no_level(self):
        nine = make_measurement(self.org_a, NINE)
        ten = make_measurement(self.org_a, TEN, on=dt.date(2025, 6, 1))
        self.assertEqual((nine.total, nine.level), (Decimal("4.0"), ""))
        self.assertEqual((ten.total, ten.level), (Decimal("4.0"), "hoog"))

    def test_the_measurement_page_shows_the_total_no_level_and_why(self):
        nine = make_measurement(self.org_a, NINE)
        self.login(self.lex)
        response = self.client.get(reverse("measurement", args=[self.org_a.pk, nine.pk]))
        self.assertIsNone(response.context["level"])
        self.assertContains(response, "4,0")
        self.assertContains(response, "Het krijgt geen niveau")
        self.assertContains(response, "eindscore over alle items (003 §5.2)")

    def test_the_report_shows_the_total_and_says_why_there_is_no_level(self):
        make_measurement(self.org_a, NINE)
        self.login(self.lex)
        response = self.client.get(reverse("organisation_report", args=[self.org_a.pk]))
        self.assertIsNone(response.context["report"].vie.level)
        self.assertContains(response, REASON)
        self.assertNotContains(response, "level-hoog")

    def test_the_programme_levels_table_counts_the_measurements_without_a_level(self):
        programme = Programme.objects.create(name="P")
        for organisation, baseline, followup in (
            (self.org_a, NINE, TEN),
            (self.org_b, TEN, TEN),
        ):
            Participation.objects.create(
                programme=programme,
                organisation=organisation,
                baseline=make_measurement(organisation, baseline, on=dt.date(2024, 1, 1)),
                followup=make_measurement(organisation, followup, on=dt.date(2025, 1, 1)),
            )
        self.login(self.carol)
        response = self.client.get(reverse("programme", args=[programme.pk]))
        result = response.context["report"].result
        self.assertEqual(result.levels["baseline"]["hoog"], 1)
        self.assertEqual(result.without_level, {"baseline": 1, "followup": 0})
        self.assertContains(response, "Geen niveau: items ontbreken")
        self.assertContains(response, "krijgt geen niveau")
        csv = self.client.get(reverse("programme_table", args=[programme.pk, "levels", "csv"]))
        self.assertIn('"Geen niveau: items ontbreken";1;0', csv.content.decode("utf-8-sig"))


class MigrationTests(BaseTestCase):
    def test_the_data_migration_clears_stored_levels_of_totals_over_fewer_items_and_can_go_back(self):
        nine = make_measurement(self.org_a, NINE)
        ten = make_measurement(self.org_a, TEN, on=dt.date(2025, 6, 1))
        Measurement.objects.filter(pk=nine.pk).update(level="hoog")  # as stored by the old rule
        migration = importlib.import_module("edmonitor.measurements.migrations.0003_measurement_level_needs_every_item")
        migration.clear_partial_levels(django_apps, None)
        self.assertEqual(Measurement.objects.get(pk=nine.pk).level, "")
        self.assertEqual(Measurement.objects.get(pk=ten.pk).level, "hoog")
        migration.restore_partial_levels(django_apps, None)
        self.assertEqual(Measurement.objects.get(pk=nine.pk).level, "hoog")
