"""Two-step verification (issue 17 part 5): TOTP with recovery codes, required by an organisation or by role.

The codes are computed from the key the setup page shows, with RFC 6238's algorithm (HMAC-SHA1,
30-second steps, 6 digits) written out in edmonitor/testing_otp.py: an independent check of what
the application (django-otp) accepts.
"""

from __future__ import annotations

import base64
import re
import time

from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from edmonitor.audits.tests.factories import plan
from edmonitor.organisations.models import AccessEvent, Membership, Role
from edmonitor.testing import PASSWORD, BaseTestCase, make_user
from edmonitor.testing_otp import totp


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


# django-otp makes a device wait after a wrong code (1, 2, 4, … s); these tests type wrong codes
# on purpose and the right one at once, so they switch the waiting off, except ThrottleTests.
NO_WAITING = override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)


@NO_WAITING
class SecondFactorCase(BaseTestCase):
    def set_up_app(self, client: Client) -> tuple[str, list[str]]:
        """Set up the app on the setup page as a person would; returns (key, recovery codes)."""
        page = client.get(reverse("second_factor_setup"))
        found = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page.content.decode())
        assert found, "the key is on the page"
        secret = found.group(1)
        done = client.post(reverse("second_factor_setup"), {"code": totp(secret)})
        self.assertTemplateUsed(done, "accounts/recovery_codes.html")
        codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
        return secret, codes

    def fresh_login(self, username: str) -> Client:
        client = Client()
        self.assertEqual(log_in(client, username).status_code, 302)
        return client


class SettingUpTests(SecondFactorCase):
    def test_a_person_sets_up_the_app_with_a_code_and_gets_ten_recovery_codes(self):
        client = self.fresh_login("mia")
        page = client.get(reverse("second_factor_setup"))
        self.assertContains(page, "<svg")  # the QR code
        wrong = client.post(reverse("second_factor_setup"), {"code": "000000"})
        self.assertContains(wrong, "aria-invalid")
        self.assertFalse(TOTPDevice.objects.filter(user=self.mia, confirmed=True).exists())
        secret, codes = self.set_up_app(client)
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        self.assertTrue(TOTPDevice.objects.get(user=self.mia).confirmed)
        self.assertTrue(AccessEvent.objects.filter(user=self.mia, kind="second_factor_setup").exists())
        self.assertEqual(client.get(reverse("dashboard")).status_code, 200)  # this session passed the step
        self.assertContains(client.get(reverse("profile")), "10 herstelcodes")

    def test_the_key_on_the_page_is_the_devices_key(self):
        client = self.fresh_login("mia")
        page = client.get(reverse("second_factor_setup"))
        secret = re.search(r'id="secret">([A-Z2-7 ]+)<', page.content.decode()).group(1).replace(" ", "")
        device = TOTPDevice.objects.get(user=self.mia, confirmed=False)
        self.assertEqual(base64.b32decode(secret + "=" * (-len(secret) % 8)), device.bin_key)
        self.assertIn(f"secret={secret}", device.config_url)


