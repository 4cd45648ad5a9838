"""Fixtures of the browser tests: one real edmonitor server and one headless Chromium per run.

The server is gunicorn on a free port of 127.0.0.1, DEBUG off, on a fresh database: a
SQLite file in a temporary folder, or, when E2E_DATABASE_URL is set, that PostgreSQL
database, dropped and created again; e2e/data.py migrates it and fills it (`seed_demo`
and the tests' own objects). Beside it runs the background worker (`manage.py db_worker`).
See e2e/README.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response, sync_playwright

from edmonitor.accounts.tests import oidc_provider
from edmonitor.testing_mail import Inbox, start_smtp

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "e2e-artifacts"
PASSWORD = "edmonitor-demo"
TIMEOUT_MS = 10_000


@dataclass
class Worker:
    """The background worker beside the server (``manage.py db_worker``), as in production (README,
    "Background tasks"): it runs what pages queue, such as the confirm step of an import."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval=0.5"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        """Stop it (SIGTERM: a task it is running is finished first); what is queued waits for the next start."""
        if self.process is not None:
            _stop(self.process)
            self.process = None


@dataclass
class Server:
    url: str
    ids: dict[str, Any]  # primary keys, and the token of an invitation
    log: Path
    env: dict[str, str]  # the server's environment: its database among others
    worker: Worker

    def path(self, path: str) -> str:
        return self.url + path

    def python(self, code: str) -> str:
        """Run Python against the server's database (``manage.py shell -c``): for what time would do, such as
        a week passing."""
        return _run(self.env, "manage.py", "shell", "-c", code)


# --- database -------------------------------------------------------------------------


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise pytest.UsageError(f"E2E_DATABASE_URL needs a plain database name, got {name!r}")
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# --- server ---------------------------------------------------------------------------


