"""The Django admin shows measurements but does not delete them: only the page's delete reopens judged goals."""

from __future__ import annotations

from django.urls import reverse

from edmonitor.measurements.models import Measurement
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
