"""Audit pages through HTTP: planning, the organisation's audits over time, agreement, who may do what."""

from __future__ import annotations

import datetime as dt
import io
import json
from fractions import Fraction

from django.core.management import call_command
from django.urls import reverse

from edmonitor.audits.models import Audit
from edmonitor.organisations.models import Membership, Role
from edmonitor.programmes.models import Participation, Programme
from edmonitor.testing import BaseTestCase, make_measurement, make_user

from .factories import THEMES, agree, finalised, plan, rate, write_report


def weighted_kappa(pairs):
    """Quadratic-weighted kappa from its definition, exactly (independent of the application's code)."""
    n = len(pairs)
    cats = range(1, 6)
    observed = sum(Fraction((a - b) ** 2) for a, b in pairs) / n
    rows = {c: sum(1 for a, _b in pairs if a == c) for c in cats}
    cols = {c: sum(1 for _a, b in pairs if b == c) for c in cats}
    expected = sum(Fraction(rows[i] * cols[j] * (i - j) ** 2, n * n) for i in cats for j in cats)
    return 1 - observed / expected


class AuditPagesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        cls.otto = make_user("otto")  # auditor of an audit of organisation B only

    def url(self, name, audit):
        return reverse(name, kwargs={"pk": audit.organisation_id, "audit_pk": audit.pk})

    def plan_form(self, auditor_2="EVA"):
        return {
            "held_on": "2026-05-04",
            "facility": self.facility_a.pk,
            "auditor_1": "mia",
            "position_1": "internal",
            "auditor_2": auditor_2,
            "position_2": "external",
            "participants": "Jan (projectleider)",
        }

    def test_a_coordinator_plans_an_audit_with_a_new_external_auditor(self):
        self.client.force_login(self.carol)
        response = self.client.post(reverse("audit_create", kwargs={"pk": self.org_a.pk}), self.plan_form())
        audit = Audit.objects.get()
        self.assertRedirects(response, self.url("audit", audit))
        self.assertEqual(
            list(audit.auditors.values_list("user__username", "position")),
            [("mia", "internal"), ("eva", "external")],
        )
        self.assertEqual(audit.facility, self.facility_a)

    def test_an_admin_plans_with_an_external_auditor_who_already_audits_the_organisation(self):
        earlier = plan(self.org_a, self.mia, self.eva)
        self.client.force_login(self.alice)
        response = self.client.post(reverse("audit_create", kwargs={"pk": self.org_a.pk}), self.plan_form())
        audit = Audit.objects.exclude(pk=earlier.pk).get()
        self.assertRedirects(response, self.url("audit", audit))
        self.assertEqual([a.user for a in audit.auditors.all()], [self.mia, self.eva])

    def test_an_admin_cannot_tell_whether_an_account_outside_the_organisation_exists(self):
        self.client.force_login(self.alice)
        url = reverse("audit_create", kwargs={"pk": self.org_a.pk})
        answers = {}
        for name in ("otto", "niemand"):  # otto has an account (auditor in organisation B), niemand has none
            response = self.client.post(url, self.plan_form(auditor_2=name))
            self.assertEqual(response.status_code, 200)
            answers[name] = [str(e).replace(name, "NAME") for e in response.context["form"].errors["auditor_2"]]
        self.assertEqual(answers["otto"], answers["niemand"])
        self.assertFalse(Audit.objects.exists())

    def test_an_auditor_is_found_by_first_or_full_name_in_any_case(self):
        pim = make_user("pvdb")
        pim.first_name, pim.last_name = "Pim", "van den Berg"
        pim.save()
        Membership.objects.create(user=pim, organisation=self.org_a, role=Role.MEMBER)
        self.client.force_login(self.alice)
        for typed in ("Pim", "pim VAN den berg", "  PVDB "):
            with self.subTest(typed):
                response = self.client.post(
                    reverse("audit_create", kwargs={"pk": self.org_a.pk}),
                    self.plan_form(auditor_2="mia") | {"auditor_1": typed},
                )
                self.assertEqual(response.status_code, 302, typed)
                self.assertEqual(Audit.objects.latest("pk").auditors.get(order=1).user, pim)

    def test_a_first_name_two_people_share_asks_for_the_user_name(self):
        for username in ("pim1", "pim2"):
            user = make_user(username)
            user.first_name = "Pim"
            user.save()
            Membership.objects.create(user=user, organisation=self.org_a, role=Role.MEMBER)
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("audit_create", kwargs={"pk": self.org_a.pk}), self.plan_form(auditor_2="Pim")
        )
        self.assertIn("gebruikersnaam", " ".join(response.context["form"].errors["auditor_2"]))
        self.assertFalse(Audit.objects.exists())

    def test_the_plan_form_suggests_the_organisations_own_people_only(self):
        self.client.force_login(self.alice)
        page = self.client.get(reverse("audit_create", kwargs={"pk": self.org_a.pk}))
        suggested = {username for username, _label in page.context["people"]}
        self.assertEqual(suggested, {"alice", "mia", "lex"})  # A's members; otto and bob are elsewhere
        self.assertContains(page, '<datalist id="people">')

    def test_planning_with_an_unknown_auditor_saves_nothing(self):
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("audit_create", kwargs={"pk": self.org_a.pk}),
            {
                "held_on": "2026-05-04",
                "auditor_1": "mia",
                "position_1": "internal",
                "auditor_2": "niemand",
                "position_2": "external",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "niemand")
        self.assertFalse(Audit.objects.exists())

    def test_an_auditor_scores_submits_and_cannot_change_afterwards(self):
        audit = plan(self.org_a, self.mia, self.eva)
        self.client.force_login(self.eva)
        data = {f"score_{t}": "4" for t in THEMES} | {f"rationale_{t}": "onderbouwing" for t in THEMES}
        form = self.client.get(self.url("audit_scores", audit)).context["form"]
        data["original"] = form["original"].value()
        response = self.client.post(self.url("audit_scores", audit), {**data, "score_3": "9", "action": "submit"})
        self.assertEqual(response.status_code, 200)  # 9 is not a choice: refused, nothing saved
        self.assertFalse(audit.auditors.get(user=self.eva).ratings.exists())
        # "Check and submit" saves the draft and asks for confirmation; nothing is final yet.
        response = self.client.post(self.url("audit_scores", audit), {**data, "action": "submit"})
        self.assertRedirects(response, self.url("audit_scores_submit", audit))
        eva = audit.auditors.get(user=self.eva)
        self.assertIsNone(eva.submitted_at)
        self.assertEqual(sorted(eva.ratings.values_list("score", flat=True)), [4] * 5)  # the draft is kept
        confirm = self.client.get(self.url("audit_scores_submit", audit))
        self.assertContains(confirm, "niet meer veranderen")  # says what becomes fixed
        self.assertContains(confirm, "<td>onderbouwing</td>", count=5, html=True)  # and shows what is submitted
        self.client.post(self.url("audit_scores_submit", audit))
        eva.refresh_from_db()
        self.assertIsNotNone(eva.submitted_at)
        self.assertRedirects(self.client.get(self.url("audit_scores", audit)), self.url("audit", audit))

    def test_an_incomplete_draft_is_saved_and_what_is_missing_is_marked_before_submitting(self):
        audit = plan(self.org_a, self.mia, self.eva)
        self.client.force_login(self.eva)
        form = self.client.get(self.url("audit_scores", audit)).context["form"]
        data = {"score_1": "4", "rationale_1": "mijn werk", "original": form["original"].value(), "action": "submit"}
        response = self.client.post(self.url("audit_scores", audit), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("score_2", response.context["form"].errors)
        self.assertIn("rationale_5", response.context["form"].errors)
        eva = audit.auditors.get(user=self.eva)
        self.assertEqual(eva.ratings.get(theme_id="1").rationale, "mijn werk")  # nothing typed is lost
        self.assertIsNone(eva.submitted_at)
        # The confirmation page cannot be reached around it.
        self.assertRedirects(self.client.get(self.url("audit_scores_submit", audit)), self.url("audit_scores", audit))
        self.client.post(self.url("audit_scores_submit", audit))
        self.assertIsNone(audit.auditors.get(user=self.eva).submitted_at)

    def test_finalise_through_the_page_then_every_edit_page_is_closed(self):
        scores = {t: 3 for t in THEMES}
        audit = finalised(self.org_a, self.mia, self.eva, scores, scores, scores)
        self.client.force_login(self.mia)
        for name in ("audit_notes", "audit_scores", "audit_consensus", "audit_report", "audit_plan"):
            self.assertEqual(self.client.get(self.url(name, audit)).status_code, 403, name)
            self.assertEqual(self.client.post(self.url(name, audit), {}).status_code, 403, name)
        self.assertEqual(self.client.get(self.url("audit_amend", audit)).status_code, 200)

    def test_who_may_do_what(self):
        audit = plan(self.org_a, self.mia, self.eva)
        other = plan(self.org_b, self.bob, self.otto)
        expect = {
            # user: (view, notes (score), plan, trail)
            self.alice: (200, 403, 200, 200),
            self.mia: (200, 200, 403, 200),
            self.eva: (200, 200, 403, 200),
            self.lex: (200, 403, 403, 403),
            self.carol: (200, 403, 200, 200),
            self.otto: (404, 404, 404, 404),
            self.bob: (404, 404, 404, 404),
        }
        for user, statuses in expect.items():
            self.client.force_login(user)
            got = tuple(
                self.client.get(self.url(name, audit)).status_code
                for name in ("audit", "audit_notes", "audit_plan", "audit_trail")
            )
            self.assertEqual(got, statuses, user.username)
        self.client.force_login(self.eva)  # an external auditor does not see the organisation itself
        self.assertEqual(self.client.get(reverse("organisation", kwargs={"pk": self.org_a.pk})).status_code, 404)
        self.assertEqual(self.client.get(self.url("audit", other)).status_code, 404)
        self.assertContains(self.client.get(reverse("dashboard")), self.url("audit", audit))

    def test_the_organisation_page_shows_audits_over_time_with_change(self):
        first = {"1": 2, "2": 2, "3": 3, "4": 1, "5": 2}
        second = {"1": 3, "2": 2, "3": 4, "4": 2, "5": 2}
        finalised(self.org_a, self.mia, self.eva, first, first, first, on=dt.date(2025, 3, 1))
        finalised(self.org_a, self.mia, self.eva, second, second, second, on=dt.date(2026, 3, 1))
        plan(self.org_a, self.mia, self.eva, on=dt.date(2026, 9, 1))
        self.client.force_login(self.lex)
        response = self.client.get(reverse("organisation", kwargs={"pk": self.org_a.pk}))
        rows = response.context["audits"]
        self.assertEqual([t["consensus"] for t in rows[1]["themes"]], [3, 2, 4, 2, 2])
        self.assertEqual([t["change"] for t in rows[1]["themes"]], [1, 0, 1, 1, 0])
        self.assertEqual(rows[2]["themes"], [])  # planned, not finalised: no scores
        # the five theme scores are the result: no mean over the themes (004 §2.13 gives no total)
        self.assertTrue(all("mean" not in r for r in rows))
        self.assertNotContains(response, "2,6")
        self.assertNotContains(response, "Gemiddelde")
        self.assertContains(response, "de MIE kent geen totaalscore")

    def test_agreement_matches_an_independent_computation(self):
        a1, b1 = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}, {"1": 1, "2": 3, "3": 3, "4": 2, "5": 5}
        a2, b2 = {"1": 2, "2": 2, "3": 4, "4": 4, "5": 1}, {"1": 3, "2": 2, "3": 4, "4": 5, "5": 3}
        finalised(self.org_a, self.mia, self.eva, a1, b1, a1)
        finalised(self.org_a, self.mia, self.eva, a2, b2, a2)
        unfinished = plan(self.org_a, self.mia, self.eva)
        rate(unfinished, self.mia, {t: 1 for t in THEMES})
        rate(unfinished, self.eva, {t: 5 for t in THEMES})  # not finalised: must not count
        pairs = [(a[t], b[t]) for a, b in ((a1, b1), (a2, b2)) for t in THEMES]
        exact = Fraction(sum(a == b for a, b in pairs) * 100, len(pairs))  # 5 of 10
        within = Fraction(sum(abs(a - b) <= 1 for a, b in pairs) * 100, len(pairs))  # 7 of 10
        kappa = weighted_kappa(pairs)

        self.client.force_login(self.alice)
        result = self.client.get(reverse("audit_agreement") + f"?organisatie={self.org_a.pk}").context["result"]
        self.assertEqual(result.audits, 2)
        self.assertEqual(result.overall.n, 10)
        self.assertEqual(float(result.overall.exact), float(exact))
        self.assertEqual(float(result.overall.within_one), float(within))
        self.assertAlmostEqual(float(result.overall.weighted_kappa), float(kappa), delta=0.0005)
        theme2 = dict((t.id, a) for t, a in result.by_theme)["2"]
        self.assertEqual((theme2.n, float(theme2.exact)), (2, 50.0))
        # versions are pooled by theme, and the page says where that mixes two meanings (theme 2)
        page = self.client.get(reverse("audit_agreement"))
        self.assertContains(page, "Audits van alle MIE-versies tellen samen")
        self.assertContains(page, "Bij thema 2 betekenen scores uit versie 2026.1 en uit latere versies dus niet")

        out = io.StringIO()
        call_command("agreement", "--organisation", "GGZ Alfa", "--format", "json", stdout=out)
        data = json.loads(out.getvalue())
        self.assertEqual(data["agreement"]["n"], 10)
        self.assertEqual(data["agreement"]["exact"], 50.0)
        self.assertAlmostEqual(data["agreement"]["weighted_kappa"], float(kappa), delta=0.0005)

        # ICC(1,1) of the same ten pairs, from the one-way analysis of variance (Shrout & Fleiss 1979, case 1)
        means = [Fraction(a + b, 2) for a, b in pairs]
        grand = sum(means) / len(means)
        between = 2 * sum((m - grand) ** 2 for m in means) / (len(pairs) - 1)
        within_ms = sum((a - m) ** 2 + (b - m) ** 2 for (a, b), m in zip(pairs, means, strict=True)) / len(pairs)
        icc = (between - within_ms) / (between + within_ms)
        self.assertAlmostEqual(float(result.overall.icc.value), float(icc), delta=0.0005)
        self.assertAlmostEqual(data["agreement"]["icc"]["value"], float(icc), delta=0.0005)
        self.assertEqual(
            set(data["agreement"]),
            {"n", "exact", "within_one", "weighted_kappa", "icc", "gwet_ac2", "krippendorff_alpha"},
        )
        self.assertContains(page, "Gwet")
        self.assertContains(page, "paradox")  # the sentence on when kappa and AC2 differ

    def test_agreement_over_a_programmes_audits(self):
        same, apart = {t: 3 for t in THEMES}, {t: 1 for t in THEMES}
        finalised(self.org_a, self.mia, self.eva, same, same, same)  # 5 exact pairs, in the programme
        finalised(self.org_b, self.bob, self.otto, same, apart, same)  # 5 pairs 2 apart, not in it
        programme = Programme.objects.create(name="Pilot MIE")
        Participation.objects.create(programme=programme, organisation=self.org_a)
        self.client.force_login(self.carol)
        result = self.client.get(reverse("audit_agreement"), {"programma": programme.pk}).context["result"]
        self.assertEqual((result.overall.n, float(result.overall.exact)), (5, 100.0))
        out = io.StringIO()
        call_command("agreement", "--programme", "pilot mie", "--format", "json", stdout=out)
        self.assertEqual(json.loads(out.getvalue())["agreement"]["n"], 5)
        self.assertEqual(self.client.get(reverse("audit_agreement")).context["result"].overall.n, 10)

    def test_agreement_only_counts_organisations_the_user_may_see(self):
        scores = {t: 3 for t in THEMES}
        finalised(self.org_b, self.bob, self.otto, scores, {t: 1 for t in THEMES}, scores)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(reverse("audit_agreement")).context["result"].overall.n, 0)
        self.client.force_login(self.carol)
        self.assertEqual(self.client.get(reverse("audit_agreement")).context["result"].overall.n, 5)

    def test_vie_results_appear_beside_the_themes_labelled_as_another_instrument(self):
        make_measurement(self.org_a, {f"{i}a": 2 for i in range(1, 11)}, on=dt.date(2024, 1, 1))
        audit = plan(self.org_a, self.mia, self.eva)
        self.client.force_login(self.alice)
        response = self.client.get(self.url("audit", audit))
        self.assertContains(response, "ander instrument")
        self.assertContains(response, "VIE 1a")
        self.client.force_login(self.eva)  # an external auditor is not shown the organisation's VIE data
        self.assertNotContains(self.client.get(self.url("audit", audit)), "VIE 1a")


