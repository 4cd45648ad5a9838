"""The demo data shows the improvement loop: goals to judge, an overdue action, a dialogue session."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase

from edmonitor.improvement import services
from edmonitor.improvement.models import Action, DialogueSession, Goal
from edmonitor.knowledge.models import DialogueMethod
from edmonitor.organisations.models import Organisation

pytestmark = pytest.mark.both_databases  # the demo data: make demo runs on SQLite


class DemoImprovementTests(TestCase):
    def test_the_demo_organisation_has_goals_to_judge_an_overdue_action_and_a_session(self):
        call_command("seed_demo", stdout=StringIO())
        call_command("seed_demo", stdout=StringIO())  # again: nothing doubles
        demo = Organisation.objects.get(name="GGZ Voorbeeldstad")
        follow_up = demo.measurements.get(measured_on=dt.date(2026, 3, 20))
        proposals = {p.goal.item: p.proposal.code for p in services.proposals_for(follow_up)}
        self.assertEqual(proposals, {"2a": "D", "3a": None, "6a": "C"})
        self.assertEqual(Goal.objects.filter(organisation=demo, instrument="mie").open().count(), 1)
        self.assertEqual(Action.objects.overdue(dt.date.today()).filter(organisation=demo).count(), 1)
        if DialogueMethod.objects.exists():  # the knowledge content is loaded by seed_demo when present
            session = DialogueSession.objects.get(organisation=demo)
            self.assertEqual(session.outcomes.get().actions.count(), 1)
