"""Dutch column names and Dutch dates in measurement files (issue 14, item 3), beside the English ones."""

from __future__ import annotations

import datetime as dt

import pytest

from edmonitor.instruments.csvio import InvalidFile, read_date, read_measurements
from edmonitor.instruments.definition import load_definition

VIE = load_definition("vie-2012.1")


def test_dutch_and_english_headers_read_the_same_measurement():
    english = (
        b"organisation;measured_on;label;item_2a;goal_2b;staff_fte;ed_fte\nGGZ Alfa;2026-03-20;begin;3;C;1000;1,5\n"
    )
    dutch = (
        b"organisatie;datum;omschrijving;item_2a;doel_2b;fte_personeel;fte_ervaringsdeskundigen\n"
        b"GGZ Alfa;20-03-2026;begin;3;C;1000;1,5\n"
    )
    (a,), (b,) = read_measurements(VIE, english), read_measurements(VIE, dutch)
    assert (b.organisation, b.measured_on, b.label) == ("GGZ Alfa", dt.date(2026, 3, 20), "begin")
    assert b.result == a.result
    assert b.result.items == {"1a": 2, "2a": 3}  # 1.5 fte per 1000: 2
    assert b.result.goals == {"2b": "C"}


def test_the_same_column_in_both_languages_is_named_twice():
    with pytest.raises(InvalidFile) as info:
        read_measurements(VIE, b"organisatie;datum;measured_on\nA;01-01-2026;2026-01-01\n")
    assert [p.text() for p in info.value.problems] == ["row 1, column measured_on: Column 'measured_on' appears twice."]


def test_a_problem_names_the_column_as_the_file_writes_it():
    with pytest.raises(InvalidFile) as info:
        read_measurements(VIE, b"organisatie;datum;doel_1b\nA;31-02-2026;Q\n")
    assert {info.value.written[p.problem.field] for p in info.value.problems} == {"datum", "doel_1b"}


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2026-03-20", dt.date(2026, 3, 20)),
        ("20-03-2026", dt.date(2026, 3, 20)),
        ("1-3-2026", dt.date(2026, 3, 1)),  # day first: 1 March
        ("03-04-2026", dt.date(2026, 4, 3)),
        ("29-02-2024", dt.date(2024, 2, 29)),
    ],
)
def test_iso_and_dutch_dates_are_read(text, date):
    assert read_date(text) == (date, None)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("31-02-2026", "not an existing date"),
        ("13-13-2026", "not an existing date"),
        ("2026-02-30", "not an existing date"),
        ("01-03-26", "four digits"),  # 1926 or 2026?
        ("03/04/2026", "DD-MM-YYYY"),  # 3 April or 4 March?
        ("20260320", "DD-MM-YYYY"),
        ("gisteren", "DD-MM-YYYY"),
    ],
)
def test_other_dates_are_refused_with_a_reason(text, says):
    date, problem = read_date(text)
    assert date is None and problem is not None and problem.field == "measured_on"
    assert says in problem.text()
