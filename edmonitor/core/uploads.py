"""Checks for uploaded and imported files: a size limit and UTF-8 text, and how deeply JSON nests.

Every upload and CSV import (web forms, ``load_live``) reads its file through
:func:`check_upload`, so a huge or binary file is refused with a clear message before
anything parses it. The limit is the setting ``EDMONITOR_MAX_IMPORT_BYTES`` (1 MB by
default, environment variable of the same name); ``import_organisation`` and ``restore``
apply it too, or their ``--max-bytes`` (``edmonitor/transfer/files.py``), and check
:func:`json_depth` before they parse. The measurement import also takes Excel workbooks:
:func:`read_upload` (the size limit alone), then :func:`xlsx_as_csv`, bounded before it unpacks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


def check_upload(file: IO[bytes] | Any, *, max_bytes: int | None = None) -> bytes:
    """The file's content, if it is at most ``max_bytes`` (default: the setting) and UTF-8 text.

    ``file`` is a Django ``UploadedFile`` or any binary file object (an open file from the
    command line). Reads no more than the limit plus one byte. Raises ``ValidationError``
    with code ``too_large`` or ``not_text``.
    """
    content = read_upload(file, max_bytes=max_bytes)
    name = getattr(file, "name", None) or _("the file")
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        valid = False
    else:
        valid = b"\x00" not in content  # text never holds NUL bytes; binary files (Excel, zip) do
    if not valid:
        raise ValidationError(
            _("%(name)s is not a text file in UTF-8. Save it as “CSV UTF-8” (or JSON) and try again."),
            code="not_text",
            params={"name": name},
        )
    return content


def read_upload(file: IO[bytes] | Any, *, max_bytes: int | None = None) -> bytes:
    """The file's content, if it is at most ``max_bytes`` (default: the setting); any kind of file.

    Reads no more than the limit plus one byte. Raises ``ValidationError`` with code ``too_large``.
    """
    limit = settings.EDMONITOR_MAX_IMPORT_BYTES if max_bytes is None else max_bytes
    name = getattr(file, "name", None) or _("the file")
    too_large = ValidationError(
        _("%(name)s is too large: at most %(limit)s can be imported."),
        code="too_large",
        params={"name": name, "limit": filesizeformat(limit)},
    )
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > limit:
        raise too_large
    if hasattr(file, "seek"):
        file.seek(0)
    parts: list[bytes] = []
    read = 0
    while read <= limit:
        chunk = file.read(min(CHUNK, limit + 1 - read))
        if not chunk:
            break
        parts.append(chunk)
        read += len(chunk)
    if read > limit:  # the reported size was missing or wrong
        raise too_large
    return b"".join(parts)


ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip archive
#: What an uploaded Excel file may unpack to, at most: the sizes its zip directory states (which
#: bound what :mod:`zipfile` will unpack), checked before anything is unpacked. A workbook of 1 MB
#: (the upload limit) of measurements unpacks to about 10 MB; a zip bomb to gigabytes.
MAX_XLSX_UNPACKED = 25 * 1024 * 1024
MAX_XLSX_MEMBERS = 200
MAX_XLSX_COLUMNS = 100  # the measurement template has fewer than 40


def xlsx_as_csv(content: bytes, *, name: str, max_rows: int) -> bytes:
    """The first sheet of an Excel workbook (.xlsx) as CSV text (UTF-8, ';'), for a reader of CSV files.

    Bounded before and while reading: the zip's stated unpacked size and number of members, then
    at most ``max_rows`` rows and :data:`MAX_XLSX_COLUMNS` columns, read in openpyxl's read-only
    mode (row by row, values only: no formulas run). Date cells become ``YYYY-MM-DD``; whole
    numbers lose their ``.0``. Raises ``ValidationError`` with code ``not_xlsx``, ``too_large``
    or ``too_many_rows``.
    """
    not_xlsx = ValidationError(
        _("%(name)s is not an Excel file (.xlsx) that can be read, nor a CSV text file in UTF-8."),
        code="not_xlsx",
        params={"name": name},
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_UNPACKED:
        raise ValidationError(
            _("%(name)s unpacks to more than %(limit)s. Save it as CSV and import that file."),
            code="too_large",
            params={"name": name, "limit": filesizeformat(MAX_XLSX_UNPACKED)},
        )
    from openpyxl import load_workbook  # imported here: a slow import, needed only for Excel uploads

    too_many = ValidationError(
        _("%(name)s has more than %(limit)s rows."), code="too_many_rows", params={"name": name, "limit": max_rows}
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            if (sheet.max_row or 0) > max_rows + 1:  # the sheet's own statement of its size, when it has one
                raise too_many
            width = None
            for number, values in enumerate(sheet.iter_rows(max_col=MAX_XLSX_COLUMNS, values_only=True), start=1):
                if number > max_rows + 1:
                    raise too_many
                cells = ["" if v is None else _xlsx_text(v) for v in values]
                if width is None:  # the header: as wide as its last named column
                    width = max((i + 1 for i, c in enumerate(cells) if c.strip()), default=0)
                writer.writerow((cells + [""] * width)[:width])
        finally:
            book.close()
    except ValidationError:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged workbook (KeyError, XML errors, ...)
        raise not_xlsx from None
    return out.getvalue().encode("utf-8")


def _xlsx_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return str(value)
    return str(value).strip() if isinstance(value, str) else str(value)


# A JSON string, escapes included: brackets inside strings do not nest anything. A string the
# text never closes runs to its end (as it does for a JSON parser): so every match attempt at a
# quote succeeds and the scan stays linear (a pattern that fails there would start again at every
# following quote: '"' followed by 40,000 '\\"' took 24 s).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\(?:.|\Z)[^"\\]*)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (``[]`` is 1, ``{"a": [1]}`` is 2).

    A linear scan that needs no parsing: strings are taken out, then the brackets are counted
    (unclosed ones too, since a parser would recurse into them before finding the error).
    ``json.loads`` has no depth limit of its own: 100,000 nested brackets end in a
    ``RecursionError``, so a reader checks this first.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)