class FinalisePageTests(BaseTestCase):
    """Finalising is a confirmation by each auditor on a page that shows what becomes final."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")

    def url(self, name, audit):
        return reverse(name, kwargs={"pk": audit.organisation_id, "audit_pk": audit.pk})

    def test_every_item_in_the_way_links_to_where_it_is_fixed(self):
        audit = plan(self.org_a, self.mia, self.eva)
        rate(audit, self.mia, {t: 3 for t in THEMES})
        rate(audit, self.eva, {t: 3 for t in THEMES})
        self.client.force_login(self.mia)
        response = self.client.get(self.url("audit_finalise", audit))
        links = dict(response.context["problems"])
        consensus, report = self.url("audit_consensus", audit), self.url("audit_report", audit)
        self.assertEqual(len(links), 5 + 5 + 3)  # five consensus scores, five explanations, the report's three parts
        for text, url in links.items():
            if "consensus" in text.lower() or "toelichting" in text.lower():
                self.assertTrue(url.startswith(consensus + "#id_"), (text, url))
            else:
                self.assertTrue(url.startswith(report + "#id_"), (text, url))
        self.assertContains(response, f'href="{consensus}#id_explanation_3"')
        self.assertNotContains(response, "Ik bevestig dit verslag")

    def test_both_auditors_confirm_on_the_page_and_the_second_makes_it_final(self):
        audit = plan(self.org_a, self.mia, self.eva)
        rate(audit, self.mia, {t: 3 for t in THEMES})
        rate(audit, self.eva, {t: 3 for t in THEMES})
        agree(audit, self.mia, {t: 3 for t in THEMES})
        write_report(audit, self.eva)
        self.client.force_login(self.mia)
        page = self.client.get(self.url("audit_finalise", audit))
        self.assertContains(page, "Toelichting thema 4")  # what becomes final is shown
        self.assertContains(page, "Ik bevestig dit verslag")
        self.client.post(self.url("audit_finalise", audit))
        self.assertIsNone(Audit.objects.get(pk=audit.pk).finalised_at)
        detail = self.client.get(self.url("audit", audit))
        self.assertContains(detail, "heeft het verslag bevestigd op")
        self.assertContains(detail, "heeft het verslag nog niet bevestigd")
        self.client.force_login(self.eva)
        self.client.post(self.url("audit_finalise", audit))
        self.assertIsNotNone(Audit.objects.get(pk=audit.pk).finalised_at)


class AuditExportAndDeleteTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")

    def url(self, name, audit):
        return reverse(name, kwargs={"pk": audit.organisation_id, "audit_pk": audit.pk})

    def export(self, user, audit):
        self.client.force_login(user)
        response = self.client.get(self.url("audit_export", audit))
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        return json.loads(response.content)

    def test_the_export_carries_only_the_ratings_the_user_may_see(self):
        audit = plan(self.org_a, self.mia, self.eva)
        rate(audit, self.mia, {t: 4 for t in THEMES}, rationale="mia")
        rate(audit, self.eva, {t: 2 for t in THEMES}, rationale="eva", submit=False)
        ratings = {
            u.username: self.export(u, audit)["themes"]["3"]["ratings"] for u in (self.mia, self.eva, self.alice)
        }
        self.assertEqual(ratings["mia"], [{"auditor": 1, "score": 4, "rationale": "mia 3"}])
        self.assertEqual(ratings["eva"], [{"auditor": 2, "score": 2, "rationale": "eva 3"}])
        self.assertEqual(ratings["alice"], [])
        rate(audit, self.eva, {t: 2 for t in THEMES}, rationale="eva")
        data = self.export(self.alice, audit)
        self.assertEqual([r["score"] for r in data["themes"]["3"]["ratings"]], [4, 2])
        self.assertEqual(data["phase"], "consensus")
        self.assertEqual([a["position"] for a in data["auditors"]], ["internal", "external"])

    def test_a_finalised_export_holds_the_report(self):
        scores = {t: 3 for t in THEMES}
        audit = finalised(self.org_a, self.mia, self.eva, scores, scores, scores)
        data = self.export(self.lex, audit)
        self.assertEqual(data["phase"], "finalised")
        self.assertEqual({t: v["consensus"] for t, v in data["themes"].items()}, scores)
        self.assertEqual(data["recommendations"][0]["theme"], "3")
        self.assertEqual(data["conclusion"]["strengths"], "Een gedeelde visie.")

    def test_an_audit_can_be_deleted_only_before_anyone_submitted(self):
        audit = plan(self.org_a, self.mia, self.eva)
        self.client.force_login(self.mia)  # an auditor who is no admin may not
        self.assertEqual(self.client.post(self.url("audit_delete", audit)).status_code, 403)
        rate(audit, self.eva, {t: 3 for t in THEMES})
        self.client.force_login(self.alice)
        self.assertEqual(self.client.post(self.url("audit_delete", audit)).status_code, 403)
        self.assertTrue(Audit.objects.filter(pk=audit.pk).exists())
        fresh = plan(self.org_a, self.mia, self.eva)
        self.assertRedirects(
            self.client.post(self.url("audit_delete", fresh)), reverse("organisation", args=[self.org_a.pk])
        )
        self.assertFalse(Audit.objects.filter(pk=fresh.pk).exists())

    def test_a_refused_submission_shows_each_problem_at_its_field(self):
        audit = plan(self.org_a, self.mia, self.eva)
        self.client.force_login(self.eva)
        form = self.client.get(self.url("audit_scores", audit)).context["form"]
        data = {"original": form["original"].value(), "action": "submit", "score_1": "3", "rationale_1": "ok"}
        form = self.client.post(self.url("audit_scores", audit), data).context["form"]
        self.assertEqual(
            sorted(form.errors), sorted([f"score_{t}" for t in "2345"] + [f"rationale_{t}" for t in "2345"])
        )
        self.assertIn('aria-invalid="true"', str(form["score_2"]))
        self.assertIn('aria-describedby="id_rationale_2_errors"', str(form["rationale_2"]))
        eva = audit.auditors.get(user=self.eva)
        self.assertIsNone(eva.submitted_at)  # not submitted; what was typed is kept as a draft
        self.assertEqual(eva.ratings.get(theme_id="1").rationale, "ok")

    def test_an_external_auditor_gets_no_link_to_the_organisation(self):
        audit = plan(self.org_a, self.mia, self.eva)
        self.client.force_login(self.eva)
        response = self.client.get(self.url("audit", audit))
        self.assertNotContains(response, f'href="{reverse("organisation", args=[self.org_a.pk])}"')
        self.client.force_login(self.mia)
        self.assertContains(
            self.client.get(self.url("audit", audit)), f'href="{reverse("organisation", args=[self.org_a.pk])}"'
        )
