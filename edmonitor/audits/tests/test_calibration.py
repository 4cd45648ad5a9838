"""Calibration of MIE auditors on reference cases (issue 20 part 5).

Named people, beside BaseTestCase's (alice admin of A, mia member of A, lex viewer of A, bob
admin of B, carol coordinator): ina (member of A) and eva (no role anywhere) are the two auditors
of an audit of A, so they may calibrate; nobody else but carol may.

Expected figures are worked out by hand in the comments. Pages are read in English (the language
cookie), so the texts do not depend on the Dutch catalogue.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from edmonitor.audits import calibration
from edmonitor.audits.calibration import (
    AttemptResult,
    CalibrationRefused,
    CalibrationRule,
    LastAttempt,
    StatusKind,
    ThemeResult,
)
from edmonitor.audits.models import Audit, CalibrationAttempt, CalibrationScore, ReferenceCase
from edmonitor.audits.services import as_shown
from edmonitor.audits.tests.calibration_factories import (
    REFERENCE,
    THEMES,
    case_values,
    draft_case,
    published_case,
    score_case,
)
from edmonitor.audits.tests.factories import plan
from edmonitor.core.types import Account
from edmonitor.organisations.models import Membership, Organisation, Role
from edmonitor.testing import BaseTestCase, make_user

RULE = CalibrationRule(themes_within_one=4, valid_years=2)
# Against REFERENCE {1: 3, 2: 2, 3: 4, 4: 1, 5: 5}:
CLOSE = {"1": 3, "2": 3, "3": 4, "4": 2, "5": 4}  # differences 0 1 0 1 1: five within one, two exact
FOUR = {"1": 3, "2": 2, "3": 4, "4": 1, "5": 2}  # differences 0 0 0 0 3: four within one
THREE = {"1": 3, "2": 3, "3": 1, "4": 2, "5": 2}  # differences 0 1 3 1 3: three within one
FAR = {"1": 1, "2": 5, "3": 1, "4": 4, "5": 2}  # differences 2 3 3 3 3: none within one


def moment(day: dt.date) -> dt.datetime:
    """Noon on that day, Amsterdam time (the day stays the same in every time zone offset we use)."""
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12, 0))


def shown_date(day: dt.date) -> str:
    """How an English page writes a date ("j F Y")."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def years_later(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (a second implementation of add_years, for expectations)."""
    if (day.month, day.day) == (2, 29):
        return dt.date(day.year + years, 2, 28)
    return dt.date(day.year + years, day.month, day.day)


def make_auditor(username: str, organisation, planner):
    """Someone who is an auditor of an audit of ``organisation`` (with a second, new person)."""
    user = make_user(username)
    plan(organisation, user, make_user(f"{username}-2"), by=planner)
    return user


def result_of(differences: list[int | None]) -> AttemptResult:
    return AttemptResult(
        themes=tuple(
            ThemeResult(theme_id=str(n), score=None, reference=None, difference=d)
            for n, d in enumerate(differences, start=1)
        )
    )


# --- the rule, without a database --------------------------------------------------------------