def _start_gunicorn(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start gunicorn on port 0 and read the port it got from its log (no race for a free port)."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log_file = log.open("wb")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "--bind=127.0.0.1:0",
            "--workers=2",
            "--threads=4",
            "--no-control-socket",
            "--timeout=60",
            "e2e.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_file.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = re.search(rb"Listening at: (http://127\.0\.0\.1:\d+)", log.read_bytes())
        if found:
            url = found.group(1).decode()
            try:
                urllib.request.urlopen(url + "/login/", timeout=5).read()
                return process, url
            except OSError:
                pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    _stop(process)
    raise RuntimeError("gunicorn did not start:\n" + log.read_text(errors="replace"))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Inbox]:
    """What the server sends by e-mail arrives here: a real SMTP server (aiosmtpd) on this machine."""
    inbox = Inbox()
    controller, _port = start_smtp(inbox)
    try:
        yield inbox
    finally:
        controller.stop()


# The identity provider of the single sign-on tests (test_accounts.py): its people and the client
# edmonitor is registered as. A loopback redirect address matches any port (RFC 8252).
SSO_PASSWORD = "provider-password"
SSO_PEOPLE = [
    {"username": "sanne", "email": "sanne@veilig.example.nl", "first_name": "Sanne", "last_name": "Smit"},
    {"username": "onbekend", "email": "iemand@elders.example.org", "first_name": "Ivo", "last_name": "Elders"},
]


@dataclass(frozen=True)
class IdentityProvider:
    url: str
    client_id: str
    client_secret: str


@pytest.fixture(scope="session")
def identity_provider() -> Iterator[IdentityProvider]:
    """A real OpenID Connect provider on this machine (django-oauth-toolkit), edmonitor registered as its client."""
    provider = IdentityProvider(url="", client_id="edmonitor-e2e", client_secret="e2e-" + os.urandom(8).hex())
    process, url = oidc_provider.start(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        redirect_uri="http://127.0.0.1/sso/terug/",
        users=[person | {"password": SSO_PASSWORD} for person in SSO_PEOPLE],
    )
    try:
        yield IdentityProvider(url=url, client_id=provider.client_id, client_secret=provider.client_secret)
    finally:
        oidc_provider.stop(process)


@pytest.fixture(scope="session")
def server(mailbox: Inbox, identity_provider: IdentityProvider) -> Iterator[Server]:
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.rmtree(ARTIFACTS / "failures", ignore_errors=True)
    pg_url = os.environ.get("E2E_DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="edmonitor-e2e-") as tmp:
        if pg_url:
            _recreate_postgres(pg_url)
            database_url = pg_url
        else:
            database_url = f"sqlite:///{tmp}/e2e.sqlite3"
        env = {k: v for k, v in os.environ.items() if k not in ("E2E_DATABASE_URL", "EDMONITOR_PRODUCTION")}
        env |= {
            "DJANGO_SETTINGS_MODULE": "edmonitor.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "e2e-" + os.urandom(16).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mailbox.port),
            "EMAIL_USE_TLS": "0",  # the test's SMTP server speaks plain SMTP on 127.0.0.1
            "DEFAULT_FROM_EMAIL": "edmonitor@test.invalid",
            "EDMONITOR_OIDC_CLIENT_ID": identity_provider.client_id,
            "EDMONITOR_OIDC_CLIENT_SECRET": identity_provider.client_secret,
            "EDMONITOR_OIDC_AUTHORIZATION_ENDPOINT": identity_provider.url + "/o/authorize/",
            "EDMONITOR_OIDC_TOKEN_ENDPOINT": identity_provider.url + "/o/token/",
            "EDMONITOR_OIDC_USERINFO_ENDPOINT": identity_provider.url + "/o/userinfo/",
            "EDMONITOR_OIDC_JWKS_ENDPOINT": identity_provider.url + "/o/.well-known/jwks.json",
        }
        try:
            ids = json.loads(_run(env, "-m", "e2e.data"))
            log = ARTIFACTS / ("server-postgresql.log" if pg_url else "server-sqlite.log")
            process, url = _start_gunicorn(env, log)
            worker = Worker(env=env, log=log.with_name(log.stem + "-worker.log"))
            worker.start()
            try:
                yield Server(url=url, ids=ids, log=log, env=env, worker=worker)
            finally:
                worker.stop()
                _stop(process)
        finally:
            if pg_url:
                _drop_postgres(pg_url)


# --- browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.exit("chromium not found: run scripts/ensure-system-packages.sh --browser", returncode=3)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass
class Session:
    """Logged-in browser state per user, made once through the login page and reused."""

    states: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="session")
def sessions() -> Session:
    return Session()


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


@dataclass
class Browsing:
    """Browser contexts opened by one test; server errors, script errors and console errors are recorded."""

    browser: Browser
    server: Server
    sessions: Session
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def new_page(self, user: str | None = None, **context_options: Any) -> Page:
        """A page in a fresh context; logged in as `user` (through the login page, once per user and run)."""
        if user is not None and user not in self.sessions.states:
            page = self.new_page()
            page.goto(self.server.path("/login/"))
            log_in(page, user)
            page.get_by_role("button", name=f"Uitloggen ({user})").wait_for()
            self.sessions.states[user] = page.context.storage_state()
        state = self.sessions.states.get(user) if user else None
        context = self.browser.new_context(
            base_url=self.server.url, locale="nl-NL", storage_state=state, **context_options
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"script error on {page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))
        page.on("response", self._response)
        return page

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        # Errors such as a Content-Security-Policy refusal; failed loads are judged in _response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error on {page.url}: {message.text}")

    def _response(self, response: Response) -> None:
        missing = response.status == 404 and response.request.resource_type in ("stylesheet", "script", "image", "font")
        if response.status >= 500 or (missing and not response.url.endswith("/favicon.ico")):
            where = f" (see {self.server.log.relative_to(ROOT)})" if response.status >= 500 else ""
            self.problems.append(f"{response.status} on {response.request.method} {response.url}{where}")


@pytest.fixture
def browsing(browser: Browser, server: Server, sessions: Session, request: pytest.FixtureRequest) -> Iterator[Browsing]:
    b = Browsing(browser=browser, server=server, sessions=sessions)
    yield b
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = ARTIFACTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for i, context in enumerate(b.contexts):
            for j, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(folder / f"{name}-{i}{j}.png"), full_page=True)
                except Exception as error:  # a crashed page must not hide the test's own failure
                    print(f"could not save a screenshot of {page.url}: {error}")
    for context in b.contexts:
        context.close()
    assert not b.problems, "\n".join(b.problems)


@pytest.fixture
def page(browsing: Browsing) -> Page:
    """A page with nobody logged in."""
    return browsing.new_page()


@pytest.fixture
def open_as(browsing: Browsing) -> Callable[..., Page]:
    """open_as("projectleider") → a page in its own context, logged in as that demo user."""
    return browsing.new_page
