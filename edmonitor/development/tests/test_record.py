"""The development record and its progress toward register requirements (issue 21 part 1).

From the issue: intervision, supervision, training and other activities with hours; progress
toward a register's requirements shown as counted versus needed with the reason per item;
the rules are versioned data an installation loads, and the example set is never presented
as official. The expected figures below are worked out by hand from the example file.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from edmonitor.development import record, register, services
from edmonitor.development.models import Activity, RuleSet, Space
from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.services import load as load_knowledge
from edmonitor.testing import BaseTestCase, make_user

EXAMPLE = json.loads((Path(register.__file__).parent / "rules" / "voorbeeld-2026.1.json").read_text())
TODAY = dt.date(2026, 12, 7)


class ActivityRulesTests(BaseTestCase):
    space: Space

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.noor = make_user("noor")
        cls.space = services.space_of(cls.noor)
        services.give_consent(cls.space)

    def save(self, **changes):
        fields = {"kind": "intervision", "title": "Intervisie", "occurred_on": TODAY, "hours": Decimal(2),
                  "today": TODAY} | changes  # fmt: skip
        return record.save_activity(self.space, **fields)

    def test_bad_activities_are_refused_and_nothing_is_saved(self):
        cases = {
            "in the future": {"occurred_on": TODAY + dt.timedelta(days=1)},
            "no hours": {"hours": Decimal(0)},
            "more than a day": {"hours": Decimal(25)},
            "one time only": {"starts_at": dt.time(10, 0)},
            "ends before it starts": {"starts_at": dt.time(10, 0), "ends_at": dt.time(9, 0)},
            "more hours than the times allow": {"starts_at": dt.time(10, 0), "ends_at": dt.time(11, 30)},
            "no kind": {"kind": "party"},
            "no title": {"title": "  "},
            "confirmed by herself": {"confirm_by": self.noor},
        }
        for name, changes in cases.items():
            with self.subTest(name), self.assertRaises(services.Refused):
                self.save(**changes)
        self.assertFalse(Activity.objects.exists())
        self.save(starts_at=dt.time(10, 0), ends_at=dt.time(12, 0))  # exactly the two hours between: fine

    def test_changing_the_shared_part_takes_the_confirmation_away_but_the_private_note_does_not(self):
        activity = self.save(private_note="eerst")
        Activity.objects.filter(pk=activity.pk).update(confirmed_at=timezone.now(), confirmed_by_name="Sam")
        activity.refresh_from_db()
        activity = self.save(activity=activity, private_note="later aangevuld")
        self.assertIsNotNone(activity.confirmed_at)
        activity = self.save(activity=activity, hours=Decimal(3))
        self.assertIsNone(activity.confirmed_at)
        self.assertEqual(activity.confirmed_by_name, "")

    def test_the_owner_keeps_a_record_through_the_pages_and_nobody_else_opens_it(self):
        self.login(self.noor)
        data = {"kind": "supervision", "title": "Supervisie bij Sam", "occurred_on": "2026-11-30", "hours": "1.5",
                "private_note": "wat ik voelde"}  # fmt: skip
        self.assertEqual(self.client.post(reverse("development_activity_create"), data).status_code, 302)
        activity = Activity.objects.get()
        self.assertEqual(activity.hours, Decimal("1.5"))
        self.assertContains(self.client.get(reverse("development_record")), "Supervisie bij Sam")
        for user in (self.mia, self.alice, self.carol):
            self.login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(reverse("development_activity", args=[activity.pk])).status_code, 404)
                response = self.client.post(reverse("development_activity_delete", args=[activity.pk]))
                self.assertEqual(response.status_code, 404)
        self.assertTrue(Activity.objects.filter(pk=activity.pk).exists())


class ProgressTests(BaseTestCase):
    space: Space
    rules: RuleSet

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.noor = make_user("noor")
        cls.space = services.space_of(cls.noor)
        services.give_consent(cls.space)
        cls.rules, _created = register.load(EXAMPLE)

    def add(self, kind: str, on: dt.date, hours: str, *, confirmed: bool) -> Activity:
        return Activity.objects.create(
            space=self.space, kind=kind, title=f"{kind} {on}", occurred_on=on, hours=Decimal(hours),
            confirmed_at=timezone.now() if confirmed else None,
        )  # fmt: skip

    def test_hours_counted_versus_needed_with_a_reason_per_activity(self):
        counted = self.add("intervision", dt.date(2026, 6, 1), "2", confirmed=True)
        unconfirmed = self.add("intervision", dt.date(2026, 7, 1), "3", confirmed=False)
        too_old = self.add("intervision", dt.date(2023, 12, 6), "4", confirmed=True)  # a day before the period
        first_day = self.add("intervision", dt.date(2023, 12, 7), "1.5", confirmed=True)
        training = self.add("training", dt.date(2026, 1, 5), "5", confirmed=False)  # training needs no confirmation
        with translation.override("en"):
            since, rows = register.progress(self.rules, list(self.space.activities.all()), TODAY)
        self.assertEqual(since, dt.date(2023, 12, 7))  # 36 months back, as the file says
        by_key = {row.key: row for row in rows}
        self.assertEqual([row.key for row in rows], [r["key"] for r in EXAMPLE["requirements"]])
        intervision = by_key["intervisie"]
        self.assertEqual((intervision.counted, intervision.needed), (Decimal("3.5"), Decimal(30)))
        self.assertEqual(intervision.left, Decimal("26.5"))
        reasons = {line.activity: (line.counts, line.reason) for line in intervision.lines}
        self.assertEqual(reasons[counted], (True, "counts"))
        self.assertEqual(reasons[first_day], (True, "counts"))
        self.assertEqual(reasons[unconfirmed], (False, "not confirmed yet"))
        self.assertEqual(reasons[too_old], (False, "before 07-12-2023: outside the period"))
        self.assertEqual((by_key["scholing"].counted, by_key["scholing"].needed), (Decimal(5), Decimal(40)))
        self.assertEqual([line.activity for line in by_key["scholing"].lines], [training])
        self.assertEqual((by_key["supervisie"].counted, by_key["supervisie"].lines), (Decimal(0), []))

    def test_a_requirement_is_met_at_exactly_the_hours_needed(self):
        self.add("supervision", dt.date(2026, 1, 1), "10", confirmed=True)
        _since, rows = register.progress(self.rules, list(self.space.activities.all()), TODAY)
        supervision = next(row for row in rows if row.key == "supervisie")
        self.assertTrue(supervision.met)
        self.assertEqual(supervision.left, Decimal(0))

    def test_months_back_from_a_long_month_end_on_the_last_day_of_a_short_one(self):
        self.assertEqual(register.months_before(dt.date(2026, 3, 31), 1), dt.date(2026, 2, 28))
        self.assertEqual(register.months_before(dt.date(2028, 3, 31), 1), dt.date(2028, 2, 29))
        self.assertEqual(register.months_before(dt.date(2026, 1, 15), 36), dt.date(2023, 1, 15))

    def test_the_person_chooses_the_example_and_it_is_shown_as_not_official(self):
        self.login(self.mia)  # someone else's choice changes nothing of noor's
        self.client.post(reverse("development_rules"), {"rule_set": self.rules.pk})
        self.space.refresh_from_db()
        self.assertIsNone(self.space.rule_set)
        self.login(self.noor)
        self.client.post(reverse("development_rules"), {"rule_set": self.rules.pk})
        self.space.refresh_from_db()
        self.assertEqual(self.space.rule_set, self.rules)
        page = self.client.get(reverse("development_record"))
        self.assertContains(page, "Voorbeeld, niet officieel.")
        self.assertContains(page, EXAMPLE["notice"]["nl"])  # the interface is Dutch by default


class RulesFileTests(BaseTestCase):
    def test_the_example_file_is_valid_and_not_official(self):
        self.assertEqual(register.check(EXAMPLE), [])
        self.assertIs(EXAMPLE["official"], False)

    def test_bad_files_are_refused_whole_with_a_message_per_problem(self):
        bad = json.loads(json.dumps(EXAMPLE))
        bad["official"] = True
        bad["period_months"] = 0
        bad["requirements"][0]["kinds"] = ["dancing"]
        bad["requirements"][1]["key"] = bad["requirements"][0]["key"]
        problems = register.check(bad)
        self.assertEqual(len(problems), 4, problems)
        with self.assertRaises(register.RulesError):
            register.load(bad)
        self.assertFalse(RuleSet.objects.exists())
        self.assertEqual(register.check(bad | {"official": False, "period_months": 36}, allow_official=True)[0][:13],
                         "requirement 1")  # fmt: skip

    def test_an_official_set_needs_the_flag(self):
        official = EXAMPLE | {"official": True, "key": "register"}
        with self.assertRaises(register.RulesError):
            register.load(official)
        rule_set, created = register.load(official, allow_official=True)
        self.assertTrue(created and rule_set.official)

    def test_the_command_loads_the_example_and_refuses_a_bad_file(self):
        out = StringIO()
        call_command("load_register_rules", stdout=out)
        self.assertIn("voorbeeld 2026.1 (example, not official): loaded.", out.getvalue())
        call_command("load_register_rules", stdout=out)
        self.assertIn("replaced", out.getvalue())
        self.assertEqual(RuleSet.objects.count(), 1)
        with tempfile.TemporaryDirectory() as directory:
            bad = Path(directory) / "bad.json"
            bad.write_text('{"format": "something else"}')
            with self.assertRaises(CommandError):
                call_command("load_register_rules", str(bad))
        self.assertEqual(RuleSet.objects.count(), 1)


class ExportPdfTests(BaseTestCase):
    def test_the_pdf_holds_the_evidence_and_the_record_including_the_private_note(self):
        noor = make_user("noor")
        space = services.space_of(noor)
        services.give_consent(space)
        Activity.objects.create(space=space, kind="training", title="Cursus WRAP", occurred_on=TODAY,
                                hours=Decimal(6), private_note="Voor mezelf")  # fmt: skip
        load_knowledge(read_content())
        competence = next(e for e in services.map_items() if e.kind == "competence")
        services.save_evidence(space, kind="practice", title="Groep geleid", text="", occurred_on=TODAY,
                               items=[competence.slug])  # fmt: skip
        self.login(noor)
        response = self.client.get(reverse("development_export_pdf"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
        words = " ".join(text.stdout.decode().split())
        self.assertIn("Cursus WRAP", words)
        self.assertIn("Voor mezelf", words)  # the person's own file holds everything
        self.assertIn(f"Laat zien: {competence.title_nl}", words)  # the item by its title, not its slug


class OwnGoalTests(BaseTestCase):
    def test_a_person_sets_a_goal_of_her_own_that_only_she_sees_and_counts_toward_it(self):
        noor = make_user("noor")
        space = services.space_of(noor)
        services.give_consent(space)
        Activity.objects.create(space=space, kind="intervision", title="I", occurred_on=timezone.localdate(),
                                hours=Decimal(3))  # fmt: skip
        self.login(noor)
        bad = {"name": "Intervisie", "kind": "intervision", "hours": "0", "months": "12"}
        self.assertEqual(self.client.post(reverse("development_own_goal"), bad).status_code, 400)
        self.assertFalse(RuleSet.objects.exists())
        good = bad | {"hours": "20"}
        self.assertEqual(self.client.post(reverse("development_own_goal"), good).status_code, 302)
        goal = RuleSet.objects.get()
        space.refresh_from_db()
        self.assertEqual((space.rule_set, goal.space, goal.official), (goal, space, False))
        page = self.client.get(reverse("development_record"))
        self.assertContains(page, "3 van 20 uur")  # the one activity (3 hours, unconfirmed) counts: 17 to go
        self.assertContains(page, "nog 17 uur te gaan")
        # nobody else can choose it or sees it among the choices
        other = services.space_of(self.mia)
        services.give_consent(other)
        self.login(self.mia)
        self.assertNotContains(self.client.get(reverse("development_record")), "Intervisie</option>")
        self.client.post(reverse("development_rules"), {"rule_set": goal.pk})
        other.refresh_from_db()
        self.assertIsNone(other.rule_set)
        services.delete_space(noor)
        self.assertFalse(RuleSet.objects.exists())  # deleted with her space
