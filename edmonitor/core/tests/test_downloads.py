"""Every export and download is logged (who, what, which organisation, when); CSV files are safe to open."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from edmonitor.audits.tests.factories import plan
from edmonitor.core.downloads import csv_bytes, csv_cell, neutralise
from edmonitor.organisations.downloads import download_response
from edmonitor.organisations.models import AccessEvent, DownloadKind, Organisation
from edmonitor.testing import BaseTestCase, make_user


class AuditExportLogTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.audit = plan(cls.org_a, cls.mia, make_user("eva"), on=dt.date(2026, 3, 2), by=cls.alice)

    def url(self):
        return reverse("audit_export", kwargs={"pk": self.org_a.pk, "audit_pk": self.audit.pk})

    def test_downloading_an_audit_writes_who_what_which_organisation_and_when(self):
        self.login(self.alice)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.content)["format"], "edmonitor-mie-audit")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="mie-ggz-alfa-2026-03-02.json"')
        log = AccessEvent.objects.exports().get()
        self.assertEqual(log.user, self.alice)
        self.assertEqual(log.username, "alice")
        self.assertEqual(log.organisation, self.org_a)
        self.assertEqual(log.file_format, DownloadKind.JSON)
        self.assertEqual(log.filename, "mie-ggz-alfa-2026-03-02.json")
        self.assertIn("2 maart 2026", log.description)
        self.assertLess(abs((log.at - dt.datetime.now(dt.UTC)).total_seconds()), 60)

    def test_a_refused_download_is_not_logged_and_not_served(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertFalse(AccessEvent.objects.exports().exists())


class DownloadResponseTests(BaseTestCase):
    # set by BaseTestCase.setUpTestData
    org_a: Organisation
    lex: User

    def request(self, user):
        request = RequestFactory().get("/")
        request.user = user
        return request

    def download(self, filename: str, content: bytes | str = b"x", kind=DownloadKind.CSV):
        return download_response(
            self.request(self.lex),
            organisation=self.org_a,
            kind=kind,
            filename=filename,
            content=content,
            content_type="text/csv; charset=utf-8",
            description="Metingen",
        )

    def test_the_response_is_an_attachment_that_is_not_cached(self):
        response = self.download("metingen.csv", "a;b\r\n")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="metingen.csv"')
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response.content, b"a;b\r\n")
        self.assertEqual(AccessEvent.objects.exports().get().user, self.lex)

    def test_a_file_name_cannot_carry_paths_quotes_or_line_breaks(self):
        response = self.download('../../etc/pass"wd\r\nSet-Cookie: x=1.csv')
        header = response["Content-Disposition"]
        self.assertTrue(header.startswith("attachment; filename="), header)
        for bad in ("/", "\\", "\r", "\n", '"wd'):
            self.assertNotIn(bad, header.removeprefix('attachment; filename="').removesuffix('"'))
        self.assertTrue(AccessEvent.objects.exports().get().filename.endswith(".csv"))

    def test_a_dutch_file_name_keeps_its_letters(self):
        response = self.download("zorg-één.csv")
        self.assertEqual(response["Content-Disposition"], "attachment; filename*=utf-8''zorg-%C3%A9%C3%A9n.csv")

    def test_an_empty_name_gets_a_plain_one_with_the_kind_as_extension(self):
        self.assertEqual(
            self.download("../", kind=DownloadKind.PDF)["Content-Disposition"], 'attachment; filename="download.pdf"'
        )

    def test_an_unknown_kind_is_a_programming_error(self):
        with self.assertRaises(ValueError):
            self.download("x.exe", kind="exe")
        self.assertFalse(AccessEvent.objects.exports().exists())


class CsvTests(BaseTestCase):
    def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(self):
        cases = {
            "=1+1": "'=1+1",
            "+31 6 12345678": "'+31 6 12345678",
            "-2": "'-2",
            "@SUM(A1:A9)": "'@SUM(A1:A9)",
            "\t=1": "'\t=1",
            "\r=1": "'\r'=1",  # the carriage return, and the "=" after it as a line break
            "GGZ Alfa": "GGZ Alfa",
            "2 = 2": "2 = 2",
            "": "",
        }
        for value, expected in cases.items():
            self.assertEqual(csv_cell(value), expected, repr(value))

    def test_real_numbers_stay_numbers_also_when_negative(self):
        for value in (-2, 0, 3, -2.5, Decimal("-2.5"), Decimal("3.0")):
            self.assertEqual(csv_cell(value), value)
            self.assertIs(type(csv_cell(value)), type(value))
        self.assertEqual(csv_cell(None), "")

    def test_a_file_for_dutch_excel(self):
        data = csv_bytes(
            [
                ["organisatie", "score", "verschil"],
                ['=HYPERLINK("http://x")', Decimal("3.5"), Decimal("-0.4")],
                ["Jan; Piet", 2, -1],
                ["Zorg één", 1.25, None],
            ]
        )
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark, so Excel reads UTF-8")
        self.assertEqual(
            data[3:].decode("utf-8").split("\r\n"),
            [
                '"organisatie";"score";"verschil"',
                '"\'=HYPERLINK(""http://x"")";3,5;-0,4',
                '"Jan; Piet";2;-1',
                '"Zorg één";1,25;',
                "",
            ],
        )


FORMULA_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(,\d+)?")  # a number (a "," reader leaves "-0" of "-0,4")


def formula_fields(data: bytes, delimiter: str) -> list[str]:
    """The fields a spreadsheet with ``delimiter`` as list separator would read as a formula."""
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    return [
        field
        for row in rows
        for field in row
        if field.strip(" ").startswith(FORMULA_CHARACTERS) and not PLAIN_NUMBER.fullmatch(field.strip(" "))
    ]


class FormulaAfterASeparatorTests(BaseTestCase):
    TEXTS = [
        'x,=HYPERLINK("http://example.invalid","klik")',
        "x;=1+1",
        "eerst, +31 6 12345678",
        "a,  @SUM(A1:A9)",
        "regel één\n-2+3",
        "regel één\r\n=1",
        "a,\t=1",
        " =1",
        "=1",
        "Jan, Piet; Klaas",  # nothing to neutralise
    ]

    def data(self) -> bytes:
        rows = [["GGZ Alfa", text, Decimal("-0.4")] for text in self.TEXTS]
        return csv_bytes([["Organisatie", "Tekst", "Score"], *rows])

    def test_a_reader_with_a_comma_as_list_separator_finds_no_formula(self):
        self.assertEqual(formula_fields(self.data(), ","), [])

    def test_a_reader_with_a_semicolon_as_list_separator_finds_no_formula(self):
        self.assertEqual(formula_fields(self.data(), ";"), [])

    def test_the_semicolon_reader_gets_the_text_back_with_apostrophes_only_before_formula_characters(self):
        rows = list(csv.reader(io.StringIO(self.data().decode("utf-8-sig"), newline=""), delimiter=";"))
        self.assertEqual(
            [row[1] for row in rows[1:]],
            [
                'x,\'=HYPERLINK("http://example.invalid","klik")',
                "x;'=1+1",
                "eerst, '+31 6 12345678",
                "a,  '@SUM(A1:A9)",
                "regel één\n'-2+3",
                "regel één\r\n'=1",
                "a,'\t=1",
                " '=1",
                "'=1",
                "Jan, Piet; Klaas",
            ],
        )
        self.assertEqual({row[2] for row in rows[1:]}, {"-0,4"})  # a number, for Dutch Excel, unquoted

    def test_numbers_are_unquoted_and_every_text_is_quoted(self):
        self.assertEqual(csv_bytes([["a", 1, Decimal("2.5"), -1.25, None]])[3:].decode(), '"a";1;2,5;-1,25;\r\n')

    def test_neutralising_leaves_ordinary_text_alone(self):
        for text in ("GGZ Alfa", "2 = 2", "a-b, c+d", "e-mail: a@b.nl", "50% - 60%"):
            self.assertEqual(neutralise(text), text)
