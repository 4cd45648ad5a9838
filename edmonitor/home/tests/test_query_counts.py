"""The busiest pages ask the database a fixed number of times, however much data there is (issue 16).

Each page is loaded with a little data and with ten times as much (measurements, audits, goals,
organisations); the number of queries must be the same both times, and is pinned, so a change
that adds a query per row (or a query at all) shows up here. Times are measured in bench/, not here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edmonitor.audits.tests.factories import finalised, plan
from edmonitor.improvement.services import set_goal
from edmonitor.organisations.models import Facility, Membership, Organisation, Role
from edmonitor.testing import BaseTestCase, make_measurement

pytestmark = pytest.mark.both_databases  # query counts: savepoints and transactions differ per database

SCORES = {t: 3 for t in "12345"}
ITEMS = {"1a": 2, "2a": 3, "3a": 1, "4a": 2, "5a": 1, "6a": 2, "7a": 3, "8a": 2, "9a": 3, "10a": 1}


class QueryCountTests(BaseTestCase):
    # set by BaseTestCase.setUpTestData
    org_a: Organisation
    facility_a: Facility
    alice: User
    mia: User
    lex: User

    def queries(self, url: str) -> int:
        self.client.get(url)  # warm the session
        cache.clear()  # count the page as after a change of data: no figure cached (edmonitor.core.figures)
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(context.captured_queries)

    def grow(self, times: int, start: int = 2000, facility: Facility | None = None) -> None:
        """More of everything the pages list: measurements, audits, goals, organisations.

        One open goal per item and scope: the first round sets them for the whole organisation,
        the second for a facility."""
        for year in range(start, start + times):
            make_measurement(self.org_a, ITEMS, on=dt.date(year, 1, 1))
            finalised(self.org_a, self.mia, self.lex, SCORES, SCORES, SCORES, on=dt.date(year, 6, 1))
            set_goal(organisation=self.org_a, instrument="vie", item=list(ITEMS)[(year - start) % 10],
                     goal_type="at_least", target=5, set_on=dt.date(year, 2, 1), facility=facility)  # fmt: skip
            other = Organisation.objects.create(name=f"GGZ {year}")
            Membership.objects.create(user=self.alice, organisation=other, role=Role.VIEWER)
            make_measurement(other, ITEMS, on=dt.date(year, 3, 1))
        plan(self.org_a, self.mia, self.lex)

    def assert_fixed(self, url_of: Callable[[], str], expected: int) -> None:
        self.grow(1)
        few = self.queries(url_of())
        self.grow(10, start=2010, facility=self.facility_a)
        many = self.queries(url_of())
        self.assertEqual((few, many), (expected, expected))

    def test_the_start_page(self):
        self.login(self.alice)
        # 1 session, 2 user, 3 two-step verification, 4 the user's audits as an auditor, 5 whether the user
        # sees any organisation, 6 overdue actions, 7 goals not yet judged, 8 the organisations listed,
        # 9 their measurements (prefetched, newest first)
        self.assert_fixed(lambda: reverse("dashboard"), 9)

    def test_a_measurement_page(self):
        self.login(self.alice)
        # 1 session, 2 user, 3 two-step verification, 4 the organisation among those visible, 5 the user's
        # roles (cached for the request), 6 the measurement, 7 its item responses, 8 the goals that wait to
        # be judged at it, 9 the access log's entry
        self.assert_fixed(
            lambda: reverse("measurement", args=[self.org_a.pk, self.org_a.measurements.latest("measured_on").pk]), 9
        )

    def test_an_audit_page(self):
        self.login(self.alice)
        # 1 session, 2 user, 3 two-step verification, 4 the audit among those visible, 5 its auditors, 6
        # their users, 7 the user's roles, 8 the ratings the user may see, 9 the theme records, 10 the
        # recommendations, 11 the VIE measurement beside the themes, 12 its item responses, 13 the knowledge
        # base's suggestions, 14 the recommendations with 15 their actions and 16 the goals awaiting
        # judgement (the improvement plan's section), 17 the amendments, 18 the access log's entry
        self.assert_fixed(
            lambda: reverse(
                "audit",
                kwargs={
                    "pk": self.org_a.pk,
                    "audit_pk": self.org_a.audits.exclude(finalised_at=None).latest("held_on").pk,
                },
            ),
            18,
        )

    def test_the_agreement_page(self):
        self.login(self.alice)
        # 1 session, 2 user, 3 two-step verification, 4 the pairs of ratings counted per theme and score (one
        # grouped query), 5 how many audits count, 6 the organisations and 7 the programmes to choose from, 8
        # the access log's entry
        self.assert_fixed(lambda: reverse("audit_agreement"), 8)
        # seen again with no change between: the agreement (4 and 5) comes from the cache
        with CaptureQueriesContext(connection) as context:
            self.client.get(reverse("audit_agreement"))
        self.assertEqual(len(context.captured_queries), 6)
