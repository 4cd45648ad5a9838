"""The audit's rules, through the services: independent scoring, consensus, finalising, amendments."""

from __future__ import annotations

from edmonitor.audits import services
from edmonitor.audits.models import Amendment, Audit, Rating, ThemeRecord
from edmonitor.audits.services import AuditRefused
from edmonitor.testing import BaseTestCase, make_user

from .factories import THEMES, agree, auditor, finalised, plan, rate, unchanged, write_report

A = {"1": 3, "2": 2, "3": 4, "4": 1, "5": 3}
B = {"1": 3, "2": 4, "3": 4, "4": 2, "5": 5}


def snapshot(audit: Audit) -> tuple:
    """Everything an audit holds, to prove a refused change changed nothing."""
    audit.refresh_from_db()
    return (
        audit.strengths,
        audit.improvements,
        audit.finalised_at,
        tuple(ThemeRecord.objects.filter(audit=audit).values_list("theme_id", "notes", "explanation", "consensus")),
        tuple(Rating.objects.filter(auditor__audit=audit).values_list("auditor__order", "theme_id", "score")),
        tuple(audit.recommendations.values_list("theme_id", "text")),
        tuple(audit.auditors.values_list("user_id", "submitted_at")),
    )


class WorkflowTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")  # external auditor, member of no organisation

    def setUp(self):
        self.audit = plan(self.org_a, self.mia, self.eva, by=self.alice)

    def test_plan_needs_two_different_auditors(self):
        before = Audit.objects.count()
        with self.assertRaises(AuditRefused):
            plan(self.org_a, self.mia, self.mia)
        self.assertEqual(Audit.objects.count(), before)

    def test_plan_refuses_a_facility_of_another_organisation(self):
        with self.assertRaises(AuditRefused):
            plan(self.org_a, self.mia, self.eva, facility=self.facility_b)

    def test_a_new_audit_has_every_theme_of_the_mie_and_is_in_scoring(self):
        self.assertEqual(sorted(self.audit.themes.values_list("theme_id", flat=True)), list(THEMES))
        self.assertEqual(self.audit.phase, "scoring")
        self.assertEqual(self.audit.instrument_version.code, "mie")

    def test_scores_outside_the_scale_are_refused_and_nothing_changes(self):
        before = snapshot(self.audit)
        for bad in (0, 6, -1, True):
            with self.subTest(score=bad), self.assertRaises(AuditRefused) as refused:
                rate(self.audit, self.mia, {**A, "2": bad}, submit=False)
            self.assertIn("2", refused.exception.messages[0])
            self.assertEqual(snapshot(self.audit), before)

    def test_submitting_needs_every_theme_scored_with_a_rationale(self):
        before = snapshot(self.audit)
        with self.assertRaises(AuditRefused) as refused:
            rate(self.audit, self.mia, {**A, "4": None})
        self.assertEqual(len(refused.exception.messages), 1)
        self.assertEqual(snapshot(self.audit), before)

    def test_a_draft_can_change_but_submitted_scores_cannot(self):
        rate(self.audit, self.mia, {"1": 2}, submit=False)
        rate(self.audit, self.mia, A, submit=False)
        self.assertEqual(auditor(self.audit, self.mia).ratings.get(theme_id="1").score, 3)
        rate(self.audit, self.mia, A)
        before = snapshot(self.audit)
        with self.assertRaises(AuditRefused):
            rate(self.audit, self.mia, B, submit=False)
        self.assertEqual(snapshot(self.audit), before)

    def test_consensus_before_both_submitted_is_refused(self):
        rate(self.audit, self.mia, A)
        before = snapshot(self.audit)
        with self.assertRaises(AuditRefused):
            agree(self.audit, self.mia, {"1": 3})
        self.assertEqual(snapshot(self.audit), before)

    def test_consensus_inside_the_range_needs_no_reason_outside_it_does(self):
        rate(self.audit, self.mia, A)
        rate(self.audit, self.eva, B)
        self.assertEqual(Audit.objects.get(pk=self.audit.pk).phase, "consensus")
        agree(self.audit, self.mia, {"2": 2})  # scores 2 and 4: both ends and the middle are inside
        agree(self.audit, self.mia, {"2": 4})
        agree(self.audit, self.mia, {"2": 3})
        before = snapshot(self.audit)
        for outside in (1, 5):
            with self.subTest(consensus=outside), self.assertRaises(AuditRefused) as refused:
                agree(self.audit, self.mia, {"2": outside})
            self.assertIn("2–4", refused.exception.messages[0])
            self.assertEqual(snapshot(self.audit), before)
        agree(self.audit, self.mia, {"2": 5}, {"2": "Na het gesprek bleek meer gerealiseerd dan beide dachten."})
        self.assertEqual(self.audit.themes.get(theme_id="2").consensus, 5)

    def test_individual_scores_are_kept_after_consensus_and_finalising(self):
        audit = finalised(self.org_a, self.alice, self.bob, A, B, {t: A[t] for t in THEMES})
        kept = {
            (order, theme): score
            for order, theme, score in Rating.objects.filter(auditor__audit=audit).values_list(
                "auditor__order", "theme_id", "score"
            )
        }
        self.assertEqual(kept, {**{(1, t): A[t] for t in THEMES}, **{(2, t): B[t] for t in THEMES}})

    def test_finalising_with_a_theme_without_consensus_is_refused(self):
        rate(self.audit, self.mia, A)
        rate(self.audit, self.eva, B)
        agree(self.audit, self.mia, {t: A[t] for t in THEMES if t != "5"})
        write_report(self.audit, self.eva)
        before = snapshot(self.audit)
        with self.assertRaises(AuditRefused) as refused:
            services.confirm_report(self.audit, user=self.mia)
        self.assertTrue(any("5" in m for m in refused.exception.messages))
        self.assertEqual(snapshot(self.audit), before)

    def test_finalising_names_everything_missing(self):
        with self.assertRaises(AuditRefused) as refused:
            services.confirm_report(self.audit, user=self.mia)
        text = " ".join(refused.exception.messages)
        self.assertIn("ingediend", text)  # both auditors' scores
        self.assertIn("aanbeveling", text)  # at least one recommendation
        self.assertIn("wat goed gaat", text)  # the conclusion
        self.assertIsNone(Audit.objects.get(pk=self.audit.pk).finalised_at)

    def test_a_finalised_audit_refuses_every_direct_edit(self):
        audit = finalised(self.org_a, self.mia, self.eva, A, B, {t: B[t] for t in THEMES})
        before = snapshot(audit)
        attempts = {
            "notes": lambda: services.save_notes(
                audit, values={"notes:1": "nieuw"}, original=unchanged(services.note_values(audit)), user=self.mia
            ),
            "consensus": lambda: agree(audit, self.mia, {"1": 1}),
            "report": lambda: services.save_report(
                audit,
                values={"strengths": "x", "improvements": "y", "recommendations": []},
                original=unchanged(services.report_values(audit)),
                user=self.mia,
            ),
            "finalise": lambda: services.confirm_report(audit, user=self.mia),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), self.assertRaises(AuditRefused):
                attempt()
            self.assertEqual(snapshot(audit), before)

    def test_an_amendment_needs_a_reason_and_records_old_and_new(self):
        audit = finalised(self.org_a, self.mia, self.eva, A, B, {t: A[t] for t in THEMES})
        current = services.amendable_values(audit)
        before = snapshot(audit)
        with self.assertRaises(AuditRefused):
            services.amend(
                audit, values={**current, "consensus:3": 4}, original=unchanged(current), reason=" ", user=self.alice
            )
        self.assertEqual(snapshot(audit), before)
        amendment = services.amend(
            audit,
            values={**current, "consensus:2": 3},
            original=unchanged(current),
            reason="Rekenfout in het verslag",
            user=self.alice,
        )
        self.assertEqual(audit.themes.get(theme_id="2").consensus, 3)
        self.assertEqual(amendment.author, self.alice)
        self.assertEqual(amendment.reason, "Rekenfout in het verslag")
        self.assertEqual(amendment.changes, [{"field": "consensus:2", "old": "2", "new": "3"}])
        self.assertEqual(Amendment.objects.filter(audit=audit).count(), 1)

    def test_an_amendment_keeps_the_consensus_rules(self):
        audit = finalised(self.org_a, self.mia, self.eva, A, B, {t: A[t] for t in THEMES})
        current = services.amendable_values(audit)
        with self.assertRaises(AuditRefused):  # 5 lies outside 3 and 3 for theme 1, without a reason
            services.amend(
                audit, values={**current, "consensus:1": 5}, original=unchanged(current), reason="x", user=self.mia
            )
        self.assertEqual(audit.themes.get(theme_id="1").consensus, 3)


