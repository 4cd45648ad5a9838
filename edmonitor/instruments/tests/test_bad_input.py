"""Bad input is reported field by field and row by row; a file is accepted whole or not at all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edmonitor.instruments.csvio import InvalidFile, read_measurements
from edmonitor.instruments.definition import load_definition
from edmonitor.instruments.scoring import InvalidMeasurement, evaluate, parse_record

VIE = load_definition("vie-2012.1")


def parse_fields(raw: dict[str, str]) -> list[str | None]:
    _, problems = parse_record(VIE, raw)
    return [p.field for p in problems]


def evaluate_fields(raw: dict[str, str]) -> list[str | None]:
    with pytest.raises(InvalidMeasurement) as info:
        evaluate(VIE, raw)
    return [p.field for p in info.value.problems]


def file_problems(data: bytes) -> list[tuple[int, str | None]]:
    with pytest.raises(InvalidFile) as info:
        read_measurements(VIE, data)
    assert info.value.problems, "InvalidFile must carry its problems"
    return [(p.row, p.problem.field) for p in info.value.problems]


# --------------------------------------------------------------------------- parse_record


@pytest.mark.parametrize("value", ["0", "6", "-1", "2.5", "3,0", "drie", "1e0", "½"])
@pytest.mark.parametrize("item_id", ["1a", "6a", "10a"])
def test_a_score_that_is_not_a_whole_number_from_1_to_5_is_a_problem_on_its_column(item_id, value):
    assert parse_fields({f"item_{item_id}": value}) == [f"item_{item_id}"]


@pytest.mark.parametrize("value", ["1", "3", "5", " 4 "])
def test_whole_scores_from_1_to_5_are_accepted(value):
    inp, problems = parse_record(VIE, {"item_2a": value})
    assert problems == []
    assert inp.direct == {"2a": int(value)}


@pytest.mark.parametrize("value", ["E", "0", "1", "AB", "geen", "n.v.t."])
def test_a_goal_code_other_than_a_to_d_is_a_problem_on_its_column(value):
    assert parse_fields({"goal_4b": value}) == ["goal_4b"]


@pytest.mark.parametrize("code", ["A", "B", "C", "D"])
def test_goal_codes_a_to_d_are_accepted(code):
    inp, problems = parse_record(VIE, {"goal_10b": code})
    assert problems == []
    assert inp.goals == {"10b": code}


def test_an_empty_goal_means_not_recorded():
    inp, problems = parse_record(VIE, {"goal_1b": ""})
    assert problems == [] and inp.goals == {}


FACTS = [
    "staff_fte",
    "ed_fte",
    "ed_hours_per_week",
    "clients",
    "ed_policy_count",
    "ed_recovery_coach_count",
    "ed_group_facilitator_count",
    "support_criteria_met",
]


@pytest.mark.parametrize("fact", FACTS)
@pytest.mark.parametrize("value", ["-1", "-0.5", "veel", "1.2.3", "NaN", "inf"])
def test_a_negative_or_non_numeric_fact_is_a_problem_on_its_column(fact, value):
    assert parse_fields({fact: value}) == [fact]


@pytest.mark.parametrize(
    "fact",
    ["clients", "ed_policy_count", "ed_recovery_coach_count", "ed_group_facilitator_count",
     "support_criteria_met"],
)  # fmt: skip
def test_a_count_that_is_not_whole_is_a_problem_on_its_column(fact):
    assert parse_fields({fact: "2.5"}) == [fact]


def test_a_dutch_decimal_comma_is_accepted_for_facts():
    inp, problems = parse_record(VIE, {"staff_fte": "12,5", "ed_hours_per_week": "7,25"})
    assert problems == []
    assert inp.facts == {"staff_fte": Decimal("12.5"), "ed_hours_per_week": Decimal("7.25")}


def test_every_problem_in_a_record_is_reported():
    fields = parse_fields({"item_1a": "9", "item_2a": "x", "goal_3b": "Z", "ed_fte": "-1", "clients": "veel"})
    assert sorted(fields) == sorted(["item_1a", "item_2a", "goal_3b", "ed_fte", "clients"])


# --------------------------------------------------------------------------- evaluate


def test_ed_fte_above_staff_fte_is_an_error_on_ed_fte():
    assert evaluate_fields({"ed_fte": "101", "staff_fte": "100"}) == ["ed_fte"]


def test_ed_fte_equal_to_staff_fte_is_allowed():
    _, result = evaluate(VIE, {"ed_fte": "100", "staff_fte": "100"})
    assert result.items == {"1a": 5}


def test_weekly_hours_above_the_staff_fte_are_an_error_on_ed_hours_per_week():
    # 3601 h = 100.03 fte > 100 fte
    assert evaluate_fields({"ed_hours_per_week": "3601", "staff_fte": "100"}) == ["ed_hours_per_week"]


def test_giving_both_ed_fte_and_weekly_hours_is_an_error():
    fields = evaluate_fields({"ed_fte": "2", "ed_hours_per_week": "72", "staff_fte": "1000"})
    assert fields and set(fields) <= {"ed_fte", "ed_hours_per_week"}


def test_ed_fte_without_staff_fte_is_an_error_on_staff_fte():
    assert evaluate_fields({"ed_fte": "2"}) == ["staff_fte"]


def test_ed_fte_with_zero_staff_fte_is_an_error_on_staff_fte():
    assert evaluate_fields({"ed_fte": "0", "staff_fte": "0"}) == ["staff_fte"]


def test_parse_problems_and_cross_field_problems_are_reported_together():
    fields = evaluate_fields({"item_2a": "7", "ed_fte": "5", "staff_fte": "4"})
    assert sorted(fields) == ["ed_fte", "item_2a"]


def test_a_bad_fact_is_reported_once_not_again_as_a_missing_fact():
    assert evaluate_fields({"ed_recovery_coach_count": "3", "clients": "-5"}) == ["clients"]


@pytest.mark.parametrize("value", ["1e30", "0", "5.1", "-2", "twee"])
def test_a_printed_total_that_is_not_a_total_is_a_problem_on_printed_total(value):
    assert evaluate_fields({"item_1a": "2", "printed_total": value}) == ["printed_total"]


# --------------------------------------------------------------------------- read_measurements

HEADER = b"organisation,item_1a,item_2a,goal_1b,ed_fte,staff_fte\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (HEADER + b"X,6,,,,\n", [(2, "item_1a")]),
        (HEADER + b"X,2.5,,,,\n", [(2, "item_1a")]),
        (HEADER + b"X,,,E,,\n", [(2, "goal_1b")]),
        (HEADER + b"X,,,,-1,100\n", [(2, "ed_fte")]),
        (HEADER + b"X,,,,veel,100\n", [(2, "ed_fte")]),
        (HEADER + b"X,,,,101,100\n", [(2, "ed_fte")]),
        (HEADER + b",2,2,,,\n", [(2, "organisation")]),
        (b"organisation,measured_on\nX,2012-13-01\n", [(2, "measured_on")]),
        (b"organisation,item_11a\nX,3\n", [(1, "item_11a")]),
        (b"organisation,item_1a,item_1a\nX,3,3\n", [(1, "item_1a")]),
        (b"item_1a\n3\n", [(1, "organisation")]),
        (b"organisation,ed_fte,ed_hours_per_week,staff_fte\nX,2,72,1000\n", None),
    ],
    ids=[
        "score 6", "score 2.5", "goal E", "negative fact", "non-numeric fact",
        "ed_fte above staff_fte", "empty organisation", "bad date", "unknown column",
        "column twice", "no organisation column", "both ed_fte and ed_hours_per_week",
    ],
)  # fmt: skip
def test_each_bad_input_is_reported_with_its_row_and_column(data, expected):
    problems = file_problems(data)
    if expected is None:  # either of the two columns may carry the problem
        assert [row for row, _ in problems] == [2]
        assert problems[0][1] in {"ed_fte", "ed_hours_per_week"}
    else:
        assert problems == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"  \n\n",
        "organisation\nCliënt\n".encode("latin-1"),
        b"\xff\xfeo\x00r\x00g\x00",  # UTF-16, as some programs save 'Unicode text'
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",  # a zip file such as .xlsx
        b"organisation\n",  # a header and no data
    ],
    ids=["empty", "blank lines", "latin-1", "utf-16", "xlsx", "header only"],
)
def test_a_file_that_is_not_a_csv_with_data_is_rejected_with_a_row_number(data):
    problems = file_problems(data)
    assert all(row in (1, 2) for row, _ in problems)


def test_a_row_with_the_wrong_number_of_fields_is_reported_with_its_row():
    assert file_problems(b"organisation,item_1a\nA,2\nB,2,3\n") == [(3, None)]


def test_an_unclosed_quote_is_reported_not_crashed_on():
    assert file_problems(b'organisation,item_1a\nA,"2\n')


def test_every_problem_in_every_row_is_reported():
    data = HEADER + b"A,2,2,C,,\nB,9,x,,,\nC,1,1,A,,\nD,,,Q,5,1\n"
    problems = file_problems(data)
    assert sorted(problems, key=str) == sorted([(3, "item_1a"), (3, "item_2a"), (5, "goal_1b"), (5, "ed_fte")], key=str)


def test_unknown_columns_are_all_reported():
    problems = file_problems(b"organisation,foo,item_1a,Item_2a\nX,1,2,3\n")
    assert problems == [(1, "foo"), (1, "Item_2a")]


def test_a_file_with_one_bad_row_returns_nothing_at_all():
    data = HEADER + b"Goed,2,2,,,\nFout,6,2,,,\nOok goed,3,3,,,\n"
    with pytest.raises(InvalidFile) as info:
        read_measurements(VIE, data)
    assert [(p.row, p.problem.field) for p in info.value.problems] == [(3, "item_1a")]


def test_problem_texts_name_the_row_and_the_column():
    with pytest.raises(InvalidFile) as info:
        read_measurements(VIE, HEADER + b"X,2,2,,,\nY,2,0,,,\n")
    text = info.value.problems[0].text()
    assert "row 3" in text and "item_2a" in text


def test_row_numbers_count_the_header_as_row_1():
    rows = read_measurements(VIE, b"organisation,item_1a\nA,1\nB,2\n")
    assert [(r.row, r.organisation, r.result.items) for r in rows] == [
        (2, "A", {"1a": 1}),
        (3, "B", {"1a": 2}),
    ]


# --------------------------------------------------------------------------- accepted variants


def test_a_semicolon_delimited_file_is_accepted():
    data = b"organisation;item_1a;item_2a;staff_fte;ed_fte\nA;3;4;;\nB;;2;1000;2,5\n"
    rows = read_measurements(VIE, data)
    assert [r.organisation for r in rows] == ["A", "B"]
    assert rows[0].result.items == {"1a": 3, "2a": 4}
    assert rows[1].result.items == {"1a": 3, "2a": 2}  # 2.5 per mille
    assert rows[1].input.facts["ed_fte"] == Decimal("2.5")


def test_a_utf8_byte_order_mark_is_accepted():
    data = "\ufefforganisation,item_1a\nCliëntenraad Zuid,4\n".encode()
    rows = read_measurements(VIE, data)
    assert [(r.organisation, r.result.items) for r in rows] == [("Cliëntenraad Zuid", {"1a": 4})]


def test_a_quoted_dutch_decimal_comma_is_accepted_in_a_comma_delimited_file():
    rows = read_measurements(VIE, b'organisation,staff_fte,ed_fte\nA,1000,"12,5"\n')
    assert rows[0].input.facts == {"staff_fte": Decimal(1000), "ed_fte": Decimal("12.5")}
    assert rows[0].result.items == {"1a": 5}  # 12.5 per mille


def test_windows_line_endings_are_accepted():
    rows = read_measurements(VIE, b"organisation,item_1a\r\nA,2\r\nB,5\r\n")
    assert [r.result.items["1a"] for r in rows] == [2, 5]


def test_blank_lines_between_rows_are_skipped():
    rows = read_measurements(VIE, b"organisation,item_1a\nA,2\n\nB,5\n")
    assert [r.organisation for r in rows] == ["A", "B"]


def test_measured_on_and_label_are_read():
    rows = read_measurements(VIE, b"organisation,measured_on,label\nA,2011-04-01,beginmeting\n")
    assert str(rows[0].measured_on) == "2011-04-01"
    assert rows[0].label == "beginmeting"
