"""Every shipped instrument version as an HL7 FHIR R4 Questionnaire, checked against the definition files.

The expected values are read straight from the JSON files in ``definitions/`` (and the item ids
listed from DOMAIN.md), never from the parsed definitions or from the module under test; the
structure is checked by ``fhir.resources`` 6.2.2, whose models are FHIR R4 (4.0.1).
"""

from __future__ import annotations

import copy
import json
import re
import unittest
from pathlib import Path
from typing import Any

from edmonitor.instruments.definition import load_any, parse_any
from edmonitor.instruments.fhir import canonical_url, questionnaire, to_json
from edmonitor.testing_fhir import Questionnaire, ValidationError, parse

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
DERIVED_ITEM = "https://edmonitor.nl/fhir/StructureDefinition/derived-item"
DERIVED_FROM_FACT = "https://edmonitor.nl/fhir/StructureDefinition/derived-from-fact"

# DOMAIN.md, "The VIE questionnaire" and "The MIE audit".
VIE_ITEMS = ["1a", "2a", "3a", "4a", "5a", "6a", "7a", "8a", "9a", "10a"]
MIE_THEMES = ["1", "2", "3", "4", "5"]


def definition_files() -> dict[str, dict[str, Any]]:
    """Every version file (``vie-2012.1.json`` …, not ``vie.about.json``), decoded, by file stem."""
    files = sorted(p for p in DEFINITIONS.glob("*.json") if re.fullmatch(r"[a-z]+-[0-9.]+\.json", p.name))
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in files}


def english(element: dict[str, Any] | None) -> str | None:
    """The English content of a primitive's ``_x`` element with translation extensions."""
    for extension in (element or {}).get("extension", []):
        if extension["url"] == TRANSLATION:
            parts = {e["url"]: e for e in extension["extension"]}
            if parts["lang"]["valueCode"] == "en":
                return str(parts["content"]["valueString"])
    return None


def extension_urls(item: dict[str, Any]) -> list[str]:
    return [e["url"] for e in item.get("extension", [])]


