"""The organisation report, as a page and as a PDF, checked against the data it was made from."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

from django.urls import reverse
from PIL import Image

from edmonitor.audits.tests.factories import finalised
from edmonitor.instruments.scoring import round_half_up
from edmonitor.testing import BaseTestCase, make_measurement, make_user

FIRST = {"1a": 1, "2a": 2, "3a": 1, "4a": 2, "5a": 1, "6a": 3, "7a": 2, "8a": 2, "9a": 1, "10a": 2}
SECOND = {"1a": 2, "2a": 3, "3a": 2, "4a": 3, "5a": 1, "6a": 4, "7a": 3, "8a": 2, "9a": 2, "10a": 4}
GOALS = {"1b": "C", "2b": "D", "3b": "B", "4b": "D", "6b": "C", "9b": "A", "10b": "D"}
THEMES_1 = {"1": 2, "2": 2, "3": 3, "4": 1, "5": 2}
THEMES_2 = {"1": 3, "2": 2, "3": 4, "4": 2, "5": 2}


def total(scores):
    return round_half_up(Fraction(sum(scores.values()), len(scores)), 1)


class ReportData(BaseTestCase):
    """Two VIE measurements and two finalised audits of organisation A."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        make_measurement(cls.org_a, FIRST, on=dt.date(2024, 3, 1), label="beginmeting")
        cls.latest = make_measurement(cls.org_a, SECOND, on=dt.date(2025, 3, 1), label="vervolg", goals=GOALS)
        finalised(cls.org_a, cls.mia, cls.eva, THEMES_1, THEMES_1, THEMES_1, on=dt.date(2024, 4, 1))
        finalised(cls.org_a, cls.mia, cls.eva, THEMES_2, THEMES_2, THEMES_2, on=dt.date(2025, 4, 1))


class OrganisationReportTests(ReportData):
    def page(self, user=None):
        self.client.force_login(user or self.lex)
        return self.client.get(reverse("organisation_report", args=[self.org_a.pk]))

    def test_the_vie_section_has_the_latest_scores_changes_and_goals(self):
        vie = self.page().context["report"].vie
        self.assertEqual(vie.latest, self.latest)
        self.assertEqual({r["item"].id: r["score"] for r in vie.rows}, SECOND)
        self.assertEqual({r["item"].id: r["change"] for r in vie.rows}, {k: SECOND[k] - FIRST[k] for k in FIRST})
        self.assertEqual(vie.latest.total, total(SECOND))
        self.assertEqual(vie.total_change, total(SECOND) - total(FIRST))
        counts = {g["code"]: g["count"] for g in vie.goals}
        self.assertEqual(counts, {"A": 1, "B": 1, "C": 2, "D": 3})

    def test_the_mie_section_has_the_latest_consensus_and_change(self):
        mie = self.page().context["report"].mie
        self.assertEqual({r["theme"].id: r["score"] for r in mie.rows}, THEMES_2)
        self.assertEqual(
            {r["theme"].id: r["change"] for r in mie.rows}, {t: THEMES_2[t] - THEMES_1[t] for t in THEMES_1}
        )
        self.assertFalse(hasattr(mie, "mean") or hasattr(mie, "mean_change"))  # the MIE has no total (004 §2.13)
        self.assertEqual([s["themes"] for s in mie.series], [list(THEMES_1.values()), list(THEMES_2.values())])
        # a summary for the trend table only, labelled as not an MIE score
        self.assertEqual([s["summary"] for s in mie.series], [total(THEMES_1), total(THEMES_2)])
        self.assertEqual(
            [r.text for r in mie.recommendations], ["Start intervisie onder leiding van een ervaringsdeskundige."]
        )

    def test_every_chart_has_a_table_with_its_numbers_beside_it(self):
        content = self.page().content.decode()
        self.assertEqual(content.count('<figure class="chart">'), 4)  # items, VIE trend, themes, MIE trend
        self.assertIn("data:image/svg+xml;base64,", content)
        self.assertGreaterEqual(content.count("<table"), 5)
        self.assertIn(str(total(SECOND)).replace(".", ","), content)

    def test_the_report_needs_the_same_number_of_queries_however_long_the_history(self):
        self.client.force_login(self.lex)
        url = reverse("organisation_report", args=[self.org_a.pk])
        self.client.get(url)
        # session, user, two-step verification, organisation, the user's memberships, the scope of the newest VIE
        # measurement, the measurements of that scope, their instrument version, the item responses of the two
        # measurements shown, the scope of the newest finalised audit, the finalised audits of that scope, their
        # instrument version, their theme records, the recommendations of the audit shown, and the suggestion
        # links for the weakest VIE items and for the weakest MIE themes, and the access log's entry
        with self.assertNumQueries(17) as first:
            self.client.get(url)
        for year in range(2000, 2010):
            make_measurement(self.org_a, FIRST, on=dt.date(year, 1, 1))
            finalised(self.org_a, self.mia, self.eva, THEMES_1, THEMES_1, THEMES_1, on=dt.date(year, 2, 1))
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(url)

    def test_who_may_read_the_report(self):
        for user, status in ((self.lex, 200), (self.carol, 200), (self.bob, 404), (self.eva, 404)):
            self.client.force_login(user)
            for name in ("organisation_report", "organisation_report_pdf"):
                self.assertEqual(self.client.get(reverse(name, args=[self.org_a.pk])).status_code, status, (user, name))

    def test_an_organisation_without_data_gets_a_plain_message(self):
        self.client.force_login(self.bob)
        response = self.client.get(reverse("organisation_report", args=[self.org_b.pk]))
        self.assertContains(response, "nog geen VIE-meting")


