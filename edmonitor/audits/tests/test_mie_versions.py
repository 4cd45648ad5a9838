"""MIE versions and what an audit's result is (issue 15, part 1).

* An audit keeps the MIE version it was planned with; a new audit uses the newest version.
  2026.1 stays shipped unchanged, so audits pinned to it keep working to the end.
* The MIE gives a score per theme and no total (004 §2.13, "een score per thema"): no page, PDF
  or download of a finalised audit shows a mean over the themes as the audit's result. The
  trend table may carry a summary, labelled as one that the MIE does not define.
* The "discuss" mark at 2 points is this project's aid; in 004 §2.13 the auditors compare all
  their scores and agree each one. Every page that shows the mark says so.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

from django.contrib.auth.models import User
from django.urls import reverse

from edmonitor.audits import services
from edmonitor.audits.models import Audit
from edmonitor.audits.tests.factories import agree, finalised, plan, rate, unchanged, write_report
from edmonitor.instruments.definition import load_any
from edmonitor.measurements.instruments import store_instrument
from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase, make_user

# Chosen so that the mean over the themes (2.6 and 3.4) appears nowhere else on the pages.
FIRST = {"1": 2, "2": 2, "3": 3, "4": 1, "5": 5}
SECOND = {"1": 4, "2": 3, "3": 4, "4": 2, "5": 4}
OLD_LABELS = (
    "Gemiddelde van de consensusscores",
    "Gemiddelde consensusscore",
    ">Gemiddelde<",
)


class VersionTests(BaseTestCase):
    # org_a and mia are set by BaseTestCase.setUpTestData, eva below
    org_a: Organisation
    mia: User
    eva: User

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")

    def pinned_to_2026_1(self, **kw) -> Audit:
        """An audit planned while 2026.1 was the newest version."""
        old = store_instrument(load_any("mie-2026.1"))
        audit = plan(self.org_a, self.mia, self.eva, **kw)
        Audit.objects.filter(pk=audit.pk).update(instrument_version=old)
        return Audit.objects.get(pk=audit.pk)

    def page(self, audit, user=None):
        self.client.force_login(user or self.mia)
        return self.client.get(reverse("audit", kwargs={"pk": audit.organisation_id, "audit_pk": audit.pk}))

    def test_a_new_audit_uses_the_newest_version(self):
        audit = plan(self.org_a, self.mia, self.eva)
        self.assertEqual(audit.instrument_version.version, "2026.3")
        response = self.page(audit)
        self.assertContains(response, "MIE-versie 2026.3")
        self.assertNotContains(response, "Nieuwe audits gebruiken versie")

    def test_an_audit_pinned_to_2026_1_keeps_its_version_to_the_end_and_the_page_says_so(self):
        audit = self.pinned_to_2026_1()
        before = services.plan_values(audit)
        services.update_plan(
            audit,
            held_on=dt.date(2026, 4, 1),
            facility=None,
            participants="Projectleider",
            auditors=[(self.mia, "internal"), (self.eva, "external")],
            original=unchanged(before),
            user=self.alice,
        )
        rate(audit, self.mia, FIRST)
        rate(audit, self.eva, FIRST)
        agree(audit, self.mia, FIRST)
        write_report(audit, self.eva)
        services.confirm_report(audit, user=self.mia)
        audit = services.confirm_report(audit, user=self.eva)
        audit.refresh_from_db()
        self.assertTrue(audit.is_finalised)
        self.assertEqual(audit.instrument_version.version, "2026.1")
        self.assertEqual(audit.instrument.theme("2").scale[1].get("nl")[:36], "Er werken geen betaalde ervaringsdes")
        response = self.page(audit)
        self.assertContains(response, "MIE-versie 2026.1")
        self.assertContains(response, "Nieuwe audits gebruiken versie 2026.3")
        # the texts the auditors scored against are the old version's
        self.assertContains(response, "Hoeveel ervaringsdeskundigen werken er betaald")
        self.assertNotContains(response, "De bronnen verschillen.")  # 2026.1 has no name note

    def test_the_newest_version_shows_where_the_two_names_of_the_mie_come_from(self):
        response = self.page(plan(self.org_a, self.mia, self.eva))
        self.assertContains(response, "De bronnen verschillen.")
        self.assertContains(response, "Monitoring Implementatie Ervaringsdeskundigheid (MIE)")


class NoOverallScoreTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        finalised(cls.org_a, cls.mia, cls.eva, FIRST, FIRST, FIRST, on=dt.date(2025, 3, 1))
        cls.audit = finalised(cls.org_a, cls.mia, cls.eva, SECOND, SECOND, SECOND, on=dt.date(2026, 3, 1))

    def get(self, name, *args, **kwargs):
        self.client.force_login(self.lex)
        return self.client.get(reverse(name, args=args, kwargs=kwargs or None))

    def test_the_audit_page_shows_the_five_theme_scores_and_no_mean(self):
        response = self.get("audit", pk=self.org_a.pk, audit_pk=self.audit.pk)
        text = response.content.decode()
        self.assertNotIn("3,4", text)
        self.assertNotIn("3.4", text)
        for label in OLD_LABELS:
            self.assertNotIn(label, text)
        self.assertIn("de MIE kent geen totaalscore (004 §2.13)", text)

    def test_the_organisation_page_shows_no_mean_over_the_themes(self):
        text = self.get("organisation", pk=self.org_a.pk).content.decode()
        for value in ("2,6", "3,4", "0,8"):
            self.assertNotIn(value, text)
        for label in OLD_LABELS:
            self.assertNotIn(label, text)

    def test_the_report_shows_the_theme_scores_as_the_result_and_labels_the_trend_summary(self):
        response = self.get("organisation_report", self.org_a.pk)
        text = response.content.decode()
        for label in OLD_LABELS:
            self.assertNotIn(label, text)
        self.assertNotIn("Verschil met vorige", text.split('id="mie-heading"')[1].split("<h3>")[0])
        self.assertIn("De MIE geeft een score per thema en geen totaalscore (004 §2.13).", text)
        # the summary appears in the trend table only, with its label
        trend = text.split('id="mie-trend-caption"')[1].split("</table>")[0]
        self.assertIn("Samenvatting*", trend)
        self.assertIn("3,4", trend)
        self.assertEqual(text.count("3,4"), 1)
        self.assertIn("De MIE zelf kent deze samenvatting niet", text)

    def test_the_trend_download_names_the_summary_as_not_an_mie_score(self):
        response = self.get("organisation_report_table", self.org_a.pk, "mie-trend", "csv")
        content = response.content.decode("utf-8-sig")
        header = content.splitlines()[0]
        self.assertIn('"Thema 1"', header)
        self.assertIn("geen MIE-score", header)
        self.assertNotIn('"Gemiddelde"', header)

    def test_the_pdf_shows_no_mean_as_the_audits_result(self):
        response = self.get("organisation_report_pdf", self.org_a.pk)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "report.pdf"
            path.write_bytes(response.content)
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        squashed = " ".join(text.split())
        for label in OLD_LABELS:
            self.assertNotIn(label.strip("><"), squashed)
        self.assertIn("De MIE geeft een score per thema en geen totaalscore", squashed)
        self.assertIn("De MIE zelf kent deze samenvatting niet", squashed)


class DiscussMarkTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")

    def test_where_the_discuss_mark_appears_it_is_called_our_aid_not_the_sources_rule(self):
        audit = plan(self.org_a, self.mia, self.eva)
        rate(audit, self.mia, {"1": 1, "2": 3, "3": 3, "4": 3, "5": 3})
        rate(audit, self.eva, {"1": 4, "2": 3, "3": 3, "4": 3, "5": 3})
        self.client.force_login(self.mia)
        note = "is een hulpmiddel van edmonitor, geen regel van de MIE"
        for name in ("audit", "audit_consensus"):
            response = self.client.get(reverse(name, kwargs={"pk": self.org_a.pk, "audit_pk": audit.pk}))
            self.assertContains(response, "tag-discuss")
            self.assertContains(response, note)
            self.assertContains(response, "vergelijken de auditoren al hun scores")
