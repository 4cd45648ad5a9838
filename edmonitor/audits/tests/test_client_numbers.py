"""Numbers a client sends that drive work are checked and bounded (issue part 7, section 2).

``recommendation_rows`` on the report and amendment forms sets how many rows the form builds;
ids in query strings choose what a page reads. A bad or huge value gets a clear message or
"not found", never a server error, and never costs more than a bounded form.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.urls import reverse

from edmonitor.audits.forms import MAX_RECOMMENDATION_ROWS, ReportForm
from edmonitor.audits.models import Recommendation
from edmonitor.organisations.models import Organisation
from edmonitor.programmes.models import Programme
from edmonitor.testing import BaseTestCase, make_user

from .factories import THEMES, finalised, plan

REFUSED = (
    "Het aantal regels voor aanbevelingen in het formulier klopt niet. Laad de pagina opnieuw en probeer het nog eens."
)


class RecommendationRowsTests(BaseTestCase):
    # org_a and mia are set by BaseTestCase.setUpTestData, eva below
    org_a: Organisation
    mia: User
    eva: User

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")

    def url(self, name, audit):
        return reverse(name, kwargs={"pk": audit.organisation_id, "audit_pk": audit.pk})

    def post_report(self, rows: str):
        audit = plan(self.org_a, self.mia, self.eva)
        self.client.force_login(self.mia)
        form = self.client.get(self.url("audit_report", audit)).context["form"]
        data = {"original": form["original"].value(), "strengths": "Goed", "improvements": "Beter"}
        data |= {"recommendation_rows": rows, "rec_theme_0": "1", "rec_text_0": "Doe dit"}
        return audit, self.client.post(self.url("audit_report", audit), data)

    def test_a_row_count_that_is_no_number_is_refused_with_a_message_and_saves_nothing(self):
        for rows in ("abc", "²", "-1", "1.5", "9" * 5000):
            with self.subTest(rows=rows[:10]):
                audit, response = self.post_report(rows)
                self.assertEqual(response.status_code, 200)
                self.assertIn(REFUSED, response.context["form"].non_field_errors())
                audit.refresh_from_db()
                self.assertEqual(audit.strengths, "")
                self.assertFalse(Recommendation.objects.filter(audit=audit).exists())

    def test_a_huge_row_count_builds_no_huge_form(self):
        audit, response = self.post_report("100000")
        self.assertIn(REFUSED, response.context["form"].non_field_errors())
        self.assertLessEqual(response.context["form"].row_count, MAX_RECOMMENDATION_ROWS)
        self.assertFalse(Recommendation.objects.filter(audit=audit).exists())

    def test_a_row_count_up_to_the_bound_is_accepted(self):
        audit, response = self.post_report(str(MAX_RECOMMENDATION_ROWS))
        self.assertRedirects(response, self.url("audit", audit), fetch_redirect_response=False)
        self.assertEqual(list(audit.recommendations.values_list("theme_id", "text")), [("1", "Doe dit")])

    def test_an_audit_with_more_recommendations_than_the_bound_still_posts_its_rows(self):
        scores = {t: 3 for t in THEMES}
        audit = finalised(self.org_a, self.mia, self.eva, scores, scores, scores)
        many = MAX_RECOMMENDATION_ROWS + 20
        Recommendation.objects.bulk_create(
            Recommendation(audit=audit, theme_id="2", text=f"extra {n}", order=10 + n) for n in range(many)
        )
        shown = {"strengths": "", "improvements": "", "recommendations": [["2", "x"]] * (many + 1)}
        form = ReportForm({"recommendation_rows": str(many + 2)}, instrument=audit.instrument, shown=shown)
        self.assertFalse(form.bad_row_count)
        self.assertEqual(form.row_count, many + 1 + ReportForm.extra_rows)

    def test_the_amendment_form_bounds_its_rows_too(self):
        scores = {t: 3 for t in THEMES}
        audit = finalised(self.org_a, self.mia, self.eva, scores, scores, scores)
        self.client.force_login(self.mia)
        form = self.client.get(self.url("audit_amend", audit)).context["form"]
        data = {key: form[key].value() or "" for key in form.fields}
        data |= {"reason": "correctie", "recommendation_rows": "100000", "strengths": "Anders"}
        response = self.client.post(self.url("audit_amend", audit), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(REFUSED, response.context["form"].non_field_errors())
        audit.refresh_from_db()
        self.assertNotEqual(audit.strengths, "Anders")


class IdsInQueryStringsTests(BaseTestCase):
    """An id that is no plain number, or one with 5,000 digits, chooses nothing: no server error."""

    BAD = ("²", "abc", "9" * 5000, "9" * 30)

    def test_the_agreement_page_says_choose_one_of_yours(self):
        self.client.force_login(self.carol)
        for key in ("organisatie", "programma"):
            for value in self.BAD:
                with self.subTest(key=key, value=value[:10]):
                    response = self.client.get(reverse("audit_agreement") + f"?{key}={value}")
                    self.assertEqual(response.status_code, 200)

    def test_adding_a_participant_to_a_programme_ignores_a_bad_organisation(self):
        programme = Programme.objects.create(name="LIVE", starts_on=dt.date(2011, 1, 1), ends_on=dt.date(2012, 12, 31))
        self.client.force_login(self.carol)
        url = reverse("participation_create", kwargs={"pk": programme.pk})
        for value in self.BAD:
            with self.subTest(value=value[:10]):
                self.assertEqual(self.client.get(url + f"?organisatie={value}").status_code, 200)
                self.assertEqual(self.client.post(url, {"organisation": value}).status_code, 200)
        self.assertFalse(programme.participations.exists())

    def test_a_new_action_from_a_bad_source_is_not_found(self):
        self.client.force_login(self.mia)
        url = reverse("action_create", kwargs={"pk": self.org_a.pk})
        for key in ("aanbeveling", "uitkomst"):
            for value in self.BAD:
                with self.subTest(key=key, value=value[:10]):
                    self.assertEqual(self.client.get(url + f"?{key}={value}").status_code, 404)
