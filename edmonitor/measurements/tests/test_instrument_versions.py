"""A measurement keeps the instrument version it was taken with; a used version never changes."""

from __future__ import annotations

import copy
import datetime as dt

from django.urls import reverse

from edmonitor.instruments.definition import load_definition, parse_instrument
from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.measurements.instruments import InstrumentVersionFrozen, current_version, store_instrument
from edmonitor.measurements.models import InstrumentVersion
from edmonitor.measurements.services import record_measurement
from edmonitor.testing import BaseTestCase, make_measurement


def variant(version: str, anchor_text: str):
    raw = copy.deepcopy(load_definition("vie-2012.1").raw)
    raw["version"] = version
    raw["items"][0]["anchors"]["2"] = {"nl": anchor_text, "en": anchor_text}
    return parse_instrument(raw)


class InstrumentVersionTests(BaseTestCase):
    def test_migrating_stores_every_shipped_definition(self):
        stored = InstrumentVersion.objects.get(code="vie", version="2012.1")
        self.assertEqual(stored.checksum, load_definition("vie-2012.1").checksum)

    def test_a_version_in_use_cannot_be_changed(self):
        make_measurement(self.org_a, {"1a": 2})
        with self.assertRaises(InstrumentVersionFrozen):
            store_instrument(variant("2012.2", "Gewijzigde tekst"))  # 2012.2: what new measurements use
        self.assertEqual(
            InstrumentVersion.objects.get(version="2012.2").checksum, load_definition("vie-2012.2").checksum
        )

    def test_an_unused_version_may_still_be_corrected(self):
        store_instrument(variant("2099.1", "Eerste tekst"))
        store_instrument(variant("2099.1", "Verbeterde tekst"))
        stored = InstrumentVersion.objects.get(version="2099.1")
        self.assertEqual(stored.instrument.item("1a").anchors[2].get("nl"), "Verbeterde tekst")

    def test_an_old_measurement_keeps_showing_the_text_it_was_scored_with(self):
        old = store_instrument(variant("2011.9", "Oude ankertekst voor score twee"))
        measurement, _ = record_measurement(
            organisation=self.org_a,
            instrument_version=old,
            measured_on=dt.date(2011, 6, 1),
            inp=MeasurementInput(direct={"1a": 2}),
        )
        self.login(self.alice)
        page = self.client.get(reverse("measurement", args=[self.org_a.pk, measurement.pk]))
        self.assertContains(page, "Oude ankertekst voor score twee")
        # Correcting it keeps it on its own version.
        edit = self.client.get(reverse("measurement_edit", args=[self.org_a.pk, measurement.pk]))
        self.assertContains(edit, "Oude ankertekst voor score twee")
        self.client.post(
            reverse("measurement_edit", args=[self.org_a.pk, measurement.pk]),
            {"measured_on": "2011-06-01", "item_1a": "3", "confirm_unanswered": "1"},
        )
        measurement.refresh_from_db()
        self.assertEqual(measurement.instrument_version, old)
        self.assertEqual(measurement.total, 3)

    def test_new_measurements_use_the_newest_shipped_version(self):
        self.assertEqual(current_version("vie").version, "2012.2")
