"""``load_live`` killed in the middle leaves nothing of the LIVE data; run again afterwards, it loads everything.

The child is the real command line (``python -m edmonitor load_live``) on its own
file-based SQLite database. The test hook ``EDMONITOR_IMPORT_PAUSE_AFTER=N``
(:mod:`edmonitor.core.killpoint`) makes it announce that it has written N objects
(organisations and measurements, in that order) and sleep inside its transaction; the
test kills it there with SIGKILL, so no Python clean-up runs, and reads the file directly.
"""

from __future__ import annotations

import shutil

from edmonitor.testing_processes import TIMEOUT, ChildProcessMixin, rows, run

LIVE_TABLES = {
    "organisations_organisation": 18,
    "measurements_measurement": 36,
    "measurements_itemresponse": 36 * 10,  # ten items each (a goal code is kept on its item's row)
    "programmes_programme": 1,
    "programmes_participation": 18,
}


class KilledLoadLiveTests(ChildProcessMixin):
    def assert_live_data_complete(self) -> None:
        after = rows(self.database)
        self.assertEqual({table: after[table] for table in LIVE_TABLES}, LIVE_TABLES)

    def test_a_load_killed_inside_its_transaction_leaves_nothing_and_a_new_run_loads_everything(self):
        migrated = rows(self.migrated)
        self.assertEqual({table: migrated[table] for table in LIVE_TABLES}, dict.fromkeys(LIVE_TABLES, 0))
        # after 5 of the 36 measurements; and after the last one, before the LIVE programme is written
        for after in (18 + 5, 18 + 36):
            with self.subTest(after=after):
                shutil.copy(self.migrated, self.database)
                proc, line = self.run_to_pause(["load_live"], after=after)
                self.assertIn(f"import paused after {after} objects", line)
                self.kill(proc)

                self.assertEqual(rows(self.database), migrated)

        # The database is whole: the same command, not interrupted, loads all of it.
        done = run(["load_live"], self.database)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("Measurements: 36 created, 0 skipped (already present).", done.stdout)
        self.assert_live_data_complete()

    def test_the_same_load_paused_but_not_killed_stores_everything(self):
        proc, _line = self.run_to_pause(["load_live"], after=18 + 5, seconds="0")
        out, err = proc.communicate(timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("Organisations: 18 created, 0 already present.", out)
        self.assert_live_data_complete()