class RuleTests(SimpleTestCase):
    def test_add_years_keeps_the_day_and_moves_29_february_to_28_february(self):
        self.assertEqual(calibration.add_years(dt.date(2025, 3, 1), 2), dt.date(2027, 3, 1))
        self.assertEqual(calibration.add_years(dt.date(2024, 2, 29), 2), dt.date(2026, 2, 28))
        self.assertEqual(calibration.add_years(dt.date(2024, 2, 29), 4), dt.date(2028, 2, 29))

    def test_compare_scores_counts_the_themes_within_one_point_and_the_exact_ones(self):
        # THREE against REFERENCE: |3-3| 0, |3-2| 1, |1-4| 3, |2-1| 1, |2-5| 3
        result = calibration.compare_scores(THEMES, THREE, REFERENCE, discuss_difference=2)
        self.assertEqual([t.difference for t in result.themes], [0, 1, 3, 1, 3])
        self.assertEqual((result.within_one, result.exact, result.count), (3, 1, 5))

    def test_a_missing_score_is_not_within_one(self):
        result = calibration.compare_scores(THEMES, {"1": 3}, REFERENCE, discuss_difference=2)
        self.assertEqual([t.difference for t in result.themes], [0, None, None, None, None])
        self.assertEqual(result.within_one, 1)

    def test_calibrated_through_the_day_the_valid_years_end(self):
        last = LastAttempt(case_title="A", submitted_on=dt.date(2025, 1, 10), result=result_of([0, 1, 1, 0, 2]))
        on_last_day = calibration.status_from(last, dt.date(2027, 1, 10), RULE)
        self.assertEqual((on_last_day.kind, on_last_day.valid_until), (StatusKind.CALIBRATED, dt.date(2027, 1, 10)))
        day_after = calibration.status_from(last, dt.date(2027, 1, 11), RULE)
        self.assertEqual(day_after.kind, StatusKind.EXPIRED)

    def test_three_themes_within_one_is_not_enough_under_the_default_rule(self):
        last = LastAttempt(case_title="A", submitted_on=dt.date(2026, 1, 10), result=result_of([0, 1, 2, 2, 3]))
        self.assertEqual(calibration.status_from(last, dt.date(2026, 1, 11), RULE).kind, StatusKind.NOT_MET)
        lenient = CalibrationRule(themes_within_one=2, valid_years=2)
        self.assertEqual(calibration.status_from(last, dt.date(2026, 1, 11), lenient).kind, StatusKind.CALIBRATED)

    def test_nobody_who_never_scored_a_case_is_calibrated(self):
        status = calibration.status_from(None, dt.date(2026, 1, 1), RULE)
        self.assertEqual((status.kind, status.calibrated, status.valid_until), (StatusKind.NONE, False, None))

    def test_the_rule_comes_from_the_setting(self):
        with override_settings(EDMONITOR_CALIBRATION={"themes_within_one": 3, "valid_years": 1}):
            self.assertEqual(calibration.calibration_rule(), CalibrationRule(themes_within_one=3, valid_years=1))
        self.assertEqual(calibration.calibration_rule(), RULE)  # the block in settings.py

    def test_a_wrong_setting_stops_with_an_explanation(self):
        for wrong in (
            {"themes_within_one": 0, "valid_years": 2},
            {"themes_within_one": True, "valid_years": 2},
            {"themes_within_one": "4", "valid_years": 2},
            {"themes_within_one": 4},
            {"themes_within_one": 4, "valid_years": 2, "months": 3},
            None,
        ):
            with self.subTest(wrong=wrong), override_settings(EDMONITOR_CALIBRATION=wrong):
                with self.assertRaises(ImproperlyConfigured):
                    calibration.calibration_rule()


# --- shared fixtures ---------------------------------------------------------------------------


