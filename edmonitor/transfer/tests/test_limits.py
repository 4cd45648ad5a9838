"""``import_organisation`` and ``restore`` against files made to hurt (issue part 7, section 2).

A size limit (``EDMONITOR_MAX_IMPORT_BYTES`` unless ``--max-bytes`` says otherwise), no
nesting deeper than the format has (checked before parsing: ``json.loads`` would end in a
``RecursionError``), time linear in the file, exit status 2 with one line on stderr, and a
backup that holds a row twice refused rather than restored with a wrong count.
"""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils.translation import override

from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase
from edmonitor.testing_processes import ChildProcessMixin, rows, run
from edmonitor.transfer import backup as backup_module
from edmonitor.transfer.export import MAX_DEPTH, export_organisation
from edmonitor.transfer.importer import import_organisation

from .builders import build_organisation, row_counts

DEEP = "[" * 100_000 + "]" * 100_000  # json.loads: RecursionError


def depth(value) -> int:
    """How deeply a parsed JSON value nests, by its definition (independent of the scanner under test)."""
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


class Counted(str):
    """A facility name that counts how often it is compared with another."""

    comparisons = 0

    def __eq__(self, other):
        Counted.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


class OrganisationImportLimitTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_organisation(cls)
        data = export_organisation(Organisation.objects.get(pk=cls.org_a.pk))
        data["organisation"]["name"] = "GGZ Alfa (kopie)"
        cls.copy = json.dumps(data, indent=2, ensure_ascii=False)

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in self.tmp.iterdir()] and self.tmp.rmdir())

    def file(self, text: str) -> str:
        path = self.tmp / "organisatie.json"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def refused(self, *args: str) -> str:
        before = row_counts()
        err = StringIO()
        with override("en"), self.assertRaises(CommandError) as refused:
            call_command("import_organisation", *args, stdout=StringIO(), stderr=err)
        self.assertEqual(refused.exception.returncode, 2)
        self.assertEqual(err.getvalue(), "")  # the one line is the error itself
        self.assertNotIn("\n", str(refused.exception))
        self.assertEqual(row_counts(), before, "something was stored")
        return str(refused.exception)

    def test_a_file_over_the_limit_is_refused_unless_max_bytes_allows_it(self):
        path = self.file(self.copy)
        size = len(self.copy.encode())
        with override_settings(EDMONITOR_MAX_IMPORT_BYTES=size - 1):
            message = self.refused(path)
            self.assertIn(f"larger than {size - 1} bytes", message)
            self.assertIn("--max-bytes", message)
            self.refused(path, "--max-bytes", str(size - 1))
            call_command("import_organisation", path, "--max-bytes", str(size), stdout=StringIO())
        self.assertTrue(Organisation.objects.filter(name="GGZ Alfa (kopie)").exists())

    def test_a_file_exactly_at_the_limit_is_read(self):
        with override_settings(EDMONITOR_MAX_IMPORT_BYTES=len(self.copy.encode())):
            call_command("import_organisation", self.file(self.copy), "--dry-run", stdout=StringIO())

    def test_json_nested_a_hundred_thousand_levels_deep_is_refused_before_parsing(self):
        message = self.refused(self.file(DEEP))
        self.assertIn(f"nests 100000 levels deep, and this format has at most {MAX_DEPTH}", message)

    def test_the_format_nests_exactly_as_deep_as_its_limit_and_one_level_more_is_refused(self):
        self.assertEqual(depth(json.loads(self.copy)), MAX_DEPTH)
        call_command("import_organisation", self.file(self.copy), "--dry-run", stdout=StringIO())
        deeper = json.loads(self.copy)
        deeper["audits"][0]["amendments"] = [{"changes": [{"field": ["te diep"]}]}]  # one level more
        self.assertEqual(depth(deeper), MAX_DEPTH + 1)
        message = self.refused(self.file(json.dumps(deeper)))
        self.assertIn(f"nests {MAX_DEPTH + 1} levels deep", message)

    def test_checking_facilities_takes_time_linear_in_their_number(self):
        # Every measurement names its facility; the names were looked up in a list, so the number of
        # comparisons grew with facilities × measurements (an 11-minute import of a 200 MB file).
        n = 400
        data = json.loads(self.copy)
        data["facilities"] = [{"name": Counted(f"Locatie {i}")} for i in range(n)]
        template = next(m for m in data["measurements"] if m["facility"] is None)
        data["measurements"] = [{**template, "facility": Counted(f"Locatie {i}")} for i in range(n)]
        data["audits"] = [{**a, "facility": None} for a in data["audits"]]
        Counted.comparisons = 0
        report = import_organisation(data, dry_run=True)
        self.assertTrue(report.ok, report.problems[:3])
        self.assertLessEqual(Counted.comparisons, 4 * n)  # a list made it about n * n / 2 = 80,000

    def test_a_file_naming_260_000_users_is_checked_not_a_database_error(self):
        # One IN with a parameter per name ran past SQLite's limit of parameters (250,000 in this build,
        # 32,766 in others): "too many SQL variables", a traceback instead of the list of missing users.
        # A 15 MB file, so only with --max-bytes; PostgreSQL binds the names on the client.
        data = json.loads(self.copy)
        data["roles"] = [{"user": f"onbekend-{i}", "full_name": "", "role": "viewer"} for i in range(260_000)]
        with override("en"):
            report = import_organisation(data, dry_run=True)
        self.assertEqual(len([p for p in report.problems if "there is no user 'onbekend-" in p]), 260_000)
        self.assertIn("missing user accounts: onbekend-0, onbekend-1, onbekend-10,", report.problems[-1])


