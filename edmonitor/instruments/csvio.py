"""Reading measurement CSV files (the ``score vie`` format) into scored rows.

The format is the command-line contract of part 1 (see README, "Command line"):
``organisation`` is required; ``measured_on``, ``label``, ``facility``, ``item_<id>``,
``goal_<id>``, the instrument's facts, ``printed_total`` and ``printed_level`` are
optional. A file is accepted whole or not at all: :func:`read_measurements`
returns every problem with its row number (the header is row 1) and column — or, with
``max_problems``, the first problems only: reading stops once that many are found, so a
file of a million bad rows costs no more than a file of a hundred (the web import).

Columns may also have their Dutch names (``organisatie``, ``datum``, ``omschrijving``,
``doel_1b``, ``fte_personeel`` …: :data:`DUTCH_COLUMNS`, the one place that names them), as the
web import's template writes them; dates may be written ``dd-mm-jjjj`` (or ``d-m-jjjj``) as well
as ``YYYY-MM-DD`` (:func:`read_date`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
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

META_COLUMNS = ("organisation", "measured_on", "label", "facility")

#: The Dutch name of each column (the English name is the command line's and the code's).
#: Items keep their name (``item_1a`` is Dutch too); goal columns are ``doel_<id>``
#: (:func:`dutch_column`). Headers are exact names (lower case), surrounding spaces aside.
DUTCH_COLUMNS: dict[str, str] = {
    "organisation": "organisatie",
    "measured_on": "datum",
    "label": "omschrijving",
    "facility": "voorziening",
    "staff_fte": "fte_personeel",
    "ed_fte": "fte_ervaringsdeskundigen",
    "ed_hours_per_week": "uren_ervaringsdeskundigen_per_week",
    "clients": "clienten",
    "ed_policy_count": "aantal_ed_beleid",
    "ed_recovery_coach_count": "aantal_ed_herstelcoach",
    "ed_group_facilitator_count": "aantal_ed_herstelgroep",
    "support_criteria_met": "aantal_criteria_draagvlak",
    "printed_total": "gepubliceerd_totaal",
    "printed_level": "gepubliceerd_niveau",
}
#: Other Dutch spellings people write (with the accent, or the English word ``label``, which is Dutch too).
_MORE_DUTCH = {"cliënten": "clients"}
_GOAL, _DUTCH_GOAL = "goal_", "doel_"


def dutch_column(name: str) -> str:
    """The Dutch name of a column (as the web import's template writes it)."""
    if name.startswith(_GOAL):
        return _DUTCH_GOAL + name[len(_GOAL) :]
    return DUTCH_COLUMNS.get(name, name)


_FROM_DUTCH = {dutch: english for english, dutch in DUTCH_COLUMNS.items()} | _MORE_DUTCH


def canonical_column(name: str) -> str:
    """The column's English name, for a header cell (already stripped) in English or Dutch; exact names, as before."""
    if name.startswith(_DUTCH_GOAL):
        return _GOAL + name[len(_DUTCH_GOAL) :]
    return _FROM_DUTCH.get(name, name)


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
    facility: str = ""  # a facility's name (the web import finds it among the organisation's); "" = the whole


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
        #: column (English name) -> its header as the file writes it, where read (to name it the user's way)
        self.written: dict[str, str] = {}


def stopped(problems: list[RowProblem], limit: int) -> InvalidFile:
    """The refusal of a file whose reading stopped at ``limit`` problems (a row may have added several)."""
    return InvalidFile(problems[:limit], complete=False, found=len(problems))


def allowed_columns(instrument: Instrument) -> list[str]:
    return list(META_COLUMNS) + record_fields(instrument)


def open_csv(
    data: bytes, allowed: Iterable[str], problems: list[RowProblem], max_problems: int | None = None
) -> tuple[Any, list[str]]:
    """Decode a CSV upload and check its header; raise :class:`InvalidFile` with every header problem.

    The header returned names every column in English (:func:`canonical_column`), whichever
    language the file wrote it in.

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
        written = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        fail(None, gettext_noop("The file is not valid CSV: %(error)s"), error=str(exc))
        raise InvalidFile(problems) from None
    permitted = set(allowed)
    header = [canonical_column(name) for name in written]
    seen: set[str] = set()
    for name, as_written in zip(header, written, strict=True):
        if max_problems is not None and len(problems) >= max_problems:
            raise stopped(problems, max_problems)
        if name not in permitted:
            fail(as_written or None, gettext_noop("Unknown column '%(column)s'."), column=as_written)
        elif name in seen:
            fail(as_written, gettext_noop("Column '%(column)s' appears twice."), column=as_written)
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


_DUTCH_DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_SHORT_YEAR = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2}")


def read_date(text: str) -> tuple[dt.date | None, Problem | None]:
    """A ``measured_on`` cell (already stripped, not empty): (the date, None) or (None, the problem).

    ``YYYY-MM-DD`` (ISO, the command line's form) or ``dd-mm-jjjj`` / ``d-m-jjjj`` (the Dutch
    form: day first). A year of two digits is refused as ambiguous (1926 or 2026?), and so is
    any other form (``03/04/2026`` is 3 April in Dutch, 4 March in English).
    """
    field = "measured_on"
    dutch = _DUTCH_DATE.fullmatch(text)
    try:
        if dutch:
            day, month, year = (int(part) for part in dutch.groups())
            return dt.date(year, month, day), None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text), None
    except ValueError:
        return None, Problem.of(field, gettext_noop("'%(value)s' is not an existing date."), value=text)
    if _SHORT_YEAR.fullmatch(text):
        message = gettext_noop("'%(value)s' is not clear: write the year in four digits, e.g. 20-03-2026.")
        return None, Problem.of(field, message, value=text)
    message = gettext_noop("'%(value)s' is not a date: write it as DD-MM-YYYY (20-03-2026) or YYYY-MM-DD (2026-03-20).")
    return None, Problem.of(field, message, value=text)


def parse_date(text: str) -> dt.date | None:
    """A ``measured_on`` cell (already stripped) as a date; None when :func:`read_date` refuses it."""
    return read_date(text)[0] if text else None


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
    try:
        for row, record in records(reader, header, problems, max_problems):
            scored = read_row(instrument, row, record, problems, organisation, require_date)
            if scored is not None:
                rows.append(scored)
            elif max_problems is not None and len(problems) >= max_problems:
                raise stopped(problems, max_problems)
        if not rows and not problems:
            no_rows(problems)
        if problems:
            raise InvalidFile(problems)
    except InvalidFile as invalid:
        invalid.written = _written_header(data, header)
        raise
    return rows


def _written_header(data: bytes, header: list[str]) -> dict[str, str]:
    """English column name -> the header cell as the file wrote it (the header has been read: it is valid)."""
    written = written_columns(data)
    return written if list(written) == header else {}


def written_columns(data: bytes) -> dict[str, str]:
    """English column name -> the header cell as the file writes it, from the first line of a CSV file.

    To name a column the user's way in a message. Empty when the first line cannot be read (not
    UTF-8, or a header cell with a line break in it).
    """
    end = data.find(b"\n")
    try:
        first_line = data[: end if end >= 0 else len(data)].decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        return {}
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    try:
        cells = next(csv.reader([first_line], delimiter=delimiter, strict=True), [])
    except csv.Error:
        return {}
    return {canonical_column(cell.strip()): cell.strip() for cell in cells}


def read_row(
    instrument: Instrument,
    row: int,
    record: dict[str, str],
    problems: list[RowProblem],
    expected_organisation: str | None = None,
    require_date: bool = False,
) -> ScoredRow | None:
    """Check and score one data row of a measurement file, as :func:`read_measurements` does.

    ``row`` is its row number in the file, ``record`` maps column to cell. Every problem (the
    organisation, the date, the engine's) is added to ``problems`` with the row number, and the
    row is then None; otherwise its :class:`ScoredRow`. ``expected_organisation`` and
    ``require_date`` as for :func:`read_measurements`.
    """
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
        measured_on, date_problem = read_date(date_text)
        if date_problem is not None:
            problems.append(RowProblem(row, date_problem))
    try:
        inp, result = evaluate(instrument, record)
    except InvalidMeasurement as exc:
        problems.extend(RowProblem(row, p) for p in exc.problems)
        return None
    if len(problems) > before:
        return None
    label, facility = record.get("label", "").strip(), record.get("facility", "").strip()
    return ScoredRow(row, organisation, measured_on, label, inp, result, facility)
