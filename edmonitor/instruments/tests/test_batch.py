"""The batch scorer behind ``score vie --format json`` against the engine's own row path.

``batch.score_file_json`` must give, byte for byte, the JSON that ``json.dumps`` writes of
every row :func:`csvio.read_measurements` scores — and, for a bad file, the same problems
in the same order. The files here are generated over every kind of cell the format allows
or refuses: plain scores and codes, padded and lower-case cells, numbers with a decimal
comma, facts that derive, facts that conflict, printed totals, blank and ragged rows,
columns in any order or missing.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edmonitor.instruments import batch
from edmonitor.instruments.csvio import InvalidFile, allowed_columns, read_measurements
from edmonitor.instruments.definition import latest_version
from edmonitor.instruments.scoring import MeasurementInput, derivation_inputs, derive, has_facts
from edmonitor.testing_hypothesis import examples

VIE = latest_version("vie")

# column kind -> (plain cells, odd cells). Plain cells are written as the engine's tables know
# them; odd cells are valid only after stripping or upper-casing, or not valid at all.
SCORE = (["", "1", "2", "3", "4", "5"], [" 3", "3 ", "0", "6", "x", "3.0", "+2", "03", "٣"])
GOAL = (["", "A", "B", "C", "D"], ["a", " B", "E", "AB"])
CELLS = {
    "staff_fte": (["", "100", "2466.5", "40", "12,5", "8000"], ["0", "-1", "abc", " 50", "1e3", "1.000,5"]),
    "ed_fte": (["", "0", "0,25", "0.08", "5", "1"], ["300", "-0", "1,2,3", "NaN"]),
    "ed_hours_per_week": (["", "18", "36", "0", "7,2"], ["Infinity", "x"]),
    "clients": (["", "800", "2999", "3000", "10000", "10001"], ["1.5", "-3"]),
    "ed_policy_count": (["", "0", "1", "2", "3", "5", "6", "12"], ["2.5", "-1"]),
    "ed_recovery_coach_count": (["", "0", "2", "3", "4", "6", "11"], ["x"]),
    "ed_group_facilitator_count": (["", "0", "1", "5", "8", "10"], ["1,5"]),
    "support_criteria_met": (["", "0", "1", "3", "5"], ["6", "-1"]),
    "organisation": (
        ["GGZ Noord", 'Zorg & Welzijn "Oost"', "Stichting Ünïcode", "Back\\slash"],
        ["", " Padded", "Tab\t", "  "],
    ),
    "measured_on": (["", "2024-03-01", "2019-12-31"], [" 2024-03-01", "2024-13-01", "gisteren"]),
    "label": (["", "nulmeting", "meting 2"], [" x "]),
    "facility": (["", "Kliniek Oost"], [" Kliniek Oost "]),
    "printed_total": ([""], ["1.9", "3", "x", "2.25", "9", " "]),
    "printed_level": ([""], ["laag", "Midden", "hoog ", "top"]),
}


def column_cells(column: str) -> tuple[list[str], list[str]]:
    if column.startswith("item_"):
        return SCORE
    if column.startswith("goal_"):
        return GOAL
    return CELLS[column]


DERIVABLE = {f"item_{item.id}" for item in VIE.items if item.derivation}
FACTS = [fact.id for fact in VIE.facts]


@st.composite
def coherent_facts(draw: st.DrawFn) -> dict[str, str]:
    """Facts that derive without a problem (or none at all): most rows of a good file."""
    if draw(st.booleans()):
        return dict.fromkeys(FACTS, "")
    facts = {name: draw(st.sampled_from(CELLS[name][0])) for name in FACTS}
    facts["staff_fte"] = draw(st.sampled_from(["100", "2466.5", "12,5", "8000"]))  # at least the experts' 5 fte
    if facts["ed_fte"]:
        facts["ed_hours_per_week"] = ""  # one of the two
    facts["clients"] = draw(st.sampled_from(CELLS["clients"][0][1:]))  # the size class is needed
    return facts


@st.composite
def files(draw: st.DrawFn) -> bytes:
    """A CSV file over a drawn set of columns in a drawn order, with drawn rows.

    Half the files are good throughout (plain rows, facts that fit together); the others have
    blank and ragged rows and odd cells here and there, at the border between the two paths.
    """
    optional = [c for c in allowed_columns(VIE) if c != "organisation"]
    chosen = draw(st.lists(st.sampled_from(optional), unique=True, min_size=0, max_size=len(optional)))
    if draw(st.integers(0, 3)):  # mostly every column, as the national files have them
        chosen = optional
    header = draw(st.permutations(["organisation", *chosen]))
    good = draw(st.booleans())
    # where an odd cell goes: any column, but the few columns of their own kind as often as all the rest
    own_kind = [i for i, column in enumerate(header) if column in CELLS and column not in FACTS]
    odd_places = list(range(len(header))) + own_kind * (len(header) // max(1, len(own_kind)))
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(1 if good else 0, 12))):
        kind = 2 if good else draw(st.integers(0, 9))
        if kind == 0:
            rows.append([""] * len(header))  # blank: skipped
        elif kind == 1:
            rows.append(["x"] * (len(header) + draw(st.sampled_from([-1, 1]))))  # ragged
        else:
            cells = {column: draw(st.sampled_from(column_cells(column)[0])) for column in header}
            facts = draw(coherent_facts())
            for column in header:
                if column in facts:
                    cells[column] = facts[column]
                elif column in DERIVABLE and any(facts.values()) and (good or draw(st.booleans())):
                    cells[column] = ""  # derived rather than given (a given score must agree)
            row = [cells[column] for column in header]
            for _ in range(0 if good else draw(st.sampled_from([0, 1, 1, 2]))):
                at = draw(st.sampled_from(odd_places))
                row[at] = draw(st.sampled_from(column_cells(header[at])[1]))
            rows.append(row)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";"])))  # Dutch spreadsheets use ';'
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def by_the_engine(data: bytes) -> str | list[str]:
    """What the command wrote before the batch scorer: the JSON text, or the problems."""
    try:
        rows = read_measurements(VIE, data)
    except InvalidFile as exc:
        return [p.text() for p in exc.problems]
    return json.dumps([batch.row_json(r) for r in rows], ensure_ascii=False)


def by_the_batch(data: bytes) -> str | list[str]:
    try:
        return "[" + ", ".join(batch.score_file_json(VIE, data)) + "]"
    except InvalidFile as exc:
        return [p.text() for p in exc.problems]


@settings(max_examples=examples(400), deadline=None)
@given(files())
def test_the_batch_scorer_writes_what_the_engine_writes_for_every_kind_of_row(data):
    assert by_the_batch(data) == by_the_engine(data)


def national_file(rows: int) -> bytes:
    """Rows as a national programme's file has them: scores, goals, and on every third row facts."""
    out = io.StringIO()
    writer = csv.writer(out)
    items = [f"item_{item.id}" for item in VIE.items]
    goals = [f"goal_{item.goal_id}" for item in VIE.items]
    facts = ["staff_fte", "ed_fte", "clients", "ed_policy_count", "ed_recovery_coach_count"]
    writer.writerow(["organisation", "measured_on", "label", *items, *goals, *facts])
    for i in range(rows):
        scores = [str(1 + (i * 7 + n * 3) % 5) for n in range(len(items))]
        fact_cells = [""] * len(facts)
        if i % 3 == 0:
            scores[0] = scores[2] = scores[3] = ""
            fact_cells = [f"{100 + i}.5", f"{i % 30},25", ("800", "4000", "15000")[i % 3], str(i % 7), str(i % 12)]
        writer.writerow(
            [f"Organisatie {i // 10}", f"{2016 + i % 10}-03-01", "", *scores, *"ABCD" * 2 + "AB", *fact_cells]
        )
    return out.getvalue().encode("utf-8")


