"""Tables as data, for the CSV and Excel downloads of every report.

A report (organisation, programme, benchmark) gives its tables as :class:`Table` objects: the
same numbers as the tables on the page. One table downloads as CSV or as an Excel sheet; a
whole report downloads as one workbook with a sheet per table (:func:`table_download`). Text
cells are neutralised against formula injection in both formats (an Excel cell starting with
``=`` would otherwise be stored as a formula).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from .downloads import csv_bytes, csv_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    name: str  # slug: in URLs and file names
    caption: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    sheet: str = ""  # the Excel sheet's name in the user's language (at most 31 characters); else the caption


def find(tables: Sequence[Table], name: str) -> Table | None:
    return next((t for t in tables if t.name == name), None)


def as_csv(table: Table) -> bytes:
    return csv_bytes([list(table.columns), *[list(r) for r in table.rows]])


def as_workbook(tables: Sequence[Table], title: str) -> bytes:
    """One Excel workbook, a sheet per table: caption in the first row, then the header and the rows."""
    # imported here, not at the top: openpyxl is slow to import and only a download needs it
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.sheet or table.caption, used)
        sheet = book.create_sheet(name)
        sheet.append([csv_cell(table.caption)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([csv_cell(c) for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xlsx_cell(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # openpyxl takes any text starting with "=" for a formula
                    cell.data_type = "s"
                elif cell.is_date:
                    cell.number_format = "DD-MM-YYYY"  # a real date, shown the Dutch way
        for column in sheet.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in list(column)[1:]) if column else 8
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    book.properties.title = title
    book.properties.creator = "edmonitor"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value
    return csv_cell(value)


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name: no []:*?/\\, no apostrophe at either end, at most 31 characters."""
    base = _NOT_IN_SHEET_NAMES.sub("", name)[:31].strip(" '") or "tabel"
    candidate, n = base, 2
    while candidate in used:
        suffix = f"-{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def in_language(value: Any) -> str:
    """A text object ({nl, en}: ``.get(language)``) in the active language, or the value as text."""
    get = getattr(value, "get", None)
    return str(get(get_language())) if callable(get) else str(value)
