"""The quality of the VIE for coordinators (issue 20, part 3): the command line's figures over a chosen set.

Every expected figure is ``item_analysis`` (itself checked against published examples and an
independent implementation in ``edmonitor/instruments/tests/test_psychometrics.py``) over rows this
test writes down itself, from the scores it gives the measurements it creates -- never read back
from the page's own query. Alpha is checked once more against numpy.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.urls import reverse

from edmonitor.instruments.psychometrics import item_analysis, to_json
from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.instruments.tests.test_cli import run
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import ItemResponse
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations.access_log import SPANNING_ROUTES
from edmonitor.organisations.models import Facility, Organisation, Sector
from edmonitor.programmes.live import LIVE_PROGRAMME, load_live
from edmonitor.programmes.models import Participation, Programme
from edmonitor.reports import quality
from edmonitor.testing import BaseTestCase, make_measurement

ITEMS = [f"{i}a" for i in range(1, 11)]
OLD, COUNTED, LATER = dt.date(2023, 3, 1), dt.date(2025, 3, 1), dt.date(2025, 9, 1)


def scores(k: int) -> dict[str, int]:
    """Organisation k's ten scores: a level per organisation with some spread per item; 10a goes its own way."""
    level = 1 + k % 5
    row = {item: min(5, max(1, level + (j + k) % 3 - 1)) for j, item in enumerate(ITEMS[:-1])}
    return row | {"10a": 1 + (k * 7) % 5}


def other(k: int) -> dict[str, int]:
    """Scores of a measurement that must not count: all the same, unlike any of scores()."""
    return dict.fromkeys(ITEMS, 5 if k % 2 else 1)


def analysis(rows):
    return item_analysis(rows, ITEMS, scale_min=1, scale_max=5)


def numpy_alpha(rows) -> float:
    """Cronbach's alpha the textbook way (a second, simple implementation)."""
    x = np.array([[row[i] for i in ITEMS] for row in rows], dtype=float)
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def make_organisations(count: int, *, prefix: str = "Instelling", sector=Sector.MENTAL_HEALTH, start: int = 0):
    return [Organisation.objects.create(name=f"{prefix} {start + k}", sector=sector) for k in range(count)]


class QualityCase(BaseTestCase):
    def get(self, groep=None, user=None):
        self.client.force_login(user or self.carol)
        return self.client.get(reverse("instrument_quality"), {} if groep is None else {"groep": groep})


