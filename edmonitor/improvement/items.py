"""The VIE items and MIE themes a goal, action or session outcome can point at, with their titles.

Titles come from the newest shipped definition of each instrument (the same files the
measurement and audit pages use), so a link reads "2a. Variety of workplaces" in the
user's language.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from edmonitor.instruments.definition import Text, latest_audit_version, latest_version


class InstrumentCode(models.TextChoices):
    VIE = "vie", _("VIE item")
    MIE = "mie", _("MIE theme")


@cache
def _titles(instrument: str) -> dict[str, Text]:
    if instrument == InstrumentCode.VIE:
        return {item.id: item.title for item in latest_version("vie").items}
    if instrument == InstrumentCode.MIE:
        return {theme.id: theme.title for theme in latest_audit_version("mie").themes}
    return {}


def item_ids(instrument: str) -> tuple[str, ...]:
    """The item ids (VIE: 1a…10a) or theme ids (MIE: 1…5), in the instrument's order."""
    return tuple(_titles(instrument))


def item_title(instrument: str, item: str) -> str:
    text = _titles(instrument).get(item)
    return text.get(get_language()) if text is not None else ""


def item_label(instrument: str, item: str) -> str:
    """'VIE 2a. Variety of …' or 'MIE theme 3. Equipping …'; empty when nothing is linked."""
    if not instrument or not item:
        return ""
    title = item_title(instrument, item)
    if instrument == InstrumentCode.MIE:
        return gettext("MIE theme %(id)s. %(title)s") % {"id": item, "title": title}
    return gettext("VIE %(id)s. %(title)s") % {"id": item, "title": title}


def item_choices(instrument: str | None = None) -> list[tuple[Any, Any]]:
    """Choices for one instrument (value: the item id), or grouped for both (value: 'vie:2a')."""
    if instrument is not None:
        return [(item, f"{item}. {item_title(instrument, item)}") for item in item_ids(instrument)]
    return [
        (code.label, [(f"{code.value}:{item}", item_label(code.value, item)) for item in item_ids(code.value)])
        for code in InstrumentCode
    ]
