"""A person's own account (issue 17 part 3): reset, change, profile, e-mail address, language."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from edmonitor.accounts.models import Profile
from edmonitor.accounts.views import EMAIL_SALT, RESET_LIMIT_PER_CLIENT, RESET_LIMIT_PER_EMAIL
from edmonitor.organisations.models import AccessEvent
from edmonitor.testing import PASSWORD, BaseTestCase

NEW_PASSWORD = "een nieuw en lang wachtwoord"


def link_in(message) -> str:
    found = re.search(r"https?://[^\s]+", message.body)
    assert found, message.body
    return found.group(0)


class PasswordResetTests(BaseTestCase):
    def setUp(self):
        cache.clear()  # the throttle's counts
        self.lex.email = "lex@ggz-alfa.nl"
        self.lex.save()

    def ask(self, email: str, client: Client | None = None, **extra):
        return (client or self.client).post(reverse("password_reset"), {"email": email}, **extra)

    def test_the_login_page_links_to_it(self):
        self.assertContains(self.client.get(reverse("login")), reverse("password_reset"))

    def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_the_known_one_mail(self):
        known = self.ask("LEX@ggz-alfa.nl")
        unknown = self.ask("nobody@example.nl")
        self.assertRedirects(known, reverse("password_reset_done"))
        self.assertRedirects(unknown, reverse("password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["lex@ggz-alfa.nl"])
        self.assertEqual(mail.outbox[0].subject, "Een nieuw wachtwoord voor edmonitor")

    def test_the_link_sets_a_new_password_once_and_the_validators_apply(self):
        self.ask("lex@ggz-alfa.nl")
        link = link_in(mail.outbox[0])
        form_page = self.client.get(link, follow=True)  # Django moves the token into the session
        url = form_page.redirect_chain[-1][0]
        weak = self.client.post(url, {"new_password1": "12345678901", "new_password2": "12345678901"})
        self.assertContains(weak, "aria-invalid")
        self.assertContains(weak, "bevat alleen cijfers")
        done = self.client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertRedirects(done, reverse("password_reset_complete"))
        fresh = Client().post(reverse("login"), {"username": "lex", "password": NEW_PASSWORD})
        self.assertEqual(fresh.status_code, 302)  # logged in with the new password
        again = Client().get(link, follow=True)
        self.assertContains(again, "Deze link werkt niet meer")
        self.assertTrue(AccessEvent.objects.filter(kind="password_reset", user=self.lex).exists())

    def test_requests_are_throttled_per_address_typed_and_per_client(self):
        for _ in range(RESET_LIMIT_PER_EMAIL):
            self.assertEqual(self.ask("lex@ggz-alfa.nl").status_code, 302)
        refused = self.ask("lex@ggz-alfa.nl")
        self.assertContains(refused, "Te veel aanvragen")
        self.assertEqual(len(mail.outbox), RESET_LIMIT_PER_EMAIL)
        other = {"REMOTE_ADDR": "192.0.2.50"}
        for n in range(RESET_LIMIT_PER_CLIENT):
            self.assertEqual(self.ask(f"iemand{n}@example.nl", **other).status_code, 302)
        self.assertContains(self.ask("lex@example.nl", **other), "Te veel aanvragen")
        # the same refusal for an address with and without an account: it reveals nothing
        self.assertContains(self.ask("nobody@example.nl", **other), "Te veel aanvragen")


class PasswordChangeTests(BaseTestCase):
    def test_changing_the_password_keeps_this_browser_and_logs_out_the_others(self):
        here, elsewhere = Client(), Client()
        for client in (here, elsewhere):
            client.post(reverse("login"), {"username": "lex", "password": PASSWORD})
        wrong = here.post(
            reverse("password_change"),
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        self.assertContains(wrong, "aria-invalid")
        response = here.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            follow=True,
        )
        self.assertContains(response, "Uw wachtwoord is gewijzigd")
        self.assertEqual(here.get(reverse("dashboard")).status_code, 200)
        self.assertEqual(elsewhere.get(reverse("dashboard")).status_code, 302)
        self.assertTrue(AccessEvent.objects.filter(kind="password_change", user=self.lex).exists())


class ProfileTests(BaseTestCase):
    def setUp(self):
        self.lex.email = "lex@oud.nl"
        self.lex.save()
        self.login(self.lex)

    def save(self, **changes):
        data = {"first_name": "", "last_name": "", "email": "lex@oud.nl", "language": "", **changes}
        return self.client.post(reverse("profile"), data, follow=True)

    def test_name_and_language_are_saved_and_the_language_comes_back_at_the_next_login(self):
        response = self.save(first_name="Lex", last_name="de Lezer", language="en")
        self.assertContains(response, "Your details have been saved.")  # the page is English at once
        self.lex.refresh_from_db()
        self.assertEqual((self.lex.first_name, self.lex.last_name), ("Lex", "de Lezer"))
        browser = Client()
        browser.post(reverse("login"), {"username": "lex", "password": PASSWORD})
        self.assertContains(browser.get(reverse("dashboard")), 'lang="en"')

    def test_the_header_switch_is_remembered_in_the_profile(self):
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        self.assertEqual(Profile.objects.get(user=self.lex).language, "en")

    def test_a_new_address_counts_only_after_its_link_and_the_old_one_is_told(self):
        response = self.save(email="lex@nieuw.nl")
        self.assertContains(response, "We hebben een link gestuurd naar lex@nieuw.nl")
        self.lex.refresh_from_db()
        self.assertEqual(self.lex.email, "lex@oud.nl")
        self.assertEqual(mail.outbox[0].to, ["lex@nieuw.nl"])
        link = link_in(mail.outbox[0])
        confirmed = self.client.get(link, follow=True)
        self.assertContains(confirmed, "lex@nieuw.nl")
        self.lex.refresh_from_db()
        self.assertEqual(self.lex.email, "lex@nieuw.nl")
        self.assertEqual(mail.outbox[1].to, ["lex@oud.nl"])
        self.assertIn("lex@nieuw.nl", mail.outbox[1].body)
        used = self.client.get(link, follow=True)  # the old address has changed: the link is spent
        self.assertContains(used, "Deze link is niet geldig")

    def test_a_link_for_someone_else_or_a_forged_one_changes_nothing(self):
        token = signing.dumps({"u": self.mia.pk, "e": "x@example.nl", "o": ""}, salt=EMAIL_SALT)
        self.client.get(reverse("email_confirm", args=[token]))
        self.client.get(reverse("email_confirm", args=["not-a-token"]))
        self.assertEqual(get_user_model().objects.get(pk=self.lex.pk).email, "lex@oud.nl")
        self.assertEqual(get_user_model().objects.get(pk=self.mia.pk).email, "")

    def test_a_bad_address_is_refused_with_a_message(self):
        response = self.save(email="geen adres")
        self.assertContains(response, "aria-invalid")
        self.assertEqual(mail.outbox, [])

    def test_an_address_another_account_has_is_refused_when_confirmed(self):
        self.mia.email = "Gedeeld@example.nl"
        self.mia.save()
        self.save(email="gedeeld@example.nl")
        confirmed = self.client.get(link_in(mail.outbox[0]), follow=True)
        self.assertContains(confirmed, "Een ander account heeft dit e-mailadres al")
        self.lex.refresh_from_db()
        self.assertEqual(self.lex.email, "lex@oud.nl")
