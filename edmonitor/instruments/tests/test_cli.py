"""The ``edmonitor score vie`` command line, run as a real subprocess without Django settings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = (
    "organisation,item_1a,item_2a,item_3a,item_4a,item_5a,item_6a,item_7a,item_8a,item_9a,"
    "item_10a,goal_1b\nVoorbeeld,2,2,1,2,1,2,3,2,3,1,C\n"
)


def console_script() -> str:
    found = Path(sys.executable).with_name("edmonitor")
    if found.exists():
        return str(found)
    which = shutil.which("edmonitor")
    if which is None:
        pytest.fail("the edmonitor console script is not installed")
    return which


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edmonitor", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean_env(),
        cwd=cwd,
        timeout=60,
    )


def write(tmp_path: Path, content: str | bytes, name: str = "input.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def score_json(tmp_path: Path, content: str | bytes) -> list[dict]:
    proc = run("score", "vie", str(write(tmp_path, content)), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------- good input


def test_the_example_row_totals_1_9_laag_with_goal_1b_c(tmp_path):
    assert score_json(tmp_path, EXAMPLE) == [
        {
            "organisation": "Voorbeeld",
            "items": {"1a": 2, "2a": 2, "3a": 1, "4a": 2, "5a": 1,
                      "6a": 2, "7a": 3, "8a": 2, "9a": 3, "10a": 1},
            "derived": [],
            "total": 1.9,
            "level": "laag",
            "goals": {"1b": "C"},
            "warnings": [],
        }
    ]  # fmt: skip


def test_the_installed_console_script_scores_the_example_row_too(tmp_path):
    path = write(tmp_path, EXAMPLE)
    proc = subprocess.run(
        [console_script(), "score", "vie", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean_env(),
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    [row] = json.loads(proc.stdout)
    assert (row["total"], row["level"], row["goals"]) == (1.9, "laag", {"1b": "C"})


def test_a_row_with_facts_derives_its_items_and_lists_them_as_derived(tmp_path):
    content = (
        "organisation,staff_fte,ed_hours_per_week,clients,ed_recovery_coach_count,"
        "ed_policy_count,support_criteria_met,item_2a\n"
        "Feiten,1000,72,3000,3,0,2,4\n"
    )
    [row] = score_json(tmp_path, content)
    # 72 h = 2 fte of 1000 = 2 per mille -> 2; 3 coaches at 3000 clients (medium) -> 2;
    # no policy experts -> 1; 2 criteria -> 2; item 2a given directly -> 4
    assert row["items"] == {"1a": 2, "2a": 4, "3a": 1, "4a": 2, "7a": 2}
    assert row["derived"] == ["1a", "3a", "4a", "7a"]
    assert row["total"] == 2.2  # 11 / 5
    assert row["level"] is None  # 5 of 10 items: a total, no level (003 §5.2)
    assert len(row["warnings"]) == 1 and "5" in row["warnings"][0] and "10" in row["warnings"][0]


def test_rows_come_out_in_input_order(tmp_path):
    content = "organisation,item_1a\nZeta,5\nAlfa,1\nMidden,3\nAlfa,2\n"
    rows = score_json(tmp_path, content)
    assert [(r["organisation"], r["total"]) for r in rows] == [
        ("Zeta", 5.0),
        ("Alfa", 1.0),
        ("Midden", 3.0),
        ("Alfa", 2.0),
    ]


def test_a_row_without_items_has_a_null_total_and_level(tmp_path):
    [row] = score_json(tmp_path, "organisation,goal_1b\nLeeg,A\n")
    assert row["items"] == {} and row["total"] is None and row["level"] is None
    assert row["goals"] == {"1b": "A"}
    assert row["warnings"]


def test_a_printed_total_that_differs_is_a_warning_in_the_output(tmp_path):
    content = EXAMPLE.replace(",goal_1b\n", ",goal_1b,printed_total\n").replace(",C\n", ",C,2.1\n")
    [row] = score_json(tmp_path, content)
    assert row["total"] == 1.9
    assert len(row["warnings"]) == 1 and "2.1" in row["warnings"][0]


def test_the_default_table_format_shows_the_organisation_and_total(tmp_path):
    proc = run("score", "vie", str(write(tmp_path, EXAMPLE)), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(proc.stdout)  # a table, not the JSON format
    header = proc.stdout.splitlines()[0].split()
    assert header[0] == "organisation" and "total" in header
    assert "Voorbeeld" in proc.stdout
    assert "1.9" in proc.stdout
    assert "laag" in proc.stdout


def test_the_table_format_can_be_asked_for_explicitly(tmp_path):
    path = write(tmp_path, "organisation,item_1a\nCliëntenraad,4\n")
    proc = run("score", "vie", str(path), "--format", "table", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Cliëntenraad" in proc.stdout and "4.0" in proc.stdout


def test_scoring_does_not_import_django(tmp_path):
    path = write(tmp_path, EXAMPLE)
    code = (
        "import sys, contextlib, io\n"
        "from edmonitor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = main(['score', 'vie', {str(path)!r}, '--format', 'json'])\n"
        "assert status == 0, status\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(),
        cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# --------------------------------------------------------------------------- bad input

BAD_INPUTS = [
    # (id, file content, row, column or None for a whole-file problem)
    ("score above 5", "organisation,item_3a\nX,6\n", 2, "item_3a"),
    ("score 0", "organisation,item_3a\nX,0\n", 2, "item_3a"),
    ("non-integer score", "organisation,item_1a,item_9a\nX,1,2.5\n", 2, "item_9a"),
    ("bad goal code", "organisation,item_1a,goal_7b\nX,1,1\nY,2,E\n", 3, "goal_7b"),
    ("negative fact", "organisation,clients,ed_recovery_coach_count\nX,-3,2\n", 2, "clients"),
    ("non-numeric fact", "organisation,staff_fte,ed_fte\nX,veel,1\n", 2, "staff_fte"),
    ("ed_fte above staff_fte", "organisation,staff_fte,ed_fte\nX,10,11\n", 2, "ed_fte"),
    (
        "both ed_fte and ed_hours_per_week",
        "organisation,staff_fte,ed_fte,ed_hours_per_week\nX,1000,2,72\n",
        2,
        "ed_hours_per_week|ed_fte",
    ),
    ("direct and derived disagree", "organisation,item_3a,ed_policy_count\nX,5,0\n", 2, "item_3a"),
    ("unknown column", "organisation,item_1a,opmerking\nX,2,goed\n", 1, "opmerking"),
    ("missing organisation column", "item_1a\n2\n", 1, "organisation"),
    ("empty organisation", "organisation,item_1a\n,2\n", 2, "organisation"),
    ("bad date", "organisation,measured_on\nX,1-4-11\n", 2, "measured_on"),  # Dutch dates need four-digit years
    ("printed total not a number", "organisation,printed_total\nX,hoog\n", 2, "printed_total"),
    ("printed total out of range", "organisation,printed_total\nX,1e30\n", 2, "printed_total"),
    ("empty file", b"", 1, None),
    ("not UTF-8", "organisation\nCliënt\n".encode("cp1252"), 1, None),
    ("not CSV", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", 1, None),
]


@pytest.mark.parametrize(("content", "row", "column"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exits_2_with_nothing_on_stdout_and_row_and_column_on_stderr(tmp_path, content, row, column):
    proc = run("score", "vie", str(write(tmp_path, content)), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert f"row {row}" in proc.stderr
    if column is not None:
        assert any(c in proc.stderr for c in column.split("|")), proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_input_with_the_table_format_also_keeps_stdout_empty(tmp_path):
    proc = run("score", "vie", str(write(tmp_path, "organisation,item_1a\nX,7\n")), cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "row 2" in proc.stderr and "item_1a" in proc.stderr


def test_every_problem_in_the_file_is_printed(tmp_path):
    content = "organisation,item_1a,goal_1b\nA,1,A\nB,9,A\nC,2,X\n,3,B\n"
    proc = run("score", "vie", str(write(tmp_path, content)), "--format", "json", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 3
    assert "row 3" in lines[0] and "item_1a" in lines[0]
    assert "row 4" in lines[1] and "goal_1b" in lines[1]
    assert "row 5" in lines[2] and "organisation" in lines[2]


def test_a_nonexistent_file_exits_2_with_nothing_on_stdout(tmp_path):
    proc = run("score", "vie", str(tmp_path / "bestaat-niet.csv"), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "bestaat-niet.csv" in proc.stderr


def test_an_unknown_format_exits_2_with_nothing_on_stdout(tmp_path):
    proc = run("score", "vie", str(write(tmp_path, EXAMPLE)), "--format", "xml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    rows = "".join(f"Org {n},{n % 5 + 1}\n" for n in range(20000))
    path = write(tmp_path, "organisation,item_1a\n" + rows)
    proc = subprocess.Popen(
        [sys.executable, "-m", "edmonitor", "score", "vie", str(path), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
        cwd=tmp_path,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(20).startswith(b"[")
    proc.stdout.close()  # like `| head`
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in stderr


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_file_of_endless_bad_rows_lists_the_first_thousand_problems_and_says_so(tmp_path, fmt):
    # One problem per row (a score of 9): rows 2 to 1001 give the first 1,000; the file has 50,000.
    (tmp_path / "in.csv").write_text("organisation,item_1a\n" + "X,9\n" * 50_000, encoding="utf-8")
    done = run("score", "vie", "in.csv", "--format", fmt, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1000 + 1
    assert lines[999].startswith("in.csv: row 1001, column item_1a: ")
    assert lines[-1] == "in.csv: at least 1000 problems; the first 1000 are listed. Reading stopped at row 1001."


def test_a_file_with_fewer_problems_lists_every_one_without_a_count_line(tmp_path):
    (tmp_path / "in.csv").write_text("organisation,item_1a\n" + "X,9\n" * 999, encoding="utf-8")
    done = run("score", "vie", "in.csv", "--format", "json", cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 999
    assert "at least" not in done.stderr
