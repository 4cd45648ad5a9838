"""Files to download: named safely, and CSV that is safe to open.

Every view that hands out a file calls
:func:`edmonitor.organisations.downloads.download_response`, which logs it (who, what,
which organisation, when) and names it with :func:`safe_filename` from here.

CSV files are made for people opening them in Excel, which in the Netherlands means:

- **semicolon** as the delimiter and **decimal comma** in numbers: Dutch Excel uses the
  regional list separator (";") and decimal separator (","), and opens a comma-separated
  file as one column per line and "2.5" as a date or as 25;
- **UTF-8 with a byte order mark**, without which Excel reads the file as Windows-1252
  and garbles "één";
- **formula injection neutralised**: a text that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return is run by a spreadsheet as a formula (which can fetch URLs
  or run commands). A spreadsheet may also read the file with another list separator
  than ours: one set to ``,`` splits ``x,=HYPERLINK(...)`` into ``x`` and a formula, and
  a reader that loses the quotes starts a new row at a line break. So an apostrophe goes
  before every such character at the start of the text *and* after every ``,``, ``;``
  or line break (spaces between skipped): ``x, =1`` becomes ``x, '=1``
  (see :func:`neutralise`). A leading apostrophe alone would not do: a ``,`` reader never
  sees it in front of the second half. Every text cell is also quoted, so a ``;`` in a
  text never splits it for us. Real numbers (``int``, ``float``, ``Decimal``) are written
  as numbers, unquoted, negative ones included: only strings are neutralised, so "-2"
  typed by a user becomes text and the computed -2 stays a number (a ``,`` reader splits
  "-0,4" into the numbers -0 and 4, which is wrong but not a formula).

Machine-readable exports are JSON.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula character at the start, or after a list separator of either kind or a line break,
# with spaces in between: the place a spreadsheet may begin a cell. The apostrophe goes before it.
_FORMULA_PLACE = re.compile(r"(^|[,;\r\n])([ \u00a0]*)(?=[=+\-@\t\r])")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def safe_filename(filename: str, kind: str) -> str:
    """The last path component, without control characters, quotes or separators; never empty."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # control and format characters
    name = re.sub(r'["<>:|?*;]+', "", name).strip(" .")
    name = re.sub(r"\s+", "-", name)[:150]
    return name or f"download.{kind}"


def csv_cell(value: Any) -> Any:
    """The value for a CSV cell: numbers as they are, None as empty, text neutralised against formulas."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return neutralise(str(value))


def neutralise(text: str) -> str:
    """``text`` with an apostrophe before every character that could start a formula in a cell.

    That is the first non-space character of the text, and the first after each ``,``, ``;``
    or line break, when it is one of ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.
    ``neutralise('x, =HYPERLINK("u")')`` → ``'x, \'=HYPERLINK("u")'``.
    """
    return _FORMULA_PLACE.sub(r"\1\2'", text)


def _dutch(value: Any) -> Any:
    """Numbers with a decimal comma, as Dutch Excel reads them."""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


def _csv_field(value: Any) -> str:
    """One field: nothing for None, a number as it is (decimal comma), any text neutralised and quoted."""
    if value is None:
        return ""
    cell = csv_cell(value)
    if isinstance(cell, str):
        return '"' + cell.replace('"', '""') + '"'
    return str(_dutch(cell))


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV file for Dutch Excel: UTF-8 with BOM, ';' between cells, decimal comma, CRLF line ends.

    Written by hand rather than with :mod:`csv`, whose writer (before Python 3.12) cannot quote
    every text and leave numbers unquoted.
    """
    lines = [";".join(_csv_field(value) for value in row) + "\r\n" for row in rows]
    return "\ufeff".encode() + "".join(lines).encode("utf-8")
