"""The import as a quality officer uses it (issue 14, item 3): preview, duplicates, confirm, undo.

Expectations are written from the issue: a row looks like a stored measurement when the
organisation already has one with the same facility (an import has none), date and label
(label without regard to case and spaces); such rows are skipped unless ticked; every import
is one recorded batch, undone as a whole by its importer or an admin, goals judged at its
measurements opening again.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from edmonitor.improvement import services as improvement
from edmonitor.improvement.models import Goal
from edmonitor.instruments.csvio import read_measurements
from edmonitor.instruments.definition import load_definition
from edmonitor.measurements import imports
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import ImportBatch, Measurement
from edmonitor.measurements.services import import_measurements
from edmonitor.organisations.models import Membership, Organisation, Role
from edmonitor.testing import BaseTestCase, make_measurement, make_user

pytestmark = pytest.mark.both_databases  # the bulk insert is written per database (measurements/services.py)

FILE = (
    "organisation;measured_on;label;item_1a;item_2a\n"
    "GGZ Alfa;2025-03-01;Beginmeting;2;2\n"
    "GGZ Alfa;2026-03-01;vervolg;4;3\n"
    "GGZ Alfa;2026-09-01;;3;3\n"
)


class ImportTestCase(BaseTestCase):
    # set by BaseTestCase.setUpTestData
    org_a: Organisation
    mia: User

    def upload(self, content: str | bytes, *, user=None, name="metingen.csv"):
        """Upload a file as ``user`` (default: mia, a project member); the response (a redirect to the preview)."""
        self.client.force_login(user or self.mia)
        data = content.encode() if isinstance(content, str) else content
        return self.client.post(
            reverse("measurement_import", args=[self.org_a.pk]), {"file": SimpleUploadedFile(name, data)}
        )

    def preview_of(self, response):
        errors = response.context["form"].errors if response.status_code == 200 else None
        self.assertEqual(response.status_code, 302, errors)
        return self.client.get(response["Location"])

    def confirm(self, response, include=(), *, follow=False):
        """Confirm the preview the upload redirected to, ticking the rows ``include``."""
        page = self.preview_of(response)
        signature = page.context["preview"].signature
        data = {"action": "confirm", "signature": signature, "include": [str(n) for n in include]}
        return self.client.post(response["Location"], data, follow=follow)

    def labels(self) -> list[tuple[dt.date, str]]:
        return sorted(self.org_a.measurements.values_list("measured_on", "label"))


class PreviewTests(ImportTestCase):
    def test_the_preview_shows_what_will_be_added_and_stores_nothing(self):
        page = self.preview_of(self.upload(FILE))
        self.assertContains(page, "3 nieuwe metingen")
        self.assertContains(page, "1 maart 2025")
        self.assertContains(page, "Beginmeting")
        self.assertContains(page, "Nog niets is opgeslagen")
        self.assertFalse(Measurement.objects.exists())
        self.assertEqual(ImportBatch.objects.get().status, ImportBatch.Status.PENDING)

    def test_a_row_like_a_stored_measurement_is_shown_and_skipped_unless_ticked(self):
        stored = make_measurement(self.org_a, {"2a": 2}, on=dt.date(2025, 3, 1), label=" beginmeting ")
        page = self.preview_of(self.upload(FILE))
        self.assertContains(page, "2 nieuwe metingen")
        self.assertContains(page, "1 rij lijkt op een meting die u al hebt")
        self.assertContains(page, reverse("measurement", args=[self.org_a.pk, stored.pk]))
        self.assertContains(page, 'type="checkbox" name="include" value="2"')
        self.assertNotContains(page, "checked")  # unticked by default
        self.confirm(self.upload(FILE))
        self.assertEqual(Measurement.objects.count(), 1 + 2)  # the stored one and the two new rows
        batch = ImportBatch.objects.get(status=ImportBatch.Status.IMPORTED)
        self.assertEqual((batch.rows, batch.imported, batch.skipped), (3, 2, 1))

    def test_a_ticked_duplicate_is_imported_anyway(self):
        make_measurement(self.org_a, {"2a": 2}, on=dt.date(2025, 3, 1), label="BEGINMETING")
        self.confirm(self.upload(FILE), include=[2])
        self.assertEqual(self.org_a.measurements.filter(measured_on=dt.date(2025, 3, 1)).count(), 2)

    def test_a_measurement_of_a_facility_or_with_another_label_is_no_duplicate(self):
        make_measurement(self.org_a, {"2a": 2}, on=dt.date(2025, 3, 1), label="Eindmeting")
        facility = make_measurement(self.org_a, {"2a": 2}, on=dt.date(2026, 3, 1), label="vervolg")
        facility.facility = self.facility_a
        facility.save()
        page = self.preview_of(self.upload(FILE))
        self.assertEqual(len(page.context["preview"].new), 3)
        self.assertEqual(page.context["preview"].duplicates, [])

    def test_the_same_row_twice_in_one_file_is_shown_as_a_duplicate_of_the_first(self):
        page = self.preview_of(self.upload(FILE + "GGZ Alfa;01-03-2025;beginmeting;2;2\n"))
        self.assertContains(page, "rij 2 van dit bestand")
        self.confirm(self.upload(FILE + "GGZ Alfa;01-03-2025;beginmeting;2;2\n"))
        self.assertEqual(self.org_a.measurements.filter(measured_on=dt.date(2025, 3, 1)).count(), 1)

    def test_importing_the_same_file_twice_stores_nothing_twice(self):
        self.confirm(self.upload(FILE))
        before = self.labels()
        second = self.upload(FILE)
        page = self.preview_of(second)
        self.assertContains(page, "U hebt ditzelfde bestand al eerder geïmporteerd")
        self.assertContains(page, "0 nieuwe metingen")
        self.confirm(second)
        self.assertEqual(self.labels(), before)
        self.assertEqual(len(before), 3)
        latest = ImportBatch.objects.recorded().first()
        self.assertEqual((latest.imported, latest.skipped), (0, 3))

    def test_a_second_confirm_of_the_same_upload_imports_nothing_again(self):
        response = self.upload(FILE)
        self.confirm(response)
        again = self.client.post(response["Location"], {"action": "confirm", "signature": ""}, follow=True)
        self.assertContains(again, "Dit bestand is al geïmporteerd")
        self.assertEqual(Measurement.objects.count(), 3)
        self.assertEqual(ImportBatch.objects.count(), 1)

    def test_cancel_discards_the_upload(self):
        response = self.upload(FILE)
        cancelled = self.client.post(response["Location"], {"action": "cancel"}, follow=True)
        self.assertContains(cancelled, "Er is niets geïmporteerd")
        self.assertFalse(ImportBatch.objects.exists())
        self.assertFalse(Measurement.objects.exists())

    def test_measurements_stored_since_the_preview_stop_the_confirm(self):
        response = self.upload(FILE)
        seen = self.preview_of(response).context["preview"].signature
        make_measurement(self.org_a, {"2a": 2}, on=dt.date(2026, 3, 1), label="Vervolg")  # in another tab
        page = self.client.post(response["Location"], {"action": "confirm", "signature": seen}, follow=True)
        self.assertContains(page, "Er is nog niets geïmporteerd")
        self.assertContains(page, f'href="{response["Location"]}"')  # back to the check, to look again
        self.assertEqual(Measurement.objects.count(), 1)
        self.assertEqual(ImportBatch.objects.get().status, ImportBatch.Status.PENDING)
        again = self.client.get(response["Location"])
        self.assertEqual(len(again.context["preview"].duplicates), 1)

    def test_a_file_no_longer_valid_at_the_confirm_imports_nothing(self):
        response = self.upload(FILE)
        page = self.preview_of(response)
        self.org_a.name = "GGZ Alfa Nieuw"
        self.org_a.save()
        result = self.client.post(
            response["Location"], {"action": "confirm", "signature": page.context["preview"].signature}, follow=True
        )
        self.assertEqual(result.status_code, 200)
        self.assertContains(result, "Er is niets geïmporteerd.")
        self.assertIn("GGZ Alfa Nieuw", " ".join(result.context["job"].problems))
        self.assertContains(result, "GGZ Alfa Nieuw")
        self.assertFalse(Measurement.objects.exists())
        self.assertFalse(ImportBatch.objects.exists())

    def test_a_file_no_longer_valid_at_the_preview_is_refused_again(self):
        response = self.upload(FILE)
        self.org_a.name = "GGZ Alfa Nieuw"
        self.org_a.save()
        page = self.client.get(response["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("GGZ Alfa Nieuw", " ".join(page.context["form"].errors["file"]))
        self.assertFalse(ImportBatch.objects.exists())

    def test_an_upload_waiting_for_confirmation_is_its_uploaders_alone(self):
        response = self.upload(FILE)
        for user in (self.alice, self.carol):
            self.client.force_login(user)
            self.assertEqual(self.client.get(response["Location"]).status_code, 404)
            self.assertEqual(self.client.post(response["Location"], {"action": "confirm"}).status_code, 404)
        self.assertFalse(Measurement.objects.exists())

    def test_uploads_left_waiting_for_a_day_are_deleted_at_the_next_upload(self):
        self.upload(FILE)
        ImportBatch.objects.update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
        self.upload(FILE, user=self.alice)
        self.assertEqual(list(ImportBatch.objects.values_list("created_by__username", flat=True)), ["alice"])

    def test_the_service_records_a_batch_too(self):
        version = current_version("vie")
        rows = read_measurements(version.instrument, FILE.encode(), require_date=True)
        import_measurements(organisation=self.org_a, instrument_version=version, rows=rows, file_name="cli.csv")
        batch = ImportBatch.objects.get()
        self.assertEqual((batch.status, batch.file_name, batch.imported), ("imported", "cli.csv", 3))
        self.assertEqual(set(Measurement.objects.values_list("import_batch", flat=True)), {batch.pk})


class DutchFileTests(ImportTestCase):
    def test_dutch_headers_and_dutch_dates_are_imported(self):
        dutch = (
            "organisatie;datum;omschrijving;item_2a;doel_2b;fte_personeel;fte_ervaringsdeskundigen\n"
            "GGZ Alfa;1-3-2025;begin;3;C;1000;1,5\n"
            "GGZ Alfa;20-03-2026;vervolg;4;D;;\n"
        )
        self.confirm(self.upload(dutch))
        first, second = self.org_a.measurements.order_by("measured_on")
        self.assertEqual((first.measured_on, first.label), (dt.date(2025, 3, 1), "begin"))
        self.assertEqual(second.measured_on, dt.date(2026, 3, 20))
        self.assertEqual({r.item_id: r.score for r in first.responses.all()}, {"1a": 2, "2a": 3})
        self.assertEqual(first.responses.get(item_id="2a").goal_code, "C")

    def test_a_facility_is_named_in_its_own_column_and_counts_for_duplicates(self):
        make_measurement(self.org_a, {"2a": 2}, on=dt.date(2025, 3, 1), label="begin")  # the whole organisation
        at_facility = make_measurement(self.org_a, {"2a": 2}, on=dt.date(2026, 3, 1), label="vervolg")
        at_facility.facility = self.facility_a
        at_facility.save()
        file = (
            "organisatie;datum;omschrijving;voorziening;item_2a\n"
            "GGZ Alfa;01-03-2025;begin;kliniek oost;3\n"  # not like the organisation's own measurement
            "GGZ Alfa;01-03-2026;Vervolg;Kliniek Oost ;3\n"  # like the facility's
        )
        page = self.preview_of(self.upload(file))
        self.assertEqual([r.row for r in page.context["preview"].new], [2])
        self.assertEqual([d.stored for d in page.context["preview"].duplicates], [at_facility.pk])
        self.confirm(self.upload(file))
        imported = Measurement.objects.get(import_batch__isnull=False)
        self.assertEqual((imported.facility, imported.measured_on), (self.facility_a, dt.date(2025, 3, 1)))

    def test_a_facility_the_organisation_does_not_have_is_refused(self):
        response = self.upload("organisatie;datum;voorziening;item_2a\nGGZ Alfa;01-03-2025;Woonvorm West;3\n")
        errors = response.context["form"].errors["file"]
        self.assertEqual(
            errors,
            [
                "Het bestand heeft 1 probleem.",
                "rij 2, kolom voorziening: 'Woonvorm West' is geen voorziening van GGZ Alfa.",
            ],
        )
        self.assertFalse(ImportBatch.objects.exists())

    def test_a_date_that_does_not_exist_is_named_with_its_column_as_written(self):
        response = self.upload("organisatie;datum;item_2a\nGGZ Alfa;31-02-2026;3\nGGZ Alfa;01-03-26;3\n")
        errors = response.context["form"].errors["file"]
        self.assertIn("rij 2, kolom datum: '31-02-2026' is geen bestaande datum.", errors)
        self.assertIn("rij 3, kolom datum", " ".join(errors))
        self.assertIn("vier cijfers", " ".join(errors))
        self.assertFalse(ImportBatch.objects.exists())
        self.assertFalse(Measurement.objects.exists())


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class ExcelTests(ImportTestCase):
    def test_the_excel_template_has_dutch_headers_and_a_real_date_and_imports_once_filled_in(self):
        self.client.force_login(self.mia)
        response = self.client.get(reverse("measurement_import_template_xlsx", args=[self.org_a.pk]))
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        header = [c.value for c in sheet[1]]
        self.assertEqual(header[:3], ["organisatie", "datum", "omschrijving"])
        self.assertIn("doel_10b", header)
        self.assertIsInstance(sheet["B2"].value, dt.datetime)  # a date cell, not text
        self.assertEqual(sheet["A2"].value, "GGZ Alfa")
        for name, value in {"omschrijving": "uit excel", "item_1a": 3, "item_2a": 4}.items():
            sheet.cell(row=2, column=1 + header.index(name)).value = value
        sheet["B2"] = dt.datetime(2026, 2, 1)
        out = io.BytesIO()
        sheet.parent.save(out)
        self.confirm(self.upload(out.getvalue(), name="ingevuld.xlsx"))
        measurement = self.org_a.measurements.get()
        self.assertEqual((measurement.measured_on, measurement.label), (dt.date(2026, 2, 1), "uit excel"))
        self.assertEqual(measurement.total, Decimal("3.5"))
        self.assertEqual(ImportBatch.objects.get().file_name, "ingevuld.xlsx")

    def test_a_zip_bomb_is_refused_before_it_is_unpacked(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))  # 40 MB of zeros: 40 kB packed
        self.assertLess(len(out.getvalue()), 100_000)
        response = self.upload(out.getvalue(), name="bom.xlsx")
        self.assertIn("uitgepakt groter dan 25,0\xa0MB", " ".join(response.context["form"].errors["file"]))
        self.assertFalse(ImportBatch.objects.exists())

    @override_settings(EDMONITOR_MAX_IMPORT_BYTES=20_000)  # rows allowed: at least 1000
    def test_a_workbook_with_too_many_rows_is_refused(self):
        rows = [["organisatie", "datum", "item_2a"]] + [["GGZ Alfa", dt.date(2026, 1, 1), 3]] * 1001
        response = self.upload(workbook(rows), name="groot.xlsx")
        self.assertIn("meer dan 1000 rijen", " ".join(response.context["form"].errors["file"]))
        self.assertFalse(ImportBatch.objects.exists())

    def test_a_damaged_workbook_is_refused_clearly(self):
        response = self.upload(b"PK\x03\x04 this is no workbook", name="kapot.xlsx")
        self.assertIn("geen Excel-bestand", " ".join(response.context["form"].errors["file"]))


class UndoTests(ImportTestCase):
    def imported(self, content=FILE, user=None) -> ImportBatch:
        self.confirm(self.upload(content, user=user))
        batch = ImportBatch.objects.recorded().first()
        assert batch is not None
        return batch

    def undo_url(self, batch) -> str:
        return reverse("measurement_import_undo", args=[self.org_a.pk, batch.pk])

    def test_undo_removes_exactly_the_measurements_of_the_batch(self):
        by_form = make_measurement(self.org_a, {"2a": 3}, on=dt.date(2024, 1, 1), label="formulier")
        first = self.imported()
        second = self.imported("organisation;measured_on;label;item_2a\nGGZ Alfa;2027-01-01;later;3\n")
        page = self.client.get(self.undo_url(first))
        self.assertContains(page, "U gaat 3 metingen verwijderen")
        self.client.post(self.undo_url(first), {"goals": ""})
        self.assertEqual(
            set(Measurement.objects.values_list("pk", flat=True)),
            {by_form.pk, *second.measurements.values_list("pk", flat=True)},
        )
        first.refresh_from_db()
        self.assertEqual((first.status, first.undone_by, first.removed), ("undone", self.mia, 3))
        self.assertIsNotNone(first.undone_at)
        listing = self.client.get(reverse("measurement_imports", args=[self.org_a.pk]))
        self.assertContains(listing, "Ongedaan gemaakt op")

    def test_undo_names_the_goals_judged_at_the_measurements_and_opens_them_again(self):
        goal = improvement.set_goal(
            organisation=self.org_a, instrument="vie", item="2a", goal_type="at_least", target=3,
            set_on=dt.date(2026, 1, 1), description="Meer werkplekken",
        )  # fmt: skip
        batch = self.imported()
        follow_up = self.org_a.measurements.get(measured_on=dt.date(2026, 3, 1))
        improvement.confirm_goal_codes(follow_up, {goal.pk: improvement.Decision("D")}, user=self.mia)
        page = self.client.get(self.undo_url(batch))
        self.assertContains(page, "1 doel is bij deze metingen beoordeeld")
        self.assertContains(page, "Meer werkplekken")
        self.assertContains(page, reverse("goal", args=[self.org_a.pk, goal.pk]))
        done = self.client.post(self.undo_url(batch), {"goals": str(goal.pk)}, follow=True)
        self.assertContains(done, "1 doel is weer open")
        goal.refresh_from_db()
        self.assertEqual((goal.follow_up, goal.code), (None, ""))
        self.assertFalse(Measurement.objects.exists())

    def test_goals_judged_after_the_page_was_opened_stop_the_undo(self):
        goal = improvement.set_goal(
            organisation=self.org_a, instrument="vie", item="2a", goal_type="at_least", target=3,
            set_on=dt.date(2026, 1, 1),
        )  # fmt: skip
        batch = self.imported()
        self.client.get(self.undo_url(batch))  # no goals judged yet: the form says goals=""
        follow_up = self.org_a.measurements.get(measured_on=dt.date(2026, 3, 1))
        improvement.confirm_goal_codes(follow_up, {goal.pk: improvement.Decision("D")}, user=self.mia)
        page = self.client.post(self.undo_url(batch), {"goals": ""})
        self.assertContains(page, "Er is nog niets verwijderd")
        self.assertEqual(Measurement.objects.count(), 3)
        self.assertTrue(Goal.objects.get().is_evaluated)

    def test_the_importer_and_admins_may_undo_other_members_not(self):
        ina = make_user("ina")
        Membership.objects.create(user=ina, organisation=self.org_a, role=Role.MEMBER)
        batch = self.imported()  # by mia
        expected = {self.mia: 200, self.alice: 200, self.carol: 200, ina: 403, self.lex: 403, self.bob: 404}
        for user, status in expected.items():
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.undo_url(batch)).status_code, status, user)
            if status != 200:
                self.assertEqual(self.client.post(self.undo_url(batch), {"goals": ""}).status_code, status, user)
        self.assertEqual(Measurement.objects.count(), 3)
        listing = self.client.get(reverse("measurement_imports", args=[self.org_a.pk]))
        self.assertEqual(listing.status_code, 404)  # bob, of another organisation
        self.client.force_login(ina)
        listing = self.client.get(reverse("measurement_imports", args=[self.org_a.pk]))
        self.assertNotContains(listing, self.undo_url(batch))
        self.client.force_login(self.alice)
        self.client.post(self.undo_url(batch), {"goals": ""})
        self.assertFalse(Measurement.objects.exists())

    def test_an_undone_import_is_not_undone_twice(self):
        batch = self.imported()
        self.client.post(self.undo_url(batch), {"goals": ""})
        self.assertIsNone(imports.undo_import(batch, user=self.alice))
        again = self.client.post(self.undo_url(batch), {"goals": ""}, follow=True)
        self.assertContains(again, "Deze import is al ongedaan gemaakt")
        batch.refresh_from_db()
        self.assertEqual((batch.undone_by, batch.removed), (self.mia, 3))

    def test_the_list_of_imports_takes_a_fixed_number_of_queries(self):
        for _ in range(3):
            self.imported()
        self.client.force_login(self.alice)
        # session, user, two-step verification, the organisation (visible + role), the memberships (roles),
        # the batches with their users, the access log's entry
        with self.assertNumQueries(7):
            response = self.client.get(reverse("measurement_imports", args=[self.org_a.pk]))
        self.assertEqual(len(response.context["batches"]), 3)


class PagesTests(ImportTestCase):
    def test_no_import_page_sends_anyone_to_the_readme(self):
        preview = self.preview_of(self.upload(FILE))
        self.confirm(self.upload(FILE.replace("2025", "2024")))
        batch = ImportBatch.objects.recorded().get()
        pages = [
            preview,
            self.client.get(reverse("measurement_import", args=[self.org_a.pk])),
            self.client.get(reverse("measurement_imports", args=[self.org_a.pk])),
            self.client.get(reverse("measurement_import_undo", args=[self.org_a.pk, batch.pk])),
        ]
        for page in pages:
            self.assertEqual(page.status_code, 200)
            self.assertNotContains(page, "README")


def test_choosing_the_rows_of_a_large_file_takes_linear_time():
    """20,000 rows, most looking alike (the confirm once compared every row with every duplicate: 30 s)."""
    import time

    data = "organisation;measured_on;item_2a\n" + "A;2026-01-01;3\n" * 20_000
    rows = read_measurements(load_definition("vie-2012.1"), data.encode())
    shown = imports.Preview(new=rows[:1], duplicates=[imports.Duplicate(r, earlier_row=2) for r in rows[1:]])
    started = time.perf_counter()
    chosen = shown.chosen(range(3, 10_003))
    assert time.perf_counter() - started < 5
    assert [r.row for r in chosen] == [2, *range(3, 10_003)]
