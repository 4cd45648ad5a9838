"""What the improvement services share: the refusal, and the checks of a facility and of an item link."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from edmonitor.improvement.items import InstrumentCode, item_ids
from edmonitor.organisations.models import Facility, Organisation


class ImprovementRefused(Exception):
    """The change is not valid; ``problems`` are (field or None, message in the user's language)."""

    def __init__(self, problems: Sequence[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(message for _field, message in problems))
        self.problems = list(problems)

    @property
    def messages(self) -> list[str]:
        return [message for _field, message in self.problems]


def _refuse_if(problems: list[tuple[str | None, str]]) -> None:
    if problems:
        raise ImprovementRefused(problems)


def _check_facility(organisation: Organisation, facility: Facility | None, problems: list) -> None:
    if facility is not None and facility.organisation_id != organisation.pk:
        problems.append(("facility", _("This facility belongs to another organisation.")))


def _check_item(instrument: str, item: str, problems: list, *, required: bool) -> None:
    if not instrument and not item:
        if required:
            problems.append(("item", _("Choose the item or theme.")))
        return
    if instrument not in InstrumentCode.values or item not in item_ids(instrument):
        problems.append(("item", _("Choose an item of the VIE or a theme of the MIE.")))
