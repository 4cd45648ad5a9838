"""Programmes: the LIVE study as a programme, its report from the data, anonymity, and management."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.urls import reverse

from edmonitor.instruments.cohort import METHOD_NAMES
from edmonitor.instruments.scoring import round_half_up
from edmonitor.organisations.models import Membership, Organisation, Role
from edmonitor.programmes.live import LIVE_PROGRAMME, load_live
from edmonitor.programmes.models import Participation, Programme
from edmonitor.testing import BaseTestCase, make_measurement, make_user


class LiveProgrammeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_live()
        cls.programme = Programme.objects.get(name=LIVE_PROGRAMME)
        cls.member = make_user("kim")
        cls.first = cls.programme.participations.order_by("pk").first().organisation
        Membership.objects.create(user=cls.member, organisation=cls.first, role=Role.VIEWER)

    def test_loading_live_makes_a_programme_of_18_paired_institutions_and_can_run_twice(self):
        self.assertEqual(self.programme.participations.count(), 18)
        self.assertFalse(self.programme.participations.filter(baseline=None).exists())
        self.assertFalse(self.programme.participations.filter(followup=None).exists())
        for p in self.programme.participations.select_related("baseline", "followup"):
            self.assertLess(p.baseline.measured_on, p.followup.measured_on)
        load_live()
        self.assertEqual(Programme.objects.filter(name=LIVE_PROGRAMME).count(), 1)
        self.assertEqual(self.programme.participations.count(), 18)

    def test_the_report_is_computed_from_the_stored_item_scores(self):
        self.client.force_login(self.carol)
        report = self.client.get(reverse("programme", args=[self.programme.pk])).context["report"]
        result = report.result
        pairs = [
            (p.baseline, p.followup)
            for p in self.programme.participations.select_related("baseline", "followup").prefetch_related(
                "baseline__responses", "followup__responses"
            )
        ]

        def mean_total(measurements):
            totals = [Fraction(sum(r.score for r in m.responses.all()), m.responses.count()) for m in measurements]
            return round_half_up(sum(totals) / len(totals), 1)

        self.assertEqual(result.overall.n, 18)
        self.assertEqual(result.overall.baseline, mean_total([b for b, _f in pairs]))
        self.assertEqual(result.overall.followup, mean_total([f for _b, f in pairs]))
        levels = {"laag": 0, "midden": 0, "hoog": 0}
        for _b, f in pairs:
            levels[f.level] += 1
        self.assertEqual(dict(result.levels["followup"]), levels)
        item = result.items["9a"]
        scores = [
            (
                next(r.score for r in b.responses.all() if r.item_id == "9a"),
                next(r.score for r in f.responses.all() if r.item_id == "9a"),
            )
            for b, f in pairs
        ]
        self.assertEqual(item.baseline, round_half_up(Fraction(sum(s for s, _ in scores), 18), 1))
        self.assertEqual(item.followup, round_half_up(Fraction(sum(s for _, s in scores), 18), 1))
        self.assertIsNotNone(result.wilcoxon.p_value)
        self.assertEqual(len(report.charts), 5)  # figures 1–4 and the item means

    def test_the_report_notes_printed_figures_that_do_not_follow_from_the_data(self):
        self.client.force_login(self.carol)
        response = self.client.get(reverse("programme", args=[self.programme.pk]))
        notes = response.context["report"].notes
        self.assertEqual(len(notes), 3)  # the three known discrepancies of the LIVE appendices
        self.assertContains(response, "2,3")  # the printed baseline average …
        self.assertContains(response, "2,2")  # … and what the item scores give

    def test_the_remarks_name_the_tests_method_in_dutch(self):
        self.client.force_login(self.carol)
        page = self.client.get(reverse("programme", args=[self.programme.pk])).content.decode()
        method = (
            self.client.get(reverse("programme", args=[self.programme.pk])).context["report"].result.wilcoxon.method
        )
        self.assertIn(method, {"exact", "permutation", "asymptotic"})
        self.assertNotIn(METHOD_NAMES[method], page)  # the English name
        dutch = {
            "exact": "exacte verdeling",
            "permutation": "exact, over alle mogelijke toewijzingen van plus- en mintekens",
            "asymptotic": "normale benadering met correctie voor gelijke waarden",
        }
        self.assertIn(dutch[method], page)

    def test_a_member_sees_only_the_names_of_organisations_they_may_see(self):
        self.client.force_login(self.member)
        response = self.client.get(reverse("programme", args=[self.programme.pk]))
        self.assertEqual(response.status_code, 200)
        named = [p.label for p in response.context["report"].participants if p.named]
        self.assertEqual(named, [self.first.name])
        for participation in self.programme.participations.exclude(organisation=self.first):
            self.assertNotContains(response, participation.organisation.name)
        self.assertEqual(self.client.get(reverse("programmes")).status_code, 200)

    def test_outsiders_do_not_see_the_programme(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("programme", args=[self.programme.pk])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("programmes")), LIVE_PROGRAMME)


class ProgrammeManagementTests(BaseTestCase):
    def test_a_coordinator_builds_a_programme_from_measurements(self):
        before = make_measurement(self.org_a, {"1a": 2}, on=dt.date(2024, 1, 1))
        after = make_measurement(self.org_a, {"1a": 4}, on=dt.date(2025, 1, 1))
        self.client.force_login(self.carol)
        response = self.client.post(reverse("programme_create"), {"name": "Regio Noord 2024–2025"})
        programme = Programme.objects.get(name="Regio Noord 2024–2025")
        self.assertRedirects(response, reverse("programme", args=[programme.pk]))
        url = reverse("participation_create", args=[programme.pk])
        self.assertContains(self.client.get(url, {"organisatie": self.org_a.pk}), "1 januari 2024 (totaal 2,0)")
        self.client.post(url, {"organisation": self.org_a.pk, "baseline": before.pk, "followup": after.pk})
        participation = Participation.objects.get(programme=programme)
        self.assertEqual((participation.baseline, participation.followup), (before, after))

    def test_a_measurement_of_another_organisation_or_the_wrong_order_is_refused(self):
        programme = Programme.objects.create(name="P")
        mine = make_measurement(self.org_a, {"1a": 2}, on=dt.date(2025, 1, 1))
        earlier = make_measurement(self.org_a, {"1a": 2}, on=dt.date(2024, 1, 1))
        theirs = make_measurement(self.org_b, {"1a": 2}, on=dt.date(2026, 1, 1))
        self.client.force_login(self.carol)
        url = reverse("participation_create", args=[programme.pk])
        for baseline, followup in ((mine, theirs), (mine, earlier), (mine, mine)):
            response = self.client.post(
                url, {"organisation": self.org_a.pk, "baseline": baseline.pk, "followup": followup.pk}
            )
            self.assertEqual(response.status_code, 200)
        self.assertFalse(Participation.objects.exists())

    def test_only_coordinators_manage_programmes(self):
        programme = Programme.objects.create(name="P")
        Participation.objects.create(programme=programme, organisation=self.org_a)
        self.client.force_login(self.alice)  # admin of a participating organisation
        self.assertEqual(self.client.get(reverse("programme", args=[programme.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("programme_create")).status_code, 403)
        self.assertEqual(self.client.get(reverse("programme_edit", args=[programme.pk])).status_code, 403)
        self.assertEqual(
            self.client.post(
                reverse("participation_create", args=[programme.pk]), {"organisation": self.org_b.pk}
            ).status_code,
            403,
        )
        self.assertEqual(Participation.objects.count(), 1)


class ProgrammeMembershipIsStaffOnlyTests(BaseTestCase):
    """A programme is a benchmark peer group: an organisation admin who could join or leave one,
    or move others in and out, would choose their peers (edmonitor/instruments/peers.py)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = Programme.objects.create(name="Pilot")
        cls.own = Participation.objects.create(programme=cls.programme, organisation=cls.org_a)
        cls.other = Organisation.objects.create(name="GGZ Gamma")
        cls.theirs = Participation.objects.create(programme=cls.programme, organisation=cls.other)
        cls.elsewhere = Programme.objects.create(name="Elders")
        Participation.objects.create(programme=cls.elsewhere, organisation=cls.org_b)

    def memberships(self):
        return sorted(Participation.objects.values_list("programme__name", "organisation__name"))

    def test_forged_posts_of_an_organisation_admin_change_no_programme_membership(self):
        before = self.memberships()
        self.client.force_login(self.alice)  # admin of GGZ Alfa, which takes part in "Pilot"
        forged = [
            (reverse("participation_create", args=[self.programme.pk]), {"organisation": self.org_b.pk}),
            (reverse("participation_edit", args=[self.programme.pk, self.own.pk]), {"organisation": self.org_b.pk}),
            (reverse("participation_edit", args=[self.programme.pk, self.theirs.pk]), {"organisation": self.org_a.pk}),
            (reverse("participation_remove", args=[self.programme.pk, self.theirs.pk]), {}),
            (reverse("participation_remove", args=[self.programme.pk, self.own.pk]), {}),
            (reverse("programme_edit", args=[self.programme.pk]), {"name": "Mijn eigen groep"}),
        ]
        for url, data in forged:
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        # a programme it does not take part in it cannot even see, let alone join
        url = reverse("participation_create", args=[self.elsewhere.pk])
        self.assertEqual(self.client.post(url, {"organisation": self.org_a.pk}).status_code, 404)
        self.assertEqual(self.memberships(), before)
        self.assertEqual(Programme.objects.get(pk=self.programme.pk).name, "Pilot")

    def test_a_coordinator_changes_programme_membership(self):
        self.client.force_login(self.carol)
        url = reverse("participation_remove", args=[self.programme.pk, self.theirs.pk])
        self.assertRedirects(self.client.post(url), reverse("programme", args=[self.programme.pk]))
        self.assertNotIn(("Pilot", "GGZ Gamma"), self.memberships())


