"""Changing the auditors of a planned audit never leaks or mislabels anyone's blind scores.

Every change of auditors the planning page allows (replace one, replace both, swap,
move one up and replace the other, change only who is internal) is played out with
drafts written before and after it, and the audit trail is then read by every kind of
viewer. Each draft carries its author in its own value -- every person always gives
the same score (mia 1, eva 2, otto 3, alice 4) and writes rationales that start with
their user name -- so the tests know who wrote an entry without asking the code under
test.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from edmonitor.audits import services
from edmonitor.audits.models import Audit, Auditor, Position, Rating
from edmonitor.audits.trail import trail_entries
from edmonitor.organisations.models import Membership, Role
from edmonitor.testing import BaseTestCase, make_user

from .factories import THEMES, plan, unchanged

INTERNAL, EXTERNAL = Position.INTERNAL, Position.EXTERNAL


class AuditorChangeTrailTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        cls.otto = make_user("otto")
        cls.own_score = {"mia": 1, "eva": 2, "otto": 3, "alice": 4}

    # --- playing out a scenario -------------------------------------------------------

    def write_drafts(self, audit, user, step, *, submit=False):
        me = Auditor.objects.get(audit=audit, user=user)
        current = services.rating_values(me)
        values = {f"score:{t}": self.own_score[user.username] for t in THEMES}
        values |= {f"rationale:{t}": f"{user.username}:{step} {t}" for t in THEMES}
        services.save_ratings(audit, me, values=values, original=unchanged(current), submit=submit, user=user)

    def replan(self, audit, auditors, reason="Vervangen wegens ziekte"):
        return services.update_plan(
            audit,
            held_on=audit.held_on,
            facility=audit.facility,
            participants=audit.participants,
            auditors=auditors,
            original=unchanged(services.plan_values(audit)),
            user=self.alice,
            reason=reason,
        )

    def play(self, plans):
        """Plan with the first pair, then change to each next pair; the auditors of each plan write drafts.

        Returns the audit and, per user, the rationales written in a tenure that is over
        (they were replaced afterwards) and in their current tenure."""
        (first, p1), (second, p2) = plans[0]
        audit = services.plan_audit(
            organisation=self.org_a, held_on=dt.date(2026, 3, 2), auditors=[(first, p1), (second, p2)], user=self.alice
        )
        written: dict[str, list[str]] = {}
        retired: set[str] = set()
        tenure: dict[str, list[str]] = {}
        for step, auditors in enumerate(plans, start=1):
            if step > 1:
                leaving = {a.user.username for a in audit.auditors.all()} - {u.username for u, _p in auditors}
                for name in leaving:
                    retired.update(tenure.pop(name, []))
                self.replan(audit, auditors)
            for user, _position in auditors:
                self.write_drafts(audit, user, f"s{step}")
                texts = [f"{user.username}:s{step} {t}" for t in THEMES]
                written.setdefault(user.username, []).extend(texts)
                tenure.setdefault(user.username, []).extend(texts)
        return Audit.objects.get(pk=audit.pk), written, retired

    def author_of(self, entry):
        """The writer of a trail entry, read from its own values only."""
        for value in (entry.new, entry.old):
            if ":" in value:
                return value.split(":")[0]
            if value.isdigit():
                return {score: name for name, score in self.own_score.items()}[int(value)]
        return None

    def rating_entries(self, audit, viewer):
        names = set(self.own_score)
        # Rating subjects name an auditor; every other subject does not contain a user name.
        return [e for e in trail_entries(audit, viewer) if any(n in e.subject for n in names)]

    def viewers(self):
        return [self.mia, self.eva, self.otto, self.alice, self.lex, self.carol, self.bob]

    def check(self, audit, written, retired, *, unblinded):
        current = {a.user.username for a in audit.auditors.all()}
        for viewer in self.viewers():
            me = viewer.username
            seen = set()
            for entry in self.rating_entries(audit, viewer):
                if entry.hidden:
                    self.assertEqual((entry.old, entry.new), ("", ""), me)
                    continue
                writer = self.author_of(entry)
                value = entry.new or entry.old
                allowed = writer == me or (unblinded and writer in current and value not in retired)
                self.assertTrue(allowed, f"{me} sees {writer}'s {value!r} ({entry.subject})")
                self.assertIn(writer, entry.subject, f"{me}: {value!r} is labelled {entry.subject!r}")
                seen.update({entry.old, entry.new})
            expected = set(written.get(me, []))
            if unblinded:
                expected |= {t for name in current for t in written.get(name, []) if t not in retired}
            self.assertLessEqual(expected, seen, f"{me} misses entries")

    def scenario(self, *plans):
        audit, written, retired = self.play(plans)
        self.check(audit, written, retired, unblinded=False)
        for a in audit.auditors.all():
            self.write_drafts(audit, a.user, "final", submit=True)
            written[a.user.username].extend(f"{a.user.username}:final {t}" for t in THEMES)
        audit = Audit.objects.get(pk=audit.pk)
        self.check(audit, written, retired, unblinded=True)
        return audit

    # --- every change the planning page allows ----------------------------------------

    def test_replacing_the_second_auditor(self):
        self.scenario([(self.mia, INTERNAL), (self.eva, EXTERNAL)], [(self.mia, INTERNAL), (self.otto, EXTERNAL)])

    def test_replacing_the_first_auditor(self):
        self.scenario([(self.mia, INTERNAL), (self.eva, EXTERNAL)], [(self.otto, INTERNAL), (self.eva, EXTERNAL)])

    def test_replacing_both_auditors(self):
        self.scenario([(self.mia, INTERNAL), (self.eva, EXTERNAL)], [(self.otto, INTERNAL), (self.alice, EXTERNAL)])

    def test_swapping_the_two_auditors_keeps_each_persons_drafts(self):
        audit = self.scenario(
            [(self.mia, INTERNAL), (self.eva, EXTERNAL)], [(self.eva, EXTERNAL), (self.mia, INTERNAL)]
        )
        self.assertEqual([(a.user.username, a.order) for a in audit.auditors.all()], [("eva", 1), ("mia", 2)])

    def test_the_second_becomes_first_after_the_second_place_changed_hands(self):
        # The reproduction: 1 = mia, 2 = eva; 2 becomes otto; then eva is made auditor 1.
        self.scenario(
            [(self.mia, INTERNAL), (self.eva, EXTERNAL)],
            [(self.mia, INTERNAL), (self.otto, EXTERNAL)],
            [(self.eva, INTERNAL), (self.otto, EXTERNAL)],
        )

    def test_the_first_moves_to_second_place_beside_a_new_auditor(self):
        self.scenario([(self.mia, INTERNAL), (self.eva, EXTERNAL)], [(self.otto, INTERNAL), (self.mia, EXTERNAL)])

    def test_an_admin_who_planned_herself_and_then_replaced_herself(self):
        self.scenario(
            [(self.alice, INTERNAL), (self.eva, EXTERNAL)],
            [(self.otto, INTERNAL), (self.eva, EXTERNAL)],
            [(self.otto, INTERNAL), (self.alice, EXTERNAL)],
        )

    def test_changing_only_who_is_internal(self):
        audit = self.scenario(
            [(self.mia, INTERNAL), (self.eva, EXTERNAL)], [(self.mia, EXTERNAL), (self.eva, INTERNAL)]
        )
        self.assertEqual([a.position for a in audit.auditors.all()], [EXTERNAL, INTERNAL])

    # --- what a replacement does --------------------------------------------------------

    def test_replacing_an_auditor_with_drafts_needs_a_reason_and_changes_nothing_without_one(self):
        audit = plan(self.org_a, self.mia, self.eva, by=self.alice)
        self.write_drafts(audit, self.eva, "s1")
        with self.assertRaises(services.AuditRefused) as refused:
            self.replan(audit, [(self.mia, INTERNAL), (self.otto, EXTERNAL)], reason="  ")
        self.assertIn("eva", refused.exception.messages[0])
        self.assertEqual([a.user for a in audit.auditors.all()], [self.mia, self.eva])
        self.assertEqual(Rating.objects.filter(auditor__user=self.eva).count(), len(THEMES))

    def test_replacing_an_auditor_without_drafts_needs_no_reason(self):
        audit = plan(self.org_a, self.mia, self.eva, by=self.alice)
        self.write_drafts(audit, self.mia, "s1")  # the one who stays has drafts; that does not matter
        self.replan(audit, [(self.mia, INTERNAL), (self.otto, EXTERNAL)], reason="")
        self.assertEqual([a.user for a in audit.auditors.all()], [self.mia, self.otto])

    def test_the_reason_is_in_the_trail_and_the_drafts_stay_in_the_history(self):
        audit = plan(self.org_a, self.mia, self.eva, by=self.alice)
        self.write_drafts(audit, self.eva, "s1")
        self.replan(audit, [(self.mia, INTERNAL), (self.otto, EXTERNAL)], reason="Eva is langdurig ziek")
        entries = trail_entries(audit, self.alice)
        replaced = [e for e in entries if e.old == "eva" and e.new == ""]
        self.assertEqual([e.reason for e in replaced], ["Eva is langdurig ziek"])
        self.assertFalse(Rating.objects.filter(auditor__user=self.eva).exists())
        kept = set(Rating.history.filter(rationale__startswith="eva:s1").values_list("rationale", flat=True))
        self.assertEqual(kept, {f"eva:s1 {t}" for t in THEMES})  # research data


class AuditorChangePageTests(BaseTestCase):
    """The planning page: swapping works, a replacement asks for a reason, the trail page stays blind."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        cls.otto = make_user("otto")
        Membership.objects.create(user=cls.otto, organisation=cls.org_a, role=Role.VIEWER)

    def post_plan(self, audit, first, second, reason=""):
        self.client.force_login(self.alice)
        url = reverse("audit_plan", kwargs={"pk": self.org_a.pk, "audit_pk": audit.pk})
        page = self.client.get(url)
        original = page.context["form"]["original"].value()
        return self.client.post(
            url,
            {
                "held_on": "2026-03-02",
                "auditor_1": first.username,
                "position_1": "internal",
                "auditor_2": second.username,
                "position_2": "external",
                "participants": "",
                "reason": reason,
                "original": original,
            },
        )

    def test_swapping_the_auditors_on_the_planning_page_just_works(self):
        audit = plan(self.org_a, self.mia, self.eva, by=self.alice)
        response = self.post_plan(audit, self.eva, self.mia)
        self.assertRedirects(response, reverse("audit", kwargs={"pk": self.org_a.pk, "audit_pk": audit.pk}))
        self.assertEqual([a.user for a in audit.auditors.all()], [self.eva, self.mia])

    def test_the_page_asks_for_a_reason_before_replacing_an_auditor_with_drafts(self):
        audit = plan(self.org_a, self.mia, self.eva, by=self.alice)
        me = Auditor.objects.get(audit=audit, user=self.eva)
        values = {f"score:{t}": 2 for t in THEMES} | {f"rationale:{t}": f"geheime onderbouwing {t}" for t in THEMES}
        services.save_ratings(
            audit, me, values=values, original=unchanged(services.rating_values(me)), submit=False, user=self.eva
        )
        response = self.post_plan(audit, self.mia, self.otto)
        self.assertEqual(response.status_code, 200)
        self.assertIn("reason", response.context["form"].errors)
        self.assertEqual([a.user for a in audit.auditors.all()], [self.mia, self.eva])

        response = self.post_plan(audit, self.mia, self.otto, reason="Eva is ziek")
        self.assertEqual(response.status_code, 302)
        self.assertEqual([a.user for a in audit.auditors.all()], [self.mia, self.otto])
        # The new auditor reads the trail: the reason is there, eva's draft is not.
        self.client.force_login(self.otto)
        trail = self.client.get(reverse("audit_trail", kwargs={"pk": self.org_a.pk, "audit_pk": audit.pk}))
        self.assertContains(trail, "Eva is ziek")
        self.assertNotContains(trail, "geheime onderbouwing")
