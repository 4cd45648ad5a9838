"""Each main object knows its own page (``get_absolute_url``), and that page shows it (issue 16 part 8)."""

from __future__ import annotations

import datetime as dt

from django.urls import resolve

from edmonitor.audits.tests.factories import finalised
from edmonitor.improvement.services import plan_session, set_goal
from edmonitor.improvement.tests.factories import make_method
from edmonitor.programmes.models import Participation, Programme
from edmonitor.testing import BaseTestCase, make_measurement

SCORES = {t: 3 for t in "12345"}


class AbsoluteUrlTests(BaseTestCase):
    def test_every_main_object_links_to_its_own_page(self):
        measurement = make_measurement(self.org_a, {"1a": 2}, on=dt.date(2025, 1, 1))
        audit = finalised(self.org_a, self.mia, self.lex, SCORES, SCORES, SCORES, on=dt.date(2025, 6, 1))
        goal = set_goal(organisation=self.org_a, instrument="vie", item="2a", goal_type="at_least", target=4,
                        set_on=dt.date(2025, 7, 1))  # fmt: skip
        programme = Programme.objects.create(name="Proeftuin")
        Participation.objects.create(programme=programme, organisation=self.org_a)
        expected = {
            self.org_a: ("organisation", {"pk": self.org_a.pk}),
            measurement: ("measurement", {"pk": self.org_a.pk, "measurement_pk": measurement.pk}),
            audit: ("audit", {"pk": self.org_a.pk, "audit_pk": audit.pk}),
            goal: ("goal", {"pk": self.org_a.pk, "goal_pk": goal.pk}),
            programme: ("programme", {"pk": programme.pk}),
        }
        session, _warnings = plan_session(
            organisation=self.org_a, method=make_method(), held_on=dt.date(2025, 8, 1), question="Wat werkt?"
        )
        expected[session] = ("session", {"pk": self.org_a.pk, "session_pk": session.pk})
        self.login(self.alice)
        for obj, (name, kwargs) in expected.items():
            with self.subTest(obj=type(obj).__name__):
                url = obj.get_absolute_url()
                match = resolve(url)
                self.assertEqual((match.url_name, match.kwargs), (name, kwargs))
                self.assertEqual(self.client.get(url).status_code, 200)
