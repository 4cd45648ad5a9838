"""Importing VIE measurements from a CSV file on the organisation page: all rows or none.

Uploading checks the file and shows a preview; only confirming stores anything
(``test_import_batches.py`` tests the preview, duplicates and undo).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from edmonitor.core.models import BackgroundJob
from edmonitor.instruments.csvio import read_measurements
from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import ImportBatch, Measurement
from edmonitor.measurements.services import NewMeasurement, import_measurements, record_measurement, record_measurements
from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase

pytestmark = pytest.mark.both_databases  # the bulk insert is written per database (measurements/services.py)

GOOD = (
    "organisation;measured_on;label;item_1a;item_2a;goal_1b;staff_fte;ed_fte\n"
    "GGZ Alfa;2025-03-01;begin;;2;C;1000;1,5\n"
    "ggz alfa;2026-03-01;vervolg;4;3;D;;\n"
)


def confirm(client, response):
    """Confirm the preview an upload redirected to, as the page's Import button does."""
    preview = client.get(response["Location"])
    return client.post(response["Location"], {"action": "confirm", "signature": preview.context["preview"].signature})


class MeasurementImportTests(BaseTestCase):
    # set by BaseTestCase.setUpTestData
    org_a: Organisation
    mia: User

    def post(self, content: str | bytes, user=None, name="metingen.csv"):
        self.client.force_login(user or self.mia)
        data = content.encode() if isinstance(content, str) else content
        return self.client.post(
            reverse("measurement_import", args=[self.org_a.pk]), {"file": SimpleUploadedFile(name, data)}
        )

    def test_a_good_file_becomes_measurements_scored_by_the_engine(self):
        response = self.post(GOOD)
        self.assertFalse(Measurement.objects.exists())  # not before the user confirms the preview
        response = confirm(self.client, response)
        # the import runs as a background task (here at once, edmonitor/conftest.py); its page shows the result
        batch, job = ImportBatch.objects.get(), BackgroundJob.objects.get()
        self.assertRedirects(response, reverse("measurement_import_progress", args=[self.org_a.pk, batch.pk, job.pk]))
        self.assertContains(self.client.get(response["Location"]), reverse("measurement_imports", args=[self.org_a.pk]))
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


class BadFileLimitTests(BaseTestCase):
    """A file with endless problems costs no more than a file with a hundred (issue part 7, section 2)."""

    # set by BaseTestCase.setUpTestData
    org_a: Organisation
    mia: User

    def post(self, content: str):
        self.client.force_login(self.mia)
        return self.client.post(
            reverse("measurement_import", args=[self.org_a.pk]),
            {"file": SimpleUploadedFile("metingen.csv", content.encode())},
        )

    def test_endless_bad_rows_list_the_first_hundred_problems_and_say_there_are_at_least_that_many(self):
        # Every row has two problems (another organisation, no date): rows 2 to 51 give the first 100.
        response = self.post("organisation;measured_on;label\n" + "x;;\n" * 50_000)
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors["file"]
        self.assertEqual(len(errors), 1 + 100)
        self.assertEqual(
            errors[0],
            "Het bestand heeft ten minste 100 problemen; de eerste 100 staan hieronder. "
            "Het lezen is gestopt bij rij 51.",
        )
        self.assertIn("rij 51, kolom measured_on", errors[-1])
        self.assertFalse(any("rij 52" in e for e in errors))
        self.assertLess(len(response.content), 100_000)
        self.assertFalse(Measurement.objects.exists())

    def test_a_file_with_a_few_problems_gives_their_exact_number(self):
        response = self.post("organisation;measured_on;label\nGGZ Alfa;2026-01-01;a\nx;;b\nGGZ Alfa;01-13-2026;c\n")
        errors = response.context["form"].errors["file"]
        self.assertEqual(errors[0], "Het bestand heeft 3 problemen.")
        self.assertEqual(len(errors), 1 + 3)

    def test_a_header_of_thousands_of_unknown_columns_stops_at_a_hundred(self):
        header = "organisation;" + ";".join(f"kolom{n}" for n in range(20_000))
        errors = self.post(header + "\n").context["form"].errors["file"]
        self.assertEqual(len(errors), 1 + 100)
        self.assertIn("ten minste 100 problemen", errors[0])
        self.assertIn("kolom99", errors[-1])

    def test_endless_ragged_rows_stop_at_a_hundred(self):
        errors = self.post("organisation;measured_on;label\n" + "x\n" * 50_000).context["form"].errors["file"]
        self.assertEqual(len(errors), 1 + 100)
        self.assertIn("gestopt bij rij 101", errors[0])