class DifferentItemSetsTests(BaseTestCase):
    """A total over nine items beside one over ten: the report says so and compares like with like."""

    def test_totals_over_different_items_say_so_and_give_the_change_over_the_items_both_have(self):
        latest_scores = {k: v for k, v in SECOND.items() if k != "10a"}  # 10a not scored this time
        make_measurement(self.org_a, FIRST, on=dt.date(2024, 3, 1))
        make_measurement(self.org_a, latest_scores, on=dt.date(2025, 3, 1), goals={"1b": "C", "2b": "D"})
        self.client.force_login(self.lex)
        response = self.client.get(reverse("organisation_report", args=[self.org_a.pk]))
        vie = response.context["report"].vie
        both = {k: v for k, v in FIRST.items() if k in latest_scores}
        self.assertEqual(vie.total_change, total(latest_scores) - total(FIRST))
        self.assertEqual(vie.common_change, total(latest_scores) - total(both))
        self.assertEqual((vie.scored, vie.scored_before, vie.common), (9, 10, 9))
        self.assertTrue(vie.items_differ)
        self.assertContains(response, "nu over 9 items, eerder over 10")
        self.assertContains(response, "Verandering over de 9 items die beide keren een score hebben")
        self.assertContains(response, "een code voor 2 van de 10 items")

    def test_totals_over_the_same_items_need_no_remark(self):
        make_measurement(self.org_a, FIRST, on=dt.date(2024, 3, 1))
        make_measurement(self.org_a, SECOND, on=dt.date(2025, 3, 1), goals={f"{i}b": "A" for i in range(1, 11)})
        self.client.force_login(self.lex)
        response = self.client.get(reverse("organisation_report", args=[self.org_a.pk]))
        self.assertFalse(response.context["report"].vie.items_differ)
        self.assertNotContains(response, "eerder over")
        self.assertNotContains(response, "een code voor")


class OrganisationReportPdfTests(ReportData):
    def test_the_pdf_holds_the_name_and_scores_as_text_and_is_not_blank(self):
        self.client.force_login(self.lex)
        response = self.client.get(reverse("organisation_report_pdf", args=[self.org_a.pk]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment;", response["Content-Disposition"])
        pdf = response.content
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "report.pdf"
            path.write_bytes(pdf)
            text = subprocess.run(
                ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
            subprocess.run(
                ["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", str(path), str(Path(tmp) / "page")], check=True
            )
            image = Image.open(next(Path(tmp).glob("page*.png"))).convert("L")
            dark = sum(image.histogram()[:128])
        self.assertIn("GGZ Alfa", text)
        self.assertIn(str(total(SECOND)).replace(".", ","), text)
        for item, score in SECOND.items():
            self.assertRegex(text, rf"{item}\.[^\n]*\b{score}\b")
        self.assertGreater(dark, 500)  # text and charts, not a blank page
        self.assertLess(dark, image.width * image.height // 2)  # and not a black one


class ReportScopeTests(BaseTestCase):
    """The report follows the newest measurement's and audit's scope: the whole organisation or one facility."""

    def test_the_series_and_the_previous_one_come_from_the_scope_of_the_newest(self):
        from edmonitor.organisations.models import Facility
        from edmonitor.reports.organisation import organisation_report

        home = Facility.objects.create(organisation=self.org_a, name="Beschermd wonen Noord")
        whole_2024 = make_measurement(self.org_a, FIRST, on=dt.date(2024, 1, 1))
        at_home_2023 = make_measurement(self.org_a, FIRST, on=dt.date(2023, 1, 1))
        at_home_2025 = make_measurement(self.org_a, SECOND, on=dt.date(2025, 1, 1))
        at_home_2023.facility = home
        at_home_2023.save()
        at_home_2025.facility = home
        at_home_2025.save()
        vie = organisation_report(self.org_a).vie
        assert vie is not None
        self.assertEqual(vie.latest, at_home_2025)
        self.assertEqual(vie.previous, at_home_2023)  # not the newer one of the whole organisation
        self.assertEqual(vie.series, [at_home_2023, at_home_2025])
        whole_2026 = make_measurement(self.org_a, FIRST, on=dt.date(2026, 1, 1))
        vie = organisation_report(self.org_a).vie
        assert vie is not None
        self.assertEqual((vie.latest, vie.previous, vie.series), (whole_2026, whole_2024, [whole_2024, whole_2026]))