class ProgrammeQueryCountTests(BaseTestCase):
    def add(self, programme, n):
        start = programme.participations.count()
        for i in range(start, start + n):
            organisation = Organisation.objects.create(name=f"Deelnemer {programme.pk}-{i}")
            Participation.objects.create(
                programme=programme,
                organisation=organisation,
                baseline=make_measurement(organisation, {"1a": 1 + i % 5, "2a": 2}, on=dt.date(2024, 1, 1)),
                followup=make_measurement(organisation, {"1a": 2 + i % 4, "2a": 3}, on=dt.date(2025, 1, 1)),
            )

    def test_the_report_needs_the_same_number_of_queries_however_many_organisations(self):
        programme = Programme.objects.create(name="Groei")
        self.add(programme, 3)
        self.client.force_login(self.carol)
        url = reverse("programme", args=[programme.pk])
        self.client.get(url)
        # session, user, two-step verification, programme, participations joined with their organisation and both
        # measurements, the baselines' and the follow-ups' instrument versions (a prefetch each), the
        # user's memberships, the answers of all those measurements as plain values, and the access
        # log's entry: 10, whatever the number of organisations
        with self.assertNumQueries(10) as small:
            self.client.get(url)
        self.add(programme, 12)
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(url)
        self.assertEqual(response.context["report"].result.overall.n, 15)


