"""The peer benchmark: median and quartiles computed right, peers never named."""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple
from decimal import Decimal

from django.test import SimpleTestCase
from django.urls import reverse

from edmonitor.audits.tests.factories import finalised
from edmonitor.organisations.models import Organisation, Sector
from edmonitor.programmes.models import Participation, Programme
from edmonitor.reports.benchmark import spread
from edmonitor.testing import BaseTestCase, make_measurement, make_user


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

    def test_each_peer_counts_once_with_its_newest_measurement_and_audit(self):
        Organisation.objects.create(name="Nog niets gemeten", sector=Sector.MENTAL_HEALTH)  # no value, no peer value
        make_measurement(self.peers[0], scores(3), on=dt.date(2025, 2, 1))  # same date, later id: this one counts
        eva = make_user("eva")
        for peer, value in zip(self.peers, (1, 2, 4), strict=True):
            old, new = {t: 5 for t in "12345"}, {t: value for t in "12345"}
            finalised(peer, self.mia, eva, old, old, old, on=dt.date(2024, 1, 1))  # older: must not count
            finalised(peer, self.mia, eva, new, new, new, on=dt.date(2025, 1, 1))
        result = self.get().context["result"]
        self.assertEqual(astuple(next(r for r in result.vie if r.key == "1a").peers), (3, 4, Decimal("3.5"), 4.5))
        self.assertEqual(astuple(next(r for r in result.mie if r.key == "1").peers), (3, 2, Decimal("1.5"), 3))

    def test_the_page_needs_the_same_number_of_queries_however_many_peers(self):
        self.client.force_login(self.lex)
        url = reverse("organisation_benchmark", args=[self.org_a.pk])
        self.client.get(url)
        # session, user, the organisation (through the user's membership), the user's memberships, its
        # programmes, its newest measurement and that one's answers, the peers' newest measurements'
        # answers (one query: a subquery per peer), its newest audit (none here, so no consensus query),
        # the peers' newest audits' consensus, the number of peers: 11 (also 11 in the national benchmark:
        # its staff user needs no membership query, but its organisation has an audit whose consensus is read)
        with self.assertNumQueries(11) as few:
            self.client.get(url)
        for n in range(5):
            peer = Organisation.objects.create(name=f"Extra peer {n}", sector=Sector.MENTAL_HEALTH)
            make_measurement(peer, scores(n % 5 + 1), on=dt.date(2025, 3, 1))
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(url)
        self.assertEqual(next(r for r in response.context["result"].vie if r.key == "1a").peers.n, 8)