class ImportThroughTheCommandLineTests(ChildProcessMixin):
    def test_deep_json_exits_with_status_2_and_one_line_on_stderr_without_a_traceback(self):
        path = self.tmp / "diep.json"
        path.write_text(DEEP, encoding="utf-8")
        for command in ("import_organisation", "restore"):
            with self.subTest(command):
                done = run([command, str(path)], self.database)
                self.assertEqual(done.returncode, 2, done.stderr[-500:])
                self.assertEqual(done.stdout, "")
                self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr[-500:])
                self.assertIn(str(path), done.stderr)
                self.assertNotIn("Traceback", done.stderr)
                self.assertEqual(rows(self.database), rows(self.migrated))


class RestoreLimitTests(BaseTestCase):
    """Refusals that come before the database is looked at: a TestCase suffices."""

    def setUp(self):
        out = StringIO()
        call_command("backup", stdout=out)
        self.text = out.getvalue()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in self.tmp.iterdir()] and self.tmp.rmdir())

    def file(self, text: str) -> str:
        path = self.tmp / "backup.json"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def refused(self, *args: str) -> tuple[str, str]:
        err = StringIO()
        with override("en"), self.assertRaises(CommandError) as refused:
            call_command("restore", *args, stdout=StringIO(), stderr=err)
        self.assertEqual(refused.exception.returncode, 2)
        self.assertIn("nothing was stored", str(refused.exception))
        return str(refused.exception), err.getvalue()

    def test_a_backup_over_the_limit_is_refused_unless_max_bytes_allows_it(self):
        path = self.file(self.text)
        size = len(self.text.encode())
        with override_settings(EDMONITOR_MAX_IMPORT_BYTES=size - 1):
            message, stderr = self.refused(path)
            self.assertIn(f"larger than {size - 1} bytes", message)
            self.assertEqual(stderr, "")
            # With room enough it is read and checked, and refused for the next reason: this database holds data.
            _message, stderr = self.refused(path, "--max-bytes", str(size))
            self.assertIn("the database is not empty", stderr)

    def test_json_nested_a_hundred_thousand_levels_deep_is_refused_before_parsing(self):
        message, _stderr = self.refused(self.file(DEEP))
        self.assertIn(f"nests 100000 levels deep, and this format has at most {backup_module.MAX_DEPTH}", message)

    def test_the_deepest_value_a_backup_holds_fits_its_depth_limit(self):
        # The instrument definitions are the deepest values; a new, deeper definition must raise the limit.
        self.assertLessEqual(depth(json.loads(self.text)), backup_module.MAX_DEPTH)
        definitions = Path(backup_module.__file__).parent.parent / "instruments" / "definitions"
        deepest = max(depth(json.loads(p.read_text(encoding="utf-8"))) for p in definitions.glob("*.json"))
        self.assertEqual(deepest, backup_module.MAX_VALUE_DEPTH)

    def test_a_row_in_the_file_twice_is_refused_naming_model_and_pk(self):
        rows_ = json.loads(self.text)
        index, organisation = next((i, r) for i, r in enumerate(rows_) if r["model"] == "organisations.organisation")
        twice = [*rows_, {**organisation, "fields": {**organisation["fields"], "name": "Dubbel"}}]
        _message, stderr = self.refused(self.file(json.dumps(twice)))
        self.assertIn(
            f"row {len(rows_)}: organisations.organisation with pk {organisation['pk']} is in the file twice "
            f"(first at row {index})",
            stderr,
        )
        # The same id written as text is the same row.
        as_text = [*rows_, {**organisation, "pk": str(organisation["pk"])}]
        _message, stderr = self.refused(self.file(json.dumps(as_text)))
        self.assertIn("is in the file twice", stderr)
