"""Single sign-on (issue 17 part 4) against a real OpenID Connect provider started here.

The provider is django-oauth-toolkit in a process of its own (``oidc_provider.py``): the test
plays the browser with ``requests`` on the provider's side (its login form, its authorize
endpoint) and with Django's test client on edmonitor's side; edmonitor itself calls the
provider's token, JWKS and userinfo endpoints over HTTP, as in production.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from edmonitor.accounts.invitations import invite
from edmonitor.accounts.tests import oidc_provider
from edmonitor.accounts.tests.test_invitations import link_in
from edmonitor.organisations.models import AccessEvent, EmailDomain, Membership, Role
from edmonitor.testing import BaseTestCase

ROOT = Path(__file__).resolve().parents[3]
CLIENT_ID, CLIENT_SECRET = "edmonitor-test", "a-secret-only-the-test-knows"
CALLBACK = "http://testserver/sso/terug/"
PEOPLE = [
    # provider login, e-mail address, verified?
    ("anna", "anna@zorg.example.nl", "Anna", "Arts"),
    ("unverified-ugo", "ugo@zorg.example.nl", "Ugo", "Uit"),
    ("nina", "nina@elders.example.org", "Nina", "Noord"),
    ("mia-bij-idp", "Mia@GGZ-Alfa.nl", "Mia", "Medewerker"),
]
PROVIDER_PASSWORD = "provider-password"


class ProviderCase(BaseTestCase):
    """Starts the provider once per class; ``sso_login`` walks the flow as a browser would."""

    provider: subprocess.Popen[str]
    provider_url: str

    @classmethod
    def setUpClass(cls):
        users = [
            {"username": u, "email": e, "first_name": f, "last_name": ln, "password": PROVIDER_PASSWORD}
            for u, e, f, ln in PEOPLE
        ]
        cls.provider, cls.provider_url = oidc_provider.start(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=CALLBACK, users=users
        )
        url = cls.provider_url + "/o"
        cls.sso_settings = override_settings(
            EDMONITOR_SSO=True,
            OIDC_RP_CLIENT_ID=CLIENT_ID,
            OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_OP_AUTHORIZATION_ENDPOINT=url + "/authorize/",
            OIDC_OP_TOKEN_ENDPOINT=url + "/token/",
            OIDC_OP_USER_ENDPOINT=url + "/userinfo/",
            OIDC_OP_JWKS_ENDPOINT=url + "/.well-known/jwks.json",
            AUTHENTICATION_BACKENDS=[*settings.AUTHENTICATION_BACKENDS, "edmonitor.accounts.sso.SingleSignOnBackend"],
        )
        cls.sso_settings.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.sso_settings.disable()
        oidc_provider.stop(cls.provider)

    def setUp(self):
        self.mia.email = "mia@ggz-alfa.nl"
        self.mia.save()

    def sso_login(self, who: str, client: Client | None = None, next_page: str = "/"):
        """Click the login page's button, log in at the provider as ``who``, come back: edmonitor's last answer."""
        client = client or self.client
        start = client.get(reverse("sso_start"), {"next": next_page})
        self.assertEqual(start.status_code, 302)
        authorize = start["Location"]
        self.assertTrue(authorize.startswith(self.provider_url + "/o/authorize/"), authorize)
        self.assertIn("code_challenge=", authorize)  # PKCE
        browser = requests.Session()
        login_page = browser.get(authorize, timeout=10)  # the provider asks who this is
        self.assertIn("/login/", login_page.url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)
        next_field = re.search(r'name="next" value="([^"]+)"', login_page.text)
        assert token and next_field, login_page.text
        signed_in = browser.post(
            login_page.url,
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": who,
                "password": PROVIDER_PASSWORD,
                "next": next_field.group(1).replace("&amp;", "&"),
            },
            allow_redirects=False,
            timeout=10,
        )
        self.assertEqual(signed_in.status_code, 302, signed_in.text)
        back = browser.get(self.provider_url + signed_in.headers["Location"], allow_redirects=False, timeout=10)
        self.assertEqual(back.status_code, 302, back.text)
        callback = urlsplit(back.headers["Location"])
        self.assertEqual(f"{callback.scheme}://{callback.netloc}{callback.path}", CALLBACK)
        return client.get(callback.path + "?" + callback.query)


class SingleSignOnTests(ProviderCase):
    def test_an_existing_account_is_matched_on_its_verified_address_and_keeps_its_roles(self):
        response = self.sso_login("mia-bij-idp", next_page=self.org_a.get_absolute_url())
        self.assertRedirects(response, self.org_a.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(self.client.get(self.org_a.get_absolute_url()).context["user"], self.mia)
        self.assertEqual(list(Membership.objects.filter(user=self.mia).values_list("role", flat=True)), [Role.MEMBER])
        self.assertTrue(AccessEvent.objects.filter(user=self.mia, action="login").exists())

    def test_someone_new_at_a_linked_domain_gets_an_account_with_the_viewer_role(self):
        EmailDomain.objects.create(organisation=self.org_a, domain="zorg.example.nl")
        self.assertRedirects(self.sso_login("anna"), "/", fetch_redirect_response=False)
        anna = get_user_model().objects.get(email="anna@zorg.example.nl")
        self.assertEqual((anna.username, anna.first_name, anna.last_name), ("anna@zorg.example.nl", "Anna", "Arts"))
        self.assertFalse(anna.has_usable_password())
        self.assertEqual(Membership.objects.get(user=anna).organisation, self.org_a)
        self.assertEqual(Membership.objects.get(user=anna).role, Role.VIEWER)
        self.assertEqual(self.client.get(self.org_a.get_absolute_url()).status_code, 200)
        self.assertContains(self.client.get(reverse("profile")), "u hebt hier dus geen wachtwoord")
        # the next time, the same account
        again = Client()
        self.sso_login("anna", client=again)
        self.assertEqual(get_user_model().objects.filter(email="anna@zorg.example.nl").count(), 1)

    def refused(self, response, words: str) -> None:
        self.assertRedirects(response, "/login/?sso=mislukt", fetch_redirect_response=False)
        page = self.client.get(response["Location"])
        self.assertContains(page, words)
        self.assertFalse(page.context["user"].is_authenticated)

    def test_an_address_the_provider_has_not_verified_is_refused(self):
        EmailDomain.objects.create(organisation=self.org_a, domain="zorg.example.nl")
        self.refused(self.sso_login("unverified-ugo"), "niet bevestigd")
        self.assertFalse(get_user_model().objects.filter(email="ugo@zorg.example.nl").exists())

    def test_someone_new_at_a_domain_nobody_linked_is_refused(self):
        self.refused(self.sso_login("nina"), "uitnodiging")
        self.assertFalse(get_user_model().objects.filter(email="nina@elders.example.org").exists())

    def test_two_accounts_with_the_address_are_refused_not_guessed(self):
        self.lex.email = "MIA@ggz-alfa.nl"
        self.lex.save()
        self.refused(self.sso_login("mia-bij-idp"), "meer dan één account")

    def test_the_providers_second_factor_counts_when_the_organisation_says_so(self):
        EmailDomain.objects.create(organisation=self.org_a, domain="zorg.example.nl")
        self.org_a.require_second_factor = True
        self.org_a.save()
        self.sso_login("anna")
        self.assertTrue(self.client.get("/")["Location"].startswith(reverse("second_factor_setup")))
        self.org_a.second_factor_by_sso = True
        self.org_a.save()
        fresh = Client()
        self.sso_login("anna", client=fresh)
        self.assertEqual(fresh.get("/").status_code, 200)
        # a password login of the same organisation still needs the code
        password_client = Client()
        password_client.post(reverse("login"), {"username": "lex", "password": "correct horse battery"})
        self.assertTrue(password_client.get("/")["Location"].startswith(reverse("second_factor_setup")))

    def test_the_login_page_offers_it_and_coordinators_link_domains(self):
        self.client.logout()
        self.assertContains(self.client.get(reverse("login")), reverse("sso_start"))
        self.login(self.carol)
        form = {"name": self.org_a.name, "sector": "mental_health", "email_domains": "Zorg.Example.nl, @ggz-alfa.nl"}
        self.client.post(reverse("organisation_edit", args=[self.org_a.pk]), form)
        self.assertEqual(
            sorted(self.org_a.email_domains.values_list("domain", flat=True)), ["ggz-alfa.nl", "zorg.example.nl"]
        )
        taken = self.client.post(
            reverse("organisation_edit", args=[self.org_b.pk]),
            {"name": self.org_b.name, "email_domains": "ggz-alfa.nl"},
        )
        self.assertContains(taken, "aria-invalid")
        bad = self.client.post(
            reverse("organisation_edit", args=[self.org_a.pk]), form | {"email_domains": "geen domein"}
        )
        self.assertContains(bad, "aria-invalid")
        self.login(self.alice)  # an organisation's admin does not see the field
        page = self.client.get(reverse("organisation_edit", args=[self.org_a.pk]))
        self.assertNotContains(page, 'name="email_domains"')
        self.assertContains(page, 'name="second_factor_by_sso"')


class SingleSignOnOffTests(BaseTestCase):
    def test_without_configuration_there_is_no_button_and_no_route(self):
        self.assertFalse(settings.EDMONITOR_SSO)
        self.assertNotContains(self.client.get(reverse("login")), reverse("sso_start"))
        self.assertEqual(self.client.get(reverse("sso_start")).status_code, 404)
        self.assertEqual(self.client.get(reverse("sso_callback")).status_code, 404)


class InvitedThroughSingleSignOnTests(ProviderCase):
    """Someone invited at a domain nobody linked makes no password: they come back from the provider and confirm."""

    def test_an_invited_person_logs_in_with_their_organisation_account_and_confirms(self):
        invite(
            email="nina@elders.example.org",
            organisation=self.org_b,
            role=Role.MEMBER,
            by=self.bob,
            base_url="http://testserver",
        )
        path = "/" + link_in(mail.outbox[0]).split("/", 3)[3]
        page = self.client.get(path)
        self.assertContains(page, reverse("sso_start") + "?next=" + quote(path))
        back = self.sso_login("nina", next_page=path)
        self.assertRedirects(back, path, fetch_redirect_response=False)
        nina = get_user_model().objects.get(email="nina@elders.example.org")
        self.assertFalse(Membership.objects.filter(user=nina).exists())  # not before confirming
        self.assertTemplateUsed(self.client.get(path), "accounts/invitation_confirm.html")
        self.client.post(path, {"action": "accept"})
        self.assertEqual(Membership.objects.get(user=nina).organisation, self.org_b)
        self.assertEqual(Membership.objects.get(user=nina).role, Role.MEMBER)
