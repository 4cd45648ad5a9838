"""Twenty people saving the shared notes of one audit at the same moment, on a real server.

A real gunicorn with four worker processes serves a fresh database: a SQLite file of its own
in the suite's SQLite run (what a small single-server installation runs), a PostgreSQL
database of its own (the suite's database name + ``_writers``) in the PostgreSQL run. Twenty
logged-in browsers, each with its own session and CSRF token, open the notes form and then
all post at once. README, "How the MIE audit works": two people saving the same audit never
overwrite each other; untouched fields are left alone, and a field someone else changed in
the meantime is refused with the stored value shown. On SQLite that holds only if writers
wait for each other instead of failing with "database is locked" (settings.py: IMMEDIATE
transactions and a busy timeout); before that, this test saw 500s.
"""

from __future__ import annotations

import http.client
import os
import sqlite3
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest
from django.db import connection

from edmonitor.testing_processes import ChildProcessMixin, Server, run

pytestmark = pytest.mark.both_databases  # concurrent saves: locking differs per database

PASSWORD = "correct horse battery"
THEMES = ("1", "2", "3", "4", "5")
CONFLICT = "door iemand anders gewijzigd"  # the Dutch conflict message of the notes form

# Runs in the child on the fresh database: two auditors of one audit.
PREPARE = f"""
import datetime as dt
from django.contrib.auth import get_user_model
from django.urls import reverse
from edmonitor.audits.models import Position
from edmonitor.audits.services import plan_audit
from edmonitor.organisations.models import Membership, Organisation, Role, Sector
User = get_user_model()
mia = User.objects.create_user("mia", password={PASSWORD!r})
eva = User.objects.create_user("eva", password={PASSWORD!r})
organisation = Organisation.objects.create(name="GGZ Alfa", sector=Sector.MENTAL_HEALTH, clients=5000)
Membership.objects.create(user=mia, organisation=organisation, role=Role.MEMBER)
audit = plan_audit(
    organisation=organisation,
    held_on=dt.date(2026, 3, 2),
    auditors=[(mia, Position.INTERNAL), (eva, Position.EXTERNAL)],
    user=mia,
)
print(audit.pk, reverse("audit_notes", kwargs={{"pk": organisation.pk, "audit_pk": audit.pk}}))
"""


