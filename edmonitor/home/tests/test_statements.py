"""The privacy page and the accessibility statement (issue 17 part 8): public, filled in from settings."""

from __future__ import annotations

from django.test import TestCase, override_settings
from django.urls import reverse

from edmonitor.organisations.models import AccessEvent
from edmonitor.testing import make_user

INSTALLATION = {
    "EDMONITOR_OPERATOR": "Kenniscentrum Voorbeeld",
    "EDMONITOR_CONTACT_EMAIL": "edmonitor@voorbeeld.nl",
    "EDMONITOR_PRIVACY_CONTACT": "fg@voorbeeld.nl",
    "EDMONITOR_DATA_LOCATION": "een datacentrum in Amsterdam",
    "EDMONITOR_STATEMENTS_DATE": "2026-12-01",
}


class StatementTests(TestCase):
    def test_both_pages_are_public_and_linked_from_every_page(self):
        for name in ("privacy", "accessibility"):
            with self.subTest(name=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'href="{reverse("privacy")}"')
                self.assertContains(response, f'href="{reverse("accessibility")}"')
        login_page = self.client.get(reverse("login"))
        self.assertContains(login_page, f'href="{reverse("privacy")}"')

    @override_settings(**INSTALLATION, EDMONITOR_ACCESS_LOG_RETENTION_DAYS=730, SESSION_COOKIE_AGE=4 * 3600)
    def test_the_privacy_page_says_who_whom_to_ask_and_the_periods_this_installation_uses(self):
        response = self.client.get(reverse("privacy"))
        for text in (
            "beheerd door Kenniscentrum Voorbeeld",
            "een datacentrum in Amsterdam",
            'href="mailto:fg@voorbeeld.nl"',
            "1 december 2026",
            "Het wordt 730 dagen bewaard.",
            "hoogstens 4 uur",
            "minstens 5 organisaties",
            "Autoriteit Persoonsgegevens",
        ):
            self.assertContains(response, text)

    @override_settings(**INSTALLATION, EDMONITOR_ACCESSIBILITY_STATUS="full")
    def test_the_accessibility_statement_gives_the_standard_the_status_and_whom_to_tell(self):
        response = self.client.get(reverse("accessibility"))
        self.assertContains(response, "WCAG 2.1 op niveau AA")
        self.assertContains(response, "voldoet volledig")
        self.assertContains(response, 'href="mailto:edmonitor@voorbeeld.nl"')

    def test_without_settings_the_pages_say_whom_to_ask_instead_of_showing_blanks(self):
        response = self.client.get(reverse("privacy"))
        self.assertContains(response, "nog niet ingevuld wie haar beheert")
        self.assertContains(response, "Stuur uw vraag naar de persoon die u toegang gaf")
        self.assertNotContains(response, "mailto:")
        statement = self.client.get(reverse("accessibility"))
        self.assertContains(statement, "voldoet gedeeltelijk")  # the default status: no audit claimed

    def test_reading_them_is_not_an_access_to_an_organisations_data(self):
        self.client.force_login(make_user("lex"))
        self.client.get(reverse("privacy"))
        self.assertFalse(AccessEvent.objects.exclude(action="login").exists())
