"""A recorded measurement as an HL7 FHIR R4 QuestionnaireResponse.

Checked with ``fhir.resources`` 6.2.2 (FHIR R4, 4.0.1) and against
what ``record_measurement`` stored and the definition stored with the version, never against
the module under test.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from edmonitor.instruments.definition import load_definition
from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.measurements.instruments import current_version, store_instrument
from edmonitor.measurements.models import InstrumentVersion, ItemResponse, Measurement
from edmonitor.measurements.services import record_measurement
from edmonitor.testing import BaseTestCase
from edmonitor.testing_fhir import QuestionnaireResponse, parse
from edmonitor.transfer.fhir import questionnaire_response

DERIVED_ITEM = "https://edmonitor.nl/fhir/StructureDefinition/derived-item"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"


class QuestionnaireResponseTests(BaseTestCase):
    version: InstrumentVersion
    measurement: Measurement

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.version = current_version("vie")
        cls.measurement, _result = record_measurement(
            organisation=cls.org_a,
            instrument_version=cls.version,
            measured_on=dt.date(2025, 1, 10),
            label="nameting",
            facility=cls.facility_a,
            user=cls.mia,
            inp=MeasurementInput(
                # 4a, 5a and 9a are left open
                direct={"2a": 4, "6a": 3, "8a": 5, "10a": 1},
                # 3.5 fte per 1,000 fte: 1a is derived as 3 (more than 2 and at most 5 per mille)
                facts={"staff_fte": Decimal("1000"), "ed_fte": Decimal("3.50"), "ed_policy_count": Decimal("2")},
                criteria={"7a": frozenset({"regular_actions", "several_departments"})},
                goals={"1b": "C", "2b": "D"},
            ),
            notes={"2a": "Besproken met Mia Medewerker."},
        )

    def response(self, measurement: Measurement | None = None) -> dict:
        measurement = measurement or self.measurement
        return questionnaire_response(Measurement.objects.with_responses().get(pk=measurement.pk))

    def stored_scores(self, measurement: Measurement) -> dict[str, int]:
        return {r.item_id: r.score for r in ItemResponse.objects.filter(measurement=measurement) if r.score is not None}

    def test_it_validates_as_an_r4_questionnaire_response(self):
        resource = self.response()
        parsed = parse(QuestionnaireResponse, resource)
        self.assertEqual(parsed.id, f"measurement-{self.measurement.pk}")
        self.assertEqual(resource["resourceType"], "QuestionnaireResponse")
        self.assertEqual(resource["status"], "completed")
        self.assertEqual(resource["authored"], "2025-01-10")
        self.assertEqual(resource["language"], "nl")

    def test_it_refers_to_the_questionnaire_by_canonical_url_and_version(self):
        self.assertEqual(
            self.response()["questionnaire"], f"https://edmonitor.nl/fhir/Questionnaire/vie|{self.version.version}"
        )

    def test_a_measurement_of_an_older_version_refers_to_that_version(self):
        older = store_instrument(load_definition("vie-2012.1"))
        measurement, _result = record_measurement(
            organisation=self.org_b,
            instrument_version=older,
            measured_on=dt.date(2012, 6, 1),
            inp=MeasurementInput(direct={"1a": 2}),
        )
        resource = self.response(measurement)
        parse(QuestionnaireResponse, resource)
        self.assertEqual(resource["questionnaire"], "https://edmonitor.nl/fhir/Questionnaire/vie|2012.1")
        self.assertEqual(resource["subject"]["display"], "RIBW Beta")
        self.assertEqual([item["linkId"] for item in resource["item"]], ["1a"])

    def test_it_has_the_stored_scores_and_leaves_out_open_items(self):
        stored = self.stored_scores(self.measurement)
        self.assertEqual(stored["1a"], 3)
        self.assertNotIn("4a", stored)
        items = self.response()["item"]
        answers = {item["linkId"]: item["answer"] for item in items}
        self.assertEqual({k: int(a[0]["valueCoding"]["code"]) for k, a in answers.items()}, stored)
        self.assertTrue(all(len(a) == 1 for a in answers.values()))
        # in the order of the instrument
        order = [item["id"] for item in self.version.definition["items"]]
        self.assertEqual([item["linkId"] for item in items], [i for i in order if i in stored])

    def test_each_answer_is_coded_with_the_anchor_of_its_score(self):
        anchors = {item["id"]: item["anchors"] for item in self.version.definition["items"]}
        for item in self.response()["item"]:
            coding = item["answer"][0]["valueCoding"]
            with self.subTest(item["linkId"]):
                self.assertEqual(coding["system"], "https://edmonitor.nl/fhir/CodeSystem/vie-scale")
                self.assertEqual(coding["display"], anchors[item["linkId"]][coding["code"]]["nl"])
                translation = coding["_display"]["extension"][0]
                self.assertEqual(translation["url"], TRANSLATION)
                self.assertIn(
                    {"url": "content", "valueString": anchors[item["linkId"]][coding["code"]]["en"]},
                    translation["extension"],
                )

    def test_exactly_the_derived_scores_carry_the_derived_item_extension(self):
        derived = {r.item_id for r in ItemResponse.objects.filter(measurement=self.measurement, derived=True)}
        self.assertEqual(derived, {"1a", "3a", "7a"})
        flagged = {
            item["linkId"]: item["extension"]
            for item in self.response()["item"]
            if any(e["url"] == DERIVED_ITEM for e in item.get("extension", []))
        }
        self.assertEqual(set(flagged), derived)
        for extensions in flagged.values():
            self.assertEqual(extensions, [{"url": DERIVED_ITEM, "valueBoolean": True}])

    def test_the_subject_is_the_organisation_by_name_and_no_person_is_named(self):
        resource = self.response()
        self.assertEqual(resource["subject"], {"type": "Organization", "display": "GGZ Alfa"})
        text = json.dumps(resource, ensure_ascii=False)
        for personal in ("mia", "Mia", "Medewerker"):
            self.assertNotIn(personal, text)

    def test_it_needs_no_query_of_its_own_for_a_measurement_read_with_its_responses(self):
        # 1. the measurement with its version, facility and organisation; 2. its item responses
        with self.assertNumQueries(2):
            measurement = (
                Measurement.objects.with_responses().select_related("organisation").get(pk=self.measurement.pk)
            )
        with self.assertNumQueries(0):
            questionnaire_response(measurement)

    def test_the_same_measurement_gives_the_same_resource(self):
        self.assertEqual(json.dumps(self.response()), json.dumps(self.response()))
