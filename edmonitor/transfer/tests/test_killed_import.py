"""A process killed in the middle of an import leaves nothing; the same import, not killed, stores everything.

The child is the real command line (``python -m edmonitor import_organisation FILE``) against
its own file-based SQLite database (``DATABASE_URL``), a copy of one migrated once per run. The test
hook ``EDMONITOR_IMPORT_PAUSE_AFTER=N`` makes the importer announce on stderr that it has
written N objects and then sleep inside its transaction; the test kills it with SIGKILL
there, so no Python clean-up runs, and then reads the database file directly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import TestCase

from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations.models import Facility, Organisation, Sector
from edmonitor.testing_processes import TIMEOUT, ChildProcessMixin, child, rows
from edmonitor.transfer.export import export_json

NAME = "Stichting Onderbroken Import"


class KilledImportTests(ChildProcessMixin, TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        organisation = Organisation.objects.create(
            name=NAME, sector=Sector.ADDICTION, clients=2500, staff_fte=Decimal("410.50")
        )
        facilities = [Facility.objects.create(organisation=organisation, name=n) for n in ("Noord", "Zuid")]
        for n in range(8):
            record_measurement(
                organisation=organisation,
                instrument_version=current_version("vie"),
                measured_on=dt.date(2020 + n, 3, 1),
                label=f"meting {n + 1}",
                facility=facilities[n % 2],
                inp=MeasurementInput(
                    direct={"2a": 1 + n % 5, "6a": 3},
                    facts={"staff_fte": Decimal("410.50"), "ed_hours_per_week": Decimal(18 * n)},
                ),
                notes={"2a": f"Notitie {n} – één"},
            )
        cls.text = export_json(organisation)

    def setUp(self):
        super().setUp()
        self.file = self.tmp / f"{self._testMethodName}.json"
        self.file.write_text(self.text, encoding="utf-8")

    def import_to_pause(self, after: int, seconds: str = "600"):
        return self.run_to_pause(["import_organisation", str(self.file)], after, seconds)

    def test_a_process_killed_inside_the_transaction_leaves_no_part_of_the_import(self):
        before = rows(self.database)
        self.assertEqual(before["organisations_organisation"], 0)
        # organisation + 2 facilities + 4 of the 8 measurements are written when the import pauses
        proc, line = self.import_to_pause(after=7)
        self.assertIn("import paused after 7 objects", line)
        self.kill(proc)

        self.assertEqual(rows(self.database), before)

    def test_the_same_import_not_killed_stores_everything_and_exports_the_same_bytes(self):
        before = rows(self.database)
        proc, _line = self.import_to_pause(after=7, seconds="0")
        out, err = proc.communicate(timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn(NAME, out)
        after = rows(self.database)
        self.assertEqual(after["organisations_organisation"], before["organisations_organisation"] + 1)
        self.assertEqual(after["organisations_facility"], before["organisations_facility"] + 2)
        self.assertEqual(after["measurements_measurement"], before["measurements_measurement"] + 8)

        export = child(["export_organisation", NAME], self.database)
        out, err = export.communicate(timeout=TIMEOUT)
        self.assertEqual(export.returncode, 0, err)
        self.assertEqual(out, self.text)

    def test_bad_input_through_the_command_line_exits_2_with_problems_on_stderr(self):
        before = rows(self.database)
        self.file.write_text(self.text.replace('"score": 3', '"score": 9', 1), encoding="utf-8")
        proc = child(["import_organisation", str(self.file)], self.database)
        out, err = proc.communicate(timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(out, "")
        self.assertRegex(err, r"measurements\[\d\]\.items\.6a\.score: 9 ligt buiten 1–5")
        self.assertEqual(rows(self.database), before)