class LargeProgrammeTests(BaseTestCase):
    """Above 40 organisations a bar per organisation is unreadable: the table stays, the item charts too."""

    def programme_of(self, size: int) -> Programme:
        programme = Programme.objects.create(name=f"Programma van {size}")
        items = {f"{i}a": 2 for i in range(1, 11)}
        for n in range(size):
            organisation = Organisation.objects.create(name=f"Deelnemer {size}-{n}")
            baseline = make_measurement(organisation, items, on=dt.date(2024, 1, 1))
            followup = make_measurement(organisation, items | {"1a": 1 + n % 5}, on=dt.date(2025, 1, 1))
            Participation.objects.create(
                programme=programme, organisation=organisation, baseline=baseline, followup=followup
            )
        return programme

    def test_forty_organisations_get_a_bar_each_and_forty_one_a_note(self):
        self.client.force_login(self.carol)
        small = self.client.get(reverse("programme", args=[self.programme_of(40).pk]))
        self.assertEqual(set(small.context["report"].charts), {"baseline", "followup", "change", "items", "item_means"})
        large = self.client.get(reverse("programme", args=[self.programme_of(41).pk]))
        self.assertEqual(set(large.context["report"].charts), {"items", "item_means"})
        self.assertContains(large, "Met 41 organisaties is een grafiek met een staaf per organisatie onleesbaar.")
        self.assertEqual(large.content.decode().count('<figure class="chart">'), 2)
        self.assertEqual(len(large.context["report"].result.organisations), 41)  # every one in the table
        self.assertContains(large, "Deelnemer 41-40")
