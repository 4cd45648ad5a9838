"""Instrument versions as HL7 FHIR R4 ``Questionnaire`` resources (plain dictionaries, JSON-ready).

Each shipped version of the VIE (:class:`~.definition.Instrument`, seed 003 Bijlage 1) and of
the MIE (:class:`~.definition.AuditInstrument`, seed 004 §2.13) becomes one Questionnaire:

- ``url`` is the instrument's canonical URL, ``CANONICAL_BASE`` + code (``…/Questionnaire/vie``);
  ``version`` is the definition's version (``2012.2``), ``id`` its key (``vie-2012.2``), so a
  QuestionnaireResponse refers to ``<url>|<version>`` (:func:`canonical_url`);
- ``status`` ``active``, ``language`` ``nl``, ``name`` the code in capitals (``VIE``), ``title``
  and ``description`` the definition's Dutch texts, ``subjectType`` ``Organization`` (an
  instrument measures an organisation, never a person);
- one top-level ``item`` per VIE item or MIE theme, in the definition's order, whose ``linkId``
  is the id used everywhere else (``1a`` … ``10a``, ``1`` … ``5``), ``prefix`` the same id, ``text``
  the item's or theme's title, ``type`` ``choice``, ``required`` false (a measurement may leave
  an item open), and one ``answerOption`` per scale point: ``valueCoding`` with ``system``
  :func:`scale_system` (``…/CodeSystem/vie-scale``), ``code`` the score as text (``"1"`` …
  ``"5"``) and ``display`` that item's anchor (VIE) or that theme's scale text (MIE). The code
  system only names the scale points; what a point means differs per item, so the display
  is the item's own anchor text;
- the item's explanation (VIE ``question``, MIE theme ``summary``) is one nested ``display``
  item ``<linkId>.help`` marked as help with the standard ``questionnaire-itemControl``
  extension (code ``help``);
- every Dutch text carries its other languages (English) through the standard
  ``translation`` extension on the primitive's element (``_title``, ``_text``, ``_display``);
- a VIE item that can be derived from facts carries the extension ``DERIVED_ITEM_URL``
  (``valueBoolean`` true) and one ``DERIVED_FROM_FACT_URL`` extension per fact its derivation
  reads (:func:`edmonitor.instruments.scoring.derivation_inputs`), a ``valueCoding`` in
  :func:`fact_system` whose code is the fact id (the CSV column) and whose display its label.
  A QuestionnaireResponse marks a score that *was* derived with the same ``DERIVED_ITEM_URL``.

Left out, because FHIR's Questionnaire has no plain place for them or they are not answers
to these items: the VIE's goal-attainment questions and codes (``1b`` … ``10b``, A–D), its
facts as questions of their own, the criteria of item 7a, notes, sub-goals, level bands and
rounding (scoring stays in :mod:`.scoring`); the MIE's guiding questions, general scale
labels, consensus rules, sources and crosswalk.

Output is deterministic: the same definition gives the same dictionary, and :func:`to_json`
the same bytes. Plain Python without Django, like the rest of this package.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .definition import AuditInstrument, Instrument, Text
from .scoring import derivation_inputs

Definition = Instrument | AuditInstrument

FHIR_BASE = "https://edmonitor.nl/fhir/"
CANONICAL_BASE = FHIR_BASE + "Questionnaire/"
CODE_SYSTEM_BASE = FHIR_BASE + "CodeSystem/"
DERIVED_ITEM_URL = FHIR_BASE + "StructureDefinition/derived-item"
DERIVED_FROM_FACT_URL = FHIR_BASE + "StructureDefinition/derived-from-fact"
TRANSLATION_URL = "http://hl7.org/fhir/StructureDefinition/translation"
ITEM_CONTROL_URL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
LANGUAGE = "nl"

# FHIR R4's rule for a resource id (datatypes, "id").
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def canonical_url(code: str, version: str | None = None) -> str:
    """The canonical URL of an instrument (``…/Questionnaire/vie``); with a version, ``<url>|<version>``."""
    url = CANONICAL_BASE + code
    return url if version is None else f"{url}|{version}"


def scale_system(code: str) -> str:
    """The code system of an instrument's scale points (``…/CodeSystem/vie-scale``)."""
    return f"{CODE_SYSTEM_BASE}{code}-scale"


