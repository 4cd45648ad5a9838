"""Auditors over time (issue 20 part 4): each auditor's figures by year, the flag rule, and who sees what.

The expected figures are computed here from the scores written in this file (AUDITS), by a second,
plain implementation (:func:`expected_figures`) and by hand in comments; never from the code under test.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.cache import cache
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edmonitor.audits import services
from edmonitor.audits.auditor_stats import (
    BIAS_LIMIT,
    MIN_PAIRS,
    SD_LIMIT,
    SMALLEST_POOL,
    Tally,
    auditor_report,
    figures_of,
    flag,
    pool_of,
)
from edmonitor.audits.models import Audit, ThemeRecord
from edmonitor.audits.permissions import visible_ratings
from edmonitor.core.types import Account
from edmonitor.organisations.models import AccessEvent
from edmonitor.testing import BaseTestCase, make_user

from .factories import THEMES, agree, finalised, plan, rate, write_report


def scores(*values: int) -> dict[str, int]:
    return dict(zip(THEMES, values, strict=True))


# (date, first auditor, second auditor, first's scores, second's scores, consensus), all finalised.
# ann scores high: against ben +4 over five themes, against cas +4; ben and cas agree with each other.
AUDITS = [
    # ann − ben: +1, 0, +1, +2, 0 = +4; ann = consensus in 3 themes (1, 2, 5)
    (dt.date(2025, 3, 4), "ann", "ben", scores(4, 3, 3, 5, 2), scores(3, 3, 2, 3, 2), scores(4, 3, 2, 4, 2)),
    # ann − cas: +1, +1, 0, +1, +1 = +4; ann = consensus in 1 theme (3)
    (dt.date(2025, 10, 1), "ann", "cas", scores(3, 4, 2, 4, 5), scores(2, 3, 2, 3, 4), scores(2, 3, 2, 3, 4)),
    # ben − cas: 0, 0, +1, 0, −1 = 0
    (dt.date(2026, 2, 2), "ben", "cas", scores(3, 3, 4, 2, 2), scores(3, 3, 3, 2, 3), scores(3, 3, 4, 2, 3)),
    # cas first, ann second (ann in place 2): ann − cas: 0, +1, +1, 0, +1 = +3
    (dt.date(2026, 6, 8), "cas", "ann", scores(2, 2, 3, 4, 1), scores(2, 3, 4, 4, 2), scores(2, 2, 3, 4, 1)),
]


def percent(part: int, whole: int) -> Decimal | None:
    """Half up, one decimal, with the decimal module (not the application's rounding)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def mean_difference(total: int, n: int) -> Decimal | None:
    """Half away from zero (decimal's ROUND_HALF_UP), two decimals."""
    if not n:
        return None
    return (Decimal(total) / Decimal(n)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_figures(audits, person: str, year: int | None = None) -> dict[str, object]:
    """A second implementation, straight from the definitions, over the audits written above."""
    pairs = []  # (own, other, consensus)
    count = 0
    for held_on, first, second, a, b, consensus in audits:
        if person not in (first, second) or (year is not None and held_on.year != year):
            continue
        count += 1
        own, other = (a, b) if person == first else (b, a)
        pairs += [(own[t], other[t], consensus[t]) for t in THEMES]
    n = len(pairs)
    return {
        "audits": count,
        "pairs": n,
        "bias": mean_difference(sum(o - c for o, c, _k in pairs), n),
        "exact": percent(sum(o == c for o, c, _k in pairs), n),
        "within_one": percent(sum(abs(o - c) <= 1 for o, c, _k in pairs), n),
        "consensus_pairs": n,
        "consensus_exact": percent(sum(o == k for o, _c, k in pairs), n),
        "consensus_within_one": percent(sum(abs(o - k) <= 1 for o, _c, k in pairs), n),
    }


def as_dict(figures) -> dict[str, object]:
    return {name: getattr(figures, name) for name in expected_figures([], "nobody")}


class AuditorFiguresTests(BaseTestCase):
    people: dict[str, Account]
    unfinished: Audit

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.people = {
            "ann": make_user("ann", first_name="Ann", last_name="Aalders"),
            "ben": make_user("ben", first_name="Ben", last_name="Bakker"),
            "cas": make_user("cas", first_name="Cas", last_name="Claes"),
            "dirk": make_user("dirk", first_name="Dirk", last_name="Dekker"),  # an auditor, nothing finalised
        }
        p = cls.people
        for on, first, second, a, b, consensus in AUDITS:
            finalised(cls.org_a, p[first], p[second], a, b, consensus, on=on)
        # Not finalised, so it does not count: both scored (consensus phase), far apart.
        cls.unfinished = plan(cls.org_b, p["ann"], p["ben"], on=dt.date(2026, 9, 1))
        rate(cls.unfinished, p["ann"], scores(5, 5, 5, 5, 5))
        rate(cls.unfinished, p["ben"], scores(1, 1, 1, 1, 1))
        plan(cls.org_b, p["dirk"], p["cas"], on=dt.date(2026, 10, 1))  # scoring phase: nothing counts

    def setUp(self):
        cache.clear()  # every test starts from the database, not from another test's cached figures

    def figures_page(self, who: str):
        return reverse("auditor_figures", kwargs={"user_pk": self.people[who].pk})

    # --- the figures ---------------------------------------------------------------------------

    def test_each_auditors_figures_match_an_independent_computation_by_year_and_over_all_years(self):
        report = auditor_report()
        for name in ("ann", "ben", "cas"):
            row = report.auditors[self.people[name].pk]
            self.assertEqual([year for year, _f in row.years], [2025, 2026], name)
            for year, figures in row.years:
                self.assertEqual(as_dict(figures), expected_figures(AUDITS, name, year), f"{name} {year}")
            self.assertEqual(as_dict(row.total), expected_figures(AUDITS, name), name)
        self.assertNotIn(self.people["dirk"].pk, report.auditors)

    def test_anns_figures_by_hand(self):
        ann = auditor_report().auditors[self.people["ann"].pk]
        (y2025, f2025), (y2026, f2026) = ann.years
        # 2025: two audits, ten pairs; differences +1 0 +1 +2 0 | +1 +1 0 +1 +1 = +8 → bias 0.80;
        # equal scores: 2 + 1 = 3 of 10 → 30.0 %; within one point: all but the +2 → 90.0 %;
        # equal to the consensus: 3 + 1 = 4 → 40.0 %; within one of it: audit 1 all five (4-4, 3-3, 3-2,
        # 5-4, 2-2), audit 2 all five (3-2, 4-3, 2-2, 4-3, 5-4) → 100.0 %
        self.assertEqual(
            (y2025, f2025.audits, f2025.pairs, f2025.bias, f2025.exact, f2025.within_one),
            (2025, 2, 10, Decimal("0.80"), Decimal("30.0"), Decimal("90.0")),
        )
        self.assertEqual((f2025.consensus_exact, f2025.consensus_within_one), (Decimal("40.0"), Decimal("100.0")))
        # 2026: one audit in place 2: own 2 3 4 4 2 against cas 2 2 3 4 1: +3 over 5 → 0.60; equal in 2 → 40.0 %;
        # consensus 2 2 3 4 1: equal in 2 (themes 1, 4) → 40.0 %
        self.assertEqual(
            (y2026, f2026.audits, f2026.pairs, f2026.bias, f2026.exact, f2026.consensus_exact),
            (2026, 1, 5, Decimal("0.60"), Decimal("40.0"), Decimal("40.0")),
        )
        # all years: +11 over 15 pairs = 0.7333… → 0.73; equal 5 of 15 → 33.3 %
        self.assertEqual((ann.total.audits, ann.total.bias, ann.total.exact), (3, Decimal("0.73"), Decimal("33.3")))

    def test_the_ratings_counted_are_those_the_one_read_path_shows_the_auditor(self):
        # For each of ann's finalised audits, what visible_ratings shows ann, paired per theme with the
        # stored consensus, gives the same figures as the database's counting.
        ann = self.people["ann"]
        differences, equal, n = 0, 0, 0
        for audit in Audit.objects.finalised().filter(auditors__user=ann).prefetch_related("auditors"):
            shown = {(r.auditor.user_id, r.theme_id): r.score for r in visible_ratings(ann, audit)}
            consensus = dict(ThemeRecord.objects.filter(audit=audit).values_list("theme_id", "consensus"))
            for theme in THEMES:
                other = next(s for (who, t), s in shown.items() if t == theme and who != ann.pk)
                own = shown[(ann.pk, theme)]
                differences += own - other
                equal += own == consensus[theme]
                n += 1
        total = auditor_report().auditors[ann.pk].total
        self.assertEqual((total.pairs, total.bias, total.consensus_exact), (n, mean_difference(differences, n),
                                                                            percent(equal, n)))  # fmt: skip

    def test_only_finalised_audits_count_and_finalising_one_shows_at_once(self):
        ben = self.people["ben"].pk
        self.assertEqual(auditor_report().auditors[ben].total.audits, 2)  # not the unfinished one
        ann, ben_user = self.people["ann"], self.people["ben"]
        agree(self.unfinished, ann, scores(3, 3, 3, 3, 3))
        write_report(self.unfinished, ben_user)
        services.confirm_report(self.unfinished, user=ann)
        services.confirm_report(self.unfinished, user=ben_user)
        # now counted, without clearing the cache: the data changed, so the figures are computed again
        done = [*AUDITS, (dt.date(2026, 9, 1), "ann", "ben", scores(5, 5, 5, 5, 5), scores(1, 1, 1, 1, 1),
                          scores(3, 3, 3, 3, 3))]  # fmt: skip
        report = auditor_report()
        self.assertEqual(as_dict(report.auditors[ben].total), expected_figures(done, "ben"))
        self.assertEqual(as_dict(report.auditors[ann.pk].years[1][1]), expected_figures(done, "ann", 2026))

    # --- the flag, over these audits ---------------------------------------------------------------

    def test_ann_stands_out_by_her_bias_and_the_others_do_not(self):
        report = auditor_report()
        flags = {name: report.auditors[self.people[name].pk].flag for name in ("ann", "ben", "cas")}
        # ann: +11 / 15 = 0.73 ≥ 0.5 with 15 pairs ≥ 10 → stands out.
        # ben: −4 (against ann) + 0 (against cas) over 10 pairs = −0.4; cas: −4 + 0 − 3 over 15 = −0.47:
        # both below half a point.
        self.assertTrue(flags["ann"].bias and flags["ann"].stands_out)
        self.assertFalse(flags["ben"].stands_out or flags["cas"].stands_out)
        # three auditors in the pool: fewer than SMALLEST_POOL, so nobody stands out by the consensus part
        self.assertEqual(report.pool.auditors, 3)
        self.assertFalse(any(f.consensus for f in flags.values()))
        self.assertEqual(report.flagged, 1)

    # --- who sees what ---------------------------------------------------------------------------

    def test_a_coordinator_sees_every_auditor_with_a_finalised_audit(self):
        self.login(self.carol)
        response = self.client.get(reverse("auditor_overview"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([person.username for person, _row in response.context["rows"]], ["ann", "ben", "cas"])
        for name in ("Ann Aalders", "Ben Bakker", "Cas Claes"):
            self.assertContains(response, name)
        self.assertNotContains(response, "Dirk Dekker")  # an auditor, but nothing finalised
        for name in ("ann", "dirk"):
            self.assertEqual(self.client.get(self.figures_page(name)).status_code, 200)
        self.assertContains(self.client.get(self.figures_page("dirk")), "Dirk Dekker")
        not_an_auditor = reverse("auditor_figures", kwargs={"user_pk": self.lex.pk})
        self.assertEqual(self.client.get(not_an_auditor).status_code, 404)

    def test_an_auditor_sees_only_their_own_figures(self):
        self.login(self.people["ann"])
        self.assertRedirects(self.client.get(reverse("auditor_overview")), self.figures_page("ann"))
        response = self.client.get(self.figures_page("ann"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["own"])
        self.assertEqual(as_dict(response.context["figures"].total), expected_figures(AUDITS, "ann"))
        self.assertIsNone(response.context["pool"])  # the pool's mean and spread: coordinators only
        page = response.content.decode()
        for other in ("Ben Bakker", "Cas Claes", "ben", "cas"):  # as a whole word: Dutch has "hebben", "casus"
            self.assertIsNone(re.search(rf"\b{re.escape(other)}\b", page), other)
        for other in ("ben", "cas", "dirk"):
            self.assertEqual(self.client.get(self.figures_page(other)).status_code, 404)

    def test_an_auditor_with_nothing_finalised_sees_an_empty_page_of_their_own(self):
        self.login(self.people["dirk"])
        self.assertRedirects(self.client.get(reverse("auditor_overview")), self.figures_page("dirk"))
        response = self.client.get(self.figures_page("dirk"))
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["figures"])

    def test_someone_who_never_audited_sees_no_figures(self):
        for user in (self.lex, self.alice, self.bob):  # roles in organisations, no auditor's place
            self.login(user)
            self.assertEqual(self.client.get(reverse("auditor_overview")).status_code, 403)
            self.assertEqual(self.client.get(self.figures_page("ann")).status_code, 404)
            own = reverse("auditor_figures", kwargs={"user_pk": user.pk})
            self.assertEqual(self.client.get(own).status_code, 404)

    def test_signing_in_comes_first(self):
        for url in (reverse("auditor_overview"), self.figures_page("ann")):
            response = self.client.get(url)
            self.assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)

    def test_a_post_is_refused_as_a_get_and_changes_nothing(self):
        self.login(self.people["ann"])
        self.assertRedirects(self.client.post(reverse("auditor_overview")), self.figures_page("ann"))
        self.assertEqual(self.client.post(self.figures_page("ben")).status_code, 404)
        self.assertEqual(self.client.post(self.figures_page("ann")).status_code, 405)
        self.login(self.lex)
        self.assertEqual(self.client.post(reverse("auditor_overview")).status_code, 403)

    # --- queries ---------------------------------------------------------------------------------

    def test_the_pages_read_the_same_number_of_queries_however_many_audits_and_auditors(self):
        overview, ann = reverse("auditor_overview"), self.figures_page("ann")
        # Every page: the session, the user, the second-factor check (accounts.second_factor); then
        pages = [
            # the pairs counted, the audits counted, the auditors' names
            (self.carol, overview, 6),
            # the person (has she held an auditor's place), the pairs counted, the audits counted
            (self.carol, ann, 6),
            # is she an auditor, the pairs counted, the audits counted
            (self.people["ann"], ann, 6),
        ]

        def check() -> None:
            for user, url, expected in pages:
                self.login(user)
                cache.clear()
                self.assertEqual(self.queries(url), expected, f"{url} as {user}, counted by the database")
                self.assertEqual(self.queries(url), expected - 2, f"{url} as {user}, from the cache")

        check()
        more = [make_user(f"extra{i}") for i in range(4)]
        for i, (first, second) in enumerate([(more[0], more[1]), (more[2], more[3]), (more[1], self.people["ann"])]):
            same = scores(3, 3, 3, 3, 3)
            finalised(self.org_b, first, second, same, scores(2, 3, 4, 3, 3), same, on=dt.date(2024 + i, 5, 1))
        self.assertEqual(len(auditor_report().auditors), 3 + 4)
        check()

    def queries(self, url: str) -> int:
        """The queries a GET of the page sends, but for the access log's entry (recorded for a page under a
        logged route: organisations.access_log, which may list these pages or not)."""
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url).status_code, 200)
        log = AccessEvent._meta.db_table
        return sum(1 for q in captured.captured_queries if not q["sql"].startswith(f'INSERT INTO "{log}"'))


class FlagRuleTests(SimpleTestCase):
    """The rule on plain tallies, each expected value worked out by hand in the comments."""

    def auditor(self, pairs: int, difference: int = 0, consensus_exact: int = 0) -> Tally:
        return Tally(pairs=pairs, difference=difference, consensus_pairs=pairs, consensus_exact=consensus_exact)

    def test_the_rules_numbers(self):
        self.assertEqual((MIN_PAIRS, BIAS_LIMIT, SD_LIMIT, SMALLEST_POOL), (10, Fraction(1, 2), 2, 6))

    def test_a_bias_of_half_a_point_stands_out_up_or_down_from_ten_pairs_on(self):
        pool = pool_of([])
        self.assertTrue(flag(self.auditor(10, difference=5), pool).bias)  # +5/10 = 0.5: on the limit counts
        self.assertTrue(flag(self.auditor(10, difference=-5), pool).bias)  # −0.5
        self.assertFalse(flag(self.auditor(10, difference=4), pool).bias)  # 0.4
        self.assertFalse(flag(self.auditor(11, difference=5), pool).bias)  # 5/11 = 0.45
        few = flag(self.auditor(9, difference=9), pool)  # a whole point, but 9 pairs: too few to say
        self.assertFalse(few.stands_out or few.enough_pairs)

    def test_far_below_the_pools_agreement_with_the_consensus_stands_out(self):
        # Six auditors of 10 pairs: five equal to the consensus in 8, one in 3.
        # shares 8/10 (×5) and 3/10: mean = 43/60 = 0.7167; deviations 5/60 (×5) and −25/60;
        # variance = (5·25 + 625) / 3600 / 6 = 750/21600 = 0.03472; sd = 0.1863 → 18.6 points;
        # mean − 2 sd = 0.3440 > 0.3: the one stands out, the five (0.8, above the mean) do not.
        low, high = self.auditor(10, consensus_exact=3), self.auditor(10, consensus_exact=8)
        pool = pool_of([high] * 5 + [low])
        self.assertEqual((pool.auditors, pool.mean, pool.variance), (6, Fraction(43, 60), Fraction(750, 21600)))
        self.assertEqual((pool.mean_percent, pool.sd_percent), (Decimal("71.7"), Decimal("18.6")))
        self.assertTrue(flag(low, pool).consensus)
        self.assertFalse(flag(high, pool).stands_out)
        # An auditor with 9 pairs is in no pool and is never flagged, however low.
        self.assertEqual(pool_of([high] * 5 + [low, self.auditor(9)]).auditors, 6)
        self.assertFalse(flag(self.auditor(9), pool).consensus)

    def test_with_fewer_than_six_auditors_the_consensus_part_cannot_flag_anyone(self):
        # Five auditors: four at 8/10 and one at 0/10, as far apart as five can be.
        # mean = 32/50 = 0.64; deviations 0.16 (×4) and −0.64; variance = (4·0.0256 + 0.4096) / 5 = 0.1024;
        # sd = 0.32; mean − 2 sd = 0.0: the 0.0 is not *more* than two deviations below.
        zero, high = self.auditor(10), self.auditor(10, consensus_exact=8)
        pool = pool_of([high] * 4 + [zero])
        self.assertEqual((pool.variance, pool.sd_percent), (Fraction(1024, 10000), Decimal("32.0")))
        self.assertFalse(pool.can_flag)
        self.assertFalse(flag(zero, pool).consensus)
        self.assertTrue(pool_of([high] * 5 + [zero]).can_flag)

    def test_two_auditors_who_only_audit_together_show_opposite_biases(self):
        # +1 over 8 pairs = 0.125 and −0.125: both round to a size of 0.13 (half away from zero)
        self.assertEqual(figures_of(Tally(pairs=8, difference=1)).bias, Decimal("0.13"))
        self.assertEqual(figures_of(Tally(pairs=8, difference=-1)).bias, Decimal("-0.13"))
        self.assertIsNone(figures_of(Tally()).bias)

    def test_everyone_alike_stands_out_nowhere(self):
        same = self.auditor(20, consensus_exact=10)
        pool = pool_of([same] * 8)
        self.assertEqual((pool.variance, pool.sd_percent), (0, Decimal("0.0")))
        self.assertFalse(flag(same, pool).stands_out)
