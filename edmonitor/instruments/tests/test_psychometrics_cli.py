"""``edmonitor psychometrics`` (issue 20), run as a real subprocess without Django settings.

The contract: it reads a ``score vie`` file exactly as ``score vie`` does (the same checks, the
same messages, exit status 2, items derived from facts) and prints the item analysis of
``edmonitor/instruments/psychometrics.py`` as JSON or as a table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .test_cli import BAD_INPUTS, clean_env, run, write
from .test_psychometrics import FIGURES, ITEMS, reference

LIVE_BASELINE = Path(__file__).resolve().parents[2] / "measurements" / "data" / "live" / "baseline.csv"
HEADER = "organisation,staff_fte,ed_fte," + ",".join(f"item_{i}" for i in ITEMS)
# Four complete rows (one with 1a derived from its facts: 0 fte of experts -> 1) and one without 2a.
SMALL = (
    f"{HEADER}\n"
    "Laag,,,1,1,1,1,1,1,1,1,1,1\n"
    "Feiten,1000,0,,1,1,1,1,1,1,1,1,1\n"
    "Midden,,,3,3,3,3,3,3,3,3,3,3\n"
    "Hoog,,,5,5,5,5,5,5,5,5,5,5\n"
    "Zonder 2a,,,2,,2,2,2,2,2,2,2,2\n"
)


def psychometrics_json(tmp_path: Path, content: str | bytes) -> dict[str, Any]:
    done = run("psychometrics", str(write(tmp_path, content)), "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


def decimals(value: float) -> int:
    """How many decimals a JSON number was written with."""
    exponent = Decimal(repr(value)).as_tuple().exponent
    assert isinstance(exponent, int), value
    return max(0, -exponent)


# --------------------------------------------------------------------------- the JSON contract


def test_the_json_has_exactly_the_contracts_keys_types_and_decimals(tmp_path):
    data = psychometrics_json(tmp_path, LIVE_BASELINE.read_bytes())
    assert list(data) == ["n", "excluded", "cronbach_alpha", "alpha_ci95", "items"]
    assert type(data["n"]) is int and type(data["excluded"]) is int
    assert type(data["cronbach_alpha"]) is float and decimals(data["cronbach_alpha"]) <= 3
    assert isinstance(data["alpha_ci95"], list) and len(data["alpha_ci95"]) == 2
    assert all(type(bound) is float and decimals(bound) <= 3 for bound in data["alpha_ci95"])
    assert list(data["items"]) == list(ITEMS)
    for figures in data["items"].values():
        assert list(figures) == list(FIGURES)
        for name, value in figures.items():
            assert type(value) is float, (name, value)
            assert decimals(value) <= (1 if name.endswith("_pct") else 3), (name, value)


def test_the_live_baseline_agrees_with_an_independent_implementation(tmp_path):
    # The 18 institutions of the LIVE evaluation at the baseline (seed 003, appendix 2): every item scored.
    data = psychometrics_json(tmp_path, LIVE_BASELINE.read_bytes())
    assert (data["n"], data["excluded"]) == (18, 0)
    scores = _item_scores(tmp_path, LIVE_BASELINE.read_bytes())
    expected = reference(np.array([[row[i] for i in ITEMS] for row in scores]))
    assert abs(data["cronbach_alpha"] - expected["alpha"]) <= 0.0005 + 1e-9
    for ours, theirs in zip(data["alpha_ci95"], expected["ci"], strict=True):
        assert abs(ours - theirs) <= 0.0005 + 1e-9
    for item_id, theirs in zip(ITEMS, expected["items"], strict=True):
        for name in FIGURES:
            tolerance = 0.05 if name.endswith("_pct") else 0.0005
            assert abs(data["items"][item_id][name] - theirs[name]) <= tolerance + 1e-9, (item_id, name)


def _item_scores(tmp_path: Path, content: bytes) -> list[dict[str, int]]:
    """Each row's item scores as `score vie --format json` gives them (derived items included)."""
    done = run("score", "vie", str(write(tmp_path, content, "scored.csv")), "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return [row["items"] for row in json.loads(done.stdout)]


def test_derived_items_count_and_rows_with_a_missing_item_are_excluded(tmp_path):
    data = psychometrics_json(tmp_path, SMALL)
    assert (data["n"], data["excluded"]) == (4, 1)
    # Every item has the scores 1, 1, 3, 5 (1a's second 1 derived from the facts), so all ten items
    # are the same: alpha 1 and every corrected r 1, worked out by hand.
    assert data["cronbach_alpha"] == 1.0 and data["alpha_ci95"] == [1.0, 1.0]
    for figures in data["items"].values():
        assert figures == {
            "mean": 2.5,  # 10 / 4
            "sd": 1.915,  # sqrt(11 / 3) = 1.91485
            "item_total_r": 1.0,
            "alpha_if_deleted": 1.0,
            "floor_pct": 50.0,
            "ceiling_pct": 25.0,
        }


# --------------------------------------------------------------------------- too little data: nulls


def test_one_complete_row_gives_means_and_percentages_and_nulls_for_the_rest(tmp_path):
    content = f"{HEADER}\nEen,,,1,2,3,4,5,1,2,3,4,5\nHalf,,,1,,,,,,,,,\n"
    data = psychometrics_json(tmp_path, content)
    assert (data["n"], data["excluded"]) == (1, 1)
    assert (data["cronbach_alpha"], data["alpha_ci95"]) == (None, None)
    assert data["items"]["1a"] == {
        "mean": 1.0,
        "sd": None,
        "item_total_r": None,
        "alpha_if_deleted": None,
        "floor_pct": 100.0,
        "ceiling_pct": 0.0,
    }


def test_a_file_without_a_complete_row_gives_only_nulls(tmp_path):
    content = "organisation,item_1a,item_2a\nA,1,2\nB,3,4\n"
    data = psychometrics_json(tmp_path, content)
    assert (data["n"], data["excluded"], data["cronbach_alpha"], data["alpha_ci95"]) == (0, 2, None, None)
    assert all(value is None for figures in data["items"].values() for value in figures.values())


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "The file is empty."), (b"organisation,item_1a\n", "The file has a header but no data rows.")],
    ids=["empty", "header only"],
)
def test_an_empty_file_is_bad_input_as_for_score_vie(tmp_path, content, message):
    done = run("psychometrics", str(write(tmp_path, content)), "--format", "json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert message in done.stderr


# --------------------------------------------------------------------------- the table


def test_the_default_format_is_the_table(tmp_path):
    done = run("psychometrics", str(write(tmp_path, SMALL)), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(done.stdout)
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["item", "mean", "sd"]
    assert "item-total r" in lines[0] and "alpha if deleted" in lines[0] and "ceiling %" in lines[0]
    assert [line.split()[0] for line in lines[2:12]] == list(ITEMS)
    assert lines[2].split()[1:7] == ["2.500", "1.915", "1.000", "1.000", "50.0", "25.0"]
    assert "rows with all 10 items (n):       4" in done.stdout
    assert "rows left out (an item missing):  1" in done.stdout
    assert "Cronbach's alpha:                 1.000" in done.stdout
    assert "95% interval (Feldt):             1.000 to 1.000" in done.stdout


def test_the_table_shows_undefined_figures_as_a_dash(tmp_path):
    content = f"{HEADER}\nEen,,,1,2,3,4,5,1,2,3,4,5\n"
    done = run("psychometrics", str(write(tmp_path, content)), "--format", "table", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].split()[:7] == ["1a", "1.000", "-", "-", "-", "100.0", "0.0"]
    assert "Cronbach's alpha:                 -" in done.stdout
    assert "- = undefined" in done.stdout


# --------------------------------------------------------------------------- bad input: as score vie


@pytest.mark.parametrize(("content", "row", "column"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exits_2_with_score_vies_messages_and_nothing_on_stdout(tmp_path, content, row, column):
    path = str(write(tmp_path, content))
    done = run("psychometrics", path, "--format", "json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert f"row {row}" in done.stderr and "Traceback" not in done.stderr
    if column is not None:
        assert any(c in done.stderr for c in column.split("|")), done.stderr
    scored = run("score", "vie", path, "--format", "json", cwd=tmp_path)
    assert done.stderr == scored.stderr  # the same checks, the same words


def test_bad_input_with_the_table_format_also_keeps_stdout_empty(tmp_path):
    done = run("psychometrics", str(write(tmp_path, "organisation,item_1a\nX,7\n")), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "row 2" in done.stderr and "item_1a" in done.stderr


def test_a_file_of_endless_bad_rows_stops_at_the_first_thousand_problems_as_score_vie_does(tmp_path):
    (tmp_path / "in.csv").write_text("organisation,item_1a\n" + "X,9\n" * 5_000, encoding="utf-8")
    done = run("psychometrics", "in.csv", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    lines = done.stderr.splitlines()
    assert len(lines) == 1000 + 1
    assert lines[-1] == "in.csv: at least 1000 problems; the first 1000 are listed. Reading stopped at row 1001."


def test_a_nonexistent_file_exits_2_with_nothing_on_stdout(tmp_path):
    done = run("psychometrics", str(tmp_path / "bestaat-niet.csv"), "--format", "json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "bestaat-niet.csv" in done.stderr


def test_an_unknown_format_exits_2_with_nothing_on_stdout(tmp_path):
    done = run("psychometrics", str(write(tmp_path, SMALL)), "--format", "csv", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")


def test_the_item_analysis_does_not_import_django(tmp_path):
    path = write(tmp_path, SMALL)
    code = (
        "import sys, contextlib, io\n"
        "from edmonitor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = main(['psychometrics', {str(path)!r}, '--format', 'json'])\n"
        "assert status == 0, status\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), cwd=tmp_path, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
