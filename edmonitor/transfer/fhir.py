"""A measurement as an HL7 FHIR R4 ``QuestionnaireResponse`` (a plain dictionary, JSON-ready).

The response answers the ``Questionnaire`` that :mod:`edmonitor.instruments.fhir` makes of the
measurement's instrument version, and refers to it by canonical URL and version
(``https://edmonitor.nl/fhir/Questionnaire/vie|2012.2``). It is built from the definition stored
with the measurement (:attr:`Measurement.instrument`), the one it was scored with:

- ``id`` ``measurement-<pk>``, ``status`` ``completed``, ``language`` ``nl``, ``authored`` the
  date of the measurement (a FHIR dateTime may be a date), ``subject`` the organisation by name
  only (``{"type": "Organization", "display": …}``): no person and no personal data;
- one ``item`` per scored item, in the definition's order, whose only answer is the same
  ``Coding`` as the Questionnaire's answer option for that score (code ``"1"`` … ``"5"``, the
  anchor as display with its English translation); an item whose score was derived from facts
  carries the Questionnaire's ``derived-item`` extension. Items without a score are left out.

Left out, as they are in the Questionnaire: goal codes, facts, the criteria of item 7a,
notes (free text that may name people), the facility, label, total and level. Scores are
never recomputed here: the response shows what :func:`record_measurement` stored.
"""

from __future__ import annotations

from typing import Any

from edmonitor.instruments.fhir import LANGUAGE, answer_coding, canonical_url, derived_item_extension
from edmonitor.measurements.models import Measurement

#: A measurement's QuestionnaireResponse id is this and its primary key (the API finds it by that).
RESPONSE_ID_PREFIX = "measurement-"


def questionnaire_response(measurement: Measurement) -> dict[str, Any]:
    """One measurement as a FHIR R4 QuestionnaireResponse (see the module docstring).

    Reads the answers through ``measurement.responses.all()``: a measurement from
    ``Measurement.objects.with_responses()`` needs no query for them.
    """
    instrument = measurement.instrument
    responses = {r.item_id: r for r in measurement.responses.all()}
    items = []
    for item in instrument.items:
        response = responses.get(item.id)
        if response is None or response.score is None:
            continue
        entry: dict[str, Any] = {
            "linkId": item.id,
            "answer": [{"valueCoding": answer_coding(instrument, item.id, response.score)}],
        }
        if response.derived:
            entry = {"extension": [derived_item_extension()], **entry}
        items.append(entry)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"{RESPONSE_ID_PREFIX}{measurement.pk}",
        "language": LANGUAGE,
        "questionnaire": canonical_url(instrument.code, instrument.version),
        "status": "completed",
        "subject": {"type": "Organization", "display": measurement.organisation.name},
        "authored": measurement.measured_on.isoformat(),
        "item": items,
    }
