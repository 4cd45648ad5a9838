"""The peer benchmark: only what the rule allows, only peers with recent data, peers never named.

Dates are relative to today: the window of years counts back from the day the page is opened.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy
from django.core.cache import cache
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from edmonitor.audits.tests.factories import finalised
from edmonitor.core.tests.test_production_settings import run
from edmonitor.organisations.models import Organisation, Sector
from edmonitor.programmes.models import Participation, Programme
from edmonitor.reports.benchmark import window
from edmonitor.testing import BaseTestCase, make_measurement, make_user


def scores(value_1a: int, rest: int = 3) -> dict[str, int]:
    return {"1a": value_1a} | {f"{i}a": rest for i in range(2, 11)}


def ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def make_peers(values, *, on=None, sector=Sector.MENTAL_HEALTH, prefix="Geheime Peer"):
    peers = []
    for n, value in enumerate(values, start=1):
        peer = Organisation.objects.create(name=f"{prefix} {n}", sector=sector)
        make_measurement(peer, scores(value), on=on or ago(30))
        peers.append(peer)
    return peers


class BenchmarkCase(BaseTestCase):
    def get(self, **params):
        self.client.force_login(self.lex)
        return self.client.get(reverse("organisation_benchmark", args=[self.org_a.pk]), params)

    def row(self, response, key="1a", instrument="vie"):
        return next(r for r in getattr(response.context["result"], instrument) if r.key == key)


class TenPeersTests(BenchmarkCase):
    VALUES = (1, 4, 5, 2, 2, 3, 5, 4, 1, 3)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_measurement(cls.org_a, scores(2), on=ago(60))
        cls.peers = make_peers(cls.VALUES)
        for peer in cls.peers:
            make_measurement(peer, scores(5, rest=1), on=ago(400))  # older: must not count
        make_peers([5] * 6, sector=Sector.ADDICTION, prefix="Andere sector")

    def test_ten_sector_peers_give_median_and_inclusive_quartiles_of_their_newest_measurement(self):
        response = self.get()
        row = self.row(response)
        self.assertEqual(row.own, 2)
        q1, median, q3 = (Decimal(str(v)) for v in numpy.percentile(self.VALUES, [25, 50, 75]))
        self.assertEqual((row.peers.median, row.peers.q1, row.peers.q3), (median, q1, q3))
        self.assertEqual(row.peers_text, "10 tot en met 19")
        for peer in self.peers:
            self.assertNotContains(response, peer.name)

    def test_peer_figures_are_all_written_with_two_decimals(self):
        response = self.get()
        q1, median, q3 = numpy.percentile(self.VALUES, [25, 50, 75])  # 2, 3, 4: whole numbers here
        for value in (median, q1, q3):
            self.assertContains(response, f'<td class="num">{value:.2f}</td>'.replace(".", ","), html=True)

    def test_the_page_says_which_period_the_peers_data_come_from(self):
        today = timezone.localdate()
        start = window(3, today).start
        response = self.get()
        months = ["januari", "februari", "maart", "april", "mei", "juni", "juli"]
        months += ["augustus", "september", "oktober", "november", "december"]
        self.assertContains(
            response,
            f"van {start.day} {months[start.month - 1]} {start.year} "
            f"tot en met {today.day} {months[today.month - 1]} {today.year}",
        )
        self.assertContains(response, "met een VIE-meting in deze periode: 10 tot en met 19")

    def test_a_peer_whose_data_are_older_than_the_window_does_not_count(self):
        self.peers[0].measurements.update(measured_on=ago(3 * 366 + 1))  # both its measurements
        row = self.row(self.get())
        self.assertIsNone(row.peers.q1)  # nine peers left: the median only
        self.assertEqual(row.peers.median, Decimal(str(numpy.median(self.VALUES[1:]))))
        self.assertEqual(row.peers_text, "5 tot en met 9")
        # with the last five years the old measurement counts again
        self.assertEqual(self.row(self.get(jaren="5")).peers_text, "10 tot en met 19")

    def test_a_bad_window_falls_back_to_three_years_with_a_message(self):
        for bad in ("7", "drie", "-1", "3.0", "99999999999999999999"):
            response = self.get(jaren=bad)
            self.assertEqual(response.status_code, 200, bad)
            self.assertEqual(response.context["result"].window.years, 3)
            self.assertContains(response, "Kies een periode van 1, 2, 3 of 5 jaar")

    def test_the_page_says_so_when_your_own_data_are_older_than_the_window(self):
        self.org_a.measurements.update(measured_on=ago(2 * 366))
        self.assertNotContains(self.get(), "vóór deze periode")
        self.assertContains(self.get(jaren="1"), "vóór deze periode")

    def test_the_page_needs_the_same_number_of_queries_however_many_peers(self):
        self.client.force_login(self.lex)
        url = reverse("organisation_benchmark", args=[self.org_a.pk])
        self.client.get(url)
        cache.clear()  # the group's values as after a restart
        # session, user, two-step verification, the organisation (through the user's membership), the user's
        # memberships, its programmes, its newest measurement and that one's answers, its newest audit (none
        # here, so no consensus query), the group's members, the answers of the members' newest measurements
        # inside the window (one query: a subquery per organisation), the consensus of their newest audits, the
        # access log's entry: 13 (also 13 in the national benchmark: its staff user needs no membership query,
        # but its organisation has an audit)
        with self.assertNumQueries(13) as cold:
            self.client.get(url)
        # each member's values come from the cache (edmonitor.core.figures) while its data do not change: two fewer
        with self.assertNumQueries(11):
            self.client.get(url)
        make_peers([n % 5 + 1 for n in range(12)], prefix="Extra peer")
        with self.assertNumQueries(len(cold.captured_queries)):  # new data: read again, however many peers
            response = self.client.get(url)
        self.assertEqual(self.row(response).peers_text, "20 of meer")


class FewPeersTests(BenchmarkCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_measurement(cls.org_a, scores(2), on=ago(60))
        cls.peers = make_peers((1, 4, 5, 2, 3, 5))

    def test_six_peers_show_the_median_and_no_quartiles_no_exact_count(self):
        response = self.get()
        row = self.row(response)
        self.assertEqual(row.peers.median, Decimal("3.5"))  # 1 2 3 4 5 5
        self.assertEqual((row.peers.q1, row.peers.q3), (None, None))
        self.assertContains(response, "5 tot en met 9")
        self.assertContains(response, "Pas vanaf 10 organisaties")
        self.assertNotContains(response, ">6<")
        legend = response.context["charts"]["vie"]
        self.assertIn("vergelijkbare organisaties: mediaan", legend)
        self.assertNotIn("middelste helft", legend)  # no box drawn, so the legend does not name one
        self.assertNotIn('id="range-', legend)

    def test_a_programme_of_four_peers_shows_nothing_and_says_why(self):
        programme = Programme.objects.create(name="Pilot")
        for organisation in (self.org_a, *self.peers[:4]):
            Participation.objects.create(programme=programme, organisation=organisation)
        response = self.get(groep=f"programma-{programme.pk}")
        row = self.row(response)
        self.assertEqual((row.peers.median, row.peers.q1, row.peers.q3, row.peers.band), (None, None, None, None))
        self.assertContains(response, "Te weinig andere organisaties")
        self.assertContains(response, "minder dan 5")
        self.assertNotIn("vie", response.context["charts"])

    @override_settings(EDMONITOR_BENCHMARK_MIN_PEERS=7)
    def test_the_minimum_is_a_setting(self):
        response = self.get()
        self.assertIsNone(self.row(response).peers.median)
        self.assertContains(response, "minder dan 7")

    def test_someone_from_another_organisation_cannot_open_it(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("organisation_benchmark", args=[self.org_a.pk])).status_code, 404)

    def test_each_peer_counts_once_with_its_newest_measurement_and_audit_in_the_window(self):
        make_measurement(self.peers[0], scores(3), on=ago(30))  # same date, later id: this one counts
        eva = make_user("eva")
        for peer, value in zip(self.peers, (1, 2, 3, 4, 5, 5), strict=True):
            old, new = {t: 5 for t in "12345"}, {t: value for t in "12345"}
            finalised(peer, self.mia, eva, old, old, old, on=ago(300))  # older: must not count
            finalised(peer, self.mia, eva, new, new, new, on=ago(200))
        outside = Organisation.objects.create(name="Lang geleden", sector=Sector.MENTAL_HEALTH)
        finalised(outside, self.mia, eva, *[{t: 1 for t in "12345"}] * 3, on=ago(4 * 366))  # outside the window
        response = self.get()
        self.assertEqual(self.row(response).peers.median, Decimal("3.5"))  # 3 (not 1) 4 5 2 3 5: 2 3 3 4 5 5
        self.assertEqual(self.row(response, "1", "mie").peers.median, Decimal("3.5"))  # 1 2 3 4 5 5, not 1 1 2 ...
        self.assertContains(response, "met een afgeronde MIE-audit in deze periode: 5 tot en met 9")


class MinimumSettingTests(SimpleTestCase):
    def test_a_minimum_below_five_refuses_to_start_with_a_clear_message(self):
        result = run(["manage.py", "check"], {"EDMONITOR_BENCHMARK_MIN_PEERS": "3"})
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn("EDMONITOR_BENCHMARK_MIN_PEERS must be at least 5", result.stderr)

    def test_a_minimum_of_five_or_more_starts(self):
        result = run(["manage.py", "check"], {"EDMONITOR_BENCHMARK_MIN_PEERS": "6"})
        self.assertEqual(result.returncode, 0, result.stderr)
