"""The LIVE study (seed 003, appendices 2–4) loads as example data and its printed errors are reported."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unittest
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from edmonitor.instruments.definition import load_definition
from edmonitor.measurements import live
from edmonitor.measurements.live import Discrepancy, PrintedMeans, load_live
from edmonitor.measurements.models import ItemResponse, Measurement
from edmonitor.organisations.models import Organisation, Sector

ITEMS = [f"{n}a" for n in range(1, 11)]
GOALS = [f"{n}b" for n in range(1, 11)]
DATES = {"baseline": dt.date(2011, 6, 1), "followup": dt.date(2012, 7, 1)}
LABELS = {"baseline": "beginmeting", "followup": "eindmeting"}

# Written from the seed by hand: the printed figures that do not follow from the item scores.
# (moment, institution or None for the "Gem. score alle teams" row, field, printed, computed)
EXPECTED_DISCREPANCIES = {
    # Appendix 2: Mondriaan 2 2 1 2 2 3 1 1 2 2 = 18/10 = 1.8, printed "1,8 aag" (typo for laag).
    ("baseline", "Mondriaan", "level", "aag", "laag"),
    # Appendix 2, averages row: 404 points / 180 item scores = 2.244… → 2.2, printed 2,3.
    ("baseline", None, "total", "2.3", "2.2"),
    # Appendix 3: GGZ inGeest 3 4 1 3 2 4 2 1 3 3 = 26/10 = 2.6, printed 2,8.
    ("followup", "GGZ inGeest", "total", "2.8", "2.6"),
}
WRONG_PER_INSTITUTION = {(m, org, f) for m, org, f, _p, _c in EXPECTED_DISCREPANCIES if org is not None}

SEED_FILE = "003_a8d87148f8c5ac85.txt"
SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def shipped(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(live.data_file(name).decode("utf-8"))))


def as_tuples(discrepancies) -> set[tuple]:
    return {(d.moment, d.organisation, d.field, d.printed, d.computed) for d in discrepancies}


class LoadLiveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = load_live()

    def measurement(self, moment: str, organisation: str) -> Measurement:
        return Measurement.objects.get(
            organisation__name=organisation, measured_on=DATES[moment], origin=Measurement.Origin.EXAMPLE
        )

    def test_loading_creates_the_18_institutions_with_their_sectors(self):
        self.assertEqual(self.report.organisations_created, 18)
        sectors = dict(Organisation.objects.values_list("name", "sector"))
        self.assertEqual(len(sectors), 18)
        self.assertEqual(sectors["RIBW K/AM"], Sector.SHELTERED_HOUSING)
        self.assertEqual(sectors["Brijder"], Sector.ADDICTION)
        self.assertEqual(sectors["HVO Querido"], Sector.SOCIAL_SHELTER)
        self.assertEqual(sectors["Pameijer"], Sector.SOCIAL_DOMAIN)
        self.assertEqual(sectors["Kwintes"], Sector.SHELTERED_HOUSING)
        self.assertEqual(sectors["GGZ NHN"], Sector.MENTAL_HEALTH)

    def test_loading_creates_36_example_measurements_on_the_peildatum_with_the_2012_questionnaire(self):
        self.assertEqual(self.report.measurements_created, 36)
        self.assertEqual(Measurement.objects.count(), 36)
        for moment in DATES:
            measurements = Measurement.objects.filter(measured_on=DATES[moment])
            self.assertEqual(measurements.count(), 18)
            self.assertEqual(set(measurements.values_list("label", flat=True)), {LABELS[moment]})
        self.assertEqual(set(Measurement.objects.values_list("origin", flat=True)), {Measurement.Origin.EXAMPLE})
        self.assertEqual(set(Measurement.objects.values_list("instrument_version__version", flat=True)), {"2012.1"})

    def test_loading_reproduces_every_printed_total_and_level_except_the_ones_the_source_gets_wrong(self):
        reproduced = 0
        for moment, name in live.MOMENTS.items():
            for row in shipped(name):
                org = row["organisation"]
                measurement = self.measurement(moment, org)
                total_ok = measurement.total == Decimal(row["printed_total"])
                level_ok = measurement.level == row["printed_level"]
                self.assertEqual(total_ok, (moment, org, "total") not in WRONG_PER_INSTITUTION, (moment, org))
                self.assertEqual(level_ok, (moment, org, "level") not in WRONG_PER_INSTITUTION, (moment, org))
                reproduced += total_ok + level_ok
        self.assertEqual(reproduced, 2 * 36 - len(WRONG_PER_INSTITUTION))
        self.assertEqual(self.measurement("baseline", "Mondriaan").level, "laag")
        self.assertEqual(self.measurement("followup", "GGZ inGeest").total, Decimal("2.6"))

    def test_the_printed_figures_are_kept_as_printed(self):
        mondriaan = self.measurement("baseline", "Mondriaan")
        self.assertEqual((mondriaan.printed_total, mondriaan.printed_level), (Decimal("1.8"), "aag"))
        ingeest = self.measurement("followup", "GGZ inGeest")
        self.assertEqual((ingeest.printed_total, ingeest.printed_level), (Decimal("2.8"), "midden"))

    def test_the_report_lists_exactly_the_discrepancies_in_the_source(self):
        self.assertEqual(as_tuples(self.report.discrepancies), EXPECTED_DISCREPANCIES)
        self.assertEqual(len(self.report.discrepancies), len(EXPECTED_DISCREPANCIES))

    def test_the_stored_item_scores_equal_the_csv(self):
        for moment, name in live.MOMENTS.items():
            for row in shipped(name):
                measurement = self.measurement(moment, row["organisation"])
                stored = {r.item_id: r.score for r in measurement.responses.all()}
                self.assertEqual(stored, {item: int(row[f"item_{item}"]) for item in ITEMS}, row["organisation"])
                self.assertFalse(measurement.responses.filter(derived=True).exists())

    def test_the_goal_codes_are_stored_for_the_follow_up_only(self):
        for row in shipped("followup.csv"):
            measurement = self.measurement("followup", row["organisation"])
            stored = dict(measurement.responses.values_list("item_id", "goal_code"))
            self.assertEqual(stored, {f"{n}a": row[f"goal_{n}b"] for n in range(1, 11)}, row["organisation"])
        baseline_goals = ItemResponse.objects.filter(measurement__measured_on=DATES["baseline"]).exclude(goal_code="")
        self.assertFalse(baseline_goals.exists())

    def test_running_it_again_does_not_duplicate_anything(self):
        again = load_live()
        self.assertEqual((again.organisations_created, again.organisations_reused), (0, 18))
        self.assertEqual((again.measurements_created, again.measurements_skipped), (0, 36))
        self.assertEqual(Organisation.objects.count(), 18)
        self.assertEqual(Measurement.objects.count(), 36)
        self.assertEqual(ItemResponse.objects.count(), 36 * 10)
        self.assertEqual(as_tuples(again.discrepancies), EXPECTED_DISCREPANCIES)

    def test_a_measurement_of_another_origin_on_the_same_date_does_not_count_as_loaded(self):
        Measurement.objects.filter(organisation__name="Brijder", measured_on=DATES["baseline"]).update(
            origin=Measurement.Origin.FORM
        )
        again = load_live()
        self.assertEqual((again.measurements_created, again.measurements_skipped), (1, 35))


class LoadLiveEmptyDatabaseTests(TestCase):
    def test_a_dry_run_writes_nothing_but_reports_what_it_would_do(self):
        report = load_live(dry_run=True)
        self.assertTrue(report.dry_run)
        self.assertEqual((report.organisations_created, report.measurements_created), (18, 36))
        self.assertEqual(as_tuples(report.discrepancies), EXPECTED_DISCREPANCIES)
        self.assertFalse(Organisation.objects.exists())
        self.assertFalse(Measurement.objects.exists())

    def test_an_existing_organisation_is_reused_by_name_and_keeps_its_details(self):
        Organisation.objects.create(name="Kwintes", sector=Sector.OTHER, clients=2500)
        report = load_live()
        self.assertEqual((report.organisations_created, report.organisations_reused), (17, 1))
        kwintes = Organisation.objects.get(name="Kwintes")
        self.assertEqual((kwintes.sector, kwintes.clients), (Sector.OTHER, 2500))
        self.assertEqual(kwintes.measurements.count(), 2)

    def test_a_failure_halfway_saves_nothing(self):
        real = live.record_measurement
        calls = []

        def failing(**kwargs):
            calls.append(1)
            if len(calls) == 20:
                raise RuntimeError("disk full")
            return real(**kwargs)

        with mock.patch.object(live, "record_measurement", failing), self.assertRaises(RuntimeError):
            load_live()
        self.assertFalse(Organisation.objects.exists())
        self.assertFalse(Measurement.objects.exists())

    def test_the_command_prints_the_counts_and_every_discrepancy_on_its_own_line(self):
        out = io.StringIO()
        call_command("load_live", stdout=out)
        lines = out.getvalue().splitlines()
        self.assertIn("Organisations: 18 created, 0 already present.", lines)
        self.assertIn("Measurements: 36 created, 0 skipped (already present).", lines)
        flagged = [line for line in lines if line.startswith("DISCREPANCY: ")]
        self.assertEqual(len(flagged), 3)
        self.assertIn(
            "DISCREPANCY: baseline (appendix 2), Mondriaan, level: printed 'aag', computed from the item scores 'laag'",
            flagged,
        )

    def test_the_command_with_dry_run_saves_nothing(self):
        out = io.StringIO()
        call_command("load_live", "--dry-run", stdout=out)
        self.assertIn("Dry run: nothing was saved", out.getvalue())
        self.assertEqual(out.getvalue().count("DISCREPANCY: "), 3)
        self.assertFalse(Measurement.objects.exists())


class AveragesRowTests(SimpleTestCase):
    """The printed 'Gem. score alle teams' row against the means of the 18 institutions."""

    def setUp(self):
        self.instrument = load_definition(live.LIVE_INSTRUMENT)

    def test_every_printed_item_mean_follows_from_the_scores_and_only_the_baseline_total_does_not(self):
        found = {d for d in as_tuples(live.check_live(self.instrument)) if d[1] is None}
        self.assertEqual(found, {("baseline", None, "total", "2.3", "2.2")})

    def test_the_overall_mean_is_the_mean_of_all_item_scores_rounded_once(self):
        # Follow-up: 497 points / 180 = 2.761… → 2.8 (rounding the rounded item means again
        # would also give 2.8; the baseline shows the source used neither rule exactly).
        rows = live.scored_rows(self.instrument, "followup")
        printed = live.printed_means()["followup"]
        self.assertEqual(live.mean_discrepancies(self.instrument, "followup", rows, printed), [])
        self.assertEqual(sum(sum(r.result.items.values()) for r in rows), 497)

    def test_a_wrong_item_mean_and_level_in_the_averages_row_are_reported(self):
        rows = live.scored_rows(self.instrument, "baseline")
        printed = live.printed_means()["baseline"]
        wrong = PrintedMeans("baseline", {**printed.items, "3a": Decimal("1.1")}, Decimal("2.2"), "midden")
        self.assertEqual(
            live.mean_discrepancies(self.instrument, "baseline", rows, wrong),
            [
                Discrepancy("baseline", None, "mean_3a", "1.1", "1.2"),
                Discrepancy("baseline", None, "level", "midden", "laag"),
            ],
        )

    def test_the_institutions_file_names_every_institution_of_the_tables(self):
        names = [inst.name for inst in live.institutions()]
        self.assertEqual(names, [row["organisation"] for row in shipped("baseline.csv")])
        self.assertEqual(names, [row["organisation"] for row in shipped("followup.csv")])


# --------------------------------------------------------------------------- the seed itself

SCORE_ROW = re.compile(r"^(?P<org>\S.*?) (?P<items>(?:[1-5] ){9}[1-5]) (?P<total>\d,\d)\s+(?P<level>\S+)\s*$")
GOAL_ROW = re.compile(r"^(?P<org>\S.*?) (?P<codes>(?:[A-D] ){9}[A-D])\s*$")
MEANS_ROW = re.compile(r"^(?P<means>(?:\d,\d\s+){11})(?P<level>\S+)\s*$")
PILOT = re.compile(r"^(?P<full>.*?)(?: \((?P<short>[^)]*)\))?$")


def seed_sections(lines: list[str], heading: str) -> list[list[str]]:
    """Every printed copy of an appendix: from its heading line to the next heading-like line."""
    starts = [i for i, line in enumerate(lines) if line.strip() == heading]
    sections = []
    for start in starts:
        end = start + 1
        while end < len(lines) and not re.match(r"^ ?(Bijlage \d|Pilotinstellingen LIVE|Afkortingenlijst)", lines[end]):
            end += 1
        sections.append(lines[start + 1 : end])
    return sections


def only_copy(sections: list[list[str]], parse) -> list:
    parsed = [parse(section) for section in sections]
    assert parsed and all(p == parsed[0] for p in parsed), "the printed copies of an appendix differ"
    return parsed[0]


def parse_scores(section: list[str]) -> tuple[list[dict[str, str]], dict[str, str]]:
    rows = []
    for line in section:
        match = SCORE_ROW.match(line)
        if match:
            rows.append(
                {
                    "organisation": match["org"],
                    **{f"item_{item}": s for item, s in zip(ITEMS, match["items"].split(), strict=True)},
                    "printed_total": match["total"].replace(",", "."),
                    "printed_level": match["level"],
                }
            )
    means = next(match for match in map(MEANS_ROW.match, section) if match is not None)
    values = [v.replace(",", ".") for v in means["means"].split()]
    averages = {**{f"item_{item}": v for item, v in zip(ITEMS, values[:10], strict=True)}}
    averages.update(total=values[10], level=means["level"])
    return rows, averages


def parse_goals(section: list[str]) -> list[dict[str, str]]:
    rows = []
    for line in section:
        match = GOAL_ROW.match(line)
        if match:
            codes = match["codes"].split()
            rows.append({"organisation": match["org"], **{f"goal_{g}": c for g, c in zip(GOALS, codes, strict=True)}})
    return rows


class SeedTranscriptionTests(SimpleTestCase):
    """Re-read appendices 2–4 and the pilot list straight from the seed and compare with the shipped files."""

    lines: list[str]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        path = SEEDS / SEED_FILE
        if not path.is_file():
            raise unittest.SkipTest(f"seed file {path} is not available (only in the project workspace)")
        cls.lines = path.read_text(encoding="utf-8").splitlines()

    def check_appendix(self, heading: str, moment: str) -> None:
        rows, averages = only_copy(seed_sections(self.lines, heading), parse_scores)
        self.assertEqual(len(rows), 18)
        csv_rows = shipped(live.MOMENTS[moment])
        columns = ["organisation", *(f"item_{i}" for i in ITEMS), "printed_total", "printed_level"]
        self.assertEqual([{c: r[c] for c in columns} for r in csv_rows], rows)
        self.assertEqual({r["measured_on"] for r in csv_rows}, {DATES[moment].isoformat()})
        self.assertEqual({r["label"] for r in csv_rows}, {LABELS[moment]})
        printed = next(r for r in shipped("printed_means.csv") if r["moment"] == moment)
        self.assertEqual({k: v for k, v in printed.items() if k != "moment"}, averages)

    def test_appendix_2_baseline_is_transcribed_cell_by_cell(self):
        self.check_appendix("Bijlage 2 Resultaten beginmeting", "baseline")

    def test_appendix_3_follow_up_is_transcribed_cell_by_cell(self):
        self.check_appendix("Bijlage 3 Resultaten eindmeting", "followup")

    def test_appendix_4_goal_codes_are_transcribed_cell_by_cell(self):
        goals = only_copy(seed_sections(self.lines, "Bijlage 4 Doelen behaald?"), parse_goals)
        self.assertEqual(len(goals), 18)
        columns = ["organisation", *(f"goal_{g}" for g in GOALS)]
        self.assertEqual([{c: r[c] for c in columns} for r in shipped("followup.csv")], goals)

    def test_the_institutions_have_the_full_names_of_the_pilot_list(self):
        (section,) = seed_sections(self.lines, "Pilotinstellingen LIVE")
        pilot = []
        for line in section:
            if line.strip():
                match = PILOT.match(line.strip())
                pilot.append((match["short"] or match["full"], match["full"]))
        self.assertEqual(len(pilot), 18)
        self.assertEqual([(i.name, i.full_name) for i in live.institutions()], pilot)
