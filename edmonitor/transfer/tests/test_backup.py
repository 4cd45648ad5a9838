"""``edmonitor backup`` and ``edmonitor restore``: the whole database there and back, byte for byte.

The data set: BaseTestCase's users and organisations, organisation A filled by
``build_organisation`` (measurements, audits in every phase, a finalised audit with an
amendment, so the audit trail's history rows), plus a group with a permission, a programme,
download log rows, an admin log entry, and a gap in the organisation ids (ids are kept).
"Empty the database" is Django's ``flush``, after which ``migrate``'s post-migrate steps
run again (content types, permissions, instrument versions, with new ids): a database
as a new installation has it. Also through the real command line into a new SQLite file.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils.translation import override

from edmonitor.audits.tests.factories import plan
from edmonitor.instruments.csvio import read_measurements
from edmonitor.measurements import imports
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import ImportBatch, InstrumentVersion, Measurement
from edmonitor.measurements.services import import_measurements
from edmonitor.organisations.models import AccessAction, AccessCategory, AccessEvent, DownloadKind, Organisation, Sector
from edmonitor.programmes.models import Participation, Programme
from edmonitor.testing import PASSWORD, BaseTestCase, make_measurement
from edmonitor.testing_processes import ChildProcessMixin, rows, run
from edmonitor.transfer.backup import backup_models, database_contents

from .builders import build_organisation

pytestmark = pytest.mark.both_databases  # backup reads the database in a way of its own per database (backup.py)


def build_data_set(test) -> None:
    """Fill BaseTestCase's users and organisations (already on ``test``) with every kind of data edmonitor keeps."""
    gone = Organisation.objects.create(name="Opgeheven", sector=Sector.SOCIAL_DOMAIN)
    gone.delete()  # a gap in the ids: a restore that renumbered would break every URL
    build_organisation(test)
    make_measurement(test.org_b, {"1a": 2, "2a": 3}, on=dt.date(2024, 5, 1), label="beginmeting")
    make_measurement(test.org_b, {"1a": 3, "2a": 4}, on=dt.date(2025, 5, 1), label="nameting", goals={"1b": "D"})
    coordinators = Group.objects.create(name="Coördinatoren")
    coordinators.permissions.add(Permission.objects.get(codename="view_accessevent"))
    test.carol.groups.add(coordinators)
    test.lex.user_permissions.add(Permission.objects.get(codename="view_programme"))
    programme = Programme.objects.create(
        name="Pilot 2024–2025", description="Twee organisaties.", starts_on=dt.date(2024, 1, 1), created_by=test.carol
    )
    measurements = Measurement.objects.filter(organisation=test.org_b).order_by("measured_on")
    Participation.objects.create(
        programme=programme, organisation=test.org_b, baseline=measurements[0], followup=measurements[1]
    )
    Participation.objects.create(programme=programme, organisation=test.org_a)
    for user, organisation, kind in ((test.alice, test.org_a, DownloadKind.PDF), (test.carol, None, DownloadKind.XLSX)):
        AccessEvent.objects.create(
            user=user,
            username=user.username,
            organisation=organisation,
            action=AccessAction.EXPORT,
            category=AccessCategory.REPORT,
            kind="organisation_report_pdf",
            client="192.0.2.7",
            file_format=kind,
            description="Rapport",
            filename=f"rapport.{kind}",
        )
    LogEntry.objects.create(
        user=test.carol,
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(test.org_b.pk),
        object_repr=str(test.org_b),
        action_flag=CHANGE,
        change_message="Naam gecorrigeerd",
    )
    get_user_model().objects.filter(pk=test.alice.pk).update(
        last_login=dt.datetime(2026, 1, 5, 9, 30, 1, 123456, dt.UTC)
    )
    # Imports of B: one standing, one undone, and an upload waiting for confirmation (its file as bytes).
    version = current_version("vie")
    for label, on in (("import", "01-09-2025"), ("teruggedraaid", "02-09-2025")):
        csv = f"organisatie;datum;omschrijving;item_2a\nRIBW Beta;{on};{label};3\n".encode()
        rows = read_measurements(version.instrument, csv, require_date=True)
        import_measurements(
            organisation=test.org_b, instrument_version=version, rows=rows, user=test.bob, file_name=f"{label}.xlsx"
        )
    imports.undo_import(ImportBatch.objects.get(file_name="teruggedraaid.xlsx"), user=test.bob)
    imports.start_import(
        organisation=test.org_b,
        instrument_version=version,
        file_name="wacht.csv",
        content=b"organisatie;datum\nRIBW Beta;03-09-2025\n",
        rows=1,
        user=test.bob,
    )
    SessionStore().create()  # transient: never in a backup


