"""Reading measurement CSV files (the ``score vie`` format) into scored rows.

The format is the command-line contract of part 1 (see README, "Command line"):
``organisation`` is required; ``measured_on``, ``label``, ``item_<id>``,
``goal_<id>``, the instrument's facts, ``printed_total`` and ``printed_level`` are
optional. A file is accepted whole or not at all: :func:`read_measurements`
returns every problem with its row number (the header is row 1) and column — or, with
``max_problems``, the first problems only: reading stops once that many are found, so a
file of a million bad rows costs no more than a file of a hundred (the web import).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .definition import Instrument
from .scoring import (
    InvalidMeasurement,
    MeasurementInput,
    Problem,
    ScoreResult,
    evaluate,
    gettext_noop,
    record_fields,
)

META_COLUMNS = ("organisation", "measured_on", "label")


@dataclass(frozen=True)
class RowProblem:
    row: int
    problem: Problem

    def text(self) -> str:
        where = f"row {self.row}"
        if self.problem.field:
            where += f", column {self.problem.field}"
        return f"{where}: {self.problem.text()}"


@dataclass(frozen=True)
class ScoredRow:
    row: int
    organisation: str
    measured_on: dt.date | None
    label: str
    input: MeasurementInput
    result: ScoreResult


class InvalidFile(ValueError):
    """A file refused, with its problems.

    ``complete`` is False when reading stopped at a limit (``max_problems``): the file has
    ``found`` problems *at least*, and ``problems`` holds the first of them.
    """

    def __init__(self, problems: list[RowProblem], *, complete: bool = True, found: int | None = None):
        super().__init__("\n".join(p.text() for p in problems))
        self.problems = problems
        self.complete = complete
        self.found = len(problems) if found is None else found


def stopped(problems: list[RowProblem], limit: int) -> InvalidFile:
    """The refusal of a file whose reading stopped at ``limit`` problems (a row may have added several)."""
    return InvalidFile(problems[:limit], complete=False, found=len(problems))


def allowed_columns(instrument: Instrument) -> list[str]:
    return list(META_COLUMNS) + record_fields(instrument)


def open_csv(
    data: bytes, allowed: Iterable[str], problems: list[RowProblem], max_problems: int | None = None
) -> tuple[Any, list[str]]:
    """Decode a CSV upload and check its header; raise :class:`InvalidFile` with every header problem.

    UTF-8 (with or without BOM), comma or semicolon separated (Dutch spreadsheets export with
    semicolons), only ``allowed`` columns, each once, and an ``organisation`` column. With
    ``max_problems``, the header's check stops at that many problems.
    """

    def fail(field: str | None, message: str, **params: object) -> None:
        problems.append(RowProblem(1, Problem.of(field, message, **params)))

    if not data.strip():
        fail(None, gettext_noop("The file is empty."))
        raise InvalidFile(problems)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail(None, gettext_noop("The file is not UTF-8 text; save it as 'CSV UTF-8'."))
        raise InvalidFile(problems) from None
    if "\x00" in text:
        fail(None, gettext_noop("The file is not a CSV text file."))
        raise InvalidFile(problems)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        fail(None, gettext_noop("The file is not valid CSV: %(error)s"), error=str(exc))
        raise InvalidFile(problems) from None
    permitted = set(allowed)
    seen: set[str] = set()
    for name in header:
        if max_problems is not None and len(problems) >= max_problems:
            raise stopped(problems, max_problems)
        if name not in permitted:
            fail(name or None, gettext_noop("Unknown column '%(column)s'."), column=name)
        elif name in seen:
            fail(name, gettext_noop("Column '%(column)s' appears twice."), column=name)
        seen.add(name)
    if "organisation" not in header:
        fail("organisation", gettext_noop("The required column 'organisation' is missing."))
    if problems:
        raise InvalidFile(problems)
    return reader, header


def records(
    reader: Any, header: list[str], problems: list[RowProblem], max_problems: int | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, column -> cell) for every non-empty data row; ragged rows and CSV errors become problems.

    With ``max_problems``, raises :class:`InvalidFile` once the problems reach that number.
    """
    try:
        for cells in reader:
            row = reader.line_num
            if usable(header, row, cells, problems):
                yield row, dict(zip(header, cells, strict=True))
            elif max_problems is not None and len(problems) >= max_problems:
                raise stopped(problems, max_problems)
    except csv.Error as exc:
        csv_error(reader, exc, problems)


