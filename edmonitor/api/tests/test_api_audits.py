"""MIE audits in the API (issue 19): an organisation's audits and one audit, exactly as their pages show them.

The blind-scoring rule (README, "How the MIE audit works"): until both auditors have submitted, an auditor
sees only their own ratings and nobody else sees any, whatever their role, staff included; then everyone
who may see the audit sees both. The expected ratings below are written down from that rule, and checked
against ``visible_ratings`` and against what the audit page renders, per phase and role.

Who may call which route with which role is in ``core/tests/test_permission_matrix.py`` (API_MATRIX).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edmonitor.accounts import tokens
from edmonitor.audits import services
from edmonitor.audits.models import Audit
from edmonitor.audits.permissions import visible_ratings
from edmonitor.audits.tests.factories import THEMES, agree, finalised, plan, rate, unchanged, write_report
from edmonitor.core.types import Account
from edmonitor.organisations.models import AccessEvent, Facility, Organisation
from edmonitor.testing import BaseTestCase, make_user

pytestmark = pytest.mark.both_databases

# Each auditor's own scores and rationale (the rationale of theme t is f"{why} {t}", see factories.rate).
SCORES = {
    1: {"1": 5, "2": 1, "3": 5, "4": 1, "5": 5},  # mia, the first (internal) auditor
    2: {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2},  # eva, the second (external) auditor
}
WHY = {1: "MIA-WAAROM", 2: "EVA-WAAROM"}
# Within both scores for every theme, so no reason is needed.
CONSENSUS = {"1": 3, "2": 2, "3": 4, "4": 1, "5": 3}

PHASES = ("nobody submitted", "one submitted", "both submitted", "finalised")
ROLES = ("mia", "eva", "alice", "lex", "carol")  # auditor 1, auditor 2, admin of A, viewer of A, staff
# Whose ratings (auditor places) each role sees, per phase: the rule, not the code.
BLIND = {"mia": {1}, "eva": {2}, "alice": set(), "lex": set(), "carol": set()}
SEES = {
    "nobody submitted": BLIND,
    "one submitted": BLIND,
    "both submitted": {role: {1, 2} for role in ROLES},
    "finalised": {role: {1, 2} for role in ROLES},
}
PHASE_CODES = {
    "nobody submitted": "scoring",
    "one submitted": "scoring",
    "both submitted": "consensus",
    "finalised": "finalised",
}


def valid_until() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30)


def rationale(place: int, theme: str) -> str:
    return f"{WHY[place]} {theme}"


class AuditApiTestCase(BaseTestCase):
    org_a: Organisation
    org_b: Organisation
    facility_a: Facility
    alice: Account
    mia: Account
    lex: Account
    bob: Account
    carol: Account
    eva: Account
    otto: Account
    clients: dict[str, Client]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva", first_name="Eva", last_name="Extern")  # external auditor, no role in A
        cls.otto = make_user("otto")  # auditor of an audit of B only

    def setUp(self):
        super().setUp()
        cache.clear()  # the rate limit counts in the cache
        self.clients = {}  # user name: a client with a token of theirs

    def api(self, user) -> Client:
        if user.username not in self.clients:
            _token, raw = tokens.create(user, name="Script", scope="read", expires_on=valid_until())
            self.clients[user.username] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return self.clients[user.username]

    def user(self, name):
        return getattr(self, name)

    def audit_url(self, audit, name="api_audit") -> str:
        return reverse(name, kwargs={"pk": audit.organisation_id, "audit_pk": audit.pk})

    def list_url(self, organisation=None) -> str:
        return reverse("api_audits", kwargs={"pk": (organisation or self.org_a).pk})

    def audit_in(self, phase: str) -> Audit:
        """An audit of A by mia and eva in ``phase``, built through the services as the pages do."""
        audit = plan(self.org_a, self.mia, self.eva, by=self.alice)
        rate(audit, self.mia, SCORES[1], rationale=WHY[1], submit=phase != "nobody submitted")
        rate(audit, self.eva, SCORES[2], rationale=WHY[2], submit=phase in ("both submitted", "finalised"))
        if phase == "both submitted":
            agree(audit, self.mia, {"1": CONSENSUS["1"]})  # the consensus is being agreed
        if phase == "finalised":
            agree(audit, self.mia, CONSENSUS)
            write_report(audit, self.eva)
            services.confirm_report(audit, user=self.mia)
            services.confirm_report(audit, user=self.eva)
        return Audit.objects.get(pk=audit.pk)


class AuditDetailTests(AuditApiTestCase):
    def test_each_role_sees_exactly_the_ratings_the_audit_page_shows_in_each_phase(self):
        for phase in PHASES:
            audit = self.audit_in(phase)
            for role in ROLES:
                with self.subTest(phase=phase, role=role):
                    user = self.user(role)
                    response = self.api(user).get(self.audit_url(audit))
                    self.assertEqual(response.status_code, 200)
                    data = response.json()
                    shown = {
                        (r["auditor"], t["id"], r["score"], r["rationale"])
                        for t in data["themes"]
                        for r in t["ratings"]
                    }
                    expected = {(p, t, SCORES[p][t], rationale(p, t)) for p in SEES[phase][role] for t in THEMES}
                    self.assertEqual(shown, expected)
                    # the audits app's rule says the same
                    ruled = {(r.auditor.order, r.theme_id, r.score, r.rationale) for r in visible_ratings(user, audit)}
                    self.assertEqual(shown, ruled)
                    # and the page renders exactly these rationales, and no other
                    self.client.force_login(user)
                    page = self.client.get(self.audit_url(audit, "audit")).content.decode()
                    for place in (1, 2):
                        for theme in THEMES:
                            self.assertEqual(
                                rationale(place, theme) in page, place in SEES[phase][role], (place, theme)
                            )
                    self.assertEqual(data["phase"], PHASE_CODES[phase])
                    self.assertIn(f"<dd>{data['phase_label']}</dd>", page)  # as the page names it
                    self.assertEqual(data["blind"], phase in ("nobody submitted", "one submitted"))

    def test_before_both_submitted_the_other_auditors_score_is_absent_from_the_json(self):
        audit = self.audit_in("one submitted")
        as_eva = self.api(self.eva).get(self.audit_url(audit)).content.decode()
        as_mia = self.api(self.mia).get(self.audit_url(audit)).content.decode()
        for theme in THEMES:
            self.assertNotIn(rationale(1, theme), as_eva)
            self.assertNotIn(rationale(2, theme), as_mia)
        for role in ("alice", "lex", "carol"):
            content = self.api(self.user(role)).get(self.audit_url(audit)).content.decode()
            self.assertNotIn(WHY[1], content, role)
            self.assertNotIn(WHY[2], content, role)
        themes = self.api(self.mia).get(self.audit_url(audit)).json()["themes"]
        # no comparison either: a difference would give the other score away
        self.assertEqual({(t["difference"], t["discuss"]) for t in themes}, {(None, None)})

    def test_once_both_submitted_the_scores_are_compared_and_the_consensus_is_shown(self):
        audit = self.audit_in("both submitted")
        data = self.api(self.lex).get(self.audit_url(audit)).json()
        themes = {t["id"]: t for t in data["themes"]}
        # |5-2| = 3, |1-2| = 1: the MIE marks a difference of 2 points or more for discussion
        self.assertEqual({t: themes[t]["difference"] for t in THEMES}, {"1": 3, "2": 1, "3": 3, "4": 1, "5": 3})
        self.assertEqual({t for t in THEMES if themes[t]["discuss"]}, {"1", "3", "5"})
        self.assertEqual(
            {t: themes[t]["consensus"] for t in THEMES}, {"1": 3, "2": None, "3": None, "4": None, "5": None}
        )
        self.assertFalse(themes["1"]["consensus_outside_range"])
        self.assertTrue(themes["1"]["consensus_text"])
        self.client.force_login(self.lex)
        page = self.client.get(self.audit_url(audit, "audit"))
        self.assertContains(page, f"Consensusscore: {CONSENSUS['1']}</strong> – {themes['1']['consensus_text']}")
        self.assertEqual(page.content.decode().count('class="tag-discuss"'), 3)

    def test_a_finalised_audit_has_its_report_auditors_and_amendments_as_on_its_page(self):
        audit = self.audit_in("finalised")
        current = services.amendable_values(audit)
        services.amend(
            audit,
            values={**current, "consensus:5": 4},
            original=unchanged(current),
            reason="Telfout in thema 5",
            user=self.alice,
        )
        data = self.api(self.carol).get(self.audit_url(audit)).json()
        self.assertEqual(data["id"], audit.pk)
        self.assertEqual(data["held_on"], "2026-03-02")
        self.assertIsNone(data["facility"])
        self.assertEqual(data["instrument"]["code"], "mie")
        self.assertIsNotNone(data["finalised_at"])
        self.assertEqual(data["participants"], "Projectleider\nTeamleider")
        self.assertEqual(
            [(a["place"], a["position"], a["name"], a["submitted"], a["you"]) for a in data["auditors"]],
            [(1, "internal", "mia", True, False), (2, "external", "Eva Extern", True, False)],
        )
        themes = {t["id"]: t for t in data["themes"]}
        self.assertEqual({t: themes[t]["consensus"] for t in THEMES}, {**CONSENSUS, "5": 4})
        self.assertEqual(themes["1"]["explanation"], "Toelichting thema 1")  # factories.write_report
        self.assertEqual(
            themes["3"]["recommendations"], ["Start intervisie onder leiding van een ervaringsdeskundige."]
        )
        self.assertEqual(themes["1"]["recommendations"], [])
        self.assertEqual(data["conclusion"], {"strengths": "Een gedeelde visie.", "improvements": "Meer scholing."})
        self.assertEqual([(a["author"], a["reason"]) for a in data["amendments"]], [("alice", "Telfout in thema 5")])
        self.client.force_login(self.carol)
        page = self.client.get(self.audit_url(audit, "audit"))
        for text in (
            "Eva Extern",
            "Telfout in thema 5",
            "Toelichting thema 1",
            "Een gedeelde visie.",
            "Meer scholing.",
        ):
            self.assertContains(page, text)

    def test_an_auditor_is_told_which_place_is_theirs(self):
        audit = self.audit_in("nobody submitted")
        auditors = self.api(self.eva).get(self.audit_url(audit)).json()["auditors"]
        self.assertEqual([a["you"] for a in auditors], [False, True])
        self.assertEqual([a["submitted"] for a in auditors], [False, False])

    def test_the_page_decides_who_reaches_it(self):
        audit = self.audit_in("one submitted")
        self.assertEqual(self.api(self.otto).get(self.audit_url(audit)).status_code, 404)  # auditor in B only
        self.assertEqual(self.api(self.bob).get(self.audit_url(audit)).status_code, 404)
        self.assertEqual(Client().get(self.audit_url(audit)).status_code, 401)
        wrong = reverse("api_audit", kwargs={"pk": self.org_b.pk, "audit_pk": audit.pk})
        self.assertEqual(self.api(self.carol).get(wrong).status_code, 404)  # an audit of A under B
        self.assertEqual(self.api(self.carol).post(self.audit_url(audit)).status_code, 403)  # a read token

    def test_a_read_is_in_the_access_log(self):
        audit = self.audit_in("finalised")
        self.api(self.eva).get(self.audit_url(audit))
        event = AccessEvent.objects.get(kind="api_audit")
        self.assertEqual((event.user, event.organisation_id, event.object_id), (self.eva, self.org_a.pk, audit.pk))
        self.assertEqual(event.action, "view")

    def test_the_number_of_queries_does_not_grow_with_themes_recommendations_or_amendments(self):
        client = self.api(self.alice)
        blank = plan(self.org_a, self.mia, self.eva, by=self.alice)
        full = self.audit_in("finalised")
        current = services.amendable_values(full)
        services.amend(
            full, values={**current, "consensus:5": 4}, original=unchanged(current), reason="Telfout", user=self.alice
        )
        current = services.amendable_values(full)
        services.amend(
            full, values={**current, "consensus:4": 2}, original=unchanged(current), reason="Nog een", user=self.mia
        )
        client.get(self.audit_url(blank))  # the token's last use is recorded once a minute: not counted below
        for audit in (blank, full):
            # 1 the token with its user
            # 2 the audit with organisation, facility and instrument version (the organisations one sees: a subquery)
            # 3 its auditors, 4 their users
            # 5 the person's roles (can: VIEW of the organisation)
            # 6 the ratings one may see, 7 the theme records, 8 the recommendations, 9 the amendments with authors
            # 10 the access log entry
            with self.assertNumQueries(10):
                self.assertEqual(client.get(self.audit_url(audit)).status_code, 200)


class AuditListTests(AuditApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        same = {t: 3 for t in THEMES}
        higher = {t: 4 for t in THEMES}
        cls.older = finalised(cls.org_a, cls.mia, cls.alice, same, same, same, on=dt.date(2025, 3, 3))
        cls.newer = finalised(cls.org_a, cls.mia, cls.eva, higher, higher, higher, on=dt.date(2026, 1, 12))
        cls.of_facility = plan(cls.org_a, cls.alice, cls.lex, on=dt.date(2026, 2, 1), facility=cls.facility_a)
        cls.scoring = plan(cls.org_a, cls.mia, cls.eva, on=dt.date(2026, 3, 2), by=cls.alice)
        rate(cls.scoring, cls.mia, SCORES[1], rationale=WHY[1])
        cls.audit_b = plan(cls.org_b, cls.bob, cls.otto, by=cls.bob)

    def ids(self, response) -> list[int]:
        self.assertEqual(response.status_code, 200)
        return [item["id"] for item in response.json()["results"]]

    def page_ids(self, user) -> list[int]:
        """The audits the organisation page lists, in its order."""
        self.client.force_login(user)
        page = self.client.get(reverse("organisation", kwargs={"pk": self.org_a.pk}) + "?alle=1").content.decode()
        found = re.findall(rf'href="/organisaties/{self.org_a.pk}/audits/(\d+)/"', page)
        return list(dict.fromkeys(int(pk) for pk in found))

    def test_whoever_sees_the_organisation_gets_the_audits_its_page_lists(self):
        everything = [self.older.pk, self.newer.pk, self.of_facility.pk, self.scoring.pk]  # oldest first
        for role in ("lex", "mia", "alice", "carol"):
            with self.subTest(role=role):
                user = self.user(role)
                self.assertEqual(self.ids(self.api(user).get(self.list_url())), everything)
                self.assertEqual(self.page_ids(user), everything)

    def test_an_external_auditor_sees_only_the_audits_they_audit(self):
        self.assertEqual(self.ids(self.api(self.eva).get(self.list_url())), [self.newer.pk, self.scoring.pk])
        self.assertEqual(self.ids(self.api(self.otto).get(self.list_url(self.org_b))), [self.audit_b.pk])
        self.assertEqual(self.api(self.otto).get(self.list_url()).status_code, 404)
        self.assertEqual(self.api(self.bob).get(self.list_url()).status_code, 404)
        self.assertEqual(self.api(self.eva).get(self.list_url(self.org_b)).status_code, 404)
        self.assertEqual(Client().get(self.list_url()).status_code, 401)

    def test_the_consensus_appears_once_finalised_with_its_change_as_on_the_organisation_page(self):
        items = {item["id"]: item for item in self.api(self.lex).get(self.list_url()).json()["results"]}
        self.assertEqual(items[self.older.pk]["consensus"], [{"theme": t, "score": 3, "change": None} for t in THEMES])
        self.assertEqual(items[self.newer.pk]["consensus"], [{"theme": t, "score": 4, "change": 1} for t in THEMES])
        self.assertIsNone(items[self.scoring.pk]["consensus"])  # one auditor submitted: nothing to show yet
        self.assertIsNone(items[self.of_facility.pk]["consensus"])
        self.client.force_login(self.lex)
        page = self.client.get(reverse("organisation", kwargs={"pk": self.org_a.pk})).content.decode()
        self.assertEqual(page.count('<span class="change up">(+1)</span>'), 5)
        # an auditor who does not see the organisation does not learn its earlier audits' scores
        [newer] = [i for i in self.api(self.eva).get(self.list_url()).json()["results"] if i["id"] == self.newer.pk]
        self.assertEqual(newer["consensus"], [{"theme": t, "score": 4, "change": None} for t in THEMES])

    def test_each_audit_says_what_it_is(self):
        items = {item["id"]: item for item in self.api(self.alice).get(self.list_url()).json()["results"]}
        scoring = items[self.scoring.pk]
        self.assertEqual(
            {k: scoring[k] for k in ("held_on", "facility", "phase", "finalised_at")},
            {"held_on": "2026-03-02", "facility": None, "phase": "scoring", "finalised_at": None},
        )
        self.assertEqual(scoring["instrument"], {"code": "mie", "version": self.scoring.instrument_version.version})
        self.assertEqual(
            [(a["place"], a["position"], a["name"], a["submitted"], a["you"]) for a in scoring["auditors"]],
            [(1, "internal", "mia", True, False), (2, "external", "Eva Extern", False, False)],
        )
        facility = items[self.of_facility.pk]
        self.assertEqual(facility["facility"], {"id": self.facility_a.pk, "name": "Kliniek Oost"})
        self.assertEqual([a["you"] for a in facility["auditors"]], [True, False])
        self.assertEqual(items[self.newer.pk]["phase"], "finalised")
        # the phase as the organisation page names it
        self.client.force_login(self.alice)
        page = self.client.get(reverse("organisation", kwargs={"pk": self.org_a.pk})).content.decode()
        for item in items.values():
            self.assertIn(f"<td>{item['phase_label']}</td>", page)

    def test_the_list_comes_in_pages(self):
        data = self.api(self.alice).get(self.list_url() + "?page_size=3").json()
        self.assertEqual(data["count"], 4)
        self.assertEqual(len(data["results"]), 3)
        self.assertIn("page=2", data["next"])
        rest = self.api(self.alice).get(data["next"]).json()
        self.assertEqual([i["id"] for i in rest["results"]], [self.scoring.pk])

    def test_a_read_is_in_the_access_log(self):
        self.api(self.eva).get(self.list_url())
        event = AccessEvent.objects.get(kind="api_audits")
        self.assertEqual((event.user, event.organisation_id, event.action), (self.eva, self.org_a.pk, "view"))

    def test_the_number_of_queries_does_not_grow_with_the_audits(self):
        client = self.api(self.alice)
        client.get(self.list_url())  # the token's last use is recorded once a minute: not counted below

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(client.get(self.list_url()).status_code, 200)
            return len(queries)

        # 1 the token with its user, 2 the organisation (one may view it), 3 the person's roles,
        # 4 the ids of the audits one may see there; the organisation page's rows: 5 audits,
        # 6 instrument versions, 7 theme records, 8 auditors; 9 the page's auditors with their users,
        # 10 their instrument versions, 11 the access log entry
        self.assertEqual(count(), 11)
        for _n in range(3):
            finalised(self.org_a, self.mia, self.eva, SCORES[2], SCORES[2], SCORES[2], on=dt.date(2024, 1, 1))
        self.assertEqual(count(), 11)