class CalibrationTestCase(BaseTestCase):
    # set by BaseTestCase.setUpTestData, and below
    org_a: Organisation
    org_b: Organisation
    alice: Account
    mia: Account
    lex: Account
    bob: Account
    carol: Account
    ina: Account
    eva: Account
    audit: Audit

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ina = make_user("ina", first_name="Ina", last_name="Intern")
        cls.eva = make_user("eva", first_name="Eva", last_name="Extern")
        Membership.objects.create(user=cls.ina, organisation=cls.org_a, role=Role.MEMBER)
        cls.audit = plan(cls.org_a, cls.ina, cls.eva, by=cls.alice)

    def setUp(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def get(self, user, name, **kwargs):
        self.login(user)
        return self.client.get(reverse(name, kwargs=kwargs))

    def post(self, user, name, data=None, **kwargs):
        self.login(user)
        return self.client.post(reverse(name, kwargs=kwargs), data or {})


# --- the status from the database, with the setting --------------------------------------------


class StatusTests(CalibrationTestCase):
    def test_the_last_submitted_case_decides(self):
        old = published_case(self.carol, title="Oud")
        new = published_case(self.carol, title="Nieuw")
        score_case(old, self.ina, CLOSE, on=moment(dt.date(2025, 6, 1)))
        score_case(new, self.ina, THREE, on=moment(dt.date(2026, 2, 1)))
        status = calibration.calibration_status(self.ina, dt.date(2026, 3, 1))
        self.assertEqual(status.kind, StatusKind.NOT_MET)  # the newer case: three within one
        assert status.last is not None
        self.assertEqual((status.last.case_title, status.last.submitted_on), ("Nieuw", dt.date(2026, 2, 1)))

    def test_a_draft_does_not_count(self):
        case = published_case(self.carol)
        score_case(case, self.ina, CLOSE, submit=False)
        self.assertEqual(calibration.calibration_status(self.ina, timezone.localdate()).kind, StatusKind.NONE)

    def test_the_status_follows_the_setting(self):
        case = published_case(self.carol)
        score_case(case, self.ina, THREE, on=moment(dt.date(2025, 5, 20)))
        day = dt.date(2026, 6, 1)
        self.assertEqual(calibration.calibration_status(self.ina, day).kind, StatusKind.NOT_MET)  # three, not four
        with override_settings(EDMONITOR_CALIBRATION={"themes_within_one": 3, "valid_years": 2}):
            status = calibration.calibration_status(self.ina, day)
            self.assertEqual((status.kind, status.valid_until), (StatusKind.CALIBRATED, dt.date(2027, 5, 20)))
        with override_settings(EDMONITOR_CALIBRATION={"themes_within_one": 3, "valid_years": 1}):
            status = calibration.calibration_status(self.ina, day)  # 20 May 2025 + 1 year lies before 1 June 2026
            self.assertEqual((status.kind, status.valid_until), (StatusKind.EXPIRED, dt.date(2026, 5, 20)))

    def test_statuses_of_many_people_take_three_queries(self):
        case = published_case(self.carol)
        other = published_case(self.carol, title="Tweede")
        people = [make_auditor(f"auditor{n}", self.org_b, self.bob) for n in range(4)]
        for person in people:
            score_case(case, person, FOUR)
            score_case(other, person, FAR)
        # 1 the last submitted attempts with their case and version, 2 their scores, 3 their cases' themes
        with self.assertNumQueries(3):
            statuses = calibration.calibration_statuses([p.pk for p in people] + [self.eva.pk], timezone.localdate())
        # every person's last case is "Tweede" (scored after the first): none within one
        self.assertEqual({s.kind for p, s in statuses.items() if p != self.eva.pk}, {StatusKind.NOT_MET})
        self.assertEqual(statuses[self.eva.pk].kind, StatusKind.NONE)


# --- blind scoring -----------------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


class BlindnessTests(CalibrationTestCase):
    def normalised(self, response, case: ReferenceCase) -> str:
        html = response.content.decode()
        html = html.replace(f"/casussen/{case.pk}/", "/casussen/N/")
        return CSRF.sub('name="csrfmiddlewaretoken" value=""', html)

    def test_the_pages_before_submitting_do_not_depend_on_the_reference(self):
        # Two cases with the same texts and title; only their reference scores and explanations differ.
        first = published_case(self.carol, REFERENCE, title="Casus", marker="eerste")
        second = published_case(self.carol, {"1": 1, "2": 5, "3": 1, "4": 5, "5": 1}, title="Casus", marker="tweede")
        for page in ("calibration_attempt", "calibration_attempt_submit"):
            shown = []
            for case in (first, second):
                if page == "calibration_attempt_submit":
                    score_case(case, self.eva, CLOSE, submit=False)  # a complete draft: the confirmation page
                response = self.get(self.eva, page, case_pk=case.pk)
                self.assertEqual(response.status_code, 200, page)
                self.assertNotContains(response, "UITLEG-")
                self.assertNotContains(response, "Reference score")
                shown.append(self.normalised(response, case))
            self.assertEqual(shown[0], shown[1], f"{page} shows something of the reference")
        self.assertNotContains(self.get(self.eva, "calibration"), "UITLEG-")

    def test_the_scoring_page_does_not_even_read_the_reference(self):
        case = published_case(self.carol)
        response = self.get(self.eva, "calibration_attempt", case_pk=case.pk)
        for _theme, text, _score, _rationale in response.context["rows"]:
            self.assertEqual(text.get_deferred_fields(), {"reference_score", "explanation"})

    def test_the_result_sends_back_to_the_form_until_submitted(self):
        case = published_case(self.carol)
        score_case(case, self.eva, CLOSE, submit=False)
        response = self.get(self.eva, "calibration_result", case_pk=case.pk)
        self.assertRedirects(response, reverse("calibration_attempt", kwargs={"case_pk": case.pk}))

    def test_after_submitting_the_auditor_sees_their_scores_beside_the_reference_with_the_explanations(self):
        case = published_case(self.carol)
        score_case(case, self.eva, THREE)
        response = self.get(self.eva, "calibration_result", case_pk=case.pk)
        self.assertEqual(response.status_code, 200)
        rows = [(r["result"].score, r["result"].reference, r["result"].difference) for r in response.context["rows"]]
        # THREE beside REFERENCE, differences by hand: 0 1 3 1 3
        self.assertEqual(rows, [(3, 3, 0), (3, 2, 1), (1, 4, 3), (2, 1, 1), (2, 5, 3)])
        for t in THEMES:
            self.assertContains(response, f"UITLEG-ref-{t}")
            self.assertContains(response, f"Omdat {t}")
        self.assertContains(response, "3 of 5")  # within one point
        self.assertContains(response, "1 of 5")  # the same score
        today = timezone.localdate()
        self.assertContains(
            response, f"not calibrated (last case: “Casus GGZ Gamma”, submitted on {shown_date(today)})"
        )

    def test_a_submitted_attempt_cannot_change(self):
        case = published_case(self.carol)
        attempt = score_case(case, self.eva, CLOSE)
        data = {f"score_{t}": "1" for t in THEMES} | {f"rationale_{t}": "Anders" for t in THEMES}
        response = self.post(self.eva, "calibration_attempt", data, case_pk=case.pk)
        self.assertRedirects(response, reverse("calibration_result", kwargs={"case_pk": case.pk}))
        self.assertEqual(dict(CalibrationScore.objects.filter(attempt=attempt).values_list("theme_id", "score")), CLOSE)
        with self.assertRaises(CalibrationRefused):
            calibration.save_attempt(case, values={"score:1": 1}, original={}, user=self.eva)
        with self.assertRaises(CalibrationRefused):
            calibration.submit_attempt(attempt, user=self.eva)
        response = self.post(self.eva, "calibration_attempt_submit", case_pk=case.pk)
        self.assertRedirects(response, reverse("calibration_result", kwargs={"case_pk": case.pk}))

    def test_scoring_saves_a_draft_then_asks_for_confirmation_then_submits(self):
        case = published_case(self.carol)
        url = reverse("calibration_attempt", kwargs={"case_pk": case.pk})
        form = self.get(self.eva, "calibration_attempt", case_pk=case.pk).context["form"]
        half = {"original": form["original"].value(), "score_1": "3", "rationale_1": "Een visie op papier"}
        response = self.post(self.eva, "calibration_attempt", half | {"action": "save"}, case_pk=case.pk)
        self.assertRedirects(response, url)
        attempt = CalibrationAttempt.objects.get(case=case, user=self.eva)
        self.assertIsNone(attempt.submitted_at)
        # Submitting an incomplete draft saves it and names what is missing; nothing is lost.
        form = self.get(self.eva, "calibration_attempt", case_pk=case.pk).context["form"]
        more = {"original": form["original"].value(), "score_1": "3", "rationale_1": "Een visie op papier"}
        more |= {"score_2": "2", "rationale_2": "Twee plekken"}
        response = self.post(self.eva, "calibration_attempt", more | {"action": "submit"}, case_pk=case.pk)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Twee plekken")
        self.assertEqual(attempt.scores.get(theme_id="2").score, 2)
        self.assertEqual(len(response.context["form"].errors), 6)  # themes 3-5: a score and a rationale each
        # Complete: on to the confirmation, which shows the own scores and submits on POST.
        form = response.context["form"]
        full = {"original": form["original"].value()}
        full |= {f"score_{t}": str(CLOSE[t]) for t in THEMES} | {f"rationale_{t}": f"Reden {t}" for t in THEMES}
        response = self.post(self.eva, "calibration_attempt", full | {"action": "submit"}, case_pk=case.pk)
        self.assertRedirects(response, reverse("calibration_attempt_submit", kwargs={"case_pk": case.pk}))
        self.assertContains(self.get(self.eva, "calibration_attempt_submit", case_pk=case.pk), "Reden 5")
        response = self.post(self.eva, "calibration_attempt_submit", case_pk=case.pk)
        self.assertRedirects(response, reverse("calibration_result", kwargs={"case_pk": case.pk}))
        attempt.refresh_from_db()
        self.assertIsNotNone(attempt.submitted_at)

    def test_an_empty_form_starts_no_attempt(self):
        case = published_case(self.carol)
        form = self.get(self.eva, "calibration_attempt", case_pk=case.pk).context["form"]
        data = {"original": form["original"].value(), "action": "submit"}
        response = self.post(self.eva, "calibration_attempt", data, case_pk=case.pk)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["form"].errors), 10)  # five scores and five rationales
        self.assertFalse(CalibrationAttempt.objects.exists())
        self.assertIsNone(calibration.save_attempt(case, values={}, original={}, user=self.eva))
        self.assertFalse(CalibrationAttempt.objects.exists())

    def test_an_incomplete_draft_is_not_submitted(self):
        case = published_case(self.carol)
        attempt = score_case(case, self.eva, {"1": 3}, submit=False)
        response = self.get(self.eva, "calibration_attempt_submit", case_pk=case.pk)
        self.assertRedirects(response, reverse("calibration_attempt", kwargs={"case_pk": case.pk}))
        self.post(self.eva, "calibration_attempt_submit", case_pk=case.pk)
        with self.assertRaises(CalibrationRefused) as refused:
            calibration.submit_attempt(attempt, user=self.eva)
        self.assertEqual(len(refused.exception.messages), 4)  # themes 2-5 lack a score (rationales are there)
        attempt.refresh_from_db()
        self.assertIsNone(attempt.submitted_at)

    def test_a_rationale_longer_than_the_bound_is_refused_and_shown_again(self):
        case = published_case(self.carol)
        form = self.get(self.eva, "calibration_attempt", case_pk=case.pk).context["form"]
        long = "x" * 5001
        data = {"original": form["original"].value(), "score_1": "3", "rationale_1": long}
        response = self.post(self.eva, "calibration_attempt", data, case_pk=case.pk)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, long)
        self.assertFalse(CalibrationAttempt.objects.exists())
        with self.assertRaises(CalibrationRefused):
            calibration.save_attempt(case, values={"rationale:1": long}, original={}, user=self.eva)


