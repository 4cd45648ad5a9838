"""The improvement pages: forms, errors next to their fields, redirects, and what other pages show of it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from edmonitor.audits.tests.factories import finalised, plan
from edmonitor.improvement import services
from edmonitor.improvement.models import Action, DialogueSession, Goal
from edmonitor.improvement.services import Decision
from edmonitor.knowledge.models import DialogueMethod
from edmonitor.measurements.models import ItemResponse
from edmonitor.organisations.models import Facility, Organisation
from edmonitor.testing import BaseTestCase, make_measurement

from .factories import make_method

SAME = {t: 3 for t in "12345"}
TODAY = timezone.localdate()
LAST_YEAR = TODAY - dt.timedelta(days=365)


class PageTestCase(BaseTestCase):
    # set by BaseTestCase.setUpTestData
    org_a: Organisation
    facility_a: Facility
    alice: User
    lex: User

    def setUp(self):
        self.login(self.mia)

    def url(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs={"pk": self.org_a.pk, **kwargs})

    def goal(self, item="2a", **kw) -> Goal:
        kw.setdefault("set_on", LAST_YEAR)
        kw.setdefault("goal_type", "at_least")
        kw.setdefault("target", 3)
        return services.set_goal(organisation=self.org_a, instrument="vie", item=item, **kw)


class GoalPageTests(PageTestCase):
    def test_setting_a_goal_goes_to_its_page(self):
        make_measurement(self.org_a, {"2a": 2}, on=LAST_YEAR)
        response = self.client.post(
            self.url("goal_create"),
            {"item": "vie:2a", "goal_type": "improve", "target": "2", "set_on": TODAY.isoformat(), "facility": ""},
        )
        goal = Goal.objects.get()
        self.assertRedirects(response, self.url("goal", goal_pk=goal.pk))
        self.assertEqual((goal.baseline_score, goal.target, goal.created_by), (2, 2, self.mia))
        page = self.client.get(response["Location"])
        self.assertContains(page, "VIE 2a.")

    def test_a_refused_goal_shows_the_error_at_its_field(self):
        response = self.client.post(
            self.url("goal_create"),
            {"item": "vie:2a", "goal_type": "maintain", "target": "", "set_on": TODAY.isoformat()},
        )
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("goal_type", form.errors)
        self.assertContains(response, 'aria-invalid="true"')
        self.assertContains(response, 'id="error-summary"')
        self.assertFalse(Goal.objects.exists())

    def test_a_target_the_baseline_already_reaches_says_what_the_baseline_is(self):
        make_measurement(self.org_a, {"2a": 4}, on=LAST_YEAR)
        response = self.client.post(
            self.url("goal_create"),
            {"item": "vie:2a", "goal_type": "at_least", "target": "3", "set_on": TODAY.isoformat()},
        )
        self.assertIn("De beginscore is 4.", " ".join(response.context["form"].errors["target"]))
        self.assertFalse(Goal.objects.exists())

    def test_a_goal_page_offers_an_action_for_that_goal_with_its_item_filled_in(self):
        goal = self.goal(item="6a")
        page = self.client.get(self.url("goal", goal_pk=goal.pk))
        link = self.url("action_create") + f"?doel={goal.pk}"
        self.assertContains(page, link)
        form = self.client.get(link).context["form"]
        self.assertEqual(form["link"].value(), "vie:6a")
        self.assertEqual(self.client.get(self.url("action_create") + "?doel=999999").status_code, 404)

    def test_a_goal_awaiting_judgement_says_so_at_the_top(self):
        goal = self.goal()
        measurement = make_measurement(self.org_a, {"2a": 3}, on=TODAY)
        html = self.client.get(self.url("goal", goal_pk=goal.pk)).content.decode()
        judge = self.url("measurement_goals", measurement_pk=measurement.pk)
        self.assertLess(html.index(judge), html.index('id="attainment"'))

    def test_the_form_refuses_a_target_off_the_scale_before_the_service(self):
        response = self.client.post(
            self.url("goal_create"), {"item": "vie:2a", "goal_type": "at_least", "target": "7", "set_on": "2025-01-01"}
        )
        self.assertIn("target", response.context["form"].errors)

    def test_a_goal_can_be_changed_and_deleted_until_it_is_judged(self):
        goal = self.goal()
        response = self.client.post(
            self.url("goal_edit", goal_pk=goal.pk),
            {"item": "vie:2a", "goal_type": "at_least", "target": "4", "set_on": LAST_YEAR.isoformat()},
        )
        self.assertRedirects(response, self.url("goal", goal_pk=goal.pk))
        goal.refresh_from_db()
        self.assertEqual(goal.target, 4)
        response = self.client.post(self.url("goal_delete", goal_pk=goal.pk))
        self.assertRedirects(response, self.url("improvement_plan"))
        self.assertFalse(Goal.objects.exists())

    def test_a_judged_goal_sends_its_edit_and_delete_pages_back_to_it(self):
        goal = self.goal()
        follow_up = make_measurement(self.org_a, {"2a": 3}, on=TODAY)
        services.confirm_goal_codes(follow_up, {goal.pk: Decision("D")}, user=self.mia)
        for name in ("goal_edit", "goal_delete"):
            response = self.client.post(self.url(name, goal_pk=goal.pk), {"target": "5"})
            self.assertRedirects(response, self.url("goal", goal_pk=goal.pk))
        self.assertTrue(Goal.objects.filter(pk=goal.pk, target=3).exists())

    def test_the_goal_page_links_to_the_follow_up_that_judges_it(self):
        goal = self.goal()
        follow_up = make_measurement(self.org_a, {"2a": 3}, on=TODAY)
        response = self.client.get(self.url("goal", goal_pk=goal.pk))
        self.assertContains(response, self.url("measurement_goals", measurement_pk=follow_up.pk))


class JudgingPageTests(PageTestCase):
    def test_a_new_measurement_with_goals_set_before_it_goes_on_to_judging_them(self):
        self.goal()
        response = self.client.post(
            self.url("measurement_create"),
            {"measured_on": TODAY.isoformat(), "label": "meting", "item_2a": "3", "confirm_unanswered": "1"},
        )
        measurement = self.org_a.measurements.get()
        self.assertRedirects(response, self.url("measurement_goals", measurement_pk=measurement.pk))

    def test_a_new_measurement_without_goals_goes_to_its_page(self):
        response = self.client.post(
            self.url("measurement_create"),
            {"measured_on": TODAY.isoformat(), "label": "meting", "item_2a": "3", "confirm_unanswered": "1"},
        )
        measurement = self.org_a.measurements.get()
        self.assertRedirects(response, self.url("measurement", measurement_pk=measurement.pk))

    def test_the_measurement_page_says_goals_await_judgement(self):
        self.goal()
        measurement = make_measurement(self.org_a, {"2a": 3}, on=TODAY)
        response = self.client.get(self.url("measurement", measurement_pk=measurement.pk))
        self.assertEqual(response.context["goals_to_judge"], 1)
        self.assertContains(response, self.url("measurement_goals", measurement_pk=measurement.pk))

    def test_the_page_proposes_a_code_and_saving_it_writes_the_measurement(self):
        goal = self.goal()
        measurement = make_measurement(self.org_a, {"2a": 3, "6a": 2}, on=TODAY)
        url = self.url("measurement_goals", measurement_pk=measurement.pk)
        page = self.client.get(url)
        self.assertEqual(page.context["form"][f"code_{goal.pk}"].value(), "D")
        self.assertEqual(len(page.context["items_getting_a"]), 1)  # 6a
        response = self.client.post(url, {f"code_{goal.pk}": "D", f"reason_{goal.pk}": ""})
        self.assertRedirects(response, self.url("measurement", measurement_pk=measurement.pk))
        self.assertEqual(
            dict(ItemResponse.objects.filter(measurement=measurement).values_list("item_id", "goal_code")),
            {"2a": "D", "6a": "A"},
        )

    def test_a_code_entered_by_hand_is_shown_beside_a_different_proposal_and_never_replaced_unseen(self):
        goal = self.goal()  # at least 3: a new score of 3 makes edmonitor propose D
        measurement = make_measurement(self.org_a, {"2a": 3}, on=TODAY, goals={"2b": "C"})
        url = self.url("measurement_goals", measurement_pk=measurement.pk)
        page = self.client.get(url)
        self.assertIsNone(page.context["form"][f"code_{goal.pk}"].value())  # neither C nor D chosen for the user
        self.assertContains(page, "Ingevuld op het meetformulier")
        self.assertNotContains(page, 'value="D" checked')
        # Saving without choosing is refused at the code field; the hand-entered C stays.
        response = self.client.post(url, {f"reason_{goal.pk}": ""})  # what a browser sends with no code ticked
        self.assertEqual(list(response.context["form"].errors), [f"code_{goal.pk}"])
        self.assertIn("C", response.context["form"].errors[f"code_{goal.pk}"][0])
        self.assertEqual(ItemResponse.objects.get(measurement=measurement, item_id="2a").goal_code, "C")
        self.assertTrue(Goal.objects.open().exists())
        # Choosing the hand-entered code (with the reason for departing from D) keeps it.
        response = self.client.post(url, {f"code_{goal.pk}": "C", f"reason_{goal.pk}": "Afspraak in het MT"})
        self.assertRedirects(response, self.url("measurement", measurement_pk=measurement.pk))
        self.assertEqual(ItemResponse.objects.get(measurement=measurement, item_id="2a").goal_code, "C")
        self.assertEqual(Goal.objects.get().code, "C")

    def test_a_code_entered_by_hand_that_is_the_proposal_is_preselected(self):
        goal = self.goal()
        measurement = make_measurement(self.org_a, {"2a": 3}, on=TODAY, goals={"2b": "D"})
        page = self.client.get(self.url("measurement_goals", measurement_pk=measurement.pk))
        self.assertEqual(page.context["form"][f"code_{goal.pk}"].value(), "D")
        self.assertNotContains(page, "Ingevuld op het meetformulier u")

    def test_an_override_without_a_reason_is_shown_at_the_reason_field(self):
        goal = self.goal()
        measurement = make_measurement(self.org_a, {"2a": 3}, on=TODAY)
        response = self.client.post(
            self.url("measurement_goals", measurement_pk=measurement.pk), {f"code_{goal.pk}": "C"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["form"].errors), [f"reason_{goal.pk}"])
        self.assertTrue(Goal.objects.open().exists())

    def test_goals_of_an_audit_are_judged_only_once_it_is_finalised(self):
        audit = plan(self.org_a, self.mia, self.lex, on=TODAY)
        response = self.client.get(self.url("audit_goals", audit_pk=audit.pk))
        self.assertRedirects(response, self.url("audit", audit_pk=audit.pk))

    def test_the_audit_page_offers_judging_and_making_actions_of_its_recommendations(self):
        goal = services.set_goal(
            organisation=self.org_a, instrument="mie", item="1", goal_type="at_least", target=4, set_on=LAST_YEAR
        )
        audit = finalised(self.org_a, self.alice, self.lex, SAME, SAME, SAME, on=TODAY)
        recommendation = audit.recommendations.get()
        page = self.client.get(self.url("audit", audit_pk=audit.pk))
        self.assertContains(page, self.url("audit_goals", audit_pk=audit.pk))
        self.assertContains(page, self.url("action_create") + f"?aanbeveling={recommendation.pk}")
        # What needs the user's action comes first, before the themes and the report.
        html = page.content.decode()
        self.assertLess(html.index(self.url("audit_goals", audit_pk=audit.pk)), html.index('id="themes"'))
        response = self.client.post(self.url("audit_goals", audit_pk=audit.pk), {f"code_{goal.pk}": "B"})
        self.assertRedirects(response, self.url("audit", audit_pk=audit.pk))
        goal.refresh_from_db()
        self.assertEqual((goal.code, goal.new_score, goal.follow_up_audit), ("B", 3, audit))


class ActionPageTests(PageTestCase):
    def test_an_action_from_a_recommendation_is_prefilled_and_linked(self):
        audit = finalised(self.org_a, self.alice, self.lex, SAME, SAME, SAME)
        recommendation = audit.recommendations.get()
        url = self.url("action_create") + f"?aanbeveling={recommendation.pk}"
        page = self.client.get(url)
        self.assertEqual(page.context["form"]["title"].value(), recommendation.text)
        self.assertEqual(page.context["form"]["link"].value(), f"mie:{recommendation.theme_id}")
        response = self.client.post(
            self.url("action_create"),
            {"title": recommendation.text, "owner": "Pim", "status": "open", "link": "mie:3",
             "recommendation": recommendation.pk},
        )  # fmt: skip
        self.assertRedirects(response, self.url("improvement_plan"))
        self.assertEqual(Action.objects.get().source_recommendation, recommendation)

    def test_a_recommendation_of_another_organisation_is_not_found(self):
        audit = finalised(self.org_b, self.bob, self.lex, SAME, SAME, SAME)
        response = self.client.get(self.url("action_create") + f"?aanbeveling={audit.recommendations.get().pk}")
        self.assertEqual(response.status_code, 404)
        response = self.client.get(self.url("action_create") + "?aanbeveling=x")
        self.assertEqual(response.status_code, 404)

    def test_an_action_without_an_owner_shows_the_error_at_the_field(self):
        response = self.client.post(self.url("action_create"), {"title": "Iets", "owner": "", "status": "open"})
        self.assertIn("owner", response.context["form"].errors)
        self.assertFalse(Action.objects.exists())

    def test_changing_the_status_of_an_action(self):
        action = services.create_action(organisation=self.org_a, title="Iets", owner="Pim")
        url = self.url("action_edit", action_pk=action.pk)
        response = self.client.post(url, {"title": "Iets", "owner": "Pim", "status": "done", "link": ""})
        self.assertRedirects(response, self.url("improvement_plan"))
        action.refresh_from_db()
        self.assertEqual(action.status, "done")
        self.assertContains(self.client.get(url), "Pim")


class SessionPageTests(PageTestCase):
    method: DialogueMethod

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.method = make_method()

    def test_planning_a_session_warns_but_saves(self):
        response = self.client.post(
            self.url("session_create"),
            {"method": self.method.pk, "held_on": TODAY.isoformat(), "question": "Vraag", "clients": "1",
             "experts": "1", "relatives": "0", "professionals": "0", "managers": "0", "board": "1"},
            follow=True,
        )  # fmt: skip
        session = DialogueSession.objects.get()
        self.assertRedirects(response, self.url("session", session_pk=session.pk))
        levels = [m.level_tag for m in response.context["messages"]]
        self.assertEqual(levels.count("warning"), 2)  # too few, the board
        self.assertEqual(len(response.context["warnings"]), 2)

    def session(self, **kw) -> DialogueSession:
        session, _w = services.plan_session(
            organisation=self.org_a, method=self.method, held_on=TODAY, question="V", **kw
        )
        return session

    def test_the_steps_are_real_checkboxes_in_a_fieldset_that_save(self):
        session = services.tick_steps(self.session(), [2])
        page = self.client.get(self.url("session", session_pk=session.pk)).content.decode()
        form = page[page.index('<form method="post" action="' + self.url("session_steps", session_pk=session.pk)) :]
        form = form[: form.index("</form>")]
        self.assertIn("<fieldset>", form)
        self.assertIn("<legend>Uitgevoerde stappen</legend>", form)
        self.assertEqual(form.count('type="checkbox"'), 3)
        self.assertEqual(form.count("checked"), 1)  # step 2
        self.assertIn('<button type="submit" class="button secondary">Stappen opslaan</button>', form)
        self.assertNotIn("☐", page)
        self.assertNotIn("☑", page)
        response = self.client.post(self.url("session_steps", session_pk=session.pk), {"steps_done": ["1", "3"]})
        self.assertRedirects(response, self.url("session", session_pk=session.pk) + "#steps")
        session.refresh_from_db()
        self.assertEqual(session.steps_done, [1, 3])

    def test_a_reader_sees_the_steps_as_a_plain_list_that_says_what_is_done(self):
        session = services.tick_steps(self.session(), [1])
        self.login(self.lex)  # viewer
        page = self.client.get(self.url("session", session_pk=session.pk)).content.decode()
        self.assertNotIn('type="checkbox"', page)
        self.assertNotIn(self.url("session_steps", session_pk=session.pk), page)
        self.assertIn('Stap 1 <span class="step-status">(gedaan)</span>', page)
        self.assertIn('Stap 2 <span class="step-status">(nog niet gedaan)</span>', page)
        self.assertIn("1 van 3 stappen gedaan.", page)

    def test_a_step_the_method_does_not_have_is_refused_and_nothing_is_saved(self):
        session = services.tick_steps(self.session(), [2])
        response = self.client.post(
            self.url("session_steps", session_pk=session.pk), {"steps_done": ["9"]}, follow=True
        )
        self.assertEqual([m.level_tag for m in response.context["messages"]], ["error"])
        session.refresh_from_db()
        self.assertEqual(session.steps_done, [2])

    def test_the_steps_form_only_takes_a_post(self):
        session = self.session()
        self.assertEqual(self.client.get(self.url("session_steps", session_pk=session.pk)).status_code, 405)

    def test_the_edit_page_changes_the_method_and_says_beforehand_that_ticked_steps_go(self):
        session = services.tick_steps(self.session(), [1, 2])
        other = make_method("ander-gesprek", steps=4)
        DialogueMethod.objects.filter(pk=other.pk).update(name_nl="Ander gesprek")
        url = self.url("session_edit", session_pk=session.pk)
        page = self.client.get(url)
        self.assertEqual(page.context["form"]["method"].value(), self.method.pk)
        self.assertContains(page, "2 stappen van Testgesprek zijn afgevinkt.")
        response = self.client.post(
            url, {"method": other.pk, "held_on": TODAY.isoformat(), "question": "V", "notes": ""}, follow=True
        )
        self.assertRedirects(response, self.url("session", session_pk=session.pk))
        session.refresh_from_db()
        self.assertEqual((session.method, session.steps_done), (other, []))
        said = [str(m) for m in response.context["messages"]]
        self.assertIn("De werkvorm is nu Ander gesprek. De 2 afgevinkte stappen van Testgesprek zijn vervallen.", said)

    def test_the_session_form_shows_the_chosen_methods_purpose_and_group_size(self):
        page = self.client.get(self.url("session_create") + "?methode=testgesprek").content.decode()
        info = page[page.index(f'<section data-method="{self.method.pk}"') :]
        info = info[: info.index("</section>")]
        self.assertNotIn("hidden", info[: info.index(">")])  # shown without JavaScript
        self.assertIn("Doel:</strong> Doel", info)  # the factory's purpose text is "Doel"
        self.assertIn("Groepsgrootte:</strong> 4 tot 8 mensen.", info)
        self.assertIn("cliënten, ervaringsdeskundigen; kunnen meedoen: naasten, andere professionals, managers", info)

    def test_without_a_chosen_method_the_form_asks_to_choose_one(self):
        page = self.client.get(self.url("session_create")).content.decode()
        self.assertIn("<p data-method-none>", page)
        self.assertIn(
            f'<section data-method="{self.method.pk}" aria-labelledby="method-info-{self.method.pk}" hidden>', page
        )

    def test_the_session_form_links_to_the_method_filter_before_the_form(self):
        page = self.client.get(self.url("session_create")).content.decode()
        link = page.index(f'href="{reverse("knowledge_methods")}"')
        self.assertLess(link, page.index('<form method="post" class="narrow"'))  # following it loses nothing typed

    def test_the_delete_page_says_what_goes_and_what_stays(self):
        session = self.session()
        outcome = services.add_outcome(session, text="Vaste vrijplaats")
        services.add_outcome(session, text="Nog uitzoeken")
        action = services.action_from_outcome(outcome, owner="Sara")
        url = self.url("session_delete", session_pk=session.pk)
        self.assertContains(self.client.get(self.url("session", session_pk=session.pk)), url)
        page = self.client.get(url)
        self.assertContains(page, "De 2 uitkomsten van de sessie:")
        self.assertContains(page, "Vaste vrijplaats")
        self.assertContains(
            page, "1 verbeteractie is gemaakt van een uitkomst van deze sessie. Die blijft in het verbeterplan staan."
        )
        self.assertContains(page, self.url("action_edit", action_pk=action.pk))
        response = self.client.post(url, follow=True)
        self.assertRedirects(response, self.url("improvement_plan"))
        self.assertFalse(DialogueSession.objects.exists())
        action.refresh_from_db()
        self.assertIsNone(action.source_outcome)
        self.assertIn("1 verbeteractie", str(list(response.context["messages"])[0]))

    def test_a_reader_cannot_delete_a_session(self):
        session = self.session()
        self.login(self.lex)
        self.assertNotContains(
            self.client.get(self.url("session", session_pk=session.pk)),
            self.url("session_delete", session_pk=session.pk),
        )
        self.assertEqual(self.client.post(self.url("session_delete", session_pk=session.pk)).status_code, 403)
        self.assertTrue(DialogueSession.objects.exists())

    def test_an_outcome_becomes_an_action(self):
        session, _w = services.plan_session(organisation=self.org_a, method=self.method, held_on=TODAY, question="V")
        response = self.client.post(
            self.url("outcome_create", session_pk=session.pk), {"text": "Vrijplaats elke maand", "link": "vie:6a"}
        )
        self.assertRedirects(response, self.url("session", session_pk=session.pk))
        outcome = session.outcomes.get()
        page = self.client.get(self.url("action_create") + f"?uitkomst={outcome.pk}")
        self.assertEqual(page.context["form"]["link"].value(), "vie:6a")

    def test_planning_a_session_says_when_no_methods_are_loaded(self):
        DialogueMethod.objects.all().delete()
        response = self.client.get(self.url("session_create"))
        self.assertFalse(response.context["has_methods"])
        self.assertNotContains(response, 'name="question"')  # a notice instead of the form


class OverviewTests(PageTestCase):
    def test_the_organisation_page_shows_overdue_actions_and_open_goals(self):
        services.create_action(
            organisation=self.org_a, title="Te laat", owner="Pim", due_on=TODAY - dt.timedelta(days=1)
        )
        services.create_action(organisation=self.org_a, title="Op tijd", owner="Pim", due_on=TODAY)
        goal = self.goal(due_by=TODAY - dt.timedelta(days=1))
        response = self.client.get(reverse("organisation", args=[self.org_a.pk]))
        attention = response.context["attention"]
        self.assertEqual([a.title for a in attention.overdue_actions], ["Te laat"])
        self.assertEqual([(g, g.state) for g in attention.open_goals], [(goal, "past_due")])
        self.assertContains(response, self.url("goal", goal_pk=goal.pk))

    def test_a_goal_with_a_later_measurement_awaits_judgement(self):
        goal = self.goal()
        make_measurement(self.org_a, {"2a": 3}, on=TODAY)
        response = self.client.get(reverse("organisation", args=[self.org_a.pk]))
        self.assertEqual([(g, g.state) for g in response.context["attention"].open_goals], [(goal, "awaiting")])

    def test_the_dashboard_shows_what_needs_attention_in_every_visible_organisation_only(self):
        services.create_action(organisation=self.org_a, title="Alfa te laat", owner="x", due_on=LAST_YEAR)
        services.create_action(organisation=self.org_b, title="Beta te laat", owner="x", due_on=LAST_YEAR)
        self.goal(item="6a")  # open, no follow-up, no due date: not on the dashboard
        late = self.goal(due_by=TODAY - dt.timedelta(days=1))
        response = self.client.get(reverse("dashboard"))
        attention = response.context["attention"]
        self.assertEqual([a.title for a in attention.overdue_actions], ["Alfa te laat"])
        self.assertEqual(attention.open_goals, [late])
        self.assertNotContains(response, "Beta te laat")

    def test_the_plan_page_needs_the_same_number_of_queries_however_long_the_plan(self):
        method = make_method()
        url = self.url("improvement_plan")
        self.client.get(url)  # warm the session

        def grow(n: int) -> None:
            for i in range(n):
                services.create_action(organisation=self.org_a, title=f"Actie {i}", owner="x", due_on=LAST_YEAR)
                session, _w = services.plan_session(
                    organisation=self.org_a, method=method, held_on=TODAY, question=f"V{i}", facility=self.facility_a
                )
                outcome = services.add_outcome(session, text=f"Uitkomst {i}")
                services.action_from_outcome(outcome, owner="y")
            audit = finalised(self.org_a, self.alice, self.lex, SAME, SAME, SAME, on=TODAY - dt.timedelta(days=n))
            services.action_from_recommendation(audit.recommendations.get(), owner="z")

        grow(1)
        self.goal(item="2a")
        # 1 session, 2 user, 3 two-step verification, 4 the organisation among those visible to the
        # user, 5 the user's roles (cached for the request), 6 goals with their facility and follow-up,
        # and whether a follow-up exists (a subquery), 7 actions with their facility and sources,
        # 8 sessions with their method and facility, 9 the access log's entry
        with self.assertNumQueries(9):
            self.client.get(url)
        grow(5)
        for item in ("6a", "9a"):
            self.goal(item=item, facility=self.facility_a)
        goal = Goal.objects.get(item="2a")
        services.confirm_goal_codes(
            make_measurement(self.org_a, {"2a": 3}, on=TODAY), {goal.pk: Decision("D")}, user=self.mia
        )
        with self.assertNumQueries(9):
            response = self.client.get(url)
        self.assertEqual(
            len(response.context["actions"]), 6 * 2 + 2
        )  # per round: 1 + 1 from an outcome, 1 from an audit
        self.assertEqual(len(response.context["judged_goals"]), 1)

    def test_a_viewer_reads_the_plan_without_links_to_change_it(self):
        self.login(self.lex)
        response = self.client.get(self.url("improvement_plan"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.url("goal_create"))
