"""Dutch for the texts of Django 5.2 that Django's own Dutch catalogue does not translate.

Django 5.2 changed the message for a too-short password (it now says ``%d`` where the
translated one says ``%(min_length)d``) and added a few admin texts; its Dutch catalogue
has not caught up, so these appeared in English on Dutch pages. ``makemessages`` reads the
calls below and puts the texts in edmonitor's catalogue (edmonitor/locale), which Django
consults before its own (LOCALE_PATHS). core/tests/test_django_messages.py compares every
message of Django's catalogues with the Dutch one, so a Django upgrade that adds another
untranslated text fails that test until it is listed here and translated.
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext


def _read_by_makemessages_only() -> None:  # never called
    # django/contrib/auth/password_validation.py, MinimumLengthValidator
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        0,
    )
    # django/db/models/fields/related.py: a form refers to something that no longer exists
    gettext("%(model)s instance with %(field)s %(value)r is not a valid choice.")
    # django/contrib/admin/templates: the admin used by coordinators
    gettext("Model name")
    gettext("Add link")
    gettext("Change or view list link")
    gettext("After you’ve created a user, you’ll be able to edit more user options.")
    gettext("Error:")
    gettext("Forgotten your login credentials?")
    gettext("In case you’ve forgotten, you are:")
    # Django's AdminPasswordChangeForm also joins an English warning to its help text without
    # translating it: core/admin.py replaces that form (TranslatedPasswordChangeForm).
