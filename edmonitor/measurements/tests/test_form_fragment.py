"""The items of an empty measurement form are rendered once per process and reused (the "fragments"
cache): what a reader gets must be exactly what rendering them afresh gives, in the reader's language,
and a form with typed values or errors is never taken from it."""

from __future__ import annotations

import re

from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from edmonitor.testing import BaseTestCase

NO_FRAGMENTS = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default-nofragments"},
    "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


def items(html: bytes) -> str:
    """The form's items: from the first item's fieldset to the buttons; the CSRF token left out."""
    text = html.decode()
    start, end = text.index('<fieldset class="item"'), text.index('<div class="actions">\n    <button type="submit"')
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text[start:end])


class ItemsFragmentTests(BaseTestCase):
    def form(self, organisation, **data):
        url = reverse("measurement_create", args=[organisation.pk])
        return self.client.post(url, data) if data else self.client.get(url)

    def test_the_kept_items_are_what_rendering_them_afresh_gives_for_every_organisation(self):
        self.login(self.carol)
        caches["fragments"].clear()
        first, second = self.form(self.org_a), self.form(self.org_b)  # the second from the fragment cache
        with override_settings(CACHES=NO_FRAGMENTS):
            fresh = self.form(self.org_b)
        self.assertEqual(items(second.content), items(fresh.content))
        self.assertEqual(items(first.content), items(fresh.content))
        self.assertContains(second, 'name="item_1a"', count=5)  # five anchors, none chosen
        self.assertNotRegex(second.content.decode(), r'name="item_\w+" value="\d"[^>]*checked')  # no score chosen

    def test_a_form_with_errors_shows_what_was_typed_not_the_empty_items(self):
        self.login(self.mia)
        self.form(self.org_a)  # keeps the empty items
        response = self.form(self.org_a, measured_on="", item_1a="3", note_2a="Eigen toelichting")
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.content.decode(), r'name="item_1a" value="3"[^>]*checked')
        self.assertContains(response, "Eigen toelichting")

    def test_each_language_gets_its_own_items(self):
        self.login(self.mia)
        dutch = items(self.form(self.org_a).content)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        english = items(self.form(self.org_a).content)
        self.assertNotEqual(dutch, english)
        self.assertIn("Explanation", english)
        self.assertNotIn("Explanation", dutch)