def backup() -> str:
    out = StringIO()
    call_command("backup", stdout=out)
    return out.getvalue()


def assert_same_bytes(test, first: str, second: str) -> None:
    if first != second:  # a readable message instead of a diff of two large files
        at = next(i for i, (a, b) in enumerate(zip(first + "\0", second + "\0", strict=False)) if a != b)
        test.fail(
            f"backups differ from character {at}:\n{first[at - 300 : at + 200]}\n---\n{second[at - 300 : at + 200]}"
        )


class BackupRestoreTests(TransactionTestCase):
    """Emptying the database needs a real commit (on PostgreSQL, ``flush`` truncates), hence no TestCase."""

    maxDiff = None

    def setUp(self):
        BaseTestCase.setUpTestData.__func__(self)  # the named users and organisations, on this test
        build_data_set(self)
        self.tmp = Path(tempfile.mkdtemp(prefix="edmonitor-backup-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.file = self.tmp / "edmonitor.backup"  # any name: restore does not go by the extension

    def write_file(self, text: str) -> Path:
        self.file.write_text(text, encoding="utf-8")
        return self.file

    def empty_database(self) -> None:
        call_command("flush", interactive=False, verbosity=0)
        self.assertEqual(database_contents(), {})
        self.assertTrue(InstrumentVersion.objects.exists())  # made again by migrate's post-migrate step

    def restore(self, *args: str) -> str:
        out = StringIO()
        with override("en"):
            call_command("restore", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def refused(self, *args: str) -> str:
        """Restore refused (status 2): its stderr; the database is checked unchanged by the caller."""
        err = StringIO()
        with override("en"), self.assertRaises(CommandError) as refused:
            call_command("restore", *args, stdout=StringIO(), stderr=err)
        self.assertEqual(refused.exception.returncode, 2)
        self.assertIn("nothing was stored", str(refused.exception))
        return err.getvalue()

    def state(self) -> dict[str, list[object]]:
        """Every row's id of every model a backup holds, instrument versions included."""
        return {
            m._meta.label: list(m._base_manager.order_by("pk").values_list("pk", flat=True)) for m in backup_models()
        }

    def test_a_backup_restored_into_an_empty_database_backs_up_to_the_same_bytes(self):
        first = backup()
        labels = {row["model"] for row in json.loads(first)}
        kept_labels = (
            "auth.user",
            "auth.group",
            "admin.logentry",
            "organisations.accessevent",
            "programmes.participation",
        )
        for kept in kept_labels:
            self.assertIn(kept, labels)
        self.assertIn("audits.historicalrating", labels)  # the audit trail
        self.assertIn("audits.amendment", labels)
        self.assertFalse({"contenttypes.contenttype", "auth.permission", "sessions.session"} & labels)
        self.assertFalse({label for label in labels if label.startswith("axes.")})
        users = {row["fields"]["username"]: row["fields"] for row in json.loads(first) if row["model"] == "auth.user"}
        self.assertEqual(users["lex"]["user_permissions"], [["view_programme", "programmes", "programme"]])

        self.empty_database()
        out = self.restore(str(self.write_file(first)))
        self.assertIn(f"Restored {len(json.loads(first))} rows", out)

        assert_same_bytes(self, first, backup())
        self.assertEqual(backup(), first)

    def test_after_a_restore_urls_logins_and_new_rows_work(self):
        text = backup()
        ids = {"org": self.org_a.pk, "audit": self.audit_finalised.pk, "max_org": Organisation.objects.latest("pk").pk}
        self.empty_database()
        self.restore(str(self.write_file(text)))

        alice = get_user_model().objects.get(username="alice")
        self.assertTrue(alice.check_password(PASSWORD))
        self.client.force_login(alice)
        self.assertEqual(self.client.get(reverse("organisation", kwargs={"pk": ids["org"]})).status_code, 200)
        audit_url = reverse("audit_trail", kwargs={"pk": ids["org"], "audit_pk": ids["audit"]})
        self.assertContains(self.client.get(audit_url), "Aanvulling na het terugkoppelgesprek")
        self.assertTrue(get_user_model().objects.get(username="lex").has_perm("programmes.view_programme"))
        self.assertTrue(get_user_model().objects.get(username="carol").groups.filter(name="Coördinatoren").exists())

        # Fresh ids after the restored ones (on PostgreSQL the flush had set every sequence back to 1).
        new = Organisation.objects.create(name="Na het terugzetten", sector=Sector.MENTAL_HEALTH)
        self.assertGreater(new.pk, ids["max_org"])
        audit = plan(new, alice, get_user_model().objects.get(username="bob"), by=alice)
        self.assertEqual(audit.history.count(), 1)
        make_measurement(new, {"1a": 3})

    def test_restore_into_a_database_that_is_not_empty_is_refused_and_changes_nothing(self):
        text = backup()
        before = self.state()
        err = self.refused(str(self.write_file(text)))
        self.assertIn("the database is not empty: it holds ", err)
        self.assertIn("auth.user (6)", err)  # alice … carol and eva
        self.assertIn("organisations.organisation (2)", err)
        self.assertEqual(self.state(), before)
        self.assertEqual(backup(), text)

    def test_a_damaged_or_foreign_file_is_refused_and_stores_nothing(self):
        text = backup()
        rows_ = json.loads(text)
        export = StringIO()
        call_command("export_organisation", "GGZ Alfa", stdout=export)
        late_bad_reference = [dict(row) for row in rows_]
        participation = max(i for i, row in enumerate(rows_) if row["model"] == "programmes.participation")
        late_bad_reference[participation] = {
            **rows_[participation],
            "fields": {**rows_[participation]["fields"], "organisation": 999999},
        }
        bad_date = [dict(row) for row in rows_]
        measurement = max(i for i, row in enumerate(rows_) if row["model"] == "measurements.measurement")
        bad_date[measurement] = {
            **rows_[measurement],
            "fields": {**rows_[measurement]["fields"], "measured_on": "2025-02-30"},
        }
        cases = {
            "truncated": (text[: len(text) // 2], "not valid JSON at line"),
            "empty file": ("", "not valid JSON at line 1, column 1"),
            "an organisation export": (export.getvalue(), "not an edmonitor backup"),
            "an unknown model": (
                json.dumps([*rows_[:3], {"model": "sessions.session", "pk": "x", "fields": {}}]),
                "row 3: sessions.session is not part of an edmonitor backup",
            ),
            "a reference to nothing, found once the rows are written": (
                json.dumps(late_bad_reference),
                "the backup cannot be restored",
            ),
            "an impossible date halfway": (json.dumps(bad_date), "2025-02-30"),
        }
        self.empty_database()
        before = self.state()
        for case, (content, message) in cases.items():
            with self.subTest(case):
                err = self.refused(str(self.write_file(content)))
                self.assertIn(message, err)
                self.assertEqual(self.state(), before)
        err = self.refused(str(self.tmp / "missing.json"))
        self.assertIn("cannot read the file", err)

        # The database is still as new: the real file restores.
        self.restore(str(self.write_file(text)))
        self.assertEqual(backup(), text)

    def test_a_dry_run_checks_everything_and_stores_nothing(self):
        text = backup()
        self.empty_database()
        before = self.state()
        out = self.restore(str(self.write_file(text)), "--dry-run")
        self.assertIn(
            f"Dry run: {self.file} is a valid backup of {len(json.loads(text))} rows; nothing was stored.", out
        )
        self.assertEqual(self.state(), before)
        # Sequences too are as they were: the next organisation is the first one of this database.
        self.assertEqual(Organisation.objects.create(name="Eerste", sector=Sector.SOCIAL_DOMAIN).pk, 1)

        rows_ = json.loads(text)
        last = max(i for i, row in enumerate(rows_) if row["model"] == "programmes.participation")
        rows_[last]["fields"]["baseline"] = 999999  # found only by actually writing the rows
        Organisation.objects.all().delete()
        err = self.refused(str(self.write_file(json.dumps(rows_))), "--dry-run")
        self.assertIn("the backup cannot be restored", err)


class BackupThroughTheCommandLineTests(ChildProcessMixin, BaseTestCase):
    """``python -m edmonitor restore`` and ``backup`` in a child process, on a new SQLite file.

    The backup is made here, in the test database: on SQLite, or on PostgreSQL when the suite
    runs there, so this also moves a PostgreSQL database into SQLite and back to the same bytes.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_data_set(cls)
        cls.text = backup()

    def setUp(self):
        super().setUp()
        self.file = self.tmp / f"{self._testMethodName}.json"
        self.file.write_text(self.text, encoding="utf-8")

    def test_restored_into_a_new_database_the_backup_comes_back_byte_for_byte(self):
        done = run(["restore", str(self.file)], self.database)
        self.assertEqual(done.returncode, 0, done.stderr)
        again = self.tmp / "again.json"
        done = run(["backup", "-o", str(again)], self.database)
        self.assertEqual(done.returncode, 0, done.stderr)
        assert_same_bytes(self, self.text, again.read_text(encoding="utf-8"))
        self.assertEqual(again.stat().st_mode & 0o777, 0o600)  # personal data and password hashes

        restored = rows(self.database)
        done = run(["restore", str(self.file)], self.database)
        self.assertEqual(done.returncode, 2)
        self.assertIn("auth.user (6)", done.stderr)  # named in the refusal (in Dutch, the command line's language)
        self.assertEqual(rows(self.database), restored)

    def test_a_truncated_file_is_refused_and_the_database_stays_new(self):
        truncated = self.text[: len(self.text) * 2 // 3]
        self.file.write_text(truncated, encoding="utf-8")
        with self.assertRaises(json.JSONDecodeError) as broken:
            json.loads(truncated)
        done = run(["restore", str(self.file)], self.database)
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stdout, "")
        # The file and the line where it breaks off (the words are Dutch, the command line's language).
        self.assertIn(f"{self.file}: ", done.stderr)
        self.assertIn(f" {broken.exception.lineno}, ", done.stderr)
        self.assertEqual(rows(self.database), rows(self.migrated))


class DemoDataRoundTripTests(ChildProcessMixin):
    """Every app's data, as ``seed_demo`` makes them (LIVE, knowledge base, goals, dialogue sessions)."""

    def test_the_demo_database_backs_up_restores_and_backs_up_to_the_same_bytes(self):
        for args in (["seed_demo"], ["backup", "-o", str(self.tmp / "demo.json")]):
            done = run(args, self.database)
            self.assertEqual(done.returncode, 0, done.stderr)
        second = self.tmp / "second.sqlite3"
        shutil.copy(self.migrated, second)
        # A whole database is larger than the import limit (1 MB): the restore says so, and reads it when told to.
        size = (self.tmp / "demo.json").stat().st_size
        self.assertGreater(size, settings.EDMONITOR_MAX_IMPORT_BYTES)
        restore = ["restore", str(self.tmp / "demo.json"), "--max-bytes", str(size)]
        for args in (restore, ["backup", "-o", str(self.tmp / "again.json")]):
            done = run(args, second)
            self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual((self.tmp / "demo.json").read_bytes(), (self.tmp / "again.json").read_bytes())