def fact_system(code: str) -> str:
    """The code system of an instrument's facts, coded by fact id (``…/CodeSystem/vie-fact``)."""
    return f"{CODE_SYSTEM_BASE}{code}-fact"


def _translations(text: Text) -> dict[str, Any] | None:
    """The ``translation`` extensions of a text's non-Dutch versions, as the primitive's ``_x`` element."""
    extensions = [
        {
            "url": TRANSLATION_URL,
            "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": value}],
        }
        for lang, value in sorted(text.values)
        if lang != LANGUAGE and value
    ]
    return {"extension": extensions} if extensions else None


def _text(name: str, text: Text) -> dict[str, Any]:
    """``{name: Dutch text, _name: its translations}`` (the second only when there are any)."""
    element: dict[str, Any] = {name: text.get(LANGUAGE)}
    translations = _translations(text)
    if translations is not None:
        element[f"_{name}"] = translations
    return element


def _coding(system: str, code: str, display: Text) -> dict[str, Any]:
    return {"system": system, "code": code, **_text("display", display)}


def _anchors(definition: Definition, item_id: str) -> dict[int, Text]:
    if isinstance(definition, AuditInstrument):
        return definition.theme(item_id).scale
    return definition.item(item_id).anchors


def answer_coding(definition: Definition, item_id: str, score: int) -> dict[str, Any]:
    """The ``Coding`` of a score on an item: the answer option of the Questionnaire and the response's answer.

    KeyError for an item or score the definition does not have.
    """
    return _coding(scale_system(definition.code), str(score), _anchors(definition, item_id)[score])


def derived_item_extension() -> dict[str, Any]:
    """The mark of an item whose score can be (Questionnaire) or was (QuestionnaireResponse) derived from facts."""
    return {"url": DERIVED_ITEM_URL, "valueBoolean": True}


def _help(link_id: str, text: Text) -> dict[str, Any]:
    return {
        "extension": [
            {
                "url": ITEM_CONTROL_URL,
                "valueCodeableConcept": {
                    "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]
                },
            }
        ],
        "linkId": f"{link_id}.help",
        **_text("text", text),
        "type": "display",
    }


def _item(definition: Definition, item_id: str, title: Text, help_text: Text) -> dict[str, Any]:
    anchors = _anchors(definition, item_id)
    return {
        "linkId": item_id,
        "prefix": item_id,
        **_text("text", title),
        "type": "choice",
        "required": False,
        "answerOption": [{"valueCoding": answer_coding(definition, item_id, score)} for score in sorted(anchors)],
        "item": [_help(item_id, help_text)],
    }


def _vie_items(definition: Instrument) -> list[dict[str, Any]]:
    items = []
    for item in definition.items:
        entry = _item(definition, item.id, item.title, item.question)
        if item.derivation is not None:
            facts = [
                {
                    "url": DERIVED_FROM_FACT_URL,
                    "valueCoding": _coding(fact_system(definition.code), fact_id, definition.fact(fact_id).label),
                }
                for fact_id in derivation_inputs(definition, item)
            ]
            entry = {"extension": [derived_item_extension(), *facts], **entry}
        items.append(entry)
    return items


def _mie_items(definition: AuditInstrument) -> list[dict[str, Any]]:
    return [_item(definition, theme.id, theme.title, theme.summary) for theme in definition.themes]


def questionnaire(definition: Definition) -> dict[str, Any]:
    """One instrument version (VIE or MIE) as a FHIR R4 Questionnaire (see the module docstring)."""
    if not _FHIR_ID.fullmatch(definition.key):
        raise ValueError(f"{definition.key!r} is not a valid FHIR id")
    items = _mie_items(definition) if isinstance(definition, AuditInstrument) else _vie_items(definition)
    return {
        "resourceType": "Questionnaire",
        "id": definition.key,
        "language": LANGUAGE,
        "url": canonical_url(definition.code),
        "version": definition.version,
        "name": definition.code.upper(),
        **_text("title", definition.name),
        "status": "active",
        "subjectType": ["Organization"],
        **_text("description", definition.description),
        "item": items,
    }


def to_json(resource: dict[str, Any]) -> str:
    """A resource as JSON text: UTF-8 characters as they are, keys in the order built, two-space indent."""
    return json.dumps(resource, ensure_ascii=False, sort_keys=False, indent=2)
