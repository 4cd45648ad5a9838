"""E-mail is configured from the environment (issue 17 part 1): sent to a real SMTP server started here.

Settings are read once per process, so each case runs Django in a child process with its own
environment; the SMTP server (aiosmtpd) runs in this process, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiosmtpd.smtp import AuthResult, LoginPassword
from django.test import SimpleTestCase

from edmonitor.testing_mail import Inbox, start_smtp

BASE_DIR = Path(__file__).resolve().parents[3]
USER, PASSWORD = "edmonitor-mail", "s3cret-for-the-test"

SEND = (
    "import django; django.setup(); from django.core.mail import send_mail; "
    "send_mail('Uitnodiging voor edmonitor', 'Welkom bij edmonitor.', None, ['ina@example.nl'])"
)


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535 itself


def run(env: dict[str, str], code: str = SEND) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEFAULT_FROM_EMAIL", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "edmonitor.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


class SmtpTests(SimpleTestCase):
    def setUp(self) -> None:
        self.inbox = Inbox()
        self.server, self.port = start_smtp(self.inbox, authenticator=authenticate, auth_require_tls=False)
        self.addCleanup(self.server.stop)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_HOST_USER": USER,
            "EMAIL_HOST_PASSWORD": PASSWORD,
            "DEFAULT_FROM_EMAIL": "edmonitor <edmonitor@example.nl>",
            **extra,
        }

    def test_with_a_mail_server_in_the_environment_the_mail_arrives_there_from_the_sender_set(self):
        result = run(self.env())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(self.inbox.messages), 1)
        sender, recipients, message = self.inbox.messages[0]
        self.assertEqual((sender, recipients), ("edmonitor@example.nl", ["ina@example.nl"]))
        self.assertEqual(message["Subject"], "Uitnodiging voor edmonitor")
        self.assertEqual(message["From"], "edmonitor <edmonitor@example.nl>")
        self.assertIn("Welkom bij edmonitor.", message.get_payload())

    def test_a_wrong_password_is_refused_by_the_server_and_nothing_is_sent(self):
        result = run(self.env(EMAIL_HOST_PASSWORD="wrong"))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SMTPAuthenticationError", result.stderr)
        self.assertEqual(self.inbox.messages, [])


class ConsoleAndRefusalTests(SimpleTestCase):
    def test_without_a_mail_server_the_mail_is_printed_to_the_console(self):
        result = run({})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Subject: Uitnodiging voor edmonitor", result.stdout)
        self.assertIn("To: ina@example.nl", result.stdout)

    def test_tls_and_ssl_together_are_refused_with_a_clear_message(self):
        result = run(
            {"EMAIL_HOST": "smtp.example.nl", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
            "import django; django.setup()",
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both", result.stderr)
