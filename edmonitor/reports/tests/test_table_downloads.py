"""Every report table downloads as CSV and Excel with the numbers of the page, logged and formula-safe."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from openpyxl import load_workbook

from edmonitor import instruments
from edmonitor.audits import services
from edmonitor.audits.tests.factories import finalised, unchanged
from edmonitor.organisations.models import AccessEvent
from edmonitor.programmes.live import LIVE_PROGRAMME, load_live
from edmonitor.programmes.models import Programme
from edmonitor.testing import BaseTestCase, make_measurement, make_user

SCORES = {"1a": 2, "2a": 3, "3a": 1, "4a": 2, "5a": 1, "6a": 3, "7a": 2, "8a": 2, "9a": 1, "10a": 4}
THEMES = {"1": 3, "2": 2, "3": 4, "4": 2, "5": 3}


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


class OrganisationTableTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        make_measurement(cls.org_a, SCORES, on=dt.date(2025, 1, 1), goals={"1b": "C"}, label="Nulmeting;+1+1")
        audit = finalised(cls.org_a, cls.mia, cls.eva, THEMES, THEMES, THEMES)
        current = services.amendable_values(audit)
        services.amend(
            audit,
            values={
                **current,
                "recommendations": [
                    ["3", '=HYPERLINK("http://example.invalid","klik")'],
                    ["4", 'Meer training,=HYPERLINK("http://example.invalid","klik")'],
                ],
            },
            original=unchanged(current),
            reason="test",
            user=cls.alice,
        )

    def download(self, name, fmt, user=None):
        self.client.force_login(user or self.lex)
        return self.client.get(reverse("organisation_report_table", args=[self.org_a.pk, name, fmt]))

    def test_the_item_table_as_csv_has_the_page_numbers_and_is_logged(self):
        response = self.download("vie-items", "csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = read_csv(response.content)
        self.assertEqual(rows[0][:2], ["Item", "Titel"])
        self.assertEqual({r[0]: r[3] for r in rows[1:]}, {k: str(v) for k, v in SCORES.items()})
        self.assertEqual(rows[1][5], "C")
        log = AccessEvent.objects.exports().get()
        self.assertEqual((log.user, log.organisation, log.file_format), (self.lex, self.org_a, "csv"))

    def test_every_table_of_the_report_downloads_in_both_formats_with_dutch_sheet_names(self):
        report_tables = ["vie-items", "vie-goals", "vie-trend", "mie-themes", "mie-trend", "mie-recommendations"]
        sheets = [
            "VIE-items",
            "VIE-doelrealisatie",
            "VIE door de tijd",
            "MIE-thema's",
            "MIE door de tijd",
            "MIE-aanbevelingen",
        ]
        for name, sheet in zip(report_tables, sheets, strict=True):
            self.assertEqual(self.download(name, "csv").status_code, 200, name)
            book = load_workbook(io.BytesIO(self.download(name, "xlsx").content))
            self.assertEqual(book.sheetnames, [sheet])
        book = load_workbook(io.BytesIO(self.download("alle", "xlsx").content))
        self.assertEqual(book.sheetnames, sheets)
        themes = book["MIE-thema's"]
        self.assertEqual([row[3] for row in themes.iter_rows(min_row=3, values_only=True)], list(THEMES.values()))

    def test_a_formula_in_a_text_is_neutralised_in_csv_and_excel(self):
        rows = read_csv(self.download("mie-recommendations", "csv").content)
        self.assertTrue(rows[1][1].startswith("'=HYPERLINK"))
        sheet = load_workbook(io.BytesIO(self.download("mie-recommendations", "xlsx").content)).active
        cell = sheet.cell(row=3, column=2)
        self.assertEqual(cell.data_type, "s")
        self.assertTrue(cell.value.startswith("'="))

    def test_a_formula_after_a_comma_or_semicolon_is_neutralised_for_either_list_separator(self):
        for name in ("mie-recommendations", "vie-trend"):
            content = self.download(name, "csv").content
            for delimiter in (",", ";"):
                fields = [
                    field.strip(" ")
                    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter)
                    for field in row
                ]
                self.assertFalse([f for f in fields if f.startswith(("=", "+", "@"))], (name, delimiter))
        rows = read_csv(self.download("mie-recommendations", "csv").content)
        self.assertEqual(rows[2][1], 'Meer training,\'=HYPERLINK("http://example.invalid","klik")')

    def test_an_excel_text_starting_with_an_equals_sign_is_stored_as_text_not_as_a_formula(self):
        for name in ("mie-recommendations", "vie-trend"):
            sheet = load_workbook(io.BytesIO(self.download(name, "xlsx").content)).active
            for row in sheet.iter_rows():
                for cell in row:
                    self.assertNotEqual(cell.data_type, "f", (name, cell.coordinate, cell.value))

    def test_unknown_tables_and_other_organisations_are_not_found(self):
        self.assertEqual(self.download("bestaat-niet", "csv").status_code, 404)
        self.assertEqual(self.download("vie-items", "pdf").status_code, 404)
        self.assertEqual(self.download("vie-items", "csv", user=self.bob).status_code, 404)
        self.assertFalse(AccessEvent.objects.exports().exists())


class ProgrammeWorkbookTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_live()
        cls.programme = Programme.objects.get(name=LIVE_PROGRAMME)

    def test_the_whole_programme_is_one_workbook_with_the_reports_numbers(self):
        self.client.force_login(self.carol)
        report = self.client.get(reverse("programme", args=[self.programme.pk])).context["report"]
        response = self.client.get(reverse("programme_table", args=[self.programme.pk, "alle", "xlsx"]))
        book = load_workbook(io.BytesIO(response.content))
        self.assertEqual(
            book.sheetnames,
            ["Organisaties", "Totalen", "Niveaus", "Gemiddelde per item", "Doelrealisatie", "Overzicht"],
        )
        items = {row[0]: row for row in book["Gemiddelde per item"].iter_rows(min_row=3, values_only=True)}
        for item_id, change in report.result.items.items():
            self.assertEqual(Decimal(str(items[item_id][3])), change.baseline)
            self.assertEqual(Decimal(str(items[item_id][4])), change.followup)
        self.assertEqual(book["Organisaties"].max_row, 2 + 18)
        # Dates are real dates, shown the Dutch way; goal codes come with their meaning.
        first = next(book["Organisaties"].iter_rows(min_row=3, max_row=3))
        self.assertTrue(first[1].is_date and first[3].is_date)
        self.assertEqual(first[1].number_format, "DD-MM-YYYY")
        participant = report.participants[0].participation
        self.assertEqual(
            (first[1].value.date(), first[3].value.date()),
            (participant.baseline.measured_on, participant.followup.measured_on),
        )
        header = [c.value for c in book["Doelrealisatie"][2]]
        definition = json.loads((Path(instruments.__file__).parent / "definitions" / "vie-2012.1.json").read_text())
        self.assertEqual(header[1:], [f"{g['code']}: {g['label']['nl']}" for g in definition["goal_codes"]])
        log = AccessEvent.objects.exports().get()
        self.assertEqual((log.file_format, log.organisation), ("xlsx", None))
