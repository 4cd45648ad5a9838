"""The CSV template for importing VIE measurements, and the meaning of each of its columns.

The columns are those of ``edmonitor score vie`` (the same reader serves the web import and
the command line); the page lists what each column means in the user's language, so nobody
needs the README to fill in the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edmonitor.core.downloads import csv_bytes
from edmonitor.instruments.definition import Instrument
from edmonitor.organisations.models import Organisation


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    values: str


def columns(instrument: Instrument) -> list[Column]:
    """Every column a file may have, in the template's order, with its meaning and allowed values."""
    lang = get_language() or "nl"
    codes = ", ".join(f"{g.code} ({g.label.get(lang)})" for g in instrument.goal_codes)
    result = [
        Column("organisation", _("The organisation's name, exactly as in edmonitor, on every row."), _("text")),
        Column("measured_on", _("The date of the measurement."), _("a date written as YYYY-MM-DD, e.g. 2026-03-20")),
        Column("label", _("A name for the measurement (optional)."), _("text")),
    ]
    result += [
        Column(f"item_{item.id}", f"{item.id}. {item.title.get(lang)}", _("a score from 1 to 5, or empty"))
        for item in instrument.items
    ]
    result += [
        Column(f"goal_{item.goal_id}", _("Goal attainment for item %(item)s") % {"item": item.id}, codes)
        for item in instrument.items
        if item.goal_id
    ]
    result += [
        Column(fact.id, fact.label.get(lang), _("a number (decimal comma or point), or empty"))
        for fact in instrument.facts
    ]
    return result


def template_csv(instrument: Instrument, organisation: Organisation, today: dt.date) -> bytes:
    """The header row and one example row to overwrite (the organisation and a date filled in)."""
    names = [c.name for c in columns(instrument)]
    example = {"organisation": organisation.name, "measured_on": today.isoformat(), "label": _("example")}
    return csv_bytes([names, [example.get(name, "") for name in names]])