# --- who may do what ---------------------------------------------------------------------------


class AccessTests(CalibrationTestCase):
    def test_who_may_open_which_page(self):
        published = published_case(self.carol)
        draft = draft_case(self.carol, title="Concept")
        no_one = make_user("nobody")  # signed in, no role, never an auditor
        people = {"lex": self.lex, "mia": self.mia, "alice": self.alice, "bob": self.bob, "nobody": no_one}
        people |= {"eva": self.eva, "ina": self.ina, "carol": self.carol}
        # GET status per person: lex mia alice bob nobody eva ina carol
        table = {
            ("calibration", None): (200, 200, 200, 200, 200, 200, 200, 200),
            ("calibration_statuses", None): (403, 403, 403, 403, 403, 403, 403, 200),
            ("calibration_case_create", None): (403, 403, 403, 403, 403, 403, 403, 200),
            ("calibration_case", published): (403, 403, 403, 403, 403, 403, 403, 200),
            ("calibration_case", draft): (403, 403, 403, 403, 403, 403, 403, 200),
            ("calibration_case_edit", draft): (403, 403, 403, 403, 403, 403, 403, 200),
            ("calibration_case_edit", published): (403, 403, 403, 403, 403, 403, 403, 302),
            ("calibration_case_publish", draft): (403, 403, 403, 403, 403, 403, 403, 200),
            ("calibration_attempt", published): (403, 403, 403, 403, 403, 200, 200, 200),
            ("calibration_attempt", draft): (403, 403, 403, 403, 403, 404, 404, 404),  # a draft is not scored
            ("calibration_attempt_submit", published): (403, 403, 403, 403, 403, 302, 302, 302),  # no draft yet
            ("calibration_result", published): (403, 403, 403, 403, 403, 302, 302, 302),  # not submitted yet
        }
        for (name, case), row in table.items():
            kwargs = {"case_pk": case.pk} if case else {}
            for (who, user), expected in zip(people.items(), row, strict=True):
                with self.subTest(page=name, case=case and case.title, who=who):
                    self.assertEqual(self.get(user, name, **kwargs).status_code, expected)

    def test_someone_who_is_no_auditor_reads_why_they_cannot_calibrate(self):
        published_case(self.carol)
        response = self.get(self.mia, "calibration")
        self.assertContains(response, "Calibration is for auditors.")
        self.assertNotContains(response, "Casus GGZ Gamma")

    def test_refused_people_change_nothing_with_a_post(self):
        case = published_case(self.carol)
        draft = draft_case(self.carol, title="Concept")
        for user in (self.mia, self.alice, self.bob):
            data = {f"score_{t}": "3" for t in THEMES}
            self.assertEqual(self.post(user, "calibration_attempt", data, case_pk=case.pk).status_code, 403)
        for user in (self.eva, self.alice):
            self.assertEqual(self.post(user, "calibration_case_publish", case_pk=draft.pk).status_code, 403)
            self.assertEqual(self.post(user, "calibration_case_create", {"title": "X"}).status_code, 403)
            with self.assertRaises(CalibrationRefused):
                calibration.publish_case(draft, user=user)
        self.assertFalse(CalibrationAttempt.objects.exists())
        self.assertEqual(ReferenceCase.objects.count(), 2)
        self.assertIsNone(ReferenceCase.objects.get(pk=draft.pk).published_at)

    def test_an_auditor_sees_only_their_own_attempts(self):
        case = published_case(self.carol)
        score_case(case, self.ina, FAR, rationale="INA-REDEN")
        score_case(case, self.eva, CLOSE, rationale="EVA-REDEN")
        response = self.get(self.eva, "calibration_result", case_pk=case.pk)
        self.assertContains(response, "EVA-REDEN 1")
        self.assertNotContains(response, "INA-REDEN")
        self.assertEqual(response.context["result"].within_one, 5)  # her own: CLOSE
        # A case ina submitted and eva did not: eva is sent to her own (empty) form.
        other = published_case(self.carol, title="Alleen Ina")
        score_case(other, self.ina, CLOSE, rationale="INA-REDEN")
        response = self.get(self.eva, "calibration_result", case_pk=other.pk)
        self.assertRedirects(response, reverse("calibration_attempt", kwargs={"case_pk": other.pk}))
        response = self.get(self.eva, "calibration_attempt", case_pk=other.pk)
        self.assertNotContains(response, "INA-REDEN")
        # The overview: her own states only.
        states = {c.title: a for c, a in self.get(self.eva, "calibration").context["cases"]}
        self.assertIsNotNone(states["Casus GGZ Gamma"].submitted_at)
        self.assertIsNone(states["Alleen Ina"])
        self.assertEqual(self.get(self.eva, "calibration_statuses").status_code, 403)

    def test_only_the_person_who_scored_submits(self):
        case = published_case(self.carol)
        attempt = score_case(case, self.eva, CLOSE, submit=False)
        for user in (self.ina, self.carol):
            with self.assertRaises(CalibrationRefused):
                calibration.submit_attempt(attempt, user=user)

    def test_one_attempt_per_person_per_case(self):
        case = published_case(self.carol)
        first = calibration.start_attempt(case, user=self.eva)
        self.assertEqual(calibration.start_attempt(case, user=self.eva), first)
        self.assertEqual(CalibrationAttempt.objects.filter(case=case, user=self.eva).count(), 1)


