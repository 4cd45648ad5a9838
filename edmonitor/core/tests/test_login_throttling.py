"""Guessing passwords is throttled per account and per address; forged requests are refused.

Rules (settings.py, django-axes): after 5 failed logins for one user name, from anywhere, that
name is locked; after 5 failed logins from one address, for any names, that address is locked;
15 minutes after the last attempt the lock lifts; a successful login clears that account's own
failures. A locked-out login gets a plain Dutch page with status 429.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from edmonitor.core.lockout import client_ip
from edmonitor.testing import PASSWORD, BaseTestCase


class LoginThrottlingTests(BaseTestCase):
    def attempt(self, username: str, password: str, ip: str = "10.0.0.1", client: Client | None = None):
        client = client or Client()
        return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)

    def fail(self, username: str, times: int, ip: str = "10.0.0.1"):
        return [self.attempt(username, "wrong password", ip).status_code for _ in range(times)]

    def assert_logged_in(self, response) -> None:
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], reverse("dashboard"))

    def assert_locked_out(self, response) -> None:
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "registration/locked_out.html")
        self.assertNotIn("_auth_user_id", response.wsgi_request.session)

    def test_four_wrong_passwords_do_not_lock_the_account(self):
        self.assertEqual(self.fail("alice", 4), [200, 200, 200, 200])
        self.assert_logged_in(self.attempt("alice", PASSWORD))

    def test_five_wrong_passwords_lock_the_account_even_from_another_address(self):
        self.assertEqual(self.fail("alice", 5), [200, 200, 200, 200, 429])
        self.assert_locked_out(self.attempt("alice", PASSWORD, ip="10.9.9.9"))
        # other accounts from that other address are not affected
        self.assert_logged_in(self.attempt("bob", PASSWORD, ip="10.9.9.9"))

    def test_five_wrong_passwords_for_different_accounts_lock_the_address(self):
        statuses = [
            self.attempt(name, "wrong password", "10.0.0.7").status_code for name in ("alice", "mia", "lex", "bob")
        ]
        statuses.append(self.attempt("niemand", "wrong password", "10.0.0.7").status_code)
        self.assertEqual(statuses, [200, 200, 200, 200, 429])
        self.assert_locked_out(self.attempt("carol", PASSWORD, ip="10.0.0.7"))
        # the same accounts from another address still log in
        self.assert_logged_in(self.attempt("carol", PASSWORD, ip="10.0.0.8"))

    def test_a_correct_password_during_a_lockout_is_refused(self):
        self.fail("alice", 5)
        for ip in ("10.0.0.1", "10.0.0.2"):
            self.assert_locked_out(self.attempt("alice", PASSWORD, ip=ip))

    def test_the_lock_lifts_fifteen_minutes_after_the_last_attempt(self):
        self.fail("alice", 5)
        AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
        self.assert_locked_out(self.attempt("alice", PASSWORD))  # this attempt restarts the 15 minutes
        AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
        self.assert_logged_in(self.attempt("alice", PASSWORD))

    def test_a_successful_login_clears_the_accounts_failures(self):
        self.fail("alice", 4)
        self.assert_logged_in(self.attempt("alice", PASSWORD))
        self.assertEqual(self.fail("alice", 4), [200, 200, 200, 200])
        self.assert_logged_in(self.attempt("alice", PASSWORD))

    def test_another_accounts_success_from_the_same_address_does_not_clear_them(self):
        # otherwise someone with one valid account could guess another's password without limit
        self.fail("alice", 4, ip="10.0.0.5")
        self.assert_logged_in(self.attempt("bob", PASSWORD, ip="10.0.0.5"))
        self.assertEqual(self.fail("alice", 1, ip="10.0.0.6"), [429])

    def test_the_lockout_page_says_plainly_in_dutch_what_happened_and_when_to_try_again(self):
        self.fail("alice", 4)
        before = timezone.localtime(timezone.now() + dt.timedelta(minutes=15))
        response = self.attempt("alice", "wrong password")
        after = timezone.localtime(timezone.now() + dt.timedelta(minutes=15))
        self.assert_locked_out(response)
        self.assertContains(response, "Te veel mislukte inlogpogingen", status_code=429)
        self.assertContains(response, "15 minuten", status_code=429)
        text = response.content.decode()
        self.assertTrue(f"{before:%H:%M}" in text or f"{after:%H:%M}" in text, "the time to try again")
        self.assertContains(response, '<html lang="nl">', status_code=429)
        self.assertNotContains(response, "Traceback", status_code=429)
        self.assertNotContains(response, "alice", status_code=429)  # no echo of what was typed


class BehindAProxyTests(BaseTestCase):
    def attempt(self, username: str, password: str, forwarded_for: str):
        return Client().post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    def test_without_a_proxy_count_the_connections_address_counts_and_the_header_is_ignored(self):
        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="10.6.6.6")
        self.assertEqual(client_ip(request), "10.0.0.1")

    @override_settings(EDMONITOR_PROXY_COUNT=1)
    def test_behind_one_proxy_the_address_the_proxy_saw_counts_not_what_the_client_claims(self):
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.6.6.6, 192.0.2.7")
        self.assertEqual(client_ip(request), "192.0.2.7")
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
        self.assertEqual(client_ip(request), "127.0.0.1")  # no header: the proxy is misconfigured

    @override_settings(EDMONITOR_PROXY_COUNT=1)
    def test_behind_a_proxy_one_clients_failures_do_not_lock_out_the_others(self):
        for name in ("alice", "mia", "lex", "bob", "niemand"):
            self.attempt(name, "wrong password", "192.0.2.7")
        self.assertEqual(self.attempt("carol", PASSWORD, "192.0.2.7").status_code, 429)
        self.assertEqual(self.attempt("carol", PASSWORD, "192.0.2.8").status_code, 302)


class CsrfTests(BaseTestCase):
    def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        url = reverse("organisation_edit", args=[self.org_a.pk])
        response = client.post(url, {"name": "Overgenomen", "sector": "addiction"})
        self.assertEqual(response.status_code, 403)
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.name, "GGZ Alfa")

    def test_the_same_post_with_the_token_of_the_page_is_saved(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        url = reverse("organisation_edit", args=[self.org_a.pk])
        token = client.get(url).context["csrf_token"]
        response = client.post(url, {"name": "Overgenomen", "sector": "addiction", "csrfmiddlewaretoken": str(token)})
        self.assertEqual(response.status_code, 302)
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.name, "Overgenomen")

    def test_logging_in_needs_the_token_too(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("_auth_user_id", client.session)