def usable(header: list[str], row: int, cells: list[str], problems: list[RowProblem]) -> bool:
    """Whether a data row is to be read: blank rows are skipped, a ragged row is a problem."""
    if not "".join(cells).strip():
        return False
    if len(cells) != len(header):
        message = gettext_noop("This row has %(found)s fields; the header has %(expected)s.")
        problems.append(RowProblem(row, Problem.of(None, message, found=len(cells), expected=len(header))))
        return False
    return True


def csv_error(reader: Any, exc: csv.Error, problems: list[RowProblem]) -> None:
    """The problem for a file the CSV reader cannot read on (it stops there)."""
    message = gettext_noop("The file is not valid CSV: %(error)s")
    problems.append(RowProblem(reader.line_num, Problem.of(None, message, error=str(exc))))


def no_rows(problems: list[RowProblem]) -> None:
    """The problem for a file with a header and no data rows."""
    problems.append(RowProblem(2, Problem.of(None, gettext_noop("The file has a header but no data rows."))))


def parse_date(text: str) -> dt.date | None:
    """A ``measured_on`` cell (already stripped) as a date; None when it is not YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def read_measurements(
    instrument: Instrument,
    data: bytes,
    *,
    organisation: str | None = None,
    require_date: bool = False,
    max_problems: int | None = None,
) -> list[ScoredRow]:
    """Parse and score a whole CSV file; raise :class:`InvalidFile` with every problem.

    ``organisation``: every row must be about this organisation (names compared without
    regard to case or surrounding spaces). ``require_date``: every row needs ``measured_on``.
    ``max_problems``: stop reading at the row that brings the problems to this number, and
    raise :class:`InvalidFile` with the first ``max_problems`` (``complete`` False).
    """
    problems: list[RowProblem] = []
    reader, header = open_csv(data, allowed_columns(instrument), problems, max_problems)
    rows: list[ScoredRow] = []
    for row, record in records(reader, header, problems, max_problems):
        scored = _read_row(instrument, row, record, problems, organisation, require_date)
        if scored is not None:
            rows.append(scored)
        elif max_problems is not None and len(problems) >= max_problems:
            raise stopped(problems, max_problems)
    if not rows and not problems:
        no_rows(problems)
    if problems:
        raise InvalidFile(problems)
    return rows


def _read_row(
    instrument: Instrument,
    row: int,
    record: dict[str, str],
    problems: list[RowProblem],
    expected_organisation: str | None = None,
    require_date: bool = False,
) -> ScoredRow | None:
    before = len(problems)
    organisation = record.get("organisation", "").strip()
    if not organisation:
        problems.append(RowProblem(row, Problem.of("organisation", gettext_noop("The organisation is missing."))))
    elif expected_organisation is not None and organisation.casefold() != expected_organisation.strip().casefold():
        message = gettext_noop("The organisation is '%(found)s', not '%(expected)s'.")
        problems.append(
            RowProblem(row, Problem.of("organisation", message, found=organisation, expected=expected_organisation))
        )
    measured_on = None
    date_text = record.get("measured_on", "").strip()
    if require_date and not date_text:
        problems.append(RowProblem(row, Problem.of("measured_on", gettext_noop("The date is missing."))))
    if date_text:
        measured_on = parse_date(date_text)
        if measured_on is None:
            problems.append(
                RowProblem(
                    row,
                    Problem.of(
                        "measured_on",
                        gettext_noop("'%(value)s' is not a date in the form YYYY-MM-DD."),
                        value=date_text,
                    ),
                )
            )
    try:
        inp, result = evaluate(instrument, record)
    except InvalidMeasurement as exc:
        problems.extend(RowProblem(row, p) for p in exc.problems)
        return None
    if len(problems) > before:
        return None
    return ScoredRow(row, organisation, measured_on, record.get("label", "").strip(), inp, result)