class CoordinatorTests(CalibrationTestCase):
    def form_data(self, response) -> dict[str, str]:
        """The form as the page shows it, as a browser would send it."""
        form = response.context["form"]
        return {name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields}

    def test_a_coordinator_writes_changes_and_publishes_a_case_after_confirming(self):
        response = self.get(self.carol, "calibration_case_create")
        data = self.form_data(response) | {"title": "Casus Delta", "description_1": "Een visie in de maak."}
        response = self.post(self.carol, "calibration_case_create", data)
        case = ReferenceCase.objects.get(title="Casus Delta")
        self.assertRedirects(response, case.get_absolute_url())
        self.assertIsNone(case.published_at)
        self.assertEqual(case.created_by, self.carol)
        self.assertEqual(case.themes.get(theme_id="1").description, "Een visie in de maak.")
        # The confirmation lists what is missing, and offers no button to publish yet.
        response = self.get(self.carol, "calibration_case_publish", case_pk=case.pk)
        self.assertContains(response, "Before the case can be published")
        self.assertNotContains(response, "Yes, publish the case")
        self.post(self.carol, "calibration_case_publish", case_pk=case.pk)
        self.assertIsNone(ReferenceCase.objects.get(pk=case.pk).published_at)
        # Complete it on the edit page.
        data = self.form_data(self.get(self.carol, "calibration_case_edit", case_pk=case.pk))
        full = case_values(title="Casus Delta")
        data |= {key.replace(":", "_"): "" if v is None else str(v) for key, v in full.items()}
        response = self.post(self.carol, "calibration_case_edit", data, case_pk=case.pk)
        self.assertRedirects(response, case.get_absolute_url())
        response = self.get(self.carol, "calibration_case_publish", case_pk=case.pk)
        self.assertContains(response, "Yes, publish the case")
        response = self.post(self.carol, "calibration_case_publish", case_pk=case.pk)
        self.assertRedirects(response, case.get_absolute_url())
        case.refresh_from_db()
        self.assertEqual((case.published_by, case.published_at is not None), (self.carol, True))
        self.assertEqual({t.theme_id: t.reference_score for t in case.themes.all()}, REFERENCE)

    def test_a_published_case_no_longer_changes(self):
        case = published_case(self.carol)
        response = self.get(self.carol, "calibration_case_edit", case_pk=case.pk)
        self.assertRedirects(response, case.get_absolute_url())
        response = self.post(self.carol, "calibration_case_edit", {"title": "Anders"}, case_pk=case.pk)
        self.assertRedirects(response, case.get_absolute_url())
        shown = calibration.case_values(case)
        with self.assertRaises(CalibrationRefused):
            calibration.update_case(
                case, values={**shown, "reference_score:1": 5}, original=as_shown(shown), user=self.carol
            )
        with self.assertRaises(CalibrationRefused):
            calibration.publish_case(case, user=self.carol)
        self.assertEqual(ReferenceCase.objects.get(pk=case.pk).themes.get(theme_id="1").reference_score, 3)

    def test_a_refused_case_form_shows_the_texts_again(self):
        data = self.form_data(self.get(self.carol, "calibration_case_create"))
        data |= {"title": "T" * 201, "transcript_2": "Een lange tekst die blijft staan.", "reference_score_3": "7"}
        response = self.post(self.carol, "calibration_case_create", data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].errors), {"title", "reference_score_3"})
        self.assertContains(response, "Een lange tekst die blijft staan.")
        self.assertFalse(ReferenceCase.objects.exists())

    def test_the_services_bound_every_text(self):
        values = case_values() | {"transcript:1": "x" * 50_001, "explanation:2": "x" * 5_001}
        with self.assertRaises(CalibrationRefused) as refused:
            calibration.create_case(values=values, user=self.carol)
        self.assertEqual([p.key for p in refused.exception.messages], ["transcript:1", "explanation:2"])

    def test_line_ends_count_as_one_character_each(self):
        # A browser counts a line end as one character for maxlength, and sends two (CR LF): these
        # 1,000 lines of "abcd" are 5,000 characters to the browser (the introduction's bound), 6,000 sent.
        data = self.form_data(self.get(self.carol, "calibration_case_create"))
        text = "abcd\r\n" * 1000
        response = self.post(self.carol, "calibration_case_create", data | {"title": "Regels", "introduction": text})
        case = ReferenceCase.objects.get(title="Regels")
        self.assertRedirects(response, case.get_absolute_url())
        self.assertEqual(len(case.introduction), 5 * 1000 - 1)  # "abcd\n" per line, the last line end stripped

    def test_the_case_page_shows_how_everyones_scores_agree_with_the_reference(self):
        case = published_case(self.carol)
        score_case(case, self.ina, THREE)  # differences 0 1 3 1 3
        score_case(case, self.eva, {"1": 3, "2": 2, "3": 4, "4": 2, "5": 5})  # differences 0 0 0 1 0
        score_case(case, make_auditor("drafter", self.org_a, self.bob), FAR, submit=False)  # a draft: not counted
        response = self.get(self.carol, "calibration_case", case_pk=case.pk)
        figures = {theme.id: (a.n, str(a.exact), str(a.within_one)) for theme, a in response.context["agreement"]}
        self.assertEqual(
            figures,
            {
                "1": (2, "100.0", "100.0"),  # 0 and 0
                "2": (2, "50.0", "100.0"),  # 1 and 0
                "3": (2, "50.0", "50.0"),  # 3 and 0
                "4": (2, "0.0", "100.0"),  # 1 and 1
                "5": (2, "50.0", "50.0"),  # 3 and 0
            },
        )
        self.assertEqual((response.context["started"], response.context["submitted"]), (3, 2))

    def test_the_coordinator_sees_everyones_status(self):
        case = published_case(self.carol)
        score_case(case, self.ina, CLOSE)
        score_case(case, self.eva, THREE)
        response = self.get(self.carol, "calibration_statuses")
        rows = {person.username: status.kind for person, status in response.context["rows"]}
        # the auditors of the audit, and nobody else (carol has neither audited nor scored)
        self.assertEqual(rows, {"ina": StatusKind.CALIBRATED, "eva": StatusKind.NOT_MET})
        self.assertEqual(response.context["calibrated"], 1)
        until = years_later(timezone.localdate(), 2)
        self.assertContains(response, shown_date(until))


