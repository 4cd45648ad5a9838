"""Production settings come from the environment, pass Django's deployment checks and refuse to start incomplete.

Each case runs Django in a subprocess, because settings are read once per process.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

BASE_DIR = Path(__file__).resolve().parents[3]

PRODUCTION = {
    "EDMONITOR_PRODUCTION": "1",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "edmonitor.example.nl",
    "DATABASE_URL": "postgres://edmonitor@db.example.nl:5432/edmonitor",
    "REDIS_URL": "redis://cache.example.nl:6379/0",
    "EMAIL_HOST": "smtp.example.nl",
    "DEFAULT_FROM_EMAIL": "edmonitor <edmonitor@example.nl>",
    "EDMONITOR_OPERATOR": "Kenniscentrum Voorbeeld",
    "EDMONITOR_CONTACT_EMAIL": "edmonitor@example.nl",
    "EDMONITOR_STATEMENTS_DATE": "2026-12-07",
}

SHOWN = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "CSRF_TRUSTED_ORIGINS",
    "STATIC_ROOT",
    "EDMONITOR_PROXY_COUNT",
]


# Read by settings.py; left out of the inherited environment so each case sees only its own values.
READ_BY_SETTINGS = {
    *PRODUCTION,
    "DEBUG",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "CSRF_TRUSTED_ORIGINS",
    "STATIC_ROOT",
    "DB_CONN_MAX_AGE",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in READ_BY_SETTINGS and not k.startswith(("SECURE_", "EDMONITOR_", "EMAIL_"))
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "edmonitor.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in(env: dict[str, str]) -> dict[str, object]:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k) for k in {SHOWN!r}}}, default=str))"
    )
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class DeploymentCheckTests(SimpleTestCase):
    def test_the_deployment_check_passes_without_warnings_in_production(self):
        result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_the_deployment_check_does_fail_on_a_weak_production_setting(self):
        # the check above could pass vacuously; with a short key it must fail
        result = run(
            ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {**PRODUCTION, "SECRET_KEY": "kort"}
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("security.W009", result.stderr)

    def test_the_deployment_check_warns_when_e_mail_is_not_configured(self):
        env = {k: v for k, v in PRODUCTION.items() if k not in ("EMAIL_HOST", "DEFAULT_FROM_EMAIL")}
        result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("edmonitor.W001", result.stderr)
        self.assertIn("edmonitor.W002", result.stderr)

    def test_the_deployment_check_warns_when_the_statements_lack_who_runs_the_installation(self):
        env = {k: v for k, v in PRODUCTION.items() if k != "EDMONITOR_OPERATOR"}
        result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("edmonitor.W003", result.stderr)
        self.assertIn("EDMONITOR_OPERATOR", result.stderr)


class RefusesToStartTests(SimpleTestCase):
    def assert_refused(self, env: dict[str, str], message: str) -> None:
        result = run(["manage.py", "check"], env)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn(message, result.stderr)

    def test_production_refuses_to_start_without_a_secret_key(self):
        env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
        self.assert_refused(env, "SECRET_KEY must be set in production")

    def test_production_refuses_to_start_without_allowed_hosts(self):
        env = {k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"}
        self.assert_refused(env, "ALLOWED_HOSTS must be set in production")

    def test_production_refuses_to_start_without_a_database_url(self):
        env = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"}
        self.assert_refused(env, "DATABASE_URL must be set in production")

    def test_production_refuses_debug(self):
        self.assert_refused({**PRODUCTION, "DEBUG": "1"}, "DEBUG cannot be on in production")

    def test_production_refuses_to_start_on_sqlite(self):
        self.assert_refused(
            {**PRODUCTION, "DATABASE_URL": "sqlite:////srv/edmonitor/db.sqlite3"},
            "DATABASE_URL points to SQLite, which lets only one writer at a time",
        )
        self.assert_refused(
            {**PRODUCTION, "DATABASE_URL": "sqlite:////srv/edmonitor/db.sqlite3", "EDMONITOR_SMALL_SINGLE_SERVER": "0"},
            "set EDMONITOR_SMALL_SINGLE_SERVER=1",
        )

    def test_production_refuses_to_start_without_a_shared_cache(self):
        # each process would keep its own cache and rate limits: a login throttle per process is no throttle
        env = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
        self.assert_refused(env, "REDIS_URL is not set")

    def test_a_bad_number_is_refused_loudly(self):
        self.assert_refused({**PRODUCTION, "SESSION_COOKIE_AGE": "acht uur"}, "SESSION_COOKIE_AGE must be an integer")


class SmallSingleServerTests(SimpleTestCase):
    def test_production_on_sqlite_starts_when_the_installation_is_declared_small_and_single_server(self):
        with tempfile.TemporaryDirectory() as tmp:
            # one server, one process's cache: no Redis needed either
            env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3", "EDMONITOR_SMALL_SINGLE_SERVER": "1"}
            env.pop("REDIS_URL")
            result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_a_sqlite_connection_waits_for_other_writers_and_lets_readers_beside_a_writer(self):
        code = (
            "from django.db import connection; cursor = connection.cursor(); "
            "print([cursor.execute(f'PRAGMA {p}').fetchone()[0] "
            "for p in ('journal_mode', 'busy_timeout', 'synchronous')])"
        )
        with tempfile.TemporaryDirectory() as tmp:
            result = run(
                ["manage.py", "shell", "--no-imports", "-c", code], {"DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3"}
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        # WAL (readers beside a writer), a 20 s busy timeout in milliseconds, synchronous NORMAL (= 1)
        self.assertEqual(result.stdout.strip(), "['wal', 20000, 1]")


class ProductionValuesTests(SimpleTestCase):
    def test_production_defaults(self):
        s = settings_in(PRODUCTION)
        self.assertIs(s["DEBUG"], False)
        self.assertEqual(s["ALLOWED_HOSTS"], ["edmonitor.example.nl"])
        for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT"):
            self.assertIs(s[name], True, name)
        self.assertEqual(s["SECURE_HSTS_SECONDS"], 365 * 24 * 60 * 60)
        self.assertIs(s["SECURE_HSTS_INCLUDE_SUBDOMAINS"], True)
        self.assertIs(s["SECURE_HSTS_PRELOAD"], False)
        self.assertEqual(s["SESSION_COOKIE_AGE"], 8 * 60 * 60)
        self.assertIs(s["SESSION_EXPIRE_AT_BROWSER_CLOSE"], False)
        self.assertIsNone(s["SECURE_PROXY_SSL_HEADER"])  # trusting a header is opt-in
        self.assertEqual(s["EDMONITOR_PROXY_COUNT"], 0)
        self.assertEqual(s["SECURE_REFERRER_POLICY"], "same-origin")
        self.assertEqual(s["X_FRAME_OPTIONS"], "DENY")
        self.assertEqual(s["CSRF_TRUSTED_ORIGINS"], [])
        self.assertEqual(s["STATIC_ROOT"], str(BASE_DIR / "staticfiles"))

    def test_production_options_from_the_environment(self):
        s = settings_in(
            {
                **PRODUCTION,
                "SECURE_PROXY_SSL_HEADER": "1",
                "EDMONITOR_PROXY_COUNT": "1",
                "SECURE_HSTS_PRELOAD": "1",
                "SESSION_COOKIE_AGE": "3600",
                "SESSION_EXPIRE_AT_BROWSER_CLOSE": "1",
                "CSRF_TRUSTED_ORIGINS": "https://edmonitor.example.nl, https://ed.example.nl",
                "STATIC_ROOT": "/srv/edmonitor/static",
            }
        )
        self.assertEqual(s["SECURE_PROXY_SSL_HEADER"], ["HTTP_X_FORWARDED_PROTO", "https"])
        self.assertEqual(s["EDMONITOR_PROXY_COUNT"], 1)
        self.assertIs(s["SECURE_HSTS_PRELOAD"], True)
        self.assertEqual(s["SESSION_COOKIE_AGE"], 3600)
        self.assertIs(s["SESSION_EXPIRE_AT_BROWSER_CLOSE"], True)
        self.assertEqual(s["CSRF_TRUSTED_ORIGINS"], ["https://edmonitor.example.nl", "https://ed.example.nl"])
        self.assertEqual(s["STATIC_ROOT"], "/srv/edmonitor/static")

    def test_the_deployment_check_passes_with_preload_and_a_proxy_too(self):
        env = {**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "1", "SECURE_HSTS_PRELOAD": "1"}
        result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
