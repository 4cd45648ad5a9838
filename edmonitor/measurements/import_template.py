"""The template for importing VIE measurements (CSV and Excel), and the meaning of each of its columns.

The columns are those of ``edmonitor score vie`` (the same reader serves the web import and
the command line), under their Dutch names (:func:`edmonitor.instruments.csvio.dutch_column`);
the English names are accepted too. The page lists what each column means in the user's
language, so nobody needs the README to fill in the file.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edmonitor.core.downloads import csv_bytes, csv_cell
from edmonitor.instruments.csvio import dutch_column
from edmonitor.instruments.definition import Instrument
from edmonitor.organisations.models import Organisation


@dataclass(frozen=True)
class Column:
    english: str  # the name of the command line (and the code)
    meaning: str
    values: str

    @property
    def name(self) -> str:
        """The name in the template (Dutch)."""
        return dutch_column(self.english)


def columns(instrument: Instrument) -> list[Column]:
    """Every column a file may have, in the template's order, with its meaning and allowed values."""
    lang = get_language() or "nl"
    codes = ", ".join(f"{g.code} ({g.label.get(lang)})" for g in instrument.goal_codes)
    result = [
        Column("organisation", _("The organisation's name, exactly as in edmonitor, on every row."), _("text")),
        Column(
            "measured_on",
            _("The date of the measurement."),
            _("a date written as DD-MM-YYYY (20-03-2026) or YYYY-MM-DD (2026-03-20)"),
        ),
        Column("label", _("A name for the measurement (optional)."), _("text")),
        Column(
            "facility",
            _("The facility, by its name in edmonitor. Leave it empty for the whole organisation."),
            _("text, or empty"),
        ),
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


def _example(organisation: Organisation, today: dt.date) -> dict[str, object]:
    return {"organisation": organisation.name, "measured_on": today, "label": _("example")}


def template_csv(instrument: Instrument, organisation: Organisation, today: dt.date) -> bytes:
    """The header row and one example row to overwrite (the organisation and a Dutch date filled in)."""
    cols = columns(instrument)
    example = _example(organisation, today) | {"measured_on": today.strftime("%d-%m-%Y")}
    return csv_bytes([[c.name for c in cols], [example.get(c.english, "") for c in cols]])


def template_xlsx(instrument: Instrument, organisation: Organisation, today: dt.date) -> bytes:
    """An Excel workbook: a sheet to fill in (header, one example row with a real date cell), a sheet explaining it.

    The sheet to fill in comes first: an uploaded workbook is read from its first sheet.
    """
    from openpyxl import Workbook  # imported here: a slow import, needed only for this download
    from openpyxl.styles import Font

    cols = columns(instrument)
    example = _example(organisation, today)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Measurements")[:31]
    sheet.append([c.name for c in cols])
    sheet.append([csv_cell(example[c.english]) if c.english in example else None for c in cols])
    date_cell = sheet.cell(row=2, column=1 + [c.english for c in cols].index("measured_on"))
    date_cell.value = today
    date_cell.number_format = "DD-MM-YYYY"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(cols, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(len(column.name) + 2, 12)
    sheet.freeze_panes = "A2"
    explained = book.create_sheet(_("Explanation")[:31])
    explained.append([_("Column"), _("Meaning"), _("What to fill in"), _("Also accepted")])
    for cell in explained[1]:
        cell.font = Font(bold=True)
    for c in cols:
        also = c.english if c.english != c.name else ""
        explained.append([csv_cell(c.name), csv_cell(c.meaning), csv_cell(c.values), csv_cell(also)])
    for letter, width in zip("ABCD", (34, 60, 50, 30), strict=True):
        explained.column_dimensions[letter].width = width
    book.properties.creator = "edmonitor"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
