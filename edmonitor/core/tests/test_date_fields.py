"""Edit forms show their stored dates in a form the browser's date field takes (YYYY-MM-DD).

Found by hand in the demo: a Dutch page wrote 20-03-2026 into ``<input type="date">``, the
browser showed an empty field, and correcting a measurement was refused ("this field is
required") unless the user typed the date again.
"""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from edmonitor.audits.tests.factories import plan
from edmonitor.programmes.models import Programme
from edmonitor.testing import BaseTestCase, make_measurement

ON = dt.date(2026, 3, 20)


class DateFieldTests(BaseTestCase):
    def date_values(self, url: str, user) -> dict[str, str]:
        self.client.force_login(user)
        html = self.client.get(url, headers={"accept-language": "nl"}).content.decode()
        self.assertIn('lang="nl"', html)
        fields = re.findall(r'<input type="date" name="(\w+)" value="([^"]*)"', html)
        self.assertTrue(fields, f"no date field with a value on {url}")
        return dict(fields)

    def test_the_measurement_edit_form_shows_its_date_as_the_date_field_takes_it(self):
        measurement = make_measurement(self.org_a, {"1a": 2}, on=ON)
        url = reverse("measurement_edit", args=[self.org_a.pk, measurement.pk])
        self.assertEqual(self.date_values(url, self.alice), {"measured_on": "2026-03-20"})

    def test_the_audit_plan_shows_its_date_as_the_date_field_takes_it(self):
        audit = plan(self.org_a, self.mia, self.lex, on=ON)
        url = reverse("audit_plan", args=[self.org_a.pk, audit.pk])
        self.assertEqual(self.date_values(url, self.alice), {"held_on": "2026-03-20"})

    def test_the_programme_form_shows_its_dates_as_the_date_field_takes_them(self):
        programme = Programme.objects.create(name="Landelijk", starts_on=ON, ends_on=dt.date(2027, 12, 31))
        url = reverse("programme_edit", args=[programme.pk])
        self.assertEqual(self.date_values(url, self.carol), {"starts_on": "2026-03-20", "ends_on": "2027-12-31"})
