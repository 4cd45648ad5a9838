"""Every page names a source by its title, edition and section, never by the seed's file name."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from edmonitor.audits.tests.factories import finalised
from edmonitor.instruments.sources import SEEDS
from edmonitor.knowledge.models import Entry
from edmonitor.testing import BaseTestCase, make_measurement, make_user

FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
LIVE = f"{SEEDS['003']['title']} ({SEEDS['003']['edition']}), §4.1 en Bijlage 1"


class SourcesCitedByTitleTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("load_knowledge", stdout=StringIO())
        cls.measurement = make_measurement(cls.org_a, {"2a": 3})
        same = {t: 3 for t in "12345"}
        cls.audit = finalised(cls.org_a, cls.mia, make_user("eva"), same, same, same)

    def test_no_page_shows_a_file_name_and_the_vie_pages_cite_the_live_report(self):
        self.client.force_login(self.alice)
        entry = Entry.objects.order_by("pk").first()
        pages = {
            reverse("measurement_create", args=[self.org_a.pk]): True,
            reverse("measurement", args=[self.org_a.pk, self.measurement.pk]): True,
            reverse("organisation_report", args=[self.org_a.pk]): True,
            reverse("audit", args=[self.org_a.pk, self.audit.pk]): False,
            reverse("knowledge_entry", args=[entry.slug]): False,
        }
        for url, cites_live in pages.items():
            html = self.client.get(url).content.decode()
            self.assertIsNone(FILE_NAME.search(html), url)
            if cites_live:
                self.assertIn(LIVE, html, url)
