"""Every kind of bad input: nothing is stored and each problem is named with its JSON path."""

from __future__ import annotations

import copy
import json
from unittest import mock

from django.db import IntegrityError
from django.utils.translation import override

from edmonitor.measurements.models import InstrumentVersion
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase
from edmonitor.transfer.export import export_organisation
from edmonitor.transfer.importer import import_organisation

from .builders import build_organisation, row_counts

NEW_NAME = "GGZ Alfa (kopie)"


class BadInputTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_organisation(cls)
        cls.valid = export_organisation(Organisation.objects.get(pk=cls.org_a.pk))
        cls.valid["organisation"]["name"] = NEW_NAME  # the original stays: a copy under another name is valid

    def data(self):
        return copy.deepcopy(self.valid)

    def measurement(self, data, label, facility=None):
        return next(
            (i, m) for i, m in enumerate(data["measurements"]) if m["label"] == label and m["facility"] == facility
        )

    def audit(self, data, phase):
        return next((i, a) for i, a in enumerate(data["audits"]) if a["phase"] == phase)

    def amended(self, data):
        return next((i, a) for i, a in enumerate(data["audits"]) if a["amendments"])

    def refused(self, data, *expected: str) -> list[str]:
        """Import must store nothing and report every expected problem (as substrings of one line each)."""
        before = row_counts()
        with override("en"):
            report = import_organisation(data)
        self.assertFalse(report.ok, "the import was accepted")
        self.assertIsNone(report.organisation)
        self.assertEqual(row_counts(), before, "something was stored")
        self.assertFalse(Organisation.objects.filter(name=NEW_NAME).exists())
        for text in expected:
            self.assertTrue(any(text in p for p in report.problems), f"{text!r} not in {report.problems}")
        return report.problems

    # --- the valid copy is accepted (so each refusal below is caused by its one change) ---------

    def test_the_unchanged_copy_is_accepted(self):
        report = import_organisation(self.data())
        self.assertEqual(report.problems, [])
        self.assertEqual(report.organisation.name, NEW_NAME)

    def test_a_dry_run_checks_everything_and_stores_nothing(self):
        before = row_counts()
        report = import_organisation(self.data(), dry_run=True)
        self.assertEqual(report.problems, [])
        self.assertIsNone(report.organisation)
        self.assertEqual(report.counts["measurements"], 5)
        self.assertEqual(row_counts(), before)

    # --- the document as a whole ---------------------------------------------------------------

    def test_something_else_than_an_export(self):
        self.refused([], "(file): an export is a JSON object")
        self.refused({"format": "edmonitor-mie-audit", "format_version": 1}, "format: 'edmonitor-mie-audit' is not")
        self.refused({**self.data(), "format_version": 2}, "format_version: version the number 2 is not supported")
        self.refused({**self.data(), "format_version": "1"}, "format_version:")

    def test_missing_and_unknown_fields_are_named(self):
        data = self.data()
        del data["organisation"]["sector"]
        data["measurements"][1]["sccore"] = 3
        del data["audits"][0]["themes"]["2"]["explanation"]
        self.refused(
            data,
            "organisation.sector: this field is missing",
            "measurements[1].sccore: unknown field",
            "audits[0].themes.2.explanation: this field is missing",
        )

    def test_wrong_types_are_named(self):
        data = self.data()
        data["organisation"]["clients"] = "many"
        data["organisation"]["staff_fte"] = 1000.5  # decimals are strings
        data["facilities"] = {"name": "x"}
        data["measurements"][0]["measured_on"] = "1-5-2011"
        self.refused(
            data,
            "organisation.clients: expected a whole number or null, found the text 'many'",
            "organisation.staff_fte: expected a number written as text",
            "facilities: expected a list",
            "measurements[0].measured_on: '1-5-2011' is not a date",
        )

    def test_an_existing_organisation_name_is_refused(self):
        data = self.data()
        data["organisation"]["name"] = "ggz alfa"
        self.refused(data, "organisation.name: an organisation with this name exists")

    # --- measurements ------------------------------------------------------------------------------

    def test_a_score_off_the_scale_names_measurement_item_and_value(self):
        data = self.data()
        i, m = self.measurement(data, "beginmeting")
        m["items"]["4a"]["score"] = 7
        self.refused(data, f"measurements[{i}].items.4a.score: 7 is outside 1–5")

    def test_unknown_items_goal_codes_facts_and_criteria(self):
        data = self.data()
        i, m = self.measurement(data, "nameting", "Kliniek Oost")
        m["items"]["11a"] = {"score": 3, "derived": False, "goal": None, "note": ""}
        m["items"]["2a"]["goal"] = "E"
        m["facts"]["ed_budget"] = "12"
        m["facts"]["clients"] = "-5"
        m["criteria"]["7a"].append("free_coffee")
        self.refused(
            data,
            f"measurements[{i}].items.11a: vie-2012.2 has no item '11a'",
            f"measurements[{i}].items.2a.goal: 'E' is not one of A, B, C, D",
            f"measurements[{i}].facts.ed_budget: vie-2012.2 has no fact 'ed_budget'",
            f"measurements[{i}].facts.clients: -5 is outside the range of this fact",
            f"measurements[{i}].criteria.7a[3]: 'free_coffee' is not a criterion of item 7a",
        )

    def test_a_derived_score_the_engine_does_not_reproduce_is_refused(self):
        data = self.data()
        i, m = self.measurement(data, "nameting", "Kliniek Oost")
        m["items"]["1a"]["score"] = 4
        m["total"] = "3.2"
        self.refused(
            data,
            f"measurements[{i}].items.1a: the file says 4 (derived from the facts), "
            "the scoring engine gives 3 (derived from the facts)",
            # no level on either side: the measurement scores fewer than ten items (003 §5.2)
            f"measurements[{i}].total: the file says 3.2 (—), the scoring engine gives 3.1 (—)",
        )

    def test_a_direct_score_where_the_facts_derive_one_is_refused(self):
        data = self.data()
        i, m = self.measurement(data, "nameting", "Kliniek Oost")
        m["items"]["3a"]["derived"] = False
        m["items"]["3a"]["score"] = 5
        self.refused(data, f"measurements[{i}].items.3a: Item 3a: the score given (5) disagrees")

    def test_a_total_that_does_not_follow_from_the_items_is_refused(self):
        data = self.data()
        i, m = self.measurement(data, "beginmeting")
        m["total"], m["level"] = "2.5", "midden"
        self.refused(data, f"measurements[{i}].total: the file says 2.5 (midden), the scoring engine gives 1.7 (laag)")

    def test_a_measurement_at_an_unknown_facility_is_refused(self):
        data = self.data()
        data["facilities"] = [f for f in data["facilities"] if f["name"] != "Kliniek Oost"]
        problems = self.refused(data, "measurements[3].facility: there is no facility 'Kliniek Oost'")
        self.assertTrue(any(p.startswith("audits[0].facility") for p in problems), problems)

    # --- the instrument version and its checksum ----------------------------------------------------

    def test_a_measurement_taken_with_a_different_definition_is_refused(self):
        data = self.data()
        data["measurements"][2]["instrument"]["checksum"] = "0" * 64
        self.refused(
            data,
            "measurements[2].instrument.checksum: this was recorded with a different definition of vie 2012.2",
            "it cannot be imported",
        )

    def test_the_checksum_is_compared_with_the_definition_stored_here(self):
        # The same version number, but this database holds another definition under it.
        stored = InstrumentVersion.objects.get(code="mie", version="2026.3")  # the version the audits use
        InstrumentVersion.objects.filter(pk=stored.pk).update(checksum="f" * 64)
        problems = self.refused(self.data(), "audits[0].instrument.checksum: this was recorded with a different")
        self.assertEqual(len([p for p in problems if "checksum" in p]), 4, problems)  # every audit

    def test_an_unknown_instrument_version_or_kind_is_refused(self):
        data = self.data()
        data["measurements"][0]["instrument"]["version"] = "2099.1"
        data["audits"][0]["instrument"] = dict(data["measurements"][1]["instrument"])
        self.refused(
            data,
            "measurements[0].instrument: the instrument version vie 2099.1 is not known in this database",
            "audits[0].instrument: vie 2012.2 is not an audit instrument",
        )

    # --- users and roles -------------------------------------------------------------------------------

    def test_missing_users_are_listed_and_none_are_created(self):
        data = self.data()
        data["roles"].append({"user": "nobody", "full_name": "", "role": "viewer"})
        _i, audit = self.audit(data, "consensus")
        audit["auditors"][1]["user"] = "ghost"
        self.amended(data)[1]["amendments"][0]["author"] = "ghost"
        problems = self.refused(
            data,
            "roles[3].user: there is no user 'nobody' in this database",
            "there is no user 'ghost' in this database (used in 1 more places)",
            "(users): missing user accounts: ghost, nobody. An import creates no users",
        )
        self.assertEqual(len([p for p in problems if "ghost" in p]), 2, problems)

    def test_an_unknown_role_and_a_duplicate_role_are_refused(self):
        data = self.data()
        data["roles"][0]["role"] = "owner"
        data["roles"][1]["user"] = data["roles"][2]["user"]
        self.refused(
            data, "roles[0].role: 'owner' is not one of admin, member, viewer", "roles[2].user: 'mia' has a role twice"
        )

    # --- audits ------------------------------------------------------------------------------------------

    def test_an_audit_needs_exactly_two_different_auditors(self):
        data = self.data()
        i, audit = self.audit(data, "consensus")
        audit["auditors"].append({**audit["auditors"][0], "order": 2})
        self.refused(data, f"audits[{i}].auditors: an audit has exactly two auditors, found 3")
        data = self.data()
        audit = data["audits"][i]
        audit["auditors"][1]["user"] = audit["auditors"][0]["user"]
        self.refused(data, f"audits[{i}].auditors: the two auditors must be two different people")

    def test_ratings_of_a_blind_audit_are_refused(self):
        data = self.data()
        i, audit = self.audit(data, "scoring")
        audit["themes"]["1"]["ratings"] = [{"auditor": 1, "score": 5, "rationale": "x"}]
        self.refused(data, f"audits[{i}].themes.1.ratings: an audit whose auditors have not both submitted")

    def test_one_submission_time_without_the_other_is_refused(self):
        data = self.data()
        i, audit = self.audit(data, "scoring")
        audit["auditors"][0]["submitted_at"] = "2026-03-02T10:00:00.000000Z"
        self.refused(data, f"audits[{i}].auditors: only one auditor has a submission time")

    def test_a_rating_off_the_scale_and_a_missing_rating_are_refused(self):
        data = self.data()
        i, audit = self.audit(data, "consensus")
        audit["themes"]["2"]["ratings"][0]["score"] = 9
        del audit["themes"]["3"]["ratings"][1]
        self.refused(
            data,
            f"audits[{i}].themes.2.ratings[0].score: 9 is outside 1–5",
            f"audits[{i}].themes.3.ratings: auditor 2 has submitted, so this theme needs their score",
        )

    def test_a_consensus_outside_both_scores_needs_a_reason(self):
        data = self.data()
        i, audit = self.amended(data)
        self.assertEqual(audit["themes"]["4"]["consensus"], 5)
        audit["themes"]["4"]["consensus_reason"] = ""
        self.refused(data, f"audits[{i}].themes.4.consensus_reason: the consensus 5 lies outside the two scores (2–3)")

    def test_a_finalised_audit_must_be_complete(self):
        data = self.data()
        audit = data["audits"][0]
        audit["recommendations"] = []
        audit["themes"]["2"]["explanation"] = " "
        audit["conclusion"]["strengths"] = ""
        self.refused(
            data,
            "audits[0].recommendations: a finalised audit has at least one recommendation",
            "audits[0].themes.2.explanation: a finalised audit has an explanation on every theme",
            "audits[0].conclusion: a finalised audit has both parts of the conclusion",
        )

    def test_amendments_belong_to_finalised_audits_only(self):
        data = self.data()
        i, audit = self.audit(data, "consensus")
        audit["amendments"] = copy.deepcopy(self.amended(data)[1]["amendments"])
        self.refused(data, f"audits[{i}].amendments: only a finalised audit has amendments")

    def test_a_phase_that_does_not_follow_from_the_data_is_refused(self):
        data = self.data()
        i, audit = self.audit(data, "consensus")
        audit["phase"] = "finalised"
        audit["ratings_withheld"] = True
        self.refused(
            data,
            f"audits[{i}].phase: the data make this audit 'consensus'",
            f"audits[{i}].ratings_withheld: must be true exactly when",
        )

    def test_a_missing_and_an_unknown_theme_are_refused(self):
        data = self.data()
        themes = data["audits"][1]["themes"]
        themes["6"] = themes.pop("5")
        self.refused(
            data, "audits[1].themes.5: this theme is missing", "audits[1].themes.6: mie-2026.3 has no theme '6'"
        )

    # --- everything at once, and a failure half-way --------------------------------------------------

    def test_every_problem_is_reported_not_only_the_first(self):
        data = self.data()
        data["organisation"]["sector"] = "bakery"
        data["measurements"][1]["items"]["2a"]["score"] = 0
        data["audits"][2]["held_on"] = "2025-02-30"
        problems = self.refused(
            data,
            "organisation.sector: 'bakery' is not one of",
            "measurements[1].items.2a.score: 0 is outside 1–5",
            "audits[2].held_on: '2025-02-30' is not a date",
        )
        self.assertEqual(len(problems), 3, problems)

    def test_a_database_failure_half_way_leaves_nothing(self):
        calls = []

        def fail_on_the_fourth(**kwargs):
            calls.append(kwargs["measured_on"])
            if len(calls) == 4:
                raise IntegrityError("simulated failure")
            return record_measurement(**kwargs)

        before = row_counts()
        with override("en"), mock.patch("edmonitor.transfer.importer.writing.record_measurement", fail_on_the_fourth):
            report = import_organisation(self.data())
        self.assertEqual(len(calls), 4)  # three measurements were written before the failure
        self.assertEqual(
            report.problems, ["(database): the database refused the import, nothing was stored: simulated failure"]
        )
        self.assertEqual(row_counts(), before)
        self.assertFalse(Organisation.objects.filter(name=NEW_NAME).exists())

    def test_the_file_is_not_changed_by_an_import(self):
        data = self.data()
        text = json.dumps(data, sort_keys=True)
        import_organisation(data)
        self.assertEqual(json.dumps(data, sort_keys=True), text)
