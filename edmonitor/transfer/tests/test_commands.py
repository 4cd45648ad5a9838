"""``edmonitor export_organisation`` and ``edmonitor import_organisation`` through call_command."""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.utils.translation import override

from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase
from edmonitor.transfer.export import export_json

from .builders import build_organisation, delete_organisation, row_counts


class CommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_organisation(cls)

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in self.tmp.iterdir()] and self.tmp.rmdir())

    def export(self, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("export_organisation", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def run_import(self, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        with override("en"):
            call_command("import_organisation", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def refused_import(self, *args: str) -> tuple[CommandError, str]:
        before = row_counts()
        err = StringIO()
        with override("en"), self.assertRaises(CommandError) as refused:
            call_command("import_organisation", *args, stdout=StringIO(), stderr=err)
        self.assertEqual(refused.exception.returncode, 2)
        self.assertEqual(row_counts(), before, "something was stored")
        return refused.exception, err.getvalue()

    def test_export_writes_the_json_to_stdout(self):
        out, err = self.export("GGZ Alfa")
        self.assertEqual(out, export_json(Organisation.objects.get(pk=self.org_a.pk)))
        self.assertEqual(err, "")
        self.assertTrue(out.endswith("}\n"))

    def test_export_to_a_file_and_case_does_not_matter(self):
        target = self.tmp / "alfa.json"
        out, _err = self.export("ggz alfa", "-o", str(target))
        self.assertEqual(out, "")
        self.assertEqual(target.read_text(encoding="utf-8"), export_json(Organisation.objects.get(pk=self.org_a.pk)))
        self.assertEqual(list(self.tmp.iterdir()), [target])  # no temporary file left behind

    def test_export_of_an_unknown_organisation_exits_with_status_2(self):
        with override("en"), self.assertRaises(CommandError) as refused:
            self.export("Bestaat Niet")
        self.assertEqual(refused.exception.returncode, 2)
        self.assertIn("No organisation named 'Bestaat Niet'", str(refused.exception))

    def test_export_then_import_from_the_file(self):
        target = self.tmp / "alfa.json"
        self.export("GGZ Alfa", "-o", str(target))
        delete_organisation(self.org_a)
        out, err = self.run_import(str(target))
        self.assertEqual(err, "")
        self.assertIn("Imported 'GGZ Alfa': 2 facilities, 3 roles, 5 measurements, 4 audits with 1 amendments.", out)
        imported = Organisation.objects.get(name="GGZ Alfa")
        self.assertEqual(export_json(imported), target.read_text(encoding="utf-8"))

    def test_a_dry_run_stores_nothing(self):
        target = self.tmp / "alfa.json"
        self.export("GGZ Alfa", "-o", str(target))
        delete_organisation(self.org_a)
        before = row_counts()
        out, _err = self.run_import(str(target), "--dry-run")
        self.assertIn("Dry run: the file is valid; nothing was stored. It would import 'GGZ Alfa'", out)
        self.assertEqual(row_counts(), before)

    def test_bad_input_exits_with_status_2_and_every_problem_on_stderr(self):
        data = json.loads(self.export("GGZ Alfa")[0])
        data["organisation"]["name"] = "Kopie"
        data["measurements"][1]["items"]["4a"]["score"] = 7
        data["roles"][0]["user"] = "nobody"
        path = self.tmp / "bad.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        error, stderr = self.refused_import(str(path))
        lines = stderr.splitlines()
        self.assertIn(f"{path}: measurements[1].items.4a.score: 7 is outside 1–5", lines)
        self.assertIn(f"{path}: roles[0].user: there is no user 'nobody' in this database", lines)
        self.assertEqual(len(lines), 3, lines)  # the two problems and the list of missing users
        self.assertIn("3 problem(s); nothing was stored", str(error))

    def test_an_existing_organisation_is_refused(self):
        path = self.tmp / "alfa.json"
        self.export("GGZ Alfa", "-o", str(path))
        _error, stderr = self.refused_import(str(path))
        self.assertIn("organisation.name: an organisation with this name exists: 'GGZ Alfa'", stderr)

    def test_a_file_that_is_not_json_or_not_there(self):
        path = self.tmp / "broken.json"
        path.write_text('{"format": ', encoding="utf-8")
        error, _stderr = self.refused_import(str(path))
        self.assertIn("not JSON: line 1, column 12", str(error))
        error, _stderr = self.refused_import(str(self.tmp / "missing.json"))
        self.assertIn("cannot read the file", str(error))
        path.write_bytes(b"\xff\xfe{}")
        error, _stderr = self.refused_import(str(path))
        self.assertIn("not UTF-8 text", str(error))
