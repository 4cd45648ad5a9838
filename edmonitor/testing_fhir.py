"""FHIR R4 for the tests: the resources edmonitor writes are read back by ``fhir.resources`` 6.2.2.

That release's models are FHIR R4 itself (4.0.1; later releases moved to R4B and R5), written for
pydantic 1; ``parse`` raises pydantic's ``ValidationError`` when a resource is not valid R4.
"""

from __future__ import annotations

from typing import Any, TypeVar

import fhir.resources
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

__all__ = ["Questionnaire", "QuestionnaireResponse", "ValidationError", "parse"]

assert fhir.resources.__fhir_version__ == "4.0.1", fhir.resources.__fhir_version__

R = TypeVar("R")


def parse(model: type[R], resource: dict[str, Any]) -> R:
    """The resource as the R4 model ``model`` (e.g. ``Questionnaire``); ValidationError when it is not valid."""
    return model.parse_obj(resource)  # type: ignore[attr-defined]
