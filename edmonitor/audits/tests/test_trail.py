"""The audit trail: who changed what, when, from which value to which; readable by an organisation admin."""

from __future__ import annotations

from django.urls import reverse

from edmonitor.audits import services
from edmonitor.audits.trail import trail_entries
from edmonitor.testing import BaseTestCase, make_user

from .factories import THEMES, agree, finalised, plan, rate, unchanged

SCORES = {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3}


class TrailTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")

    def test_changes_to_notes_and_consensus_are_recorded_with_old_and_new_values(self):
        audit = plan(self.org_a, self.mia, self.eva, by=self.alice)
        for text, user in (("eerste versie", self.mia), ("tweede versie", self.eva)):
            notes = services.note_values(audit)
            services.save_notes(audit, values={**notes, "notes:4": text}, original=unchanged(notes), user=user)
        rate(audit, self.mia, SCORES)
        rate(audit, self.eva, {**SCORES, "2": 4})
        agree(audit, self.mia, {"2": 3})
        agree(audit, self.eva, {"2": 4})
        entries = trail_entries(audit, self.alice)
        notes = [e for e in entries if "notes" in e.subject or "aantekeningen" in e.subject]
        self.assertEqual(
            [(e.user, e.old, e.new) for e in reversed(notes)],
            [("mia", "", "eerste versie"), ("eva", "eerste versie", "tweede versie")],
        )
        consensus = [
            (e.user, e.old, e.new)
            for e in reversed(entries)
            if e.subject.startswith("Thema 2") and "consensus" in e.subject and "reden" not in e.subject
        ]
        self.assertEqual(consensus, [("mia", "", "3"), ("eva", "3", "4")])
        submitted = [e for e in entries if "ingediend" in e.subject]
        self.assertEqual({e.user for e in submitted}, {"mia", "eva"})

    def test_another_auditors_draft_scores_are_hidden_in_the_trail(self):
        audit = plan(self.org_a, self.mia, self.eva)
        rate(audit, self.eva, {**SCORES, "5": 1}, submit=False, rationale="geheime onderbouwing")
        for viewer in (self.alice, self.mia, self.carol):
            rows = [e for e in trail_entries(audit, viewer) if "eva" in e.subject]
            self.assertTrue(rows)
            self.assertTrue(all(e.hidden and e.old == "" and e.new == "" for e in rows))
        own = [e for e in trail_entries(audit, self.eva) if "eva" in e.subject]
        self.assertIn("geheime onderbouwing 5", [e.new for e in own])

    def test_amendments_carry_their_reason_in_the_trail(self):
        audit = finalised(self.org_a, self.mia, self.eva, SCORES, SCORES, {t: 3 for t in THEMES})
        current = services.amendable_values(audit)
        services.amend(
            audit,
            values={**current, "strengths": "Beter verwoord."},
            original=unchanged(current),
            reason="Taalfout",
            user=self.alice,
        )
        entries = trail_entries(audit, self.alice)
        entry = next(e for e in entries if e.new == "Beter verwoord.")
        self.assertEqual([e for e in entries if e.amendment], [entry])  # finalising itself is no amendment
        self.assertTrue(any(e.subject == "afgerond" for e in entries))
        self.assertEqual((entry.user, entry.reason, entry.old), ("alice", "Taalfout", "Een gedeelde visie."))

    def test_who_may_read_the_trail(self):
        audit = plan(self.org_a, self.mia, self.eva)
        url = reverse("audit_trail", kwargs={"pk": self.org_a.pk, "audit_pk": audit.pk})
        expected = {self.alice: 200, self.carol: 200, self.mia: 200, self.eva: 200, self.lex: 403, self.bob: 404}
        for user, status in expected.items():
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, status, user.username)