class EveryOrganisationTests(QualityCase):
    """Twelve organisations of the mental-health sector, each with a measurement that must count and
    others that must not (older, of a facility, or stored earlier on the same date); two more sectors."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.organisations = make_organisations(12)
        cls.counted = {}
        for k, organisation in enumerate(cls.organisations):
            make_measurement(organisation, other(k), on=OLD)  # older: does not count
            if k == 0:  # 1a not chosen but derived from facts: 3 fte of experts per 1,000 fte staff -> 2 < r <= 5 -> 3
                given = {item: score for item, score in scores(k).items() if item != "1a"}
                cls.counted[k] = make_measurement(
                    organisation, given, on=COUNTED, facts={"staff_fte": "1000", "ed_fte": "3"}
                )
            else:
                cls.counted[k] = make_measurement(organisation, scores(k), on=COUNTED)
        # a newer measurement of one facility: not of the whole organisation, does not count
        facility = Facility.objects.create(organisation=cls.organisations[1], name="Kliniek")
        record_measurement(
            organisation=cls.organisations[1],
            facility=facility,
            instrument_version=current_version("vie"),
            measured_on=LATER,
            inp=MeasurementInput(direct=other(1)),
        )
        # two on the newest date: the one stored last counts
        make_measurement(cls.organisations[2], other(2), on=LATER)
        cls.counted[2] = make_measurement(cls.organisations[2], scores(2), on=LATER)
        # three organisations of another sector, each with one measurement (rows 20, 21, 22)
        cls.addiction = make_organisations(3, prefix="Verslaving", sector=Sector.ADDICTION)
        for k, organisation in enumerate(cls.addiction, start=20):
            cls.counted[k] = make_measurement(organisation, scores(k), on=COUNTED)

    def expected_rows(self, keys):
        rows = []
        for k in keys:
            row = scores(k)
            if k == 0:
                row["1a"] = 3  # derived from its facts (see setUpTestData), not scores(0)'s 1
            rows.append(row)
        return rows

    def test_everything_is_the_newest_whole_organisation_measurement_of_each_organisation(self):
        result = self.get().context["quality"]
        keys = [*range(12), 20, 21, 22]
        expected = analysis(self.expected_rows(keys))
        self.assertEqual(result.group.value, "alles")
        self.assertEqual(result.analysis, expected)
        self.assertEqual((result.n, result.excluded), (15, 0))
        # 12 + 3 organisations made here and A and B of the shared fixtures (no measurement)
        self.assertEqual((result.organisations, result.measurements), (17, 15))
        self.assertAlmostEqual(float(result.analysis.cronbach_alpha), numpy_alpha(self.expected_rows(keys)), places=3)

    def test_each_organisation_counts_once_with_the_measurement_stated(self):
        group = next(g for g in quality.groups([]) if g.value == "alles")
        organisations, rows = quality.measurement_rows(group)
        self.assertEqual(set(rows), {m.pk for m in self.counted.values()})
        self.assertEqual(organisations, 17)
        # with every measurement of the whole organisation instead, the figures would differ
        every = self.expected_rows([*range(12), 20, 21, 22]) + [other(k) for k in range(12)] + [other(2)]
        self.assertNotEqual(self.get().context["quality"].analysis, analysis(every))

    def test_an_item_derived_from_facts_counts_as_stored(self):
        derived = ItemResponse.objects.get(measurement=self.counted[0], item_id="1a")
        self.assertEqual((derived.score, derived.derived), (3, True))
        self.assertEqual(self.get().context["quality"].n, 15)  # organisation 0's row is complete

    def test_a_sector_holds_its_own_organisations_only(self):
        result = self.get("sector-mental_health").context["quality"]
        self.assertEqual(result.analysis, analysis(self.expected_rows(range(12))))
        self.assertEqual((result.organisations, result.measurements), (13, 12))  # A is in this sector too

    def test_below_ten_complete_measurements_the_page_shows_n_and_no_figure(self):
        response = self.get("sector-addiction")
        result = response.context["quality"]
        self.assertEqual((result.n, result.excluded, result.analysis, result.items), (3, 0, None, []))
        self.assertNotContains(response, 'id="items-caption"')
        self.assertContains(response, '<p class="notice">')
        self.assertContains(response, "<dd>3</dd>", html=True)

    def test_the_page_shows_each_figure_and_marks_the_rules_of_thumb(self):
        response = self.get()
        expected = analysis(self.expected_rows([*range(12), 20, 21, 22]))
        alpha = expected.cronbach_alpha
        self.assertContains(response, f"<dd>{alpha}</dd>".replace(".", ","), html=True)
        marks = 0
        for item in ITEMS:
            s = expected.items[item]
            low = s.item_total_r is not None and s.item_total_r < Decimal("0.3")
            higher = s.alpha_if_deleted is not None and alpha is not None and s.alpha_if_deleted > alpha
            floor = s.floor_pct is not None and s.floor_pct > 15
            ceiling = s.ceiling_pct is not None and s.ceiling_pct > 15
            row = next(r for r in response.context["quality"].items if r.item.id == item)
            self.assertEqual(
                (row.low_item_total, row.raises_alpha, row.floor_effect, row.ceiling_effect),
                (low, higher, floor, ceiling),
                item,
            )
            marks += low + higher + floor + ceiling
            self.assertContains(response, f'<td class="num">{s.mean}</td>'.replace(".", ","), html=True)
        self.assertTrue(marks, "these scores should break at least one rule of thumb (10a goes its own way)")
        self.assertContains(response, 'class="tag-discuss"', count=marks)
        self.assertEqual(response.context["quality"].alpha_low, alpha < Decimal("0.7"))

    def test_the_number_of_queries_does_not_grow_with_the_number_of_organisations(self):
        self.client.force_login(self.carol)
        url = reverse("instrument_quality")
        # session, user, two-step verification, the programmes of the form, each organisation's newest measurement
        # (one query: a subquery per organisation), the scores of those measurements; and the access log's entry
        # once its route is logged (edmonitor/organisations/access_log.py)
        logged = int("kwaliteit-vie/".startswith(SPANNING_ROUTES))
        with self.assertNumQueries(6 + logged):
            self.client.get(url)
        for k, organisation in enumerate(make_organisations(15, prefix="Extra", start=100), start=100):
            make_measurement(organisation, scores(k), on=COUNTED)
        with self.assertNumQueries(6 + logged):
            response = self.client.get(url)
        self.assertEqual(response.context["quality"].n, 30)


class ProgrammeTests(QualityCase):
    """Eleven organisations in a programme: ten with a baseline and a follow-up, one with a baseline only.
    Each also has a newer measurement that the programme does not name."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = Programme.objects.create(name="Proeftuin")
        for k, organisation in enumerate(make_organisations(11)):
            baseline = make_measurement(organisation, scores(k), on=OLD)
            followup = make_measurement(organisation, scores(k + 2), on=COUNTED) if k < 10 else None
            make_measurement(organisation, other(k), on=LATER)  # newest, but not the programme's
            Participation.objects.create(
                programme=cls.programme, organisation=organisation, baseline=baseline, followup=followup
            )

    def test_the_baseline_choice_takes_each_participations_baseline(self):
        result = self.get(f"programma-{self.programme.pk}-begin").context["quality"]
        self.assertEqual(result.group.moment, "baseline")
        self.assertEqual(result.analysis, analysis([scores(k) for k in range(11)]))
        self.assertEqual((result.organisations, result.measurements, result.n), (11, 11, 11))

    def test_the_follow_up_choice_takes_each_participations_follow_up(self):
        result = self.get(f"programma-{self.programme.pk}-eind").context["quality"]
        self.assertEqual(result.group.moment, "followup")
        self.assertEqual(result.analysis, analysis([scores(k + 2) for k in range(10)]))
        self.assertEqual((result.organisations, result.measurements, result.n), (11, 10, 10))
        self.assertNotEqual(
            result.analysis, self.get(f"programma-{self.programme.pk}-begin").context["quality"].analysis
        )

    def test_a_programme_below_ten_shows_no_figure(self):
        Participation.objects.filter(organisation__name__in=["Instelling 0", "Instelling 1"]).update(followup=None)
        result = self.get(f"programma-{self.programme.pk}-eind").context["quality"]
        self.assertEqual((result.organisations, result.measurements, result.n, result.analysis), (11, 8, 8, None))

    def test_an_incomplete_measurement_is_left_out_and_counted(self):
        followup = Participation.objects.get(organisation__name="Instelling 0").followup
        ItemResponse.objects.filter(measurement=followup, item_id="4a").update(score=None)
        result = self.get(f"programma-{self.programme.pk}-eind").context["quality"]
        self.assertEqual((result.measurements, result.n, result.excluded, result.analysis), (10, 9, 1, None))

    def test_the_number_of_queries_does_not_grow_with_the_number_of_participants(self):
        self.client.force_login(self.carol)
        url = reverse("instrument_quality") + f"?groep=programma-{self.programme.pk}-eind"
        # session, user, two-step verification, the programmes of the form, the participations' follow-ups,
        # their scores; and the access log's entry once its route is logged
        logged = int("kwaliteit-vie/".startswith(SPANNING_ROUTES))
        with self.assertNumQueries(6 + logged):
            self.client.get(url)
        for k, organisation in enumerate(make_organisations(15, prefix="Extra", start=100), start=100):
            Participation.objects.create(
                programme=self.programme,
                organisation=organisation,
                followup=make_measurement(organisation, scores(k), on=COUNTED),
            )
        with self.assertNumQueries(6 + logged):
            response = self.client.get(url)
        self.assertEqual(response.context["quality"].n, 25)