def test_a_national_file_is_scored_without_the_row_by_row_engine_path(monkeypatch):
    """The speed comes from plain rows never taking the slow path; the result is still the engine's."""
    data = national_file(600)
    expected = by_the_engine(data)
    taken: list[int] = []
    original = batch.read_row
    monkeypatch.setattr(batch, "read_row", lambda *args, **kw: taken.append(1) or original(*args, **kw))
    assert by_the_batch(data) == expected
    assert taken == []
    rows = json.loads(expected)
    assert len(rows) == 600
    assert sum(1 for r in rows if r["derived"] == ["1a", "3a", "4a"]) == 200  # every third row derives


def test_rows_that_are_not_plain_take_the_engine_path_and_keep_its_output(monkeypatch):
    data = (
        b"organisation,item_1a,item_2a,goal_1b,printed_total\n"
        b"Plain,3,4,A,\n"
        b" Padded,3,4,A,\n"  # the engine strips the name
        b"Lower,3,4,a,\n"  # the engine reads 'a' as A
        b"Printed,3,4,A,3.5\n"  # the engine compares the printed total
    )
    taken: list[int] = []
    original = batch.read_row
    monkeypatch.setattr(batch, "read_row", lambda *args, **kw: taken.append(args[1]) or original(*args, **kw))
    out = by_the_batch(data)
    assert taken == [3, 4, 5]
    rows = json.loads(out)
    assert [r["organisation"] for r in rows] == ["Plain", "Padded", "Lower", "Printed"]
    assert rows[2]["goals"] == {"1b": "A"}
    assert rows[3]["total"] == 3.5  # as printed: no warning about it, only about the items left out
    assert rows[3]["warnings"] == [
        "Only 2 of the 10 items are scored; the total is their mean. It gets no level: the levels laag, midden and "
        "hoog are for the end score over all items (003 §5.2)."
    ]
    assert rows[3]["level"] is None
    assert out == by_the_engine(data)


