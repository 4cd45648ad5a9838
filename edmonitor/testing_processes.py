"""Tests that run the real command line in a child process against a file-based SQLite database.

Used where only a separate process is honest: a process killed with SIGKILL in the middle
of an import (no Python clean-up runs; the test then reads the database file itself), a
restore into a database that nothing else has touched, and a real gunicorn with several
worker processes writing to one database file at once (:class:`Server`). The child is ``python -m
edmonitor ARGS`` with ``DATABASE_URL`` pointing at the file; the pause hook of
:mod:`edmonitor.core.killpoint` stops an import inside its transaction.
"""

from __future__ import annotations

import atexit
import os
import queue
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from django.test import SimpleTestCase

from edmonitor.core.killpoint import PAUSE_AFTER_ENV, PAUSE_SECONDS_ENV, PAUSED

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120


def database_url(database: Path | str) -> str:
    """A SQLite file's URL; a string is a database URL already (a PostgreSQL database)."""
    return database if isinstance(database, str) else f"sqlite:///{database}"


def child(args: list[str], database: Path | str, **env: str) -> subprocess.Popen[str]:
    """Start ``python -m edmonitor ARGS`` on ``database`` (SQLite file or URL); the pause hook only when asked."""
    environment = {**os.environ, "DATABASE_URL": database_url(database), **env}
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


def run(args: list[str], database: Path | str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m edmonitor ARGS`` to its end."""
    proc = child(args, database)
    out, err = proc.communicate(timeout=TIMEOUT)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def rows(database: Path) -> dict[str, int]:
    """Rows per table, read straight from the file (what a killed writer left uncommitted in the WAL is ignored)."""
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

        def stop() -> None:
            if proc.poll() is None:
                proc.kill()

        def read() -> None:
            for line in proc.stderr or ():
                lines.put(line)

        self.addCleanup(stop)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=read, daemon=True).start()
        seen: list[str] = []
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


class Server:
    """gunicorn serving edmonitor on a free port of 127.0.0.1, as e2e/conftest.py starts it.

    ``database`` is a SQLite file or a database URL. Used as a context manager:
    ``with Server(database, log, workers=4) as server: server.url``. The server runs as
    deployed (DEBUG off, its own secret key); its output goes to ``log``.
    """

    def __init__(self, database: Path | str, log: Path, *, workers: int = 4) -> None:
        self.database = database
        self.workers = workers
        self.log = log
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        environment = {k: v for k, v in os.environ.items() if k != "EDMONITOR_PRODUCTION"}
        environment |= {
            "DJANGO_SETTINGS_MODULE": "edmonitor.settings",
            "DATABASE_URL": database_url(self.database),
            "DEBUG": "0",
            "SECRET_KEY": "test-" + os.urandom(16).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "--bind=127.0.0.1:0",  # gunicorn picks a free port and logs it: no race for one
                    f"--workers={self.workers}",
                    "--no-control-socket",
                    "--timeout=60",
                    "edmonitor.wsgi:application",
                ],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = re.search(rb"Listening at: (http://127\.0\.0\.1:\d+)", self.log.read_bytes())
            if found:
                try:
                    urllib.request.urlopen(found.group(1).decode() + "/login/", timeout=5).read()
                    self.url = found.group(1).decode()
                    return self
                except OSError:
                    pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.__exit__()
        raise AssertionError("gunicorn did not start:\n" + self.log.read_text(errors="replace"))

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
