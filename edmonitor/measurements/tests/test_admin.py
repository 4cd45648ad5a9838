"""The Django admin shows measurements but does not delete them: only the page's delete reopens judged goals."""

from __future__ import annotations

from django.urls import reverse

from edmonitor.instruments.csvio import read_measurements
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import ImportBatch, Measurement
from edmonitor.measurements.services import import_measurements
from edmonitor.testing import BaseTestCase, make_measurement


class MeasurementAdminTests(BaseTestCase):
    def test_the_admin_offers_no_way_to_delete_a_measurement(self):
        measurement = make_measurement(self.org_a, {"2a": 3})
        self.client.force_login(self.carol)  # a superuser
        delete_url = reverse("admin:measurements_measurement_delete", args=[measurement.pk])
        self.assertEqual(self.client.get(delete_url).status_code, 403)
        self.assertEqual(self.client.post(delete_url, {"post": "yes"}).status_code, 403)
        changelist = reverse("admin:measurements_measurement_changelist")
        self.assertNotContains(self.client.get(changelist), "delete_selected")
        self.client.post(changelist, {"action": "delete_selected", "_selected_action": [measurement.pk], "post": "yes"})
        self.assertTrue(Measurement.objects.filter(pk=measurement.pk).exists())
        # The change page still shows it, read-only.
        self.assertEqual(
            self.client.get(reverse("admin:measurements_measurement_change", args=[measurement.pk])).status_code, 200
        )


class ImportBatchAdminTests(BaseTestCase):
    def test_staff_undo_an_import_with_the_admin_action_and_cannot_delete_it(self):
        version = current_version("vie")
        rows = read_measurements(
            version.instrument, b"organisatie;datum;item_2a\nGGZ Alfa;01-02-2026;3\nGGZ Alfa;01-03-2026;4\n"
        )
        import_measurements(organisation=self.org_a, instrument_version=version, rows=rows, user=self.mia)
        kept = make_measurement(self.org_a, {"2a": 3})
        batch = ImportBatch.objects.get()
        self.client.force_login(self.carol)
        changelist = reverse("admin:measurements_importbatch_changelist")
        self.assertNotContains(self.client.get(changelist), "delete_selected")
        self.client.post(changelist, {"action": "undo", "_selected_action": [batch.pk]})
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.undone_by, batch.removed), ("undone", self.carol, 2))
        self.assertEqual(list(Measurement.objects.values_list("pk", flat=True)), [kept.pk])
        delete_url = reverse("admin:measurements_importbatch_delete", args=[batch.pk])
        self.assertEqual(self.client.post(delete_url, {"post": "yes"}).status_code, 403)
