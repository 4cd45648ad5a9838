"""The export as a download from the organisation page: admins of the organisation and staff only, logged."""

from __future__ import annotations

import json

from django.urls import reverse

from edmonitor.organisations.models import AccessEvent, DownloadKind, Organisation
from edmonitor.testing import BaseTestCase
from edmonitor.transfer.export import export_json

from .builders import build_organisation


class WebExportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_organisation(cls)

    def url(self, organisation=None):
        return reverse("organisation_export", kwargs={"pk": (organisation or self.org_a).pk})

    def test_an_admin_downloads_the_export_and_the_download_is_logged(self):
        self.login(self.alice)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="edmonitor-ggz-alfa.json"')
        self.assertEqual(response.content.decode(), export_json(Organisation.objects.get(pk=self.org_a.pk)))
        self.assertNotIn("GEHEIM", response.content.decode())  # blind scores stay out, for admins too
        log = AccessEvent.objects.exports().get()
        self.assertEqual((log.user, log.organisation, log.file_format), (self.alice, self.org_a, DownloadKind.JSON))

    def test_staff_downloads_any_organisation(self):
        self.login(self.carol)
        response = self.client.get(self.url(self.org_b))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.content)["organisation"]["name"], "RIBW Beta")

    def test_a_viewer_and_a_project_member_are_refused(self):
        for user in (self.lex, self.mia):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 403, user)
        self.assertFalse(AccessEvent.objects.exports().exists())

    def test_another_organisations_admin_and_an_external_auditor_get_not_found(self):
        for user in (self.bob, self.eva):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 404, user)
        self.assertFalse(AccessEvent.objects.exports().exists())

    def test_anonymous_is_sent_to_the_login_page(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_a_post_is_not_allowed(self):
        self.login(self.alice)
        self.assertEqual(self.client.post(self.url()).status_code, 405)
        self.assertFalse(AccessEvent.objects.exports().exists())

    def test_the_organisation_page_links_to_the_export_for_admins_only(self):
        page = reverse("organisation", kwargs={"pk": self.org_a.pk})
        self.login(self.alice)
        self.assertContains(self.client.get(page), f'href="{self.url()}"')
        self.login(self.lex)
        self.assertNotContains(self.client.get(page), f'href="{self.url()}"')