class QuestionnaireTests(unittest.TestCase):
    files = definition_files()

    def test_every_shipped_version_is_there(self):
        self.assertEqual(sorted(self.files), ["mie-2026.1", "mie-2026.2", "mie-2026.3", "vie-2012.1", "vie-2012.2"])

    def test_every_version_validates_as_an_r4_questionnaire(self):
        for key in self.files:
            with self.subTest(key):
                resource = questionnaire(load_any(key))
                parsed = parse(Questionnaire, resource)
                self.assertEqual(parsed.id, key)
                self.assertEqual(len(parsed.item or []), len(resource["item"]))

    def test_the_validator_refuses_a_broken_questionnaire(self):
        # The check above means something: a missing status, an item without its type (both required
        # in R4) and an element R4 does not have are refused.
        resource = questionnaire(load_any("vie-2012.2"))
        without_status = {k: v for k, v in resource.items() if k != "status"}
        with self.assertRaises(ValidationError):
            parse(Questionnaire, without_status)
        untyped = copy.deepcopy(resource)
        del untyped["item"][0]["type"]
        with self.assertRaises(ValidationError):
            parse(Questionnaire, untyped)
        unknown = copy.deepcopy(resource)
        unknown["item"][0]["answerOption"][0]["valueCoding"]["colour"] = "rood"
        with self.assertRaises(ValidationError):
            parse(Questionnaire, unknown)

    def test_it_names_the_version_by_canonical_url_and_version(self):
        for key, raw in self.files.items():
            with self.subTest(key):
                resource = questionnaire(load_any(key))
                self.assertEqual(resource["resourceType"], "Questionnaire")
                self.assertEqual(resource["id"], key)
                self.assertEqual(resource["url"], f"https://edmonitor.nl/fhir/Questionnaire/{raw['code']}")
                self.assertEqual(resource["version"], raw["version"])
                self.assertEqual(resource["status"], "active")
                self.assertEqual(resource["language"], "nl")
                self.assertEqual(resource["name"], raw["code"].upper())
                self.assertEqual(resource["title"], raw["name"]["nl"])
                self.assertEqual(english(resource["_title"]), raw["name"]["en"])
                self.assertEqual(resource["subjectType"], ["Organization"])

    def test_canonical_url_with_a_version_is_the_reference_of_a_response(self):
        self.assertEqual(canonical_url("vie"), "https://edmonitor.nl/fhir/Questionnaire/vie")
        self.assertEqual(canonical_url("mie", "2026.3"), "https://edmonitor.nl/fhir/Questionnaire/mie|2026.3")

    def test_link_ids_are_the_item_ids_of_the_definition(self):
        for key, raw in self.files.items():
            with self.subTest(key):
                link_ids = [item["linkId"] for item in questionnaire(load_any(key))["item"]]
                if raw["code"] == "vie":
                    self.assertEqual(link_ids, VIE_ITEMS)
                    self.assertEqual(link_ids, [item["id"] for item in raw["items"]])
                else:
                    self.assertEqual(link_ids, MIE_THEMES)
                    self.assertEqual(link_ids, [theme["id"] for theme in raw["themes"]])

    def test_each_item_has_five_options_with_the_anchor_texts_in_dutch_and_english(self):
        for key, raw in self.files.items():
            entries = raw["items"] if raw["code"] == "vie" else raw["themes"]
            anchors_key = "anchors" if raw["code"] == "vie" else "scale"
            for item, entry in zip(questionnaire(load_any(key))["item"], entries, strict=True):
                with self.subTest(key=key, item=entry["id"]):
                    self.assertEqual(item["type"], "choice")
                    self.assertIs(item["required"], False)
                    self.assertEqual(item["text"], entry["title"]["nl"])
                    self.assertEqual(english(item.get("_text")), entry["title"]["en"])
                    codings = [option["valueCoding"] for option in item["answerOption"]]
                    self.assertEqual([c["code"] for c in codings], ["1", "2", "3", "4", "5"])
                    self.assertEqual(
                        {c["system"] for c in codings}, {f"https://edmonitor.nl/fhir/CodeSystem/{raw['code']}-scale"}
                    )
                    anchors = entry[anchors_key]
                    self.assertEqual([c["display"] for c in codings], [anchors[str(p)]["nl"] for p in range(1, 6)])
                    self.assertEqual(
                        [english(c.get("_display")) for c in codings], [anchors[str(p)]["en"] for p in range(1, 6)]
                    )

    def test_each_item_explains_itself_in_a_help_item(self):
        for key, raw in self.files.items():
            entries = raw["items"] if raw["code"] == "vie" else raw["themes"]
            explanation = "question" if raw["code"] == "vie" else "summary"
            for item, entry in zip(questionnaire(load_any(key))["item"], entries, strict=True):
                with self.subTest(key=key, item=entry["id"]):
                    [help_item] = item["item"]
                    self.assertEqual(help_item["linkId"], f"{entry['id']}.help")
                    self.assertEqual(help_item["type"], "display")
                    self.assertEqual(help_item["text"], entry[explanation]["nl"])
                    self.assertEqual(english(help_item.get("_text")), entry[explanation]["en"])
                    control = help_item["extension"][0]["valueCodeableConcept"]["coding"][0]
                    self.assertEqual(control["code"], "help")

    def test_exactly_the_items_with_a_derivation_are_flagged_as_derived(self):
        for key, raw in self.files.items():
            with self.subTest(key):
                items = questionnaire(load_any(key))["item"]
                flagged = [item["linkId"] for item in items if DERIVED_ITEM in extension_urls(item)]
                if raw["code"] == "vie":
                    expected = [entry["id"] for entry in raw["items"] if entry.get("derivation")]
                    self.assertEqual(flagged, ["1a", "3a", "4a", "5a", "7a"])
                else:
                    expected = []
                self.assertEqual(flagged, expected)
                for item in items:
                    for extension in item.get("extension", []):
                        if extension["url"] == DERIVED_ITEM:
                            self.assertEqual(extension, {"url": DERIVED_ITEM, "valueBoolean": True})

    def test_a_derived_item_names_the_facts_it_is_derived_from(self):
        for key, raw in self.files.items():
            if raw["code"] != "vie":
                continue
            facts = {fact["id"]: fact for fact in raw["facts"]}
            entries = {entry["id"]: entry for entry in raw["items"]}
            for item in questionnaire(load_any(key))["item"]:
                derivation = entries[item["linkId"]].get("derivation")
                with self.subTest(key=key, item=item["linkId"]):
                    codings = [e["valueCoding"] for e in item.get("extension", []) if e["url"] == DERIVED_FROM_FACT]
                    if derivation is None:
                        self.assertEqual(codings, [])
                        continue
                    codes = [c["code"] for c in codings]
                    self.assertEqual(len(codes), len(set(codes)))
                    # at least the facts whose presence triggers the derivation, all of them known facts
                    self.assertTrue(set(derivation["facts"]) <= set(codes), codes)
                    self.assertTrue(set(codes) <= set(facts), codes)
                    for coding in codings:
                        self.assertEqual(coding["system"], "https://edmonitor.nl/fhir/CodeSystem/vie-fact")
                        self.assertEqual(coding["display"], facts[coding["code"]]["label"]["nl"])
                        self.assertEqual(english(coding.get("_display")), facts[coding["code"]]["label"]["en"])
            # the size class decides items 4a and 5a, the staff size item 1a
            items = {item["linkId"]: item for item in questionnaire(load_any(key))["item"]}
            self.assertIn("clients", [e.get("valueCoding", {}).get("code") for e in items["4a"]["extension"]])
            self.assertIn("staff_fte", [e.get("valueCoding", {}).get("code") for e in items["1a"]["extension"]])

    def test_the_output_is_the_same_bytes_every_time(self):
        for key, raw in self.files.items():
            with self.subTest(key):
                first = to_json(questionnaire(load_any(key)))
                self.assertEqual(to_json(questionnaire(parse_any(copy.deepcopy(raw)))), first)
                self.assertEqual(json.loads(first), questionnaire(load_any(key)))

    def test_json_keeps_characters_as_they_are_and_the_order_built(self):
        text = to_json(questionnaire(load_any("vie-2012.2")))
        self.assertIn("‰", text)
        self.assertNotIn("\\u", text)
        self.assertTrue(text.startswith('{\n  "resourceType": "Questionnaire",\n  "id": "vie-2012.2",'))
