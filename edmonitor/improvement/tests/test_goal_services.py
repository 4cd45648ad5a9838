"""Setting goals, capturing their baseline, and judging them at the next VIE measurement or MIE audit."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import override

from edmonitor.audits import services as audit_services
from edmonitor.audits.models import Audit
from edmonitor.audits.tests.factories import finalised, plan
from edmonitor.improvement import services
from edmonitor.improvement.models import Goal
from edmonitor.improvement.services import Decision, ImprovementRefused
from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.measurements.models import ItemResponse
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase, make_measurement

JAN_2025 = dt.date(2025, 1, 15)
FEB_2025 = dt.date(2025, 2, 1)
JAN_2026 = dt.date(2026, 1, 15)


def codes(measurement) -> dict[str, str]:
    return dict(ItemResponse.objects.filter(measurement=measurement).values_list("item_id", "goal_code"))


class GoalTestCase(BaseTestCase):
    # set by BaseTestCase.setUpTestData
    org_a: Organisation
    alice: User
    mia: User
    lex: User

    def goal(self, item="2a", goal_type="at_least", target=3, **kw) -> Goal:
        kw.setdefault("set_on", FEB_2025)
        return services.set_goal(
            organisation=self.org_a,
            instrument="vie",
            item=item,
            goal_type=goal_type,
            target=target,
            user=self.mia,
            **kw,
        )

    def count(self) -> int:
        return Goal.objects.count()

    def mie_follow_up(self, goal_type: str, target: int) -> tuple[Goal, Audit]:
        """Consensus 2 on every theme in January 2025, a goal for theme 3, then a finalised audit with 3 for it."""
        before = {t: 2 for t in "12345"}
        finalised(self.org_a, self.mia, self.lex, before, before, before, on=JAN_2025)
        goal = services.set_goal(
            organisation=self.org_a, instrument="mie", item="3", goal_type=goal_type, target=target, set_on=FEB_2025
        )
        after = {**before, "3": 3}
        return goal, finalised(self.org_a, self.mia, self.lex, after, after, after, on=JAN_2026)


class SettingAGoalTests(GoalTestCase):
    def test_the_baseline_is_the_latest_score_of_the_item_on_or_before_the_day_it_is_set(self):
        make_measurement(self.org_a, {"2a": 1}, on=dt.date(2024, 6, 1))
        latest = make_measurement(self.org_a, {"2a": 2, "6a": 4}, on=JAN_2025)
        make_measurement(self.org_a, {"2a": 5}, on=dt.date(2025, 3, 1))  # after the goal: a follow-up
        goal = self.goal()
        self.assertEqual((goal.baseline_score, goal.baseline_measurement), (2, latest))

    def test_a_measurement_on_the_day_the_goal_is_set_is_its_baseline(self):
        same_day = make_measurement(self.org_a, {"2a": 2}, on=FEB_2025)
        self.assertEqual(self.goal().baseline_measurement, same_day)

    def test_the_baseline_skips_a_measurement_that_did_not_score_the_item(self):
        scored = make_measurement(self.org_a, {"2a": 2}, on=dt.date(2024, 6, 1))
        make_measurement(self.org_a, {"6a": 4}, on=JAN_2025)
        self.assertEqual(self.goal().baseline_measurement, scored)

    def test_the_baseline_comes_from_the_same_scope_only(self):
        make_measurement(self.org_a, {"2a": 4}, on=JAN_2025)  # the whole organisation
        goal = self.goal(facility=self.facility_a)
        self.assertIsNone(goal.baseline_score)
        make_measurement(self.org_b, {"2a": 2}, on=JAN_2025)
        self.assertEqual(self.goal(item="6a", facility=None).baseline_score, None)

    def test_an_mie_goal_takes_its_baseline_from_the_latest_finalised_audit(self):
        scores = {t: 2 for t in "12345"}
        audit = finalised(self.org_a, self.mia, self.lex, scores, scores, scores, on=JAN_2025)
        plan(self.org_a, self.mia, self.lex, on=dt.date(2025, 1, 20))  # not finalised: no baseline
        goal = services.set_goal(
            organisation=self.org_a, instrument="mie", item="3", goal_type="improve", target=1, set_on=FEB_2025
        )
        self.assertEqual((goal.baseline_score, goal.baseline_audit), (2, audit))

    def test_a_goal_in_words_needs_its_words(self):
        with self.assertRaises(ImprovementRefused) as refused:
            self.goal(goal_type="descriptive", target=None, description="  ")
        self.assertEqual([f for f, _m in refused.exception.problems], ["description"])
        self.assertEqual(self.count(), 0)

    def test_improving_needs_a_baseline(self):
        with self.assertRaises(ImprovementRefused) as refused, override("en"):
            self.goal(goal_type="improve", target=1)
        self.assertEqual([f for f, _m in refused.exception.problems], ["goal_type"])
        self.assertIn("baseline", refused.exception.messages[0])
        self.assertEqual(self.count(), 0)

    def test_a_target_the_baseline_already_reaches_is_refused(self):
        make_measurement(self.org_a, {"2a": 3}, on=JAN_2025)
        with self.assertRaises(ImprovementRefused) as refused:
            self.goal(target=3)
        self.assertEqual([f for f, _m in refused.exception.problems], ["target"])
        self.assertEqual(self.count(), 0)

    def test_every_problem_is_reported_at_once_and_nothing_is_saved(self):
        with self.assertRaises(ImprovementRefused) as refused:
            services.set_goal(
                organisation=self.org_a,
                instrument="vie",
                item="11a",
                goal_type="at_least",
                target=9,
                set_on=FEB_2025,
                due_by=FEB_2025,
                facility=self.facility_b,
            )
        fields = {f for f, _m in refused.exception.problems}
        self.assertEqual(fields, {"item", "target", "due_by", "facility"})
        self.assertEqual(self.count(), 0)

    def test_a_goal_is_not_set_in_the_future(self):
        with self.assertRaises(ImprovementRefused):
            self.goal(set_on=dt.date.today() + dt.timedelta(days=1))

    def test_one_open_goal_per_item_and_scope(self):
        self.goal()
        with self.assertRaises(ImprovementRefused) as refused:
            self.goal(target=4)
        self.assertEqual([f for f, _m in refused.exception.problems], ["item"])
        self.goal(facility=self.facility_a)  # another scope is fine
        self.assertEqual(self.count(), 2)

    def test_the_database_refuses_a_target_on_a_goal_in_words(self):
        goal = self.goal()
        goal.goal_type = "descriptive"
        goal.description = "iets"
        with self.assertRaises(IntegrityError), transaction.atomic():
            goal.save()


class ChangingAGoalTests(GoalTestCase):
    def test_changing_the_day_captures_the_baseline_again(self):
        make_measurement(self.org_a, {"2a": 2}, on=JAN_2025)
        goal = self.goal(set_on=dt.date(2025, 1, 1))
        self.assertIsNone(goal.baseline_score)
        services.update_goal(goal, instrument="vie", item="2a", goal_type="at_least", target=3, set_on=FEB_2025)
        goal.refresh_from_db()
        self.assertEqual(goal.baseline_score, 2)
        self.assertEqual(goal.history.count(), 2)

    def test_a_refused_change_changes_nothing(self):
        goal = self.goal()
        with self.assertRaises(ImprovementRefused):
            services.update_goal(goal, instrument="vie", item="2a", goal_type="at_least", target=None, set_on=FEB_2025)
        goal.refresh_from_db()
        self.assertEqual(goal.target, 3)

    def test_a_judged_goal_can_no_longer_be_changed_or_deleted(self):
        goal = self.goal()
        follow_up = make_measurement(self.org_a, {"2a": 3}, on=JAN_2026)
        services.confirm_goal_codes(follow_up, {goal.pk: Decision("D")}, user=self.mia)
        with self.assertRaises(ImprovementRefused):
            services.update_goal(goal, instrument="vie", item="2a", goal_type="at_least", target=4, set_on=FEB_2025)
        with self.assertRaises(ImprovementRefused):
            services.delete_goal(goal)
        goal.refresh_from_db()
        self.assertEqual((goal.target, goal.code), (3, "D"))

    def test_an_open_goal_set_by_mistake_can_be_deleted(self):
        services.delete_goal(self.goal(), user=self.mia)
        self.assertEqual(self.count(), 0)


class PendingGoalTests(GoalTestCase):
    def test_a_later_measurement_of_the_same_scope_follows_up_a_goal(self):
        goal = self.goal()
        same_day = make_measurement(self.org_a, {"2a": 2}, on=FEB_2025)
        later = make_measurement(self.org_a, {"2a": 3}, on=JAN_2026)
        facility = make_measurement(self.org_a, {"2a": 3}, on=JAN_2026)
        facility.facility = self.facility_a
        facility.save()
        other = make_measurement(self.org_b, {"2a": 3}, on=JAN_2026)
        self.assertEqual(list(services.pending_goals(later)), [goal])
        for measurement in (same_day, facility, other):
            self.assertEqual(list(services.pending_goals(measurement)), [], measurement)

    def test_a_judged_goal_is_no_longer_pending_at_a_later_measurement(self):
        goal = self.goal()
        first = make_measurement(self.org_a, {"2a": 3}, on=JAN_2026)
        second = make_measurement(self.org_a, {"2a": 4}, on=dt.date(2026, 6, 1))
        services.confirm_goal_codes(first, {goal.pk: Decision("D")}, user=self.mia)
        self.assertEqual(list(services.pending_goals(second)), [])
        self.assertEqual(list(services.goals_for(first)), [goal])  # still judged (and changeable) at the first

    def test_an_audit_follows_up_mie_goals_only_once_finalised(self):
        goal = services.set_goal(
            organisation=self.org_a, instrument="mie", item="1", goal_type="at_least", target=4, set_on=FEB_2025
        )
        planned = plan(self.org_a, self.mia, self.lex, on=JAN_2026)
        scores = {t: 4 for t in "12345"}
        done = finalised(self.org_a, self.mia, self.lex, scores, scores, scores, on=JAN_2026)
        self.assertEqual(list(services.pending_goals(planned)), [])
        self.assertEqual(list(services.pending_goals(done)), [goal])
        self.assertEqual(list(services.pending_goals(make_measurement(self.org_a, {"1a": 2}, on=JAN_2026))), [])


class JudgingVieGoalsTests(GoalTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_measurement(cls.org_a, {"2a": 2, "6a": 3, "9a": 1}, on=JAN_2025)

    def setUp(self):
        self.reached = self.goal(item="2a", target=3)  # 2 → at least 3
        self.kept = self.goal(item="6a", goal_type="maintain", target=None)  # keep 3
        self.words = self.goal(item="9a", goal_type="descriptive", target=None, description="Een scholingsplan")
        self.follow_up = make_measurement(
            self.org_a, {"2a": 3, "6a": 2, "9a": 2, "10a": 4}, on=JAN_2026, goals={"10b": "C"}
        )

    def proposals(self):
        return {p.goal.item: p for p in services.proposals_for(self.follow_up)}

    def test_every_goal_gets_its_proposal_and_the_reason(self):
        proposals = self.proposals()
        self.assertEqual({k: p.proposal.code for k, p in proposals.items()}, {"2a": "D", "6a": "B", "9a": None})
        with override("en"):
            self.assertEqual(proposals["2a"].reason, "Score 3 reaches the target 3.")
        self.assertEqual(proposals["6a"].new_score, 2)

    def test_confirming_the_proposals_writes_the_codes_to_the_goals_and_the_measurement(self):
        changed = services.confirm_goal_codes(
            self.follow_up,
            {self.reached.pk: Decision("D"), self.kept.pk: Decision("B"), self.words.pk: Decision("C")},
            user=self.mia,
        )
        self.assertEqual(len(changed), 3)
        self.reached.refresh_from_db()
        self.assertEqual(
            (self.reached.code, self.reached.proposed_code, self.reached.new_score, self.reached.follow_up),
            ("D", "D", 3, self.follow_up),
        )
        self.assertEqual(self.reached.evaluated_by, self.mia)
        self.words.refresh_from_db()
        self.assertEqual((self.words.proposed_code, self.words.code, self.words.override_reason), ("", "C", ""))
        # 10a had a code entered by hand (C): it stays; the rest of the measurement has no other answered items.
        self.assertEqual(codes(self.follow_up), {"2a": "D", "6a": "B", "9a": "C", "10a": "C"})

    def test_items_without_a_goal_and_without_a_code_get_a(self):
        follow_up = make_measurement(self.org_a, {"2a": 3, "6a": 3, "1a": 2, "3a": 1}, on=dt.date(2026, 2, 1))
        self.assertEqual(services.items_getting_a(follow_up, services.goals_for(follow_up)), ["1a", "3a"])

    def test_a_code_other_than_the_proposal_needs_a_reason_and_without_one_nothing_changes(self):
        with self.assertRaises(ImprovementRefused) as refused:
            services.confirm_goal_codes(
                self.follow_up, {self.reached.pk: Decision("D"), self.kept.pk: Decision("C")}, user=self.mia
            )
        self.assertEqual([f for f, _m in refused.exception.problems], [f"reason_{self.kept.pk}"])
        self.assertEqual(Goal.objects.open().count(), 3)
        self.assertEqual(codes(self.follow_up), {"10a": "C", "2a": "", "6a": "", "9a": ""})

    def test_an_override_with_a_reason_is_kept_with_the_proposal(self):
        services.confirm_goal_codes(
            self.follow_up, {self.kept.pk: Decision("C", "Teams zijn gegroeid; het item meet dat niet.")}, user=self.mia
        )
        self.kept.refresh_from_db()
        self.assertEqual((self.kept.proposed_code, self.kept.code), ("B", "C"))
        self.assertEqual(self.kept.override_reason, "Teams zijn gegroeid; het item meet dat niet.")
        self.assertEqual(codes(self.follow_up)["6a"], "C")

    def test_a_reason_given_for_the_proposed_code_is_not_kept(self):
        services.confirm_goal_codes(self.follow_up, {self.reached.pk: Decision("D", "zomaar")}, user=self.mia)
        self.reached.refresh_from_db()
        self.assertEqual(self.reached.override_reason, "")

    def test_a_goal_can_wait_for_a_later_measurement(self):
        services.confirm_goal_codes(self.follow_up, {self.reached.pk: Decision("D")}, user=self.mia)
        self.assertEqual(set(Goal.objects.open()), {self.kept, self.words})
        self.assertEqual(codes(self.follow_up)["6a"], "")  # has a goal still to judge: no A

    def test_a_goal_that_was_set_cannot_get_a(self):
        with self.assertRaises(ImprovementRefused) as refused:
            services.confirm_goal_codes(self.follow_up, {self.reached.pk: Decision("A")}, user=self.mia)
        self.assertEqual([f for f, _m in refused.exception.problems], [f"code_{self.reached.pk}"])

    def test_a_goal_of_another_measurement_is_refused(self):
        other = services.set_goal(
            organisation=self.org_b, instrument="vie", item="2a", goal_type="at_least", target=3, set_on=FEB_2025
        )
        with self.assertRaises(ImprovementRefused):
            services.confirm_goal_codes(self.follow_up, {other.pk: Decision("D")}, user=self.mia)
        self.assertEqual(Goal.objects.open().count(), 4)

    def test_a_judgement_can_be_changed_at_the_same_measurement_and_the_history_keeps_both(self):
        services.confirm_goal_codes(self.follow_up, {self.reached.pk: Decision("D")}, user=self.mia)
        services.confirm_goal_codes(
            self.follow_up, {self.reached.pk: Decision("C", "Alleen op één locatie")}, user=self.alice
        )
        self.reached.refresh_from_db()
        self.assertEqual((self.reached.code, self.reached.evaluated_by), ("C", self.alice))
        self.assertEqual(list(self.reached.history.values_list("code", flat=True)), ["C", "D", ""])
        self.assertEqual(codes(self.follow_up)["2a"], "C")

    def test_a_judged_goal_keeps_a_code(self):
        services.confirm_goal_codes(self.follow_up, {self.reached.pk: Decision("D")}, user=self.mia)
        with self.assertRaises(ImprovementRefused):
            services.confirm_goal_codes(self.follow_up, {self.reached.pk: Decision("")}, user=self.mia)

    def test_confirming_the_same_codes_again_changes_nothing(self):
        services.confirm_goal_codes(self.follow_up, {self.reached.pk: Decision("D")}, user=self.mia)
        self.assertEqual(
            services.confirm_goal_codes(self.follow_up, {self.reached.pk: Decision("D")}, user=self.mia), []
        )

    def test_an_unscored_item_gets_no_proposal_but_can_be_judged(self):
        follow_up = make_measurement(self.org_a, {"6a": 3}, on=dt.date(2026, 2, 1))
        proposals = {p.goal.item: p for p in services.proposals_for(follow_up)}
        self.assertEqual((proposals["2a"].proposal.code, proposals["2a"].proposal.reason), (None, "no_score"))
        services.confirm_goal_codes(follow_up, {self.reached.pk: Decision("B")}, user=self.mia)
        self.assertEqual(codes(follow_up)["2a"], "B")  # a response row is made for the code


class JudgingMieGoalsTests(GoalTestCase):
    def test_mie_goals_are_judged_against_the_consensus_and_kept_on_the_goal(self):
        goal, audit = self.mie_follow_up("improve", 2)
        [proposal] = services.proposals_for(audit)
        self.assertEqual((proposal.new_score, proposal.proposal.code), (3, "C"))
        with self.assertRaises(ImprovementRefused):
            services.confirm_goal_codes(audit, {goal.pk: Decision("D")}, user=self.alice)
        services.confirm_goal_codes(audit, {goal.pk: Decision("D", "Scholingsplan staat")}, user=self.alice)
        goal.refresh_from_db()
        self.assertEqual((goal.follow_up_audit, goal.follow_up, goal.code, goal.proposed_code), (audit, None, "D", "C"))

    def test_an_audit_that_is_not_finalised_judges_nothing(self):
        audit = plan(self.org_a, self.mia, self.lex, on=JAN_2026)
        with self.assertRaises(ImprovementRefused):
            services.confirm_goal_codes(audit, {}, user=self.alice)


class CorrectingAJudgedFollowUpTests(GoalTestCase):
    """A follow-up corrected after its goals were judged: the judgement follows the corrected score."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_measurement(cls.org_a, {"2a": 2, "6a": 3}, on=JAN_2025)

    def setUp(self):
        self.reached = self.goal(item="2a", target=3)  # baseline 2, reach at least 3
        self.kept = self.goal(item="6a", goal_type="maintain", target=None)  # baseline 3, keep it
        self.follow_up = make_measurement(self.org_a, {"2a": 3, "6a": 2}, on=JAN_2026)
        services.confirm_goal_codes(
            self.follow_up,
            {self.reached.pk: Decision("D"), self.kept.pk: Decision("D", "Het item telt de nieuwe teams niet.")},
            user=self.mia,
        )  # 3 reaches 3: D as proposed; 2 is below the baseline 3: B proposed, D chosen with a reason

    def correct(self, scores: dict[str, int]) -> list[Goal]:
        record_measurement(
            organisation=self.org_a,
            instrument_version=self.follow_up.instrument_version,
            measured_on=self.follow_up.measured_on,
            inp=MeasurementInput(direct=scores),
            measurement=self.follow_up,
        )
        return services.refresh_judged_goals(self.follow_up, user=self.alice)

    def test_a_corrected_score_that_changes_the_proposal_opens_the_goal_again(self):
        again = self.correct({"2a": 2, "6a": 2})  # 2 does not reach 3 and is no better than the baseline: B
        self.assertEqual(again, [self.reached])
        self.reached.refresh_from_db()
        self.assertFalse(self.reached.is_evaluated)
        self.assertEqual((self.reached.code, self.reached.new_score, self.reached.follow_up), ("", None, None))
        self.assertIn(self.reached, services.pending_goals(self.follow_up))
        self.assertEqual({p.goal.item: p.proposal.code for p in services.proposals_for(self.follow_up)}["2a"], "B")
        self.assertEqual(codes(self.follow_up)["2a"], "")  # its code is no longer on the measurement
        self.assertIn("D", [h.code for h in self.reached.history.all()])  # the earlier judgement stays on record
        self.kept.refresh_from_db()
        self.assertEqual((self.kept.code, self.kept.new_score), ("D", 2))  # untouched: its score did not change

    def test_a_corrected_score_with_the_same_proposal_keeps_the_judgement_with_the_new_score(self):
        again = self.correct({"2a": 4, "6a": 2})  # 4 still reaches 3: D
        self.assertEqual(again, [])
        self.reached.refresh_from_db()
        self.assertEqual((self.reached.code, self.reached.proposed_code, self.reached.new_score), ("D", "D", 4))
        self.assertEqual(codes(self.follow_up)["2a"], "D")

    def test_a_code_that_becomes_the_proposal_is_kept_without_its_reason(self):
        again = self.correct({"2a": 3, "6a": 3})  # 6a back at its baseline 3: kept, D proposed as chosen
        self.assertEqual(again, [])
        self.kept.refresh_from_db()
        self.assertEqual((self.kept.code, self.kept.proposed_code, self.kept.new_score), ("D", "D", 3))
        self.assertEqual(self.kept.override_reason, "")

    def test_a_correction_that_leaves_the_scores_alone_changes_no_goal(self):
        history = {g.pk: g.history.count() for g in (self.reached, self.kept)}
        self.assertEqual(self.correct({"2a": 3, "6a": 2, "9a": 4}), [])
        self.assertEqual({g.pk: g.history.count() for g in (self.reached, self.kept)}, history)

    def test_correcting_through_the_form_leads_to_judging_again(self):
        edit = reverse("measurement_edit", args=[self.org_a.pk, self.follow_up.pk])
        self.client.force_login(self.alice)
        form = self.client.get(edit).context["form"]
        data = {}
        for name in form.fields:
            value = form[name].value()
            if value not in (None, ""):
                data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        data["item_2a"] = "1"
        data["confirm_unanswered"] = "1"  # the follow-up scored only some items
        response = self.client.post(edit, data, follow=True, headers={"accept-language": "nl"})
        self.assertRedirects(response, reverse("measurement_goals", args=[self.org_a.pk, self.follow_up.pk]))
        self.assertContains(response, "beoordeel het opnieuw")
        self.reached.refresh_from_db()
        self.assertFalse(self.reached.is_evaluated)

    def test_a_follow_up_moved_before_the_goals_were_set_no_longer_judges_them(self):
        record_measurement(
            organisation=self.org_a,
            instrument_version=self.follow_up.instrument_version,
            measured_on=dt.date(2025, 1, 20),  # before the goals were set (1 February 2025)
            inp=MeasurementInput(direct={"2a": 3, "6a": 2}),
            measurement=self.follow_up,
        )
        self.assertEqual(services.refresh_judged_goals(self.follow_up, user=self.alice), [])
        for goal in (self.reached, self.kept):
            goal.refresh_from_db()
            self.assertFalse(goal.is_evaluated)
            self.assertEqual((goal.code, goal.follow_up), ("", None))
        self.assertEqual(list(services.pending_goals(self.follow_up)), [])  # they wait for a later measurement
        self.assertEqual(codes(self.follow_up), {"2a": "", "6a": ""})

    def test_deleting_the_follow_up_opens_its_judged_goals_again(self):
        delete = reverse("measurement_delete", args=[self.org_a.pk, self.follow_up.pk])
        self.client.force_login(self.alice)
        confirm = self.client.get(delete, headers={"accept-language": "nl"})
        self.assertContains(confirm, "2 doelen zijn bij deze meting beoordeeld")
        response = self.client.post(delete, follow=True, headers={"accept-language": "nl"})
        self.assertContains(response, "De 2 doelen die bij deze meting zijn beoordeeld, zijn weer open.")
        for goal in (self.reached, self.kept):
            goal.refresh_from_db()
            self.assertFalse(goal.is_evaluated)
            self.assertEqual((goal.code, goal.follow_up, goal.new_score), ("", None, None))
        later = make_measurement(self.org_a, {"2a": 4}, on=dt.date(2026, 6, 1))
        self.assertEqual({g.pk for g in services.pending_goals(later)}, {self.reached.pk, self.kept.pk})


class AmendingAJudgedAuditTests(GoalTestCase):
    def test_an_amended_consensus_that_changes_the_proposal_opens_the_mie_goal_again(self):
        goal, audit = self.mie_follow_up("at_least", 3)
        services.confirm_goal_codes(audit, {goal.pk: Decision("D")}, user=self.alice)
        amendable = audit_services.amendable_values(audit)
        amendment = audit_services.amend(
            audit,
            values={**amendable, "consensus:3": 2, "consensus_reason:3": "Het verslag telde één punt te veel."},
            original=audit_services.as_shown(amendable),
            reason="Rekenfout in het verslag",
            user=self.alice,
        )
        # the amendment itself brought the goal up to date (improvement listens to audits' signal)
        self.assertEqual(amendment.judge_again, [goal])
        goal.refresh_from_db()
        self.assertFalse(goal.is_evaluated)
        self.assertIn(goal, services.pending_goals(audit))