class LoggingInTests(SecondFactorCase):
    def setUp(self):
        self.secret, self.codes = self.set_up_app(self.fresh_login("mia"))

    def test_after_the_password_every_page_waits_for_a_code(self):
        client = self.fresh_login("mia")
        dashboard = client.get(reverse("dashboard"))
        self.assertRedirects(dashboard, reverse("second_factor_verify") + "?next=%2F", fetch_redirect_response=False)
        for url in (self.org_a.get_absolute_url(), reverse("profile"), "/beheer/"):
            self.assertEqual(client.get(url).status_code, 302, url)
        self.assertEqual(client.get(reverse("privacy")).status_code, 200)  # public pages stay open
        wrong = client.post(reverse("second_factor_verify"), {"code": "123456", "next": "/"})
        self.assertContains(wrong, "aria-invalid")
        self.assertTrue(AccessEvent.objects.filter(kind="second_factor_failed", user=self.mia).exists())
        # the next step's code: the one of this step was spent when the app was set up
        right = client.post(
            reverse("second_factor_verify"), {"code": totp(self.secret, time.time() + 30), "next": "/organisaties/"}
        )
        self.assertRedirects(right, "/organisaties/", fetch_redirect_response=False)
        self.assertEqual(client.get(self.org_a.get_absolute_url()).status_code, 200)

    def test_a_code_of_the_app_works_once(self):
        code = totp(self.secret, time.time() + 30)
        first = self.fresh_login("mia")
        self.assertEqual(first.post(reverse("second_factor_verify"), {"code": code}).status_code, 302)
        second = self.fresh_login("mia")
        self.assertEqual(second.post(reverse("second_factor_verify"), {"code": code}).status_code, 200)

    def test_a_recovery_code_works_once_and_new_codes_replace_the_old(self):
        client = self.fresh_login("mia")
        self.assertEqual(client.post(reverse("second_factor_verify"), {"code": self.codes[0].upper()}).status_code, 302)
        again = self.fresh_login("mia")
        self.assertEqual(again.post(reverse("second_factor_verify"), {"code": self.codes[0]}).status_code, 200)
        renewed = client.post(reverse("second_factor_codes"))
        new_codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", renewed.content.decode())
        self.assertEqual(len(new_codes), 10)
        late = self.fresh_login("mia")
        self.assertEqual(late.post(reverse("second_factor_verify"), {"code": self.codes[1]}).status_code, 200)
        self.assertEqual(late.post(reverse("second_factor_verify"), {"code": new_codes[0]}).status_code, 302)

    def test_a_next_address_elsewhere_is_not_followed(self):
        client = self.fresh_login("mia")
        response = client.post(reverse("second_factor_verify"), {"code": self.codes[0], "next": "https://evil.example"})
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_switching_off_when_not_required(self):
        client = self.fresh_login("mia")
        client.post(reverse("second_factor_verify"), {"code": self.codes[0]})
        self.assertRedirects(client.post(reverse("second_factor_off")), reverse("profile"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.mia).exists())
        self.assertEqual(self.fresh_login("mia").get(reverse("dashboard")).status_code, 200)


class ThrottleTests(SecondFactorCase):
    def test_after_a_wrong_code_even_the_right_one_waits(self):
        with override_settings(OTP_TOTP_THROTTLE_FACTOR=1, OTP_STATIC_THROTTLE_FACTOR=1):
            secret, codes = self.set_up_app(self.fresh_login("mia"))
            client = self.fresh_login("mia")
            self.assertEqual(client.post(reverse("second_factor_verify"), {"code": "000000"}).status_code, 200)
            right = client.post(reverse("second_factor_verify"), {"code": totp(secret, time.time() + 30)})
            self.assertEqual(right.status_code, 200)  # refused: the app device waits a second now
            self.assertEqual(client.get(reverse("dashboard")).status_code, 302)
            device = TOTPDevice.objects.get(user=self.mia)
            self.assertEqual(device.throttling_failure_count, 1)  # the refused try did not count: it was not checked


class RequiredTests(SecondFactorCase):
    def test_an_organisation_that_requires_it_blocks_its_members_until_they_set_it_up(self):
        self.login(self.alice)
        edit = reverse("organisation_edit", args=[self.org_a.pk])
        form = {"name": self.org_a.name, "clients": "5000", "staff_fte": "1000", "require_second_factor": "on"}
        self.assertEqual(self.client.post(edit, form).status_code, 302)
        self.org_a.refresh_from_db()
        self.assertTrue(self.org_a.require_second_factor)

        client = self.fresh_login("lex")
        for url in (reverse("dashboard"), reverse("profile"), self.org_a.get_absolute_url()):
            response = client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith(reverse("second_factor_setup")), url)
        self.assertContains(client.get(reverse("second_factor_setup")), "voordat u verder kunt")
        self.set_up_app(client)
        self.assertEqual(client.get(self.org_a.get_absolute_url()).status_code, 200)
        # and it cannot be switched off while required
        client.post(reverse("second_factor_off"))
        self.assertTrue(TOTPDevice.objects.filter(user=self.lex, confirmed=True).exists())
        # someone with no role in that organisation is not asked
        self.assertEqual(self.fresh_login("bob").get(reverse("dashboard")).status_code, 200)

    def test_in_production_staff_and_auditors_must_use_it_and_others_need_not(self):
        eva = make_user("eva")
        ina = make_user("ina")
        Membership.objects.create(user=ina, organisation=self.org_a, role=Role.MEMBER)
        plan(self.org_a, ina, eva, by=self.alice)
        with override_settings(PRODUCTION=True):
            for name, must in (("carol", True), ("eva", True), ("ina", True), ("bob", False), ("lex", False)):
                response = self.fresh_login(name).get(reverse("dashboard"))
                with self.subTest(name=name):
                    if must:
                        self.assertTrue(response["Location"].startswith(reverse("second_factor_setup")))
                    else:
                        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.fresh_login("carol").get(reverse("dashboard")).status_code, 200)  # not in development