# --- planning an audit -------------------------------------------------------------------------


class PlanningTests(CalibrationTestCase):
    def plan_data(self, held_on: dt.date) -> dict[str, str]:
        return {
            "held_on": held_on.isoformat(),
            "auditor_1": "ina",
            "position_1": "internal",
            "auditor_2": "eva",
            "position_2": "external",
        }

    def test_the_form_shows_whether_each_person_is_calibrated(self):
        today = timezone.localdate()
        case = published_case(self.carol)
        score_case(case, self.ina, CLOSE)
        score_case(case, self.eva, FAR)
        response = self.get(self.alice, "audit_create", pk=self.org_a.pk)
        self.assertContains(response, f"Ina Intern (ina): calibrated until {shown_date(years_later(today, 2))}")
        self.assertContains(
            response,
            f"Eva Extern (eva): not calibrated (last case: “Casus GGZ Gamma”, submitted on {shown_date(today)})",
        )
        self.assertContains(response, "mia: not calibrated (no reference case scored yet)")

    def test_planning_with_an_uncalibrated_auditor_warns_and_still_saves(self):
        today = timezone.localdate()
        case = published_case(self.carol)
        score_case(case, self.ina, CLOSE)
        response = self.post(
            self.alice, "audit_create", self.plan_data(today + dt.timedelta(days=30)), pk=self.org_a.pk
        )
        audit = Audit.objects.exclude(pk=self.audit.pk).get()
        self.assertRedirects(response, audit.get_absolute_url(), fetch_redirect_response=False)
        warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
        self.assertEqual(len(warnings), 1)
        self.assertIn("On the date of the conversation, Eva Extern is not calibrated", warnings[0])
        self.assertIn("The plan has been saved all the same", warnings[0])

    def test_the_warning_counts_on_the_date_of_the_conversation(self):
        today = timezone.localdate()
        case = published_case(self.carol)
        # ina submitted 23 months ago: calibrated today, no longer two months from now
        score_case(case, self.ina, CLOSE, on=moment(years_later(today, -2) + dt.timedelta(days=31)))
        score_case(published_case(self.carol, title="Nieuw"), self.eva, CLOSE)
        self.assertTrue(calibration.calibration_status(self.ina, today).calibrated)
        response = self.post(
            self.alice, "audit_create", self.plan_data(today + dt.timedelta(days=61)), pk=self.org_a.pk
        )
        self.assertEqual(response.status_code, 302)
        warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
        self.assertEqual(len(warnings), 1)
        self.assertIn("On the date of the conversation, Ina Intern is not calibrated", warnings[0])

    def test_calibrated_auditors_get_no_warning_and_the_change_form_shows_their_status(self):
        today = timezone.localdate()
        case = published_case(self.carol)
        score_case(case, self.ina, CLOSE)
        score_case(case, self.eva, FOUR)
        response = self.post(self.alice, "audit_create", self.plan_data(today + dt.timedelta(days=7)), pk=self.org_a.pk)
        self.assertEqual(response.status_code, 302)
        self.assertFalse([m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"])
        response = self.get(self.alice, "audit_plan", pk=self.org_a.pk, audit_pk=self.audit.pk)
        chosen = {user.username: status.calibrated for user, status in response.context["calibration_chosen"]}
        self.assertEqual(chosen, {"ina": True, "eva": True})

    def test_a_refused_plan_shows_the_status_of_the_auditors_it_names(self):
        data = self.plan_data(timezone.localdate()) | {"held_on": ""}
        response = self.post(self.alice, "audit_create", data, pk=self.org_a.pk)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([u.username for u, _s in response.context["calibration_chosen"]], ["ina", "eva"])
        self.assertContains(response, "This is a warning only")


# --- query counts ------------------------------------------------------------------------------


class QueryCountTests(CalibrationTestCase):
    def grow(self, n: int) -> None:
        """n more published cases, each scored by n more auditors."""
        for i in range(n):
            case = published_case(self.carol, title=f"Groei {self.round}-{i}")
            for j in range(n):
                score_case(case, make_auditor(f"a{self.round}-{i}-{j}", self.org_b, self.bob), FOUR)
            score_case(case, self.eva, CLOSE)
        self.round += 1

    def setUp(self):
        super().setUp()
        self.round = 0
        self.case = published_case(self.carol, title="Vast")
        score_case(self.case, self.ina, THREE)
        score_case(self.case, self.eva, CLOSE)

    def assert_constant(self, user, name, queries: int, **kwargs) -> None:
        for n in (1, 3):
            self.grow(n)
            self.login(user)
            with self.subTest(grown=n), self.assertNumQueries(queries):
                self.assertEqual(self.client.get(reverse(name, kwargs=kwargs)).status_code, 200)

    def test_the_overview(self):
        # 1 session, 2 user, 3 two-step verification, 4 whether the user is an auditor, 5 the published
        # cases, 6 the user's attempts at them, 7 the user's last submitted attempt with its case and
        # version, 8 its scores, 9 its case's themes
        self.assert_constant(self.eva, "calibration", 9)

    def test_the_overview_of_a_coordinator(self):
        # 1 session, 2 user, 3 two-step verification (a coordinator may calibrate: no question 4), 4 the
        # published cases, 5 the user's attempts at them, 6 the drafts, 7 the user's last submitted attempt
        # (carol scored nothing, so there are no scores or themes to read)
        self.assert_constant(self.carol, "calibration", 7)

    def test_the_statuses(self):
        # 1 session, 2 user, 3 two-step verification, 4 the people (auditors and who scored), 5 their last
        # submitted attempts with case and version, 6 their scores, 7 their cases' themes
        self.assert_constant(self.carol, "calibration_statuses", 7)

    def test_the_scoring_form(self):
        score_case(published_case(self.carol, title="Open"), self.eva, FOUR, submit=False)
        case = ReferenceCase.objects.get(title="Open")
        # 1 session, 2 user, 3 two-step verification, 4 whether the user is an auditor, 5 the case with its
        # version, 6 its themes without the reference, 7 the user's attempt, 8 its scores
        self.assert_constant(self.eva, "calibration_attempt", 8, case_pk=case.pk)

    def test_the_result(self):
        # 1-4 as the form, 5 the case, 6 its themes with the reference, 7 the attempt, 8 its scores,
        # 9-11 the status: the last submitted attempt, its scores, its case's themes
        self.assert_constant(self.ina, "calibration_result", 11, case_pk=self.case.pk)

    def test_the_case_page(self):
        # 1 session, 2 user, 3 two-step verification, 4 the case with version and authors, 5 its themes,
        # 6 the submitted scores (agreement), 7 attempts started, 8 attempts submitted
        self.assert_constant(self.carol, "calibration_case", 8, case_pk=self.case.pk)


class FrozenVersionTests(CalibrationTestCase):
    def test_a_version_used_only_by_a_reference_case_is_in_use(self):
        import copy

        from edmonitor.instruments.definition import parse_audit_instrument
        from edmonitor.measurements.instruments import InstrumentVersionFrozen, store_instrument

        case = published_case(self.carol)
        version = case.instrument_version
        Audit.objects.filter(instrument_version=version).delete()  # the fixtures' audits: only the case is left
        self.assertFalse(version.audits.exists() or version.measurements.exists())
        raw = copy.deepcopy(version.definition)
        raw["themes"][0]["title"] = {"nl": "Anders", "en": "Other"}
        changed = parse_audit_instrument(raw)  # the same version with another text
        with self.assertRaises(InstrumentVersionFrozen):
            store_instrument(changed)
