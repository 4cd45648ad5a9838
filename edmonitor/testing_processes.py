"""Tests that run the real command line in a child process against a file-based SQLite database.

Used where only a separate process is honest: a process killed with SIGKILL in the middle
of an import (no Python clean-up runs; the test then reads the database file itself), and
a restore into a database that nothing else has touched. The child is ``python -m
edmonitor ARGS`` with ``DATABASE_URL`` pointing at the file; the pause hook of
:mod:`edmonitor.core.killpoint` stops an import inside its transaction.
"""

from __future__ import annotations

import atexit
import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from django.test import SimpleTestCase

from edmonitor.core.killpoint import PAUSE_AFTER_ENV, PAUSE_SECONDS_ENV, PAUSED

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120


def child(args: list[str], database: Path, **env: str) -> subprocess.Popen[str]:
    """Start ``python -m edmonitor ARGS`` on the SQLite file ``database``; the pause hook only when asked."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", **env}
    for name in (PAUSE_AFTER_ENV, PAUSE_SECONDS_ENV):
        if name not in env:
            environment.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "-m", "edmonitor", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def run(args: list[str], database: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m edmonitor ARGS`` to its end."""
    proc = child(args, database)
    out, err = proc.communicate(timeout=TIMEOUT)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def rows(database: Path) -> dict[str, int]:
    """Rows per table, read straight from the file (a hot journal left by a killed writer is rolled back here)."""
    with sqlite3.connect(database) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


_migrated: list[Path] = []  # one migrated database per test run, copied for each class


def migrated_database() -> Path:
    """A new database as ``edmonitor migrate`` leaves it; made once per test run (migrating takes seconds)."""
    if not _migrated:
        folder = Path(tempfile.mkdtemp(prefix="edmonitor-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        done = run(["migrate", "--noinput", "-v", "0"], folder / "migrated.sqlite3")
        if done.returncode != 0:
            raise AssertionError(f"migrating the child's database failed:\n{done.stdout}\n{done.stderr}")
        _migrated.append(folder / "migrated.sqlite3")
    return _migrated[0]


class ChildProcessMixin(SimpleTestCase):
    """A new, migrated SQLite file per class (``cls.migrated``) and a fresh copy of it per test (``self.database``)."""

    tmp: Path
    migrated: Path

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.tmp = Path(tempfile.mkdtemp(prefix="edmonitor-child-"))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.migrated = cls.tmp / "migrated.sqlite3"
        shutil.copy(migrated_database(), cls.migrated)

    def setUp(self) -> None:
        super().setUp()
        self.database = self.tmp / f"{self._testMethodName}.sqlite3"
        shutil.copy(self.migrated, self.database)

    def run_to_pause(self, args: list[str], after: int, seconds: str = "600") -> tuple[subprocess.Popen[str], str]:
        """Start the command with the pause hook set; return once it says it has paused (after ``after`` objects)."""
        proc = child(args, self.database, **{PAUSE_AFTER_ENV: str(after), PAUSE_SECONDS_ENV: seconds})
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr or ()], daemon=True).start()
        seen = []
        while True:
            try:
                line = lines.get(timeout=TIMEOUT)
            except queue.Empty:
                self.fail(f"the command never paused; stderr so far: {seen}")
            seen.append(line)
            if PAUSED in line:
                return proc, line

    def kill(self, proc: subprocess.Popen[str]) -> None:
        """SIGKILL: the process ends at once, without any Python clean-up (no rollback, no atexit)."""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
        self.assertEqual(proc.returncode, -signal.SIGKILL)
