"""The peer benchmark: median and quartiles computed right, peers never named."""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple
from decimal import Decimal

from django.test import SimpleTestCase
from django.urls import reverse

from edmonitor.organisations.models import Organisation, Sector
from edmonitor.programmes.models import Participation, Programme
from edmonitor.reports.benchmark import spread
from edmonitor.testing import BaseTestCase, make_measurement


def scores(value_1a: int, rest: int = 3) -> dict[str, int]:
    return {"1a": value_1a} | {f"{i}a": rest for i in range(2, 11)}


class SpreadTests(SimpleTestCase):
    def test_inclusive_quartiles_by_hand(self):
        # positions (n-1)p over sorted 1,2,3,4: q1 at 0.75 -> 1.75; median at 1.5 -> 2.5; q3 at 2.25 -> 3.25
        self.assertEqual(astuple(spread([4, 1, 3, 2])), (4, Decimal("2.5"), Decimal("1.75"), Decimal("3.25")))
        # odd count 1,1,2,5,5: q1 at 1 -> 1; median at 2 -> 2; q3 at 3 -> 5
        self.assertEqual(astuple(spread([5, 1, 2, 5, 1])), (5, Decimal("2"), Decimal("1"), Decimal("5")))

    def test_fewer_than_three_peers_show_nothing(self):
        self.assertEqual(astuple(spread([2, 4])), (2, None, None, None))
        self.assertEqual(astuple(spread([])), (0, None, None, None))


class BenchmarkPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_measurement(cls.org_a, scores(2), on=dt.date(2025, 1, 1))
        cls.peers = []
        for n, value in enumerate((1, 4, 5), start=1):
            peer = Organisation.objects.create(name=f"Geheime Peer {n}", sector=Sector.MENTAL_HEALTH)
            make_measurement(peer, scores(5, rest=1), on=dt.date(2020, 1, 1))  # older: must not count
            make_measurement(peer, scores(value), on=dt.date(2025, 2, 1))
            cls.peers.append(peer)
        Organisation.objects.create(name="Andere sector", sector=Sector.ADDICTION)

    def get(self, **params):
        self.client.force_login(self.lex)
        return self.client.get(reverse("organisation_benchmark", args=[self.org_a.pk]), params)

    def test_the_sector_peers_give_median_and_quartiles_of_their_latest_measurement(self):
        response = self.get()
        row = next(r for r in response.context["result"].vie if r.key == "1a")
        self.assertEqual(row.own, 2)
        self.assertEqual(astuple(row.peers), (3, Decimal("4"), Decimal("2.5"), Decimal("4.5")))  # 1, 4, 5
        for peer in self.peers:
            self.assertNotContains(response, peer.name)

    def test_a_programme_as_peer_group(self):
        programme = Programme.objects.create(name="Pilot")
        for organisation in (self.org_a, *self.peers[:2]):
            Participation.objects.create(programme=programme, organisation=organisation)
        response = self.get(groep=f"programma-{programme.pk}")
        row = next(r for r in response.context["result"].vie if r.key == "1a")
        self.assertEqual(row.peers.n, 2)
        self.assertIsNone(row.peers.median)  # two peers: too few to show anonymously
        self.assertContains(response, "te weinig")

    def test_someone_from_another_organisation_cannot_open_it(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("organisation_benchmark", args=[self.org_a.pk])).status_code, 404)
