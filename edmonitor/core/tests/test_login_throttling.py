"""Guessing passwords is throttled per (user name, address) and per address; forged requests are refused.

Rules (settings.py, django-axes, edmonitor.core.lockout): after 5 failed logins for one user
name from one address, that name is locked from that address only; after 20 failed logins
from one address, for any names, that address is locked; 15 minutes after the last attempt
the lock lifts; a successful login clears that pair's own failures. Nobody can lock another
person out from elsewhere. A locked-out login gets a plain Dutch page with status 429.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from edmonitor.core.lockout import client_ip
from edmonitor.testing import PASSWORD, BaseTestCase

OUTSIDER = "203.0.113.9"  # an address on the internet, not the office's
OFFICE = "10.0.0.1"


class LoginThrottlingTests(BaseTestCase):
    def attempt(self, username: str, password: str, ip: str = OFFICE, client: Client | None = None):
        client = client or Client()
        return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)

    def fail_logins(self, username: str, times: int, ip: str = OFFICE) -> list[int]:
        return [self.attempt(username, "wrong password", ip).status_code for _ in range(times)]

    def assert_logged_in(self, response) -> None:
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], reverse("dashboard"))

    def assert_locked_out(self, response) -> None:
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "registration/locked_out.html")
        self.assertNotIn("_auth_user_id", response.wsgi_request.session)

    def test_four_wrong_passwords_do_not_lock_the_account(self):
        self.assertEqual(self.fail_logins("alice", 4), [200, 200, 200, 200])
        self.assert_logged_in(self.attempt("alice", PASSWORD))

    def test_an_outsider_failing_for_the_coordinator_does_not_keep_the_coordinator_out(self):
        # carol is a coordinator (staff); someone elsewhere keeps typing wrong passwords for her
        self.assertEqual(self.fail_logins("carol", 12, ip=OUTSIDER), [200] * 4 + [429] * 8)
        self.assert_locked_out(self.attempt("carol", PASSWORD, ip=OUTSIDER))  # the right one, too late
        self.assert_logged_in(self.attempt("carol", PASSWORD, ip=OFFICE))

    def test_five_wrong_passwords_from_one_address_lock_that_name_from_that_address(self):
        self.assertEqual(self.fail_logins("alice", 5), [200, 200, 200, 200, 429])
        self.assert_locked_out(self.attempt("alice", PASSWORD))
        # another name from the same address, and the same name from another address, still log in
        self.assert_logged_in(self.attempt("bob", PASSWORD))
        self.assert_logged_in(self.attempt("alice", PASSWORD, ip="10.9.9.9"))

    def test_one_address_trying_many_names_is_throttled_after_twenty_failures(self):
        # four guesses for each of five names: no single name reaches its 5, the address reaches 20
        names = ["alice", "mia", "lex", "bob", "niemand"] * 4
        statuses = [self.attempt(name, "wrong password", OUTSIDER).status_code for name in names]
        self.assertEqual(statuses, [200] * 19 + [429])
        self.assert_locked_out(self.attempt("carol", PASSWORD, ip=OUTSIDER))  # any name from there
        self.assert_logged_in(self.attempt("carol", PASSWORD, ip=OFFICE))  # the names are not locked

    def test_a_correct_password_during_a_lockout_is_refused(self):
        self.fail_logins("alice", 5)
        self.assert_locked_out(self.attempt("alice", PASSWORD))

    def test_the_lock_lifts_fifteen_minutes_after_the_last_attempt(self):
        self.fail_logins("alice", 5)
        AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
        self.assert_locked_out(self.attempt("alice", PASSWORD))  # this attempt restarts the 15 minutes
        AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
        self.assert_logged_in(self.attempt("alice", PASSWORD))

    def test_a_successful_login_clears_the_failures_of_that_name_from_that_address(self):
        self.fail_logins("alice", 4)
        self.assert_logged_in(self.attempt("alice", PASSWORD))
        self.assertEqual(self.fail_logins("alice", 4), [200, 200, 200, 200])
        self.assert_logged_in(self.attempt("alice", PASSWORD))

    def test_the_real_users_login_does_not_clear_an_outsiders_failures(self):
        # otherwise the coordinator's own logins would give the outsider new guesses
        self.fail_logins("carol", 4, ip=OUTSIDER)
        self.assert_logged_in(self.attempt("carol", PASSWORD, ip=OFFICE))
        self.assertEqual(self.fail_logins("carol", 1, ip=OUTSIDER), [429])

    def test_another_accounts_success_from_the_same_address_does_not_clear_them(self):
        # otherwise someone with one valid account could guess another's password without limit
        self.fail_logins("alice", 4, ip="10.0.0.5")
        self.assert_logged_in(self.attempt("bob", PASSWORD, ip="10.0.0.5"))
        self.assertEqual(self.fail_logins("alice", 1, ip="10.0.0.5"), [429])

    def test_the_lockout_page_says_plainly_in_dutch_what_happened_and_when_to_try_again(self):
        self.fail_logins("alice", 4)
        before = timezone.localtime(timezone.now() + dt.timedelta(minutes=15))
        response = self.attempt("alice", "wrong password")
        after = timezone.localtime(timezone.now() + dt.timedelta(minutes=15))
        self.assert_locked_out(response)
        self.assertContains(response, "Te veel mislukte inlogpogingen", status_code=429)
        self.assertContains(response, "met deze gebruikersnaam vanaf dit netwerkadres", status_code=429)
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
        for name in ["alice", "mia", "lex", "bob", "niemand"] * 4:
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