@pytest.mark.parametrize("item", [i for i in VIE.items if i.derivation], ids=lambda i: i.id)
def test_a_derived_score_depends_only_on_the_facts_its_rule_declares(item):
    """What lets the batch scorer remember derived scores: other facts never change them."""
    inputs = derivation_inputs(VIE, item)
    every = {"staff_fte": "120", "ed_fte": "0.5", "clients": "4000", "ed_policy_count": "2"}
    every |= {"ed_recovery_coach_count": "3", "ed_group_facilitator_count": "5", "support_criteria_met": "4"}
    facts = {name: Decimal(value) for name, value in every.items()}
    declared = MeasurementInput(facts={name: value for name, value in facts.items() if name in inputs})
    full = MeasurementInput(facts=facts)
    assert has_facts(item, declared) == has_facts(item, full)
    assert derive(VIE, item, declared) == derive(VIE, item, full)
    assert set(item.derivation.facts) <= set(inputs)


def test_the_bench_file_scores_the_same_both_ways(tmp_path: Path):
    """The benchmark's own generator (bench/run.py), at a size a test can afford."""
    from bench.run import write_csv

    path = tmp_path / "m.csv"
    write_csv(path, 3000, seed=7)
    data = path.read_bytes()
    assert by_the_batch(data) == by_the_engine(data)


def test_full_memos_start_again_without_changing_the_output(monkeypatch, tmp_path: Path):
    """The memos are bounded (a file of millions of different rows); emptied when full, nothing changes."""
    from bench.run import write_csv

    path = tmp_path / "m.csv"
    write_csv(path, 600, seed=11)
    data = path.read_bytes()
    expected = by_the_engine(data)
    monkeypatch.setattr(batch, "MEMO_LIMIT", 3)
    assert by_the_batch(data) == expected


def test_with_a_problem_limit_the_batch_scorer_stops_where_the_engine_stops():
    instrument = latest_version("vie")
    bad = "organisation,item_1a,goal_1b\n" + "".join(
        ["X,9,C\n", "X,1,Q\n", "Y\n", "\n", "X,2,A\n", "X,7,E\n"][n % 6] for n in range(600)
    )
    found = []
    for read in (read_measurements, batch.score_file_json):
        with pytest.raises(InvalidFile) as refused:
            read(instrument, bad.encode(), max_problems=100)
        found.append((refused.value.complete, refused.value.found, [p.text() for p in refused.value.problems]))
    assert found[0] == found[1]
    complete, count, texts = found[0]
    assert (complete, len(texts)) == (False, 100)
    assert count >= 100
