"""The development space's list pages ask the database a fixed number of times, however much a person keeps.

Each page is loaded with a little and with ten times as much (evidence with items and versions,
activities, shares with views, decisions); the number of queries must be the same both times.
Times are measured in bench/, not here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edmonitor.development import record, services, sharing, story
from edmonitor.development.models import ConsentUse, GroupMember, IntervisionGroup
from edmonitor.development.tests.test_space import SpaceCase
from edmonitor.testing import make_user

pytestmark = pytest.mark.both_databases  # query counts: savepoints and transactions differ per database

PAGES = ("development", "development_record", "development_shares", "development_reflections", "development_story")


class DevelopmentQueryCountTests(SpaceCase):
    mia: Any  # set by BaseTestCase.setUpTestData
    items: list[str]  # set by SpaceCase.setUpTestData

    def setUp(self):
        self.space = services.space_of(self.mia)
        services.give_consent(self.space)
        for use in ConsentUse.values:
            services.give_use_consent(self.space, use)
        self.sam = make_user("sam")
        group = IntervisionGroup.objects.create(name="Regio Noord")
        GroupMember.objects.bulk_create([GroupMember(group=group, user=u) for u in (self.mia, self.sam)])
        self.group = group
        self.day = 0

    def grow(self, times: int) -> None:
        for _n in range(times):
            self.day += 1
            on = dt.date(2026, 1, 1) + dt.timedelta(days=self.day)
            evidence = services.save_evidence(self.space, kind="reflection", title=f"R{self.day}", text="eerst",
                                              occurred_on=on, items=self.items[:2])  # fmt: skip
            services.save_evidence(self.space, evidence=evidence, kind="reflection", title=f"R{self.day}",
                                   text="later", occurred_on=on, items=self.items[1:3],
                                   about="kritische-situatie-1")  # fmt: skip
            record.save_activity(self.space, kind="intervision", title=f"I{self.day}", occurred_on=on,
                                 hours=Decimal(2), group=self.group, confirm_by=self.sam)  # fmt: skip
            story.save_decision(self.space, decided_on=on, what="Deel", audience="Team", purpose="Uitleg")
            share = sharing.share(self.space, what=f"evidence:{evidence.pk}", person=self.sam,
                                  ends_on=dt.date.today() + dt.timedelta(days=7))  # fmt: skip
            sam = Client()
            sam.force_login(self.sam)
            sam.get(reverse("shared", args=[share.pk]))  # a view the owner sees listed

    def counts(self, user) -> dict[str, int]:
        client = Client()
        client.force_login(user)
        found = {}
        names = PAGES if user == self.mia else ("shared_with_me",)
        for name in names:
            client.get(reverse(name))  # warm the session
            with CaptureQueriesContext(connection) as context:
                response = client.get(reverse(name))
            self.assertEqual(response.status_code, 200, name)
            found[name] = len(context.captured_queries)
        return found

    def test_the_owners_pages_and_the_recipients_list_do_not_grow_with_what_is_kept(self):
        self.grow(2)
        small = self.counts(self.mia) | self.counts(self.sam)
        self.grow(18)
        large = self.counts(self.mia) | self.counts(self.sam)
        self.assertEqual(small, large)
        # pinned: a change that adds a query shows up here (the session, the user and the 2FA check included)
        pinned = {"development": 9, "development_record": 6, "development_shares": 10, "development_reflections": 6,
                  "development_story": 7, "shared_with_me": 6}  # fmt: skip
        self.assertEqual(large, pinned)
