"""Improvement actions (also from audit recommendations and session outcomes) and dialogue sessions."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils.translation import override

from edmonitor.audits.models import Recommendation
from edmonitor.audits.tests.factories import finalised, plan
from edmonitor.improvement import services
from edmonitor.improvement.models import Action, DialogueSession, SessionOutcome
from edmonitor.improvement.services import ImprovementRefused, session_warnings
from edmonitor.knowledge.content import ROLES
from edmonitor.knowledge.models import DialogueMethod, RoleUse
from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase

from .factories import make_method

SAME = {t: 3 for t in "12345"}
NONE = dict.fromkeys(ROLES, 0)


class ActionTests(BaseTestCase):
    def test_an_action_has_what_who_when_and_a_status(self):
        action = services.create_action(
            organisation=self.org_a, title=" Intervisie starten ", owner="Teamleider", due_on=dt.date(2026, 5, 1),
            instrument="vie", item="10a", user=self.mia,
        )  # fmt: skip
        self.assertEqual(
            (action.title, action.status, action.item_label[:8]), ("Intervisie starten", "open", "VIE 10a.")
        )
        self.assertEqual(action.history.get().history_user, self.mia)

    def test_a_refused_action_reports_every_problem_and_saves_nothing(self):
        with self.assertRaises(ImprovementRefused) as refused:
            services.create_action(
                organisation=self.org_a, title="", owner="", status="later", instrument="vie", item="6",
                facility=self.facility_b,
            )  # fmt: skip
        self.assertEqual({f for f, _m in refused.exception.problems}, {"title", "owner", "status", "item", "facility"})
        self.assertFalse(Action.objects.exists())

    def test_an_update_changes_the_fields_and_keeps_the_sources(self):
        audit = finalised(self.org_a, self.mia, self.lex, SAME, SAME, SAME)
        action = services.action_from_recommendation(audit.recommendations.get(), owner="Pim", user=self.mia)
        services.update_action(action, status="done", user=self.alice)
        action.refresh_from_db()
        self.assertEqual((action.status, action.owner, action.source_recommendation.audit), ("done", "Pim", audit))
        self.assertEqual(action.history.count(), 2)

    def test_an_action_from_a_recommendation_takes_its_text_theme_and_scope(self):
        audit = finalised(self.org_a, self.mia, self.lex, SAME, SAME, SAME, facility=self.facility_a)
        recommendation = audit.recommendations.get()
        action = services.action_from_recommendation(recommendation, owner="Pim", user=self.mia)
        self.assertEqual(
            (action.title, action.instrument, action.item, action.facility, action.organisation),
            (recommendation.text, "mie", recommendation.theme_id, self.facility_a, self.org_a),
        )

    def test_a_recommendation_of_an_audit_that_is_not_finalised_makes_no_action(self):
        audit = plan(self.org_a, self.mia, self.lex)
        recommendation = Recommendation.objects.create(audit=audit, theme_id="2", text="Concept")
        with self.assertRaises(ImprovementRefused):
            services.action_from_recommendation(recommendation, owner="Pim")
        self.assertFalse(Action.objects.exists())

    def test_a_recommendation_of_another_organisation_is_refused(self):
        audit = finalised(self.org_b, self.bob, self.lex, SAME, SAME, SAME)
        with self.assertRaises(ImprovementRefused):
            services.create_action(
                organisation=self.org_a, title="x", owner="y", source_recommendation=audit.recommendations.get()
            )

    def test_an_action_from_a_session_outcome_takes_its_text_link_and_scope(self):
        session, _w = services.plan_session(
            organisation=self.org_a, method=make_method(), held_on=dt.date(2026, 2, 1), question="Vraag",
            facility=self.facility_a,
        )  # fmt: skip
        outcome = services.add_outcome(session, text="Vaste vrijplaats", instrument="vie", item="6a")
        action = services.action_from_outcome(outcome, owner="Sara")
        self.assertEqual(
            (action.title, action.item, action.facility, action.source_outcome),
            ("Vaste vrijplaats", "6a", self.facility_a, outcome),
        )

    def test_overdue_means_unfinished_with_a_due_date_before_today(self):
        today = dt.date(2026, 5, 1)
        make = dict(organisation=self.org_a, owner="x")
        late = services.create_action(title="te laat", due_on=dt.date(2026, 4, 30), **make)
        services.create_action(title="vandaag", due_on=today, **make)
        services.create_action(title="geen datum", **make)
        services.create_action(title="klaar", due_on=dt.date(2026, 1, 1), status="done", **make)
        services.create_action(title="gestopt", due_on=dt.date(2026, 1, 1), status="dropped", **make)
        busy = services.create_action(title="bezig", due_on=dt.date(2026, 1, 1), status="in_progress", **make)
        self.assertEqual(set(Action.objects.overdue(today)), {late, busy})


class SessionWarningTests(BaseTestCase):
    """A method for 4–8 people that needs clients and experts and is not meant for the board."""

    method: DialogueMethod

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.method = make_method()

    def warnings(self, **counts) -> list[str]:
        with override("en"):  # the messages and the role names in English (the source language)
            return session_warnings(self.method, {**NONE, **counts})

    def test_participants_that_fit_the_method_give_no_warning(self):
        self.assertEqual(self.warnings(clients=2, experts=2), [])
        self.assertEqual(self.warnings(clients=3, experts=3, relatives=1, professionals=1), [])  # 8: the maximum

    def test_a_session_without_participants_yet_gives_no_warning(self):
        self.assertEqual(self.warnings(), [])

    def test_a_group_smaller_than_the_method_is_meant_for(self):
        self.assertEqual(
            self.warnings(clients=1, experts=2),
            ["3 participants is fewer than Test conversation is meant for (4 to 8 people)."],
        )

    def test_a_group_larger_than_the_method_is_meant_for(self):
        self.assertEqual(
            self.warnings(clients=5, experts=4),
            ["9 participants is more than Test conversation is meant for (4 to 8 people)."],
        )

    def test_a_role_the_method_needs_is_missing(self):
        self.assertEqual(
            self.warnings(experts=2, professionals=3),
            ["Test conversation is meant to include clients, but none take part."],
        )

    def test_a_role_the_method_does_not_intend_takes_part(self):
        self.assertEqual(
            self.warnings(clients=2, experts=2, board=1),
            ["Test conversation is not meant for board members, yet 1 take part."],
        )

    def test_several_rules_give_several_warnings(self):
        self.assertEqual(len(self.warnings(board=9)), 1 + 2 + 1)  # too many, no clients, no experts, board

    def test_a_method_without_a_group_size_in_the_source_says_so_instead_of_staying_silent(self):
        open_method = make_method("open", min_group=None, max_group=None, roles=dict.fromkeys(ROLES, RoleUse.WELCOME))
        with override("en"):
            self.assertEqual(
                session_warnings(open_method, {**NONE, "board": 40}),
                ["The source gives no group size for Test conversation."],
            )

    def test_what_the_source_says_about_the_group_follows_a_size_warning(self):
        self.method.group_note_en = "Always two at a time."
        self.assertEqual(
            self.warnings(clients=5, experts=4),
            ["9 participants is more than Test conversation is meant for (4 to 8 people). Always two at a time."],
        )

    def test_roles_the_source_does_not_name_share_one_warning(self):
        method = make_method(
            "unnamed", roles={"managers": RoleUse.NOT_MENTIONED, "board": RoleUse.NOT_MENTIONED}
        )  # clients and experts required
        with override("en"):
            self.assertEqual(
                session_warnings(method, {**NONE, "clients": 2, "experts": 1, "managers": 1, "board": 1}),
                [
                    "The source does not name managers and board members as participants of Test conversation; "
                    "check that it suits them."
                ],
            )


class SessionTests(BaseTestCase):
    org_a: Organisation  # set by BaseTestCase.setUpTestData
    method: DialogueMethod

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.method = make_method()

    def test_planning_a_session_saves_it_even_with_warnings(self):
        session, warnings = services.plan_session(
            organisation=self.org_a, method=self.method, held_on=dt.date(2026, 6, 1), question="Wat vraagt herstel?",
            counts={"board": 2}, user=self.mia,
        )  # fmt: skip
        self.assertEqual(len(warnings), 4)  # too few, no clients, no experts, the board
        self.assertEqual((session.board, session.participant_total), (2, 2))

    def plan(self, **kw) -> DialogueSession:
        session, _w = services.plan_session(
            organisation=self.org_a, method=self.method, held_on=dt.date(2026, 6, 1), question="Vraag", **kw
        )
        return session

    def test_recording_a_session_keeps_participants_and_notes(self):
        session = self.plan()
        session, warnings = services.record_session(
            session, held_on=dt.date(2026, 6, 2), question="Vraag", counts={**NONE, "clients": 3, "experts": 2},
            notes=" Goed gesprek ",
        )  # fmt: skip
        session.refresh_from_db()
        self.assertEqual(
            (session.notes, session.held_on, session.participant_total, session.method),
            ("Goed gesprek", dt.date(2026, 6, 2), 5, self.method),
        )
        self.assertEqual(warnings, [])

    def test_ticking_steps_saves_the_whole_list_in_order(self):
        session = services.tick_steps(self.plan(), [3, 1, 1])
        session.refresh_from_db()
        self.assertEqual(session.steps_done, [1, 3])
        self.assertEqual(services.tick_steps(session, []).steps_done, [])  # all unticked again

    def test_a_step_the_method_does_not_have_is_refused(self):
        session = services.tick_steps(self.plan(), [2])
        with self.assertRaises(ImprovementRefused) as refused:
            services.tick_steps(session, [1, 4])
        self.assertEqual([f for f, _m in refused.exception.problems], ["steps_done"])
        session.refresh_from_db()
        self.assertEqual(session.steps_done, [2])

    def test_another_method_after_saving_drops_the_ticked_steps(self):
        session = services.tick_steps(self.plan(), [1, 2])
        self.assertEqual(services.steps_lost_by_changing_method(session), 2)
        other = make_method("ander-gesprek", steps=5)
        session, _w = services.record_session(
            session, method=other, held_on=session.held_on, question="Vraag", counts=NONE
        )
        session.refresh_from_db()
        self.assertEqual((session.method, session.steps_done), (other, []))

    def test_recording_with_the_same_method_keeps_the_ticked_steps(self):
        session = services.tick_steps(self.plan(), [1, 2])
        session, _w = services.record_session(
            session, method=self.method, held_on=session.held_on, question="Vraag", counts=NONE
        )
        session.refresh_from_db()
        self.assertEqual(session.steps_done, [1, 2])

    def test_a_refused_session_changes_nothing(self):
        session = services.tick_steps(self.plan(), [1])
        with self.assertRaises(ImprovementRefused) as refused:
            services.record_session(
                session, method=make_method("ander-gesprek"), held_on=dt.date(2026, 6, 2), question=" ",
                counts={"clients": -1}, facility=self.facility_b,
            )  # fmt: skip
        self.assertEqual({f for f, _m in refused.exception.problems}, {"question", "clients", "facility"})
        session.refresh_from_db()
        self.assertEqual(
            (session.question, session.held_on, session.steps_done, session.method),
            ("Vraag", dt.date(2026, 6, 1), [1], self.method),
        )

    def test_planning_without_a_question_is_refused(self):
        with self.assertRaises(ImprovementRefused):
            services.plan_session(organisation=self.org_a, method=self.method, held_on=dt.date(2026, 6, 1), question="")
        self.assertFalse(DialogueSession.objects.exists())

    def test_an_outcome_needs_text_and_a_valid_link(self):
        session, _w = services.plan_session(
            organisation=self.org_a, method=self.method, held_on=dt.date(2026, 6, 1), question="Vraag"
        )
        with self.assertRaises(ImprovementRefused) as refused:
            services.add_outcome(session, text="", instrument="mie", item="9")
        self.assertEqual({f for f, _m in refused.exception.problems}, {"text", "item"})
        self.assertFalse(SessionOutcome.objects.exists())

    def test_the_session_has_a_count_for_every_role_of_the_knowledge_base(self):
        names = {f.name for f in DialogueSession._meta.get_fields()}
        self.assertLessEqual(set(ROLES), names)


class SessionDeletionTests(BaseTestCase):
    """Deleting a session deletes its outcomes; actions made from them stay, without the link to the outcome."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.method = make_method()

    def test_deleting_a_session_deletes_its_outcomes_and_keeps_their_actions(self):
        session, _w = services.plan_session(
            organisation=self.org_a, method=self.method, held_on=dt.date(2026, 6, 1), question="Vraag"
        )
        acted_on = services.add_outcome(session, text="Vaste vrijplaats")
        services.add_outcome(session, text="Nog uitzoeken")
        action = services.action_from_outcome(acted_on, owner="Sara", user=self.mia)
        other, _w = services.plan_session(
            organisation=self.org_a, method=self.method, held_on=dt.date(2026, 7, 1), question="Andere vraag"
        )
        services.add_outcome(other, text="Blijft staan")

        deleted = services.delete_session(session, user=self.alice)

        self.assertEqual(
            ([o.text for o in deleted.outcomes], deleted.actions), (["Vaste vrijplaats", "Nog uitzoeken"], [action])
        )
        self.assertEqual(list(DialogueSession.objects.all()), [other])
        self.assertEqual(list(SessionOutcome.objects.values_list("text", flat=True)), ["Blijft staan"])
        action.refresh_from_db()
        self.assertEqual((action.title, action.source_outcome), ("Vaste vrijplaats", None))
        latest, before = action.history.order_by("-history_date", "-history_id")[:2]
        self.assertEqual((latest.history_user, latest.source_outcome_id), (self.alice, None))
        self.assertEqual(before.source_outcome_id, acted_on.pk)  # the history still shows where it came from

    def test_what_a_deletion_would_take_is_known_before(self):
        session, _w = services.plan_session(
            organisation=self.org_a, method=self.method, held_on=dt.date(2026, 6, 1), question="Vraag"
        )
        outcome = services.add_outcome(session, text="Uitkomst")
        action = services.action_from_outcome(outcome, owner="Sara")
        preview = services.deleting_session(session)
        self.assertEqual((preview.outcomes, preview.actions), ([outcome], [action]))
        self.assertTrue(DialogueSession.objects.filter(pk=session.pk).exists())