class LiveProgrammeTests(QualityCase):
    """The LIVE study as a programme (18 institutions): the page shows what ``edmonitor psychometrics``
    prints for the study's own files, read by the command line as a separate process."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_live()
        cls.programme = Programme.objects.get(name=LIVE_PROGRAMME)

    def test_the_page_shows_what_the_command_line_prints_for_the_same_measurements(self):
        data = Path(__file__).resolve().parents[2] / "measurements" / "data" / "live"
        for word, name in (("begin", "baseline.csv"), ("eind", "followup.csv")):
            with tempfile.TemporaryDirectory() as cwd:
                done = run("psychometrics", str(data / name), "--format", "json", cwd=Path(cwd))
            self.assertEqual(done.returncode, 0, done.stderr)
            result = self.get(f"programma-{self.programme.pk}-{word}").context["quality"]
            self.assertEqual(result.n, 18)
            self.assertEqual(to_json(result.analysis), json.loads(done.stdout), name)


class AccessAndChoiceTests(QualityCase):
    def test_only_coordinators_may_open_the_page(self):
        for user in (self.lex, self.mia, self.alice, self.bob):
            self.assertEqual(self.get(user=user).status_code, 403, user)
        self.assertEqual(self.get().status_code, 200)
        self.client.logout()
        response = self.client.get(reverse("instrument_quality"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_an_unknown_choice_is_refused_in_the_form_and_nothing_is_shown(self):
        for bad in ("programma-999999-begin", "sector-onbekend", "programma-1-midden", "", "x" * 5000):
            response = self.get(bad)
            self.assertEqual(response.status_code, 200, bad)
            self.assertIsNone(response.context["quality"], bad)
            self.assertTrue(response.context["form"].errors, bad)
            self.assertContains(response, 'aria-invalid="true"')

    def test_the_form_offers_everything_each_sector_and_each_programme_twice(self):
        programme = Programme.objects.create(name="Proeftuin")
        values = [value for value, _label in self.get().context["form"].fields["groep"].choices]
        self.assertEqual(
            values,
            ["alles", *(f"sector-{code}" for code in Sector.values)]
            + [f"programma-{programme.pk}-begin", f"programma-{programme.pk}-eind"],
        )