class BothAuditorsConfirmTests(BaseTestCase):
    """Finalising needs both auditors: each confirms the report; the second confirmation makes it final."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")

    def ready(self):
        audit = plan(self.org_a, self.mia, self.eva)
        rate(audit, self.mia, A)
        rate(audit, self.eva, B)
        agree(audit, self.mia, {t: B[t] for t in THEMES})
        write_report(audit, self.eva)
        return audit

    def test_one_auditor_cannot_finalise_alone(self):
        audit = services.confirm_report(self.ready(), user=self.mia)
        self.assertIsNone(audit.finalised_at)
        self.assertIsNotNone(auditor(audit, self.mia).report_confirmed_at)
        audit = services.confirm_report(audit, user=self.mia)  # confirming twice changes nothing
        self.assertIsNone(Audit.objects.get(pk=audit.pk).finalised_at)
        audit = services.confirm_report(audit, user=self.eva)
        self.assertIsNotNone(audit.finalised_at)
        self.assertEqual(audit.finalised_by, self.eva)

    def test_a_change_after_a_confirmation_withdraws_it(self):
        audit = services.confirm_report(self.ready(), user=self.mia)
        notes = services.note_values(audit)
        services.save_notes(
            audit, values={**notes, "explanation:2": "Beter verwoord."}, original=unchanged(notes), user=self.eva
        )
        self.assertIsNone(auditor(audit, self.mia).report_confirmed_at)
        audit = services.confirm_report(audit, user=self.eva)
        self.assertIsNone(audit.finalised_at)  # mia must confirm the changed text again
        audit = services.confirm_report(audit, user=self.mia)
        self.assertIsNotNone(audit.finalised_at)

    def test_saving_without_a_change_keeps_the_confirmation(self):
        audit = services.confirm_report(self.ready(), user=self.mia)
        notes = services.note_values(audit)
        services.save_notes(audit, values=notes, original=unchanged(notes), user=self.eva)
        self.assertIsNotNone(auditor(audit, self.mia).report_confirmed_at)

    def test_someone_who_is_not_an_auditor_cannot_confirm(self):
        with self.assertRaises(AuditRefused):
            services.confirm_report(self.ready(), user=self.alice)

    def test_the_explanation_can_be_written_with_the_consensus(self):
        audit = plan(self.org_a, self.mia, self.eva)
        rate(audit, self.mia, A)
        rate(audit, self.eva, B)
        current = services.consensus_values(audit)
        values = {**current, "consensus:1": 3, "explanation:1": "Visie staat op papier."}
        services.save_consensus(audit, values=values, original=unchanged(current), user=self.mia)
        record = ThemeRecord.objects.get(audit=audit, theme_id="1")
        self.assertEqual((record.consensus, record.explanation), (3, "Visie staat op papier."))
