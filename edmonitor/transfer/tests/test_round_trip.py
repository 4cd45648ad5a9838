"""Export → import into a database without the organisation → export again gives the same bytes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils.translation import override

from edmonitor.audits import trail
from edmonitor.audits.models import Amendment, Audit, Rating
from edmonitor.audits.tests.factories import finalised
from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase, make_measurement
from edmonitor.transfer.export import export_json, export_organisation
from edmonitor.transfer.importer import import_organisation

from .builders import CONSENSUS, A, B, build_organisation, delete_organisation

pytestmark = pytest.mark.both_databases  # export and import byte for byte: ordering and types per database


class RoundTripTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_organisation(cls)

    def export_fresh(self, organisation: Organisation) -> str:
        return export_json(Organisation.objects.get(pk=organisation.pk))

    def test_export_delete_import_export_gives_byte_identical_json(self):
        first = self.export_fresh(self.org_a)
        old_pk = self.org_a.pk
        delete_organisation(self.org_a)
        self.assertFalse(Measurement.objects.filter(organisation_id=old_pk).exists())
        self.assertFalse(Audit.objects.filter(organisation_id=old_pk).exists())

        report = import_organisation(json.loads(first))

        self.assertEqual(report.problems, [])
        self.assertNotEqual(report.organisation.pk, old_pk)
        second = self.export_fresh(report.organisation)
        self.assertEqual(second, first)
        self.assertEqual(report.counts, {"facilities": 2, "roles": 3, "measurements": 5, "audits": 4, "amendments": 1})

    def test_the_export_does_not_depend_on_the_order_in_which_rows_were_created(self):
        first = self.export_fresh(self.org_a)
        data = json.loads(first)
        for key in ("facilities", "roles", "measurements", "audits"):
            data[key].reverse()  # the import creates rows in file order: now in the opposite order
        for audit in data["audits"]:
            audit["recommendations"].reverse()
            audit["auditors"].reverse()
        delete_organisation(self.org_a)
        report = import_organisation(data)
        self.assertEqual(report.problems, [])
        self.assertEqual(self.export_fresh(report.organisation), first)

    def test_the_export_holds_every_kind_of_data_the_organisation_has(self):
        data = export_organisation(self.org_a)
        self.assertEqual(data["format"], "edmonitor-organisation")
        self.assertEqual(data["format_version"], 1)
        self.assertEqual(data["organisation"]["staff_fte"], "1000.00")
        self.assertEqual([f["name"] for f in data["facilities"]], ["Ambulant Team Zuid – één", "Kliniek Oost"])
        self.assertEqual(
            [(r["user"], r["full_name"], r["role"]) for r in data["roles"]],
            [("alice", "", "admin"), ("lex", "", "viewer"), ("mia", "Mia Medewerker", "member")],
        )
        # measurements by date, then by content (the two of 2024-06-01 differ in facility and score)
        self.assertEqual(
            [(m["measured_on"], m["facility"]) for m in data["measurements"]],
            [
                ("2011-05-01", None),
                ("2024-01-10", None),
                ("2024-06-01", "Ambulant Team Zuid – één"),
                ("2024-06-01", "Kliniek Oost"),
                ("2025-01-10", "Kliniek Oost"),
            ],
        )
        follow_up = data["measurements"][4]
        self.assertEqual(follow_up["instrument"]["code"], "vie")
        self.assertEqual(len(follow_up["instrument"]["checksum"]), 64)
        self.assertEqual(
            follow_up["items"]["1a"],
            {"score": 3, "derived": True, "goal": "C", "note": follow_up["items"]["1a"]["note"]},
        )
        self.assertEqual(follow_up["items"]["2a"], {"score": 4, "derived": False, "goal": "D", "note": ""})
        self.assertEqual(
            follow_up["criteria"], {"7a": ["regular_actions", "several_departments", "structural_attention"]}
        )
        self.assertEqual(follow_up["facts"]["ed_fte"], "3.50")
        self.assertEqual(
            (follow_up["total"], follow_up["level"], follow_up["printed_total"], follow_up["printed_level"]),
            ("3.1", None, "3.0", "midden"),  # printed values kept as given; fewer than ten items: no level
        )
        self.assertEqual(follow_up["created_by"], "mia")
        self.assertRegex(follow_up["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
        self.assertEqual(data["measurements"][0]["origin"], "example")

        audits = data["audits"]
        self.assertEqual([(a["held_on"], a["phase"]) for a in audits], [
            ("2025-03-01", "finalised"), ("2025-03-01", "finalised"), ("2025-09-15", "consensus"),
            ("2026-03-02", "scoring"),
        ])  # fmt: skip
        amended = next(a for a in audits if a["amendments"])
        self.assertEqual(amended["facility"], None)
        self.assertEqual(
            [(x["order"], x["user"], x["full_name"], x["position"]) for x in amended["auditors"]],
            [(1, "mia", "Mia Medewerker", "internal"), (2, "eva", "Eva Extern", "external")],
        )
        theme4 = amended["themes"]["4"]
        self.assertEqual((theme4["consensus"], bool(theme4["consensus_reason"])), (5, True))
        self.assertEqual(
            theme4["ratings"],
            [
                {"auditor": 1, "score": 2, "rationale": "because 4"},
                {"auditor": 2, "score": 3, "rationale": "because 4"},
            ],
        )
        self.assertEqual([r["order"] for r in amended["recommendations"]], [0, 1])
        self.assertEqual(amended["finalised_by"], "eva")  # the second auditor to confirm the report
        (amendment,) = amended["amendments"]
        self.assertEqual((amendment["author"], amendment["reason"]), ("eva", "Aanvulling na het terugkoppelgesprek"))
        self.assertIn({"field": "consensus:4", "old": "2", "new": "5"}, amendment["changes"])

    def test_blind_ratings_and_submission_times_never_leave_the_database(self):
        text = export_json(self.org_a)
        self.assertNotIn("GEHEIM-MIA", text)
        self.assertNotIn("GEHEIM-EVA", text)
        scoring = next(a for a in json.loads(text)["audits"] if a["phase"] == "scoring")
        self.assertTrue(scoring["ratings_withheld"])
        self.assertEqual([a["submitted_at"] for a in scoring["auditors"]], [None, None])
        self.assertEqual({t: v["ratings"] for t, v in scoring["themes"].items()}, {t: [] for t in "12345"})
        self.assertEqual(scoring["themes"]["1"]["notes"], "Gesprek met de cliëntenraad.")  # shared notes are not blind
        consensus = next(a for a in json.loads(text)["audits"] if a["phase"] == "consensus")
        self.assertFalse(consensus["ratings_withheld"])
        self.assertEqual(len(consensus["themes"]["2"]["ratings"]), 2)

    def test_no_password_or_hash_is_exported(self):
        text = export_json(self.org_a)
        self.assertNotIn("password", text)
        self.assertNotIn("argon2", text)
        self.assertNotIn(self.alice.password, text)

    def test_the_imported_audits_keep_their_state_and_start_a_new_trail(self):
        data = json.loads(export_json(self.org_a))
        delete_organisation(self.org_a)
        organisation = import_organisation(data).organisation
        audits = {a.held_on.isoformat() + (a.facility.name if a.facility else ""): a for a in organisation.audits.all()}
        self.assertEqual(audits["2025-03-01"].phase, "finalised")
        self.assertEqual(audits["2025-03-01"].finalised_by, self.eva)  # who confirmed second
        self.assertEqual(audits["2025-09-15"].phase, "consensus")
        self.assertEqual(audits["2026-03-02"].phase, "scoring")  # re-imported without the blind scores
        self.assertFalse(Rating.objects.filter(auditor__audit=audits["2026-03-02"]).exists())
        self.assertEqual(Amendment.objects.get(audit__organisation=organisation).author, self.eva)
        with override("en"):
            entries = trail.trail_entries(audits["2025-03-01"], self.alice)
        self.assertTrue(entries)
        self.assertEqual({e.user for e in entries}, {"system"})  # the old trail does not travel
        self.assertFalse(any(e.amendment for e in entries))

    def test_an_organisation_without_anything_round_trips_too(self):
        empty = Organisation.objects.create(name="Leeg")
        first = export_json(empty)
        empty.delete()
        report = import_organisation(json.loads(first))
        self.assertEqual(report.problems, [])
        self.assertEqual(self.export_fresh(report.organisation), first)
        data = json.loads(first)
        self.assertEqual(
            (data["facilities"], data["roles"], data["measurements"], data["audits"], data["organisation"]["clients"]),
            ([], [], [], [], None),
        )


class ExportQueryTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_organisation(cls)

    def test_the_export_reads_a_fixed_number_of_queries_whatever_the_amount_of_data(self):
        organisation = Organisation.objects.get(pk=self.org_a.pk)
        # memberships with users · measurements with version, facility, creator · their responses ·
        # audits with version, facility, finaliser, planner · auditors with users · their ratings ·
        # theme records · recommendations · amendments with authors · facilities
        with self.assertNumQueries(10):
            export_organisation(organisation)
        make_measurement(organisation, {"2a": 3}, label="nog een")
        finalised(organisation, self.mia, self.eva, A, B, CONSENSUS, on=dt.date(2027, 1, 1))
        with self.assertNumQueries(10):
            data = export_organisation(organisation)
        self.assertEqual((len(data["measurements"]), len(data["audits"])), (6, 5))