class SessionWarningsWithTheRealMethodsTests(BaseTestCase):
    """The twelve methods of the knowledge base (004 §2) and the limits their sources state."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("load_knowledge", stdout=StringIO())

    def warnings(self, slug: str, **counts) -> list[str]:
        return session_warnings(DialogueMethod.objects.get(slug=slug), {**NONE, **counts})

    def test_open_dialogue_for_ten_people_says_the_source_gives_no_group_size(self):
        warnings = self.warnings("open-dialogue", clients=1, relatives=3, experts=2, professionals=4)
        self.assertEqual(len(warnings), 1)
        self.assertTrue(
            warnings[0].startswith("De bron noemt geen groepsgrootte voor Peer-supported Open Dialogue (POD).")
        )
        self.assertIn("twee getrainde POD-gespreksbegeleiders", warnings[0])  # what it does say about the group

    def test_a_campfire_conversation_for_ten_people_is_too_large(self):
        warnings = self.warnings(
            "kampvuurgesprek", clients=2, relatives=2, experts=2, professionals=2, managers=1, board=1
        )
        self.assertEqual(len(warnings), 1)
        self.assertTrue(
            warnings[0].startswith(
                "10 deelnemers is meer dan waarvoor Kampvuurgesprek bedoeld is (hoogstens 8 mensen)."
            )
        )

    def test_co_counselling_is_for_two_people_at_a_time(self):
        warnings = self.warnings("co-peer-counselen", clients=5, experts=5)
        self.assertTrue(
            warnings[0].startswith(
                "10 deelnemers is meer dan waarvoor Co-counselen en peer-counselen bedoeld is (2 mensen)."
            )
        )
        self.assertEqual(
            self.warnings("co-peer-counselen", experts=1, clients=1)[-1:],
            [
                "De bron noemt geen cliënten en ervaringsdeskundigen als deelnemers van "
                "Co-counselen en peer-counselen; kijk of het bij hen past."
            ],
        )

    def test_every_method_either_checks_a_size_or_says_the_source_gives_none(self):
        for method in DialogueMethod.objects.all():
            sizes = {1, 2, 8, 10, 40}
            for size in sizes:
                warnings = session_warnings(method, {**NONE, "experts": size})
                said = " ".join(warnings)
                if method.min_group is None and method.max_group is None:
                    self.assertIn("De bron noemt geen groepsgrootte", said, (method.slug, size))
                else:
                    self.assertNotIn("De bron noemt geen groepsgrootte", said, (method.slug, size))
