"""Scoring a whole ``score vie`` file at national speed: the same engine, its answers remembered.

A national programme's file has 100,000 rows or more. Scoring each row through
:func:`.csvio.read_measurements` builds a dictionary, a ``MeasurementInput``, a
``ScoreResult`` and a ``ScoredRow`` per row, and that object traffic — not the rules — is
what made the command 18 times slower than reading the file (bench/README.md).

This module writes the command's JSON without that traffic, and without restating a rule:

* every score, total, level and warning still comes from :mod:`.scoring`: a cell counts as
  *plain* only when the engine's own lookup tables (:func:`.scoring.record_plan`) know it
  as written; the total, level and warnings of a row are :func:`.scoring.summary` of its
  (sum, count), remembered per pair; a fact is parsed by :func:`.scoring.parse_fact`,
  remembered per text; a derived score is :func:`.scoring.has_facts` and
  :func:`.scoring.derive`, remembered per combination of the facts it reads
  (:func:`.scoring.derivation_inputs`);
* a row with anything else — a padded or lower-case cell, a printed total or level, a
  score that disagrees with its facts, any problem at all — goes through
  :func:`.csvio.read_row`, the path the web import takes, so its output and its messages
  are exactly the engine's.

``edmonitor/instruments/tests/test_batch.py`` holds this to byte-for-byte the same output
and the same problems as :func:`.csvio.read_measurements` over every kind of row.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from .csvio import (
    InvalidFile,
    RowProblem,
    ScoredRow,
    allowed_columns,
    csv_error,
    no_rows,
    open_csv,
    parse_date,
    read_row,
    stopped,
    usable,
)
from .definition import Instrument, Item
from .scoring import (
    MeasurementInput,
    derivation_inputs,
    derive,
    has_facts,
    parse_fact,
    record_plan,
    summary,
)

#: How many answers each memo keeps: a file of millions of rows with different facts on every row
#: must not grow them without bound (a full memo starts again, it is only a cache).
MEMO_LIMIT = 1 << 16


def row_json(row: ScoredRow) -> dict[str, object]:
    """One scored row as the command's JSON object (the contract in the README)."""
    r = row.result
    return {  # the result's own dicts and tuple: json writes them as they are, no copies needed
        "organisation": row.organisation,
        "items": r.items,
        "derived": r.derived,
        "total": None if r.total is None else float(r.total),
        "level": r.level,
        "goals": r.goals,
        "warnings": [w.text() for w in r.warnings] if r.warnings else [],
    }


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _getter(indexes: Sequence[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """cells -> the cells at ``indexes`` as a tuple (itemgetter returns a bare value for one index)."""
    if not indexes:
        return lambda cells: ()
    if len(indexes) == 1:
        only = indexes[0]
        return lambda cells: (cells[only],)
    return itemgetter(*indexes)


def _object(pairs: Sequence[tuple[str, object]]) -> str:
    """A JSON object from already encoded keys and values, spaced as json.dumps spaces it."""
    return "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"


class _Derivation:
    """One derivable item: which cells decide it, and the engine's answer per combination of them."""

    def __init__(self, instrument: Instrument, item: Item, position: int, column: dict[str, int]) -> None:
        self.instrument, self.item, self.position = instrument, item, position
        self.inputs = derivation_inputs(instrument, item)
        self.cells = _getter([column[name] for name in self.inputs])
        self.known: dict[tuple[str, ...], tuple[bool, int | None]] = {}

    def outcome(self, cells: list[str], facts: dict[str, Any]) -> tuple[bool, int | None]:
        """(derived from facts?, its score) for this row; score None when deriving found a problem."""
        key = self.cells(cells)
        known = self.known.get(key)
        if known is None:
            inp = MeasurementInput(facts={name: facts[name] for name in self.inputs if name in facts})
            if not has_facts(self.item, inp):
                known = (False, None)
            else:
                value, problems = derive(self.instrument, self.item, inp)
                known = (True, None if problems else value)
            if len(self.known) >= MEMO_LIMIT:
                self.known.clear()
            self.known[key] = known
        return known


def _summaries(instrument: Instrument) -> list[list[tuple[str, str]]]:
    """[count][sum] -> the JSON text of a row's total and level, and of its warnings.

    Everything after the item scores depends on their number and sum only
    (:func:`.scoring.summary`), so the few possible answers are worked out once.
    """
    low, high = instrument.scale_min, instrument.scale_max
    table: list[list[tuple[str, str]]] = []
    for count in range(len(instrument.items) + 1):
        row = [("", "")] * (count * high + 1)
        for score_sum in range(count * low, count * high + 1):
            total, _mean, level, warnings = summary(instrument, score_sum, count)
            row[score_sum] = (
                f'"total": {_dumps(None if total is None else float(total))}, "level": {_dumps(level)}',
                f'"warnings": {_dumps([w.text() for w in warnings])}',
            )
        table.append(row)
    return table


def row_scorer(instrument: Instrument, header: list[str]) -> Callable[[list[str]], str | None]:
    """A function from a row's cells (one per header column, plus one empty cell) to its JSON text.

    It returns None for a row that is not plain; the caller takes the engine's path for it.
    """
    plan = record_plan(instrument)
    position = {name: i for i, name in enumerate(header)}
    blank = len(header)  # a column the file lacks reads the empty cell appended to every row
    column = {name: position.get(name, blank) for name in allowed_columns(instrument)}

    organisation = column["organisation"]
    date = column["measured_on"]
    item_cells = _getter([column[name] for _, name, _ in plan.fields])
    item_keys = [_dumps(item.id) for item, _, _ in plan.fields]
    plain_scores = frozenset(plan.scores) | {""}
    value = {**plan.scores, "": 0}.__getitem__  # for sums only: empty cells are counted apart
    score_of = plan.scores.get  # "" -> None
    full_items = "{" + ", ".join(f"{key}: %s" for key in item_keys) + "}"
    item_count = len(item_keys)

    goal_fields = [(item.goal_id, name) for item, _, name in plan.fields if name]
    goal_cells = _getter([column[name] for _, name in goal_fields])
    goal_keys = [_dumps(goal_id) for goal_id, _ in goal_fields]
    plain_goals = frozenset(plan.codes) | {""}
    goal_text = {code: _dumps(code) for code in plan.codes}
    # Codes that JSON writes as they are ("A" to "D") go straight into the template; others are encoded.
    verbatim = all(goal_text[code] == f'"{code}"' for code in plan.codes)
    slot = '"%s"' if verbatim else "%s"
    full_goals = "{" + ", ".join(f"{key}: {slot}" for key in goal_keys) + "}"

    printed, no_print = _getter([column["printed_total"], column["printed_level"]]), ("", "")
    fact_ids = [fact.id for fact in instrument.facts]
    fact_cells = _getter([column[name] for name in fact_ids])
    no_facts = ("",) * len(fact_ids)
    parsed_facts: dict[str, dict[str, tuple[bool, Any]]] = {fact_id: {} for fact_id in fact_ids}
    derivations = [
        _Derivation(instrument, item, i, column) for i, item in enumerate(instrument.items) if item.derivation
    ]
    summaries = _summaries(instrument)
    names: dict[str, str] = {}
    dates: set[str] = {""}
    derived_lists: dict[tuple[str, ...], str] = {(): "[]"}

    facts_by_id = {fact.id: fact for fact in instrument.facts}

    def fact(fact_id: str, text: str) -> tuple[bool, Any]:
        """(valid?, value or None when not given) of one fact cell, as the engine parses it."""
        stripped = text.strip()  # as parse_record reads a cell: stripped, and empty is not given
        number, problem = parse_fact(facts_by_id[fact_id], stripped) if stripped else (None, None)
        texts = parsed_facts[fact_id]
        if len(texts) >= MEMO_LIMIT:
            texts.clear()
        known = texts[text] = (problem is None, number)
        return known

    fact_columns = list(zip(fact_ids, [parsed_facts[fact_id] for fact_id in fact_ids], strict=True))
    rules = [(d.cells, d.known, d.outcome, d.position, d.item.id) for d in derivations]

    def with_facts(
        cells: list[str], facts: tuple[str, ...], items: tuple[str, ...]
    ) -> tuple[str, str, int, int] | None:
        """Items JSON, derived JSON, count and sum of a row with facts; None when it is not plain."""
        given: dict[str, Any] = {}
        for (fact_id, known_texts), text in zip(fact_columns, facts, strict=True):
            if text:
                valid, number = known_texts.get(text) or fact(fact_id, text)
                if not valid:
                    return None
                if number is not None:
                    given[fact_id] = number
        scores = list(map(score_of, items))
        derived: list[str] = []
        for inputs, known, outcome, i, item_id in rules:
            from_facts, score = known.get(inputs(cells)) or outcome(cells, given)
            if from_facts:
                direct = scores[i]
                if score is None or (direct is not None and direct != score):
                    return None  # a problem deriving, or a score that disagrees: the engine words it
                scores[i] = score
                derived.append(item_id)
        key = tuple(derived)
        derived_json = derived_lists.get(key) or derived_lists.setdefault(key, _dumps(derived))
        if None not in scores:
            return full_items % tuple(scores), derived_json, item_count, sum(scores)  # type: ignore[arg-type]
        present = [(key, score) for key, score in zip(item_keys, scores, strict=True) if score is not None]
        return _object(present), derived_json, len(present), sum(score for _, score in present)

    def plain(cells: list[str]) -> str | None:
        name = cells[organisation]
        if not name or name != name.strip():
            return None
        when = cells[date]
        if when not in dates:
            if when != when.strip() or parse_date(when) is None:
                return None
            if len(dates) < MEMO_LIMIT:
                dates.add(when)
        items = item_cells(cells)
        goals = goal_cells(cells)
        if not (plain_scores.issuperset(items) and plain_goals.issuperset(goals)) or printed(cells) != no_print:
            return None
        facts = fact_cells(cells)
        if facts == no_facts:
            missing = items.count("")
            if missing:
                items_json = _object([(key, cell) for key, cell in zip(item_keys, items, strict=True) if cell])
            else:
                items_json = full_items % items
            derived_json = "[]"
            total, warnings = summaries[item_count - missing][sum(map(value, items))]
        else:
            found = with_facts(cells, facts, items)
            if found is None:
                return None
            items_json, derived_json, count, score_sum = found
            total, warnings = summaries[count][score_sum]
        if "" in goals:
            goals_json = _object([(key, goal_text[code]) for key, code in zip(goal_keys, goals, strict=True) if code])
        else:
            goals_json = full_goals % (goals if verbatim else tuple(map(goal_text.__getitem__, goals)))
        org = names.get(name)
        if org is None:
            org = encode_basestring(name)
            if len(names) < MEMO_LIMIT:
                names[name] = org
        return (
            f'{{"organisation": {org}, "items": {items_json}, "derived": {derived_json}, {total}, '
            f'"goals": {goals_json}, {warnings}}}'
        )

    return plain


def score_file_json(instrument: Instrument, data: bytes, *, max_problems: int | None = None) -> list[str]:
    """The JSON text of every scored row of a ``score vie`` file, in file order.

    Joined with ", " inside brackets it is exactly ``json.dumps([row_json(r) for r in
    read_measurements(instrument, data)], ensure_ascii=False)``. Raises :class:`InvalidFile`
    with the same problems as :func:`.csvio.read_measurements` (with ``max_problems``, the
    same first ones: reading stops at the same row).
    """
    problems: list[RowProblem] = []
    reader, header = open_csv(data, allowed_columns(instrument), problems, max_problems)
    plain, width = row_scorer(instrument, header), len(header)
    out: list[str] = []
    try:
        for cells in reader:
            if len(cells) == width:
                cells.append("")
                text = plain(cells)
                if text is not None:
                    out.append(text)
                    continue
                del cells[width:]
            _engine_row(instrument, header, reader.line_num, cells, problems, out)
            if max_problems is not None and len(problems) >= max_problems:
                raise stopped(problems, max_problems)
    except csv.Error as exc:
        csv_error(reader, exc, problems)
    if not out and not problems:
        no_rows(problems)
    if problems:
        raise InvalidFile(problems)
    return out


def _engine_row(
    instrument: Instrument, header: list[str], row: int, cells: list[str], problems: list[RowProblem], out: list[str]
) -> None:
    """One row the way :func:`.csvio.read_measurements` takes it (blank rows skipped, ragged rows refused)."""
    if usable(header, row, cells, problems):
        scored = read_row(instrument, row, dict(zip(header, cells, strict=True)), problems)
        if scored is not None:
            out.append(_dumps(row_json(scored)))
