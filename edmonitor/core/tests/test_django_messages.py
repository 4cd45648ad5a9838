"""Django's own messages (password rules, admin, form errors) are Dutch on Dutch pages.

Django 5.2 changed the message for a too-short password and added a few admin texts that its
own Dutch catalogue does not translate, so they appeared in English. edmonitor translates
them in its own catalogue (edmonitor/core/django_messages.py lists them).
"""

from __future__ import annotations

import io
from pathlib import Path
from unittest import mock

import django
import polib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from edmonitor.testing import BaseTestCase

DJANGO = Path(django.__file__).resolve().parent
# Django's catalogues of the parts edmonitor uses; the English one lists every message.
CATALOGUES = ["conf", *(f"contrib/{app}" for app in ("admin", "auth", "contenttypes", "sessions"))]
OURS = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES" / "django.po"


def translated(path: Path) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if e.translated() and not e.obsolete}


class EveryDjangoMessageTests(SimpleTestCase):
    def test_every_message_of_django_has_a_dutch_translation_in_djangos_catalogue_or_ours(self):
        ours = translated(OURS)
        missing = []
        for part in CATALOGUES:
            english = polib.pofile(str(DJANGO / part / "locale" / "en" / "LC_MESSAGES" / "django.po"))
            dutch = translated(DJANGO / part / "locale" / "nl" / "LC_MESSAGES" / "django.po") | ours
            missing += [f"{part}: {e.msgid!r}" for e in english if not e.obsolete and (e.msgctxt, e.msgid) not in dutch]
        self.assertEqual(missing, [])

    def test_our_catalogue_never_gives_a_message_of_django_another_translation(self):
        # One msgid is one text everywhere: our "May" (a column) once made Django's month "May" read "Mag"
        # in every Dutch date. Where Django translates a text, ours must say the same or leave it out.
        ours = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(OURS)) if e.translated() and not e.obsolete}
        # Our own words for the same meaning, chosen on purpose (the site's plain Dutch, B1), and the name of
        # the other language written in that language on the language button.
        same_meaning = {"English", "Log in", "Log out", "Breadcrumbs", "Skip to main content", "Show all"}
        clashes = []
        for part in CATALOGUES:
            for e in polib.pofile(str(DJANGO / part / "locale" / "nl" / "LC_MESSAGES" / "django.po")):
                mine = ours.get((e.msgctxt, e.msgid))
                if e.translated() and not e.obsolete and mine not in (None, e.msgstr) and e.msgid not in same_meaning:
                    clashes.append(f"{part}: {e.msgid!r}: Django {e.msgstr!r}, ours {mine!r}")
        self.assertEqual(clashes, [])

    def test_a_dutch_date_names_its_month_in_dutch(self):
        from datetime import date

        from django.utils.formats import date_format

        with translation.override("nl"):
            self.assertEqual(date_format(date(2026, 5, 4), "j F Y"), "4 mei 2026")
            self.assertEqual(date_format(date(2026, 5, 4), "j b Y"), "4 mei 2026")

    def test_our_translation_of_a_django_message_is_the_one_used(self):
        with translation.override("nl"):
            self.assertEqual(translation.gettext("Error:"), "Fout:")
            text = translation.ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                10,
            )
        self.assertEqual(text % 10, "Dit wachtwoord is te kort. Het moet minstens 10 tekens bevatten.")


class PasswordRulesInDutchTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.carol)  # a coordinator: staff, manages accounts in the admin

    def test_creating_a_user_with_a_too_short_password_says_so_in_dutch(self):
        response = self.client.post(
            reverse("admin:auth_user_add"),
            {"username": "nieuw", "usable_password": "true", "password1": "kort123", "password2": "kort123"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dit wachtwoord is te kort. Het moet minstens 10 tekens bevatten.")
        self.assertNotContains(response, "too short")
        self.assertFalse(get_user_model().objects.filter(username="nieuw").exists())

    def test_the_page_to_create_a_user_is_dutch_throughout(self):
        response = self.client.get(reverse("admin:auth_user_add"))
        self.assertContains(response, "Nadat u een gebruiker hebt aangemaakt")
        self.assertNotContains(response, "After you’ve created a user")

    def test_changing_a_password_to_digits_only_says_so_in_dutch(self):
        response = self.client.post(
            reverse("admin:auth_user_password_change", args=[self.mia.pk]),
            {"usable_password": "true", "password1": "9071534862", "password2": "9071534862"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dit wachtwoord bevat alleen cijfers.")
        self.assertNotContains(response, "entirely numeric")

    def test_the_page_to_change_a_password_warns_in_dutch_that_disabling_it_loses_the_password(self):
        response = self.client.get(reverse("admin:auth_user_password_change", args=[self.mia.pk]))
        self.assertContains(
            response, "Als dit is uitgeschakeld, gaat het huidige wachtwoord van deze gebruiker verloren."
        )
        self.assertNotContains(response, "will be lost")
        self.client.cookies["django_language"] = "en"  # what the language switch stores
        response = self.client.get(reverse("admin:auth_user_password_change", args=[self.mia.pk]))
        self.assertContains(response, "If disabled, the current password for this user will be lost.")

    def test_changepassword_explains_a_too_short_password_in_dutch(self):
        err = io.StringIO()
        # changepassword reads the new password twice from the terminal; then, after the refusal,
        # three times more until it gives up: answer with the short password every time.
        with mock.patch("getpass.getpass", return_value="kort123"):
            with self.assertRaises(CommandError):  # after three refusals
                call_command("changepassword", "mia", stdout=io.StringIO(), stderr=err)
        self.assertIn("Dit wachtwoord is te kort. Het moet minstens 10 tekens bevatten.", err.getvalue())
        self.mia.refresh_from_db()
        self.assertTrue(self.mia.check_password("correct horse battery"))