class FormFields(HTMLParser):
    """The fields of every POST form on a page, as a browser would send them back unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif tag == "input" and self.forms and a.get("name") and a.get("type") not in ("submit", "button"):
            self.forms[-1][a["name"] or ""] = a.get("value") or ""
        elif tag == "textarea" and self.forms and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1][self._textarea or ""] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # a browser drops the one newline right after <textarea>
            self.forms[-1][self._textarea] = self.forms[-1][self._textarea].removeprefix("\n")
            self._textarea = None


def form_with(page: str, field: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(page)
    forms = [form for form in parser.forms if field in form]
    assert len(forms) == 1, f"expected one form with {field!r} on the page"
    return forms[0]


class Browser:
    """One person's browser: its own cookies (session, CSRF), every response's status recorded."""

    def __init__(self, url: str, statuses: list[tuple[str, str, int]]) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.statuses = statuses

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=90)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        self.statuses.append((method, path, response.status))
        return response.status, text

    def log_in(self, username: str) -> None:
        _status, page = self.request("GET", "/login/")
        form = form_with(page, "username")
        status, _page = self.request("POST", "/login/", {**form, "username": username, "password": PASSWORD})
        assert status == 302, f"logging in as {username} gave {status}"


def stored_notes(database: Path | str, audit_pk: int) -> dict[str, str]:
    """The notes as stored, read straight from the database (not through the application)."""
    query = "SELECT theme_id, notes, explanation FROM audits_themerecord WHERE audit_id = %s"
    if isinstance(database, str):
        with psycopg.connect(database) as con:
            rows = con.execute(query, [audit_pk]).fetchall()
    else:
        with sqlite3.connect(database) as con:
            rows = con.execute(query.replace("%s", "?"), [audit_pk]).fetchall()
    values = {}
    for theme_id, notes, explanation in rows:
        values[f"notes_{theme_id}"] = notes
        values[f"explanation_{theme_id}"] = explanation
    return values


class TwentyWritersTests(ChildProcessMixin):
    def fresh_database(self) -> Path | str:
        """The migrated SQLite copy of ChildProcessMixin, or in the PostgreSQL run a new, migrated database."""
        if connection.vendor != "postgresql":
            return self.database
        base = os.environ["DATABASE_URL"]
        name = base.rsplit("/", 1)[-1].split("?", 1)[0] + "_writers"
        url = base.rsplit("/", 1)[0] + "/" + name

        def drop() -> None:
            with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        drop()
        with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.addCleanup(drop)
        migrated = run(["migrate", "--noinput", "-v", "0"], url)
        self.assertEqual(migrated.returncode, 0, migrated.stderr)
        return url

    def test_twenty_simultaneous_writers_get_no_server_error_and_are_merged_or_told_of_the_conflict(self):
        database = self.fresh_database()
        prepared = run(["shell", "--no-imports", "-c", PREPARE], database)
        self.assertEqual(prepared.returncode, 0, prepared.stderr)
        audit_pk, notes_path = prepared.stdout.split()

        # Nine writers each change a field of their own (all must be kept); eleven change the same
        # field (exactly one wins, the others are told and their text is not stored).
        own_fields = [f"notes_{t}" for t in THEMES] + [f"explanation_{t}" for t in THEMES[:4]]
        shared_field = "explanation_5"
        writes = [(field, f"Tekst van schrijver {i} in {field}") for i, field in enumerate(own_fields)]
        writes += [(shared_field, f"Tekst van schrijver {i} in {shared_field}") for i in range(len(writes), 20)]
        self.assertEqual(len(writes), 20)

        statuses: list[tuple[str, str, int]] = []
        results: list[tuple[int, str] | None] = [None] * len(writes)
        problems: list[str] = []
        ready = threading.Barrier(len(writes), timeout=60)

        def writer(i: int) -> None:
            try:
                browser = Browser(server.url, statuses)
                browser.log_in("mia" if i % 2 == 0 else "eva")
                status, page = browser.request("GET", notes_path)
                assert status == 200, f"the notes page gave {status}"
                form = form_with(page, "original")
                field, text = writes[i]
                ready.wait()  # everyone has opened the form before anyone saves
                results[i] = browser.request("POST", notes_path, {**form, field: text})
            except Exception as error:  # reported below, with the statuses
                problems.append(f"writer {i}: {error!r}")
                ready.abort()

        with Server(database, self.tmp / "gunicorn.log", workers=4) as server:
            threads = [threading.Thread(target=writer, args=(i,)) for i in range(len(writes))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            log = server.log.read_text(errors="replace")

        server_errors = [s for s in statuses if s[2] >= 500]
        self.assertEqual(server_errors, [], f"server errors; the server's log:\n{log[-4000:]}")
        self.assertEqual(problems, [], log[-4000:])

        stored = stored_notes(database, int(audit_pk))
        # every writer of a field of their own was saved, and their text is stored
        for i, (field, text) in enumerate(writes[: len(own_fields)]):
            self.assertEqual(results[i] and results[i][0], 302, f"writer {i} ({field})")
            self.assertEqual(stored[field], text)
        # of the eleven on one field exactly one was saved; the other ten see the conflict, unsaved
        shared = [(results[i], text) for i, (_field, text) in enumerate(writes) if i >= len(own_fields)]
        saved = [text for result, text in shared if result and result[0] == 302]
        told = [text for result, text in shared if result and result[0] == 200 and CONFLICT in result[1]]
        self.assertEqual(len(saved), 1, [r and r[0] for r, _t in shared])
        self.assertEqual(len(told), len(shared) - 1)
        self.assertEqual(stored[shared_field], saved[0])
