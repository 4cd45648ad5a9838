"""A cached figure is never shown after the data under it changed (edmonitor.core.figures).

The benchmark's peer values and the agreement statistics are kept in the cache between page
views. Each test opens the page (which fills the cache), changes the data the way users do —
a new measurement saved through the form, a measurement corrected, one deleted, an audit
finalised, amended or deleted — and opens the page again: it must show the figures of the new
data, computed here independently (numpy's percentiles; the agreement counted by hand).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy
import pytest
from django.urls import reverse

from edmonitor.audits import services as audit_services
from edmonitor.audits.tests.factories import finalised, plan, rate
from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.measurements.models import Measurement
from edmonitor.measurements.services import correct_measurement, delete_measurement
from edmonitor.organisations.models import Membership, Role
from edmonitor.reports.tests.test_benchmark import BenchmarkCase, ago, make_peers, scores
from edmonitor.testing import make_measurement, make_user

pytestmark = pytest.mark.both_databases

VALUES = [1, 4, 5, 2, 2, 3, 5, 4, 1, 3, 4]  # eleven: one fewer still shows quartiles (from ten)


def quartiles(values: list[int]) -> tuple[Decimal, Decimal, Decimal]:
    q1, median, q3 = numpy.percentile(values, [25, 50, 75])
    return Decimal(str(median)), Decimal(str(q1)), Decimal(str(q3))


class PeerValuesAfterWrites(BenchmarkCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_measurement(cls.org_a, scores(2), on=ago(60))
        cls.peers = make_peers(VALUES)
        cls.keeper = make_user("keeper")  # records for the first peer
        Membership.objects.create(user=cls.keeper, organisation=cls.peers[0], role=Role.ADMIN)

    def shown(self) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
        peers = self.row(self.get()).peers
        return peers.median, peers.q1, peers.q3

    def test_the_page_shows_the_peers_as_they_are(self):
        self.assertEqual(self.shown(), quartiles(VALUES))
        self.assertEqual(self.shown(), quartiles(VALUES))  # the second view: from the cache, the same

    def test_a_measurement_saved_through_the_form_shows_at_once(self):
        self.assertEqual(self.shown(), quartiles(VALUES))
        self.client.force_login(self.keeper)
        data = {"measured_on": ago(1).isoformat(), "label": "nieuw"} | {f"item_{i}a": "3" for i in range(2, 11)}
        response = self.client.post(reverse("measurement_create", args=[self.peers[0].pk]), data | {"item_1a": "5"})
        self.assertEqual(response.status_code, 302)
        # the first peer's newest measurement now has 5 for item 1a instead of 1
        self.assertEqual(self.shown(), quartiles([5, *VALUES[1:]]))

    def test_a_corrected_measurement_shows_at_once(self):
        self.assertEqual(self.shown(), quartiles(VALUES))
        measurement = Measurement.objects.get(organisation=self.peers[1])
        correct_measurement(
            measurement, measured_on=measurement.measured_on, inp=MeasurementInput(direct=scores(1)), user=self.keeper
        )
        self.assertEqual(self.shown(), quartiles([VALUES[0], 1, *VALUES[2:]]))

    def test_a_deleted_measurement_shows_at_once(self):
        self.assertEqual(self.shown(), quartiles(VALUES))
        delete_measurement(Measurement.objects.get(organisation=self.peers[2]))
        self.assertEqual(self.shown(), quartiles(VALUES[:2] + VALUES[3:]))

    def test_a_peer_that_leaves_the_sector_shows_at_once(self):
        self.assertEqual(self.shown(), quartiles(VALUES))
        peer = self.peers[3]
        peer.sector = "addiction"
        peer.save()
        self.assertEqual(self.shown(), quartiles(VALUES[:3] + VALUES[4:]))


class ConsensusAfterAudits(BenchmarkCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        cls.peers = make_peers([3] * 6)
        cls.audits = [
            finalised(peer, cls.mia, cls.eva, *[{t: value for t in "12345"}] * 3, on=ago(100))
            for peer, value in zip(cls.peers, (1, 2, 3, 4, 5, 5), strict=True)
        ]

    def median(self) -> Decimal | None:
        return self.row(self.get(), "1", "mie").peers.median

    def test_a_finalised_audit_shows_at_once(self):
        self.assertEqual(self.median(), Decimal(str(numpy.median([1, 2, 3, 4, 5, 5]))))
        finalised(self.peers[0], self.mia, self.eva, *[{t: 5 for t in "12345"}] * 3, on=ago(10))
        self.assertEqual(self.median(), Decimal(str(numpy.median([5, 2, 3, 4, 5, 5]))))

    def test_an_amended_consensus_shows_at_once(self):
        self.assertEqual(self.median(), Decimal(str(numpy.median([1, 2, 3, 4, 5, 5]))))
        audit = self.audits[1]
        original = audit_services.amendable_values(audit)
        audit_services.amend(
            audit,
            values={**original, "consensus:1": 5, "consensus_reason:1": "Besproken en herzien"},
            original=audit_services.as_shown(original),
            reason="Verkeerd overgenomen uit het verslag",
            user=self.mia,
        )
        self.assertEqual(self.median(), Decimal(str(numpy.median([1, 5, 3, 4, 5, 5]))))

    def test_a_deleted_organisation_takes_its_audit_away_at_once(self):
        # a finalised audit is never deleted on its own (it is amended); it goes with its organisation
        self.assertEqual(self.median(), Decimal(str(numpy.median([1, 2, 3, 4, 5, 5]))))
        self.peers[2].delete()
        self.assertEqual(self.median(), Decimal(str(numpy.median([1, 2, 4, 5, 5]))))


class AgreementAfterAudits(BenchmarkCase):
    """The agreement page counts the pairs of the two auditors' scores of every finalised audit."""

    carol: Any  # the coordinator, made by BaseTestCase

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        same = {t: 3 for t in "12345"}
        cls.first = finalised(cls.org_a, cls.mia, cls.eva, same, same, same, on=dt.date(2026, 3, 2))

    def audits_shown(self) -> int:
        self.client.force_login(self.carol)
        return self.client.get(reverse("audit_agreement")).context["result"].audits

    def test_a_new_finalised_audit_shows_at_once_and_an_unfinalised_one_does_not_count(self):
        self.assertEqual(self.audits_shown(), 1)
        other = {t: 4 for t in "12345"}
        finalised(self.org_a, self.mia, self.eva, other, {t: 2 for t in "12345"}, other)
        self.assertEqual(self.audits_shown(), 2)
        planned = plan(self.org_a, self.mia, self.eva)
        rate(planned, self.mia, other)
        self.assertEqual(self.audits_shown(), 2)
        self.org_a.delete()
        self.assertEqual(self.audits_shown(), 0)
