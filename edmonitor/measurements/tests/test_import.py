"""Importing VIE measurements from a CSV file on the organisation page: all rows or none."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from edmonitor.measurements.models import Measurement
from edmonitor.testing import BaseTestCase

GOOD = (
    "organisation;measured_on;label;item_1a;item_2a;goal_1b;staff_fte;ed_fte\n"
    "GGZ Alfa;2025-03-01;begin;;2;C;1000;1,5\n"
    "ggz alfa;2026-03-01;vervolg;4;3;D;;\n"
)


class MeasurementImportTests(BaseTestCase):
    def post(self, content: str | bytes, user=None, name="metingen.csv"):
        self.client.force_login(user or self.mia)
        data = content.encode() if isinstance(content, str) else content
        return self.client.post(
            reverse("measurement_import", args=[self.org_a.pk]), {"file": SimpleUploadedFile(name, data)}
        )

    def test_a_good_file_becomes_measurements_scored_by_the_engine(self):
        response = self.post(GOOD)
        self.assertRedirects(response, reverse("organisation", args=[self.org_a.pk]))
        first, second = Measurement.objects.filter(organisation=self.org_a).order_by("measured_on")
        scores = {r.item_id: (r.score, r.derived) for r in first.responses.all() if r.score}
        self.assertEqual(scores, {"1a": (2, True), "2a": (2, False)})  # 1.5 per 1000 fte: 0 < r <= 2 scores 2
        self.assertEqual(first.responses.get(item_id="1a").goal_code, "C")
        self.assertEqual((second.label, second.total), ("vervolg", Decimal("3.5")))
        self.assertEqual({first.origin, second.origin}, {"import"})

    def test_one_bad_row_imports_nothing_and_names_every_problem(self):
        bad = GOOD + "GGZ Alfa;2026-04-01;x;7;2;Q;;\nRIBW Beta;2026-05-01;y;1;;;;\nGGZ Alfa;;z;1;;;;\n"
        response = self.post(bad)
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors["file"]
        text = " ".join(errors)
        self.assertIn("rij 4, kolom item_1a", text)
        self.assertIn("rij 4, kolom goal_1b", text)
        self.assertIn("RIBW Beta", text)
        self.assertIn("rij 6, kolom measured_on: De datum ontbreekt", text)
        self.assertFalse(Measurement.objects.exists())

    def test_files_that_are_no_text_or_too_large_are_refused(self):
        self.assertIn("UTF-8", " ".join(self.post(b"PK\x03\x04\x00\x00binary").context["form"].errors["file"]))
        with override_settings(EDMONITOR_MAX_IMPORT_BYTES=50):
            self.assertIn("te groot", " ".join(self.post(GOOD).context["form"].errors["file"]))
        self.assertFalse(Measurement.objects.exists())

    def test_only_those_who_may_record_can_import(self):
        self.assertEqual(self.post(GOOD, user=self.lex).status_code, 403)
        self.assertEqual(self.post(GOOD, user=self.bob).status_code, 404)
        self.assertFalse(Measurement.objects.exists())