class BulkImportTests(BaseTestCase):
    """A large valid file is stored with a few statements per batch of rows, not several per row."""

    def test_many_rows_are_stored_with_far_fewer_queries_than_rows(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        version = current_version("vie")
        rows = 2000
        header = "organisation;measured_on;" + ";".join(f"item_{n}a" for n in range(1, 11))
        body = "".join(
            "GGZ Alfa;2026-01-01;" + ";".join(str((r + n) % 5 + 1) for n in range(10)) + "\n" for r in range(rows)
        )
        scored = read_measurements(version.instrument, (header + "\n" + body).encode(), require_date=True)
        with CaptureQueriesContext(connection) as queries:
            saved = import_measurements(organisation=self.org_a, instrument_version=version, rows=scored)
        self.assertEqual(saved, rows)
        self.assertEqual(Measurement.objects.filter(organisation=self.org_a).count(), rows)
        # Row by row this took three statements per row (6,000). In batches it is a few per hundred rows
        # (SQLite takes at most 999 values per statement: about 75 measurements or 165 responses per INSERT).
        self.assertLess(len(queries), rows / 10)

    def test_the_bulk_path_stores_what_recording_one_measurement_stores(self):
        import datetime as dt

        version = current_version("vie")
        inp = MeasurementInput(
            direct={"2a": 3, "6a": 5},
            facts={"staff_fte": Decimal("1000"), "ed_fte": Decimal("2.5")},
            goals={"1b": "C", "2b": "A"},
            printed_total=Decimal("3.0"),
        )
        kwargs = {"measured_on": dt.date(2026, 2, 1), "inp": inp, "label": " tweede ", "facility": self.facility_a}
        notes = {"2a": " toelichting ", "6a": " "}
        one, _result = record_measurement(organisation=self.org_a, instrument_version=version, notes=notes, **kwargs)
        record_measurements(
            organisation=self.org_a, instrument_version=version, entries=[NewMeasurement(notes=notes, **kwargs)]
        )
        many = Measurement.objects.exclude(pk=one.pk).get(organisation=self.org_a)

        def stored(m: Measurement):
            fields = ("facility_id", "measured_on", "label", "facts", "criteria", "total", "level", "printed_total")
            responses = sorted(m.responses.values_list("item_id", "score", "derived", "goal_code", "note"))
            return [getattr(m, f) for f in fields], responses

        self.assertEqual(stored(many), stored(one))
        self.assertEqual(stored(one)[1][0], ("1a", 3, True, "C", ""))  # 2.5 per 1000 fte scores 3, derived


class ImportTemplateTests(BaseTestCase):
    """The import page offers a template and explains every column; no page sends anyone to the README."""

    def test_the_template_filled_in_imports_and_the_page_explains_every_column(self):
        self.login(self.mia)
        page = self.client.get(reverse("measurement_import", args=[self.org_a.pk]))
        self.assertNotContains(page, "README")
        self.assertContains(page, "<code>item_1a</code>", html=True)
        self.assertContains(page, "<code>doel_10b</code>", html=True)  # the template's Dutch name
        self.assertContains(page, "<code>goal_10b</code>", html=True)  # the command line's, accepted too
        template_url = reverse("measurement_import_template", args=[self.org_a.pk])
        self.assertContains(page, template_url)
        text = self.client.get(template_url).content.decode("utf-8-sig")
        header, example = (line.split(";") for line in text.strip().split("\r\n"))
        self.assertEqual([c.name for c in page.context["columns"]], [h.strip('"') for h in header])
        self.assertEqual(header[:3], ['"organisatie"', '"datum"', '"omschrijving"'])
        self.assertEqual(example[0], '"GGZ Alfa"')
        self.assertRegex(example[1], r'^"\d\d-\d\d-\d{4}"$')  # a Dutch date
        # Fill in the example row as a user would, and import it.
        row = dict(zip([h.strip('"') for h in header], example, strict=True))
        row |= {"omschrijving": "sjabloon", "item_2a": "3", "item_5a": "2", "doel_2b": "A"}
        filled = "\ufeff" + ";".join(header) + "\r\n" + ";".join(row.values()) + "\r\n"
        response = self.client.post(
            reverse("measurement_import", args=[self.org_a.pk]),
            {"file": SimpleUploadedFile("sjabloon.csv", filled.encode("utf-8"))},
        )
        confirm(self.client, response)
        measurement = self.org_a.measurements.get(label="sjabloon")
        self.assertEqual(measurement.total, Decimal("2.5"))
