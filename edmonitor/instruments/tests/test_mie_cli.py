"""The ``edmonitor score mie`` command line, run as a real subprocess without Django settings.

Expected values are worked out by hand in this file (with a small exact helper for the
weighted kappa written from its definition, and the F quantiles of the ICC's interval taken
from ``scipy.stats``), never by calling ``audit.py`` or ``reliability.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from scipy.stats import f as f_distribution

from .test_cli import clean_env, run, write

JAN = {"1": 3, "2": 2, "3": 4, "4": 5, "5": 1}
PIET = {"1": 4, "2": 5, "3": 4, "4": 5, "5": 2}
ZOE = {"1": 2, "2": 3, "3": 3, "4": 1, "5": 5}
ANNA = {"1": 2, "2": 1, "3": 4, "4": 1, "5": 3}

TWO_AUDITS = {
    "audits": [
        {
            "organisation": "GGZ Alfa",
            "date": "2026-03-01",
            "ratings": {"Jan": JAN, "Piet": PIET},
            "consensus": {"1": 4, "2": 4, "3": 2, "4": 5, "5": 3},
        },
        {
            # Not in alphabetical order: the scores keep the order of the file.
            "organisation": "Zorg Beta",
            "date": "2026-04-15",
            "ratings": {"Zoë": ZOE, "Anna": dict(reversed(ANNA.items()))},
        },
    ]
}


def theme(a: int, b: int, consensus: int | None, discuss: bool, outside: bool) -> dict:
    return {
        "scores": [a, b],
        "difference": abs(a - b),
        "consensus": consensus,
        "discuss": discuss,
        "consensus_outside_range": outside,
    }


def quadratic_kappa(pairs: list[tuple[int, int]]) -> Fraction:
    """1 - mean squared difference / (var a + var b + (mean a - mean b)^2).

    The expected quadratic disagreement under independent marginals is E[(X - Y)^2] with X, Y
    independent, which is var X + var Y + (E X - E Y)^2.
    """
    n = len(pairs)
    a = [Fraction(x) for x, _ in pairs]
    b = [Fraction(y) for _, y in pairs]
    mean_a, mean_b = sum(a, Fraction(0)) / n, sum(b, Fraction(0)) / n
    var_a = sum(((x - mean_a) ** 2 for x in a), Fraction(0)) / n
    var_b = sum(((y - mean_b) ** 2 for y in b), Fraction(0)) / n
    observed = sum(((x - y) ** 2 for x, y in zip(a, b, strict=True)), Fraction(0)) / n
    return 1 - observed / (var_a + var_b + (mean_a - mean_b) ** 2)


# Every theme pair of both audits, in file order.
PAIRS = [(JAN[t], PIET[t]) for t in "12345"] + [(ZOE[t], ANNA[t]) for t in "12345"]

EXPECTED = {
    "audits": [
        {
            "organisation": "GGZ Alfa",
            "date": "2026-03-01",
            "themes": {
                "1": theme(3, 4, 4, False, False),
                "2": theme(2, 5, 4, True, False),  # difference 3
                "3": theme(4, 4, 2, False, True),  # consensus below both scores
                "4": theme(5, 5, 5, False, False),
                "5": theme(1, 2, 3, False, True),  # consensus above both scores
            },
            "mean": 3.6,  # (4 + 4 + 2 + 5 + 3) / 5
        },
        {
            "organisation": "Zorg Beta",
            "date": "2026-04-15",
            "themes": {
                "1": theme(2, 2, None, False, False),
                "2": theme(3, 1, None, True, False),  # difference exactly 2
                "3": theme(3, 4, None, False, False),
                "4": theme(1, 1, None, False, False),
                "5": theme(5, 3, None, True, False),
            },
            "mean": None,
        },
    ],
    "agreement": {
        "n": 10,
        # equal: (4,4) (5,5) (2,2) (1,1) -> 4 of 10
        "exact": 40.0,
        # also within one: (3,4) (1,2) (3,4) -> 7 of 10
        "within_one": 70.0,
        # squared differences 1+9+0+0+1 + 0+4+1+0+4 = 20 -> 2.0; first raters 3,2,4,5,1,2,3,3,1,5:
        # mean 2.9, variance 10.3 - 8.41 = 1.89; second 4,5,4,5,2,2,1,4,1,3: mean 3.1, variance
        # 11.7 - 9.61 = 2.09; kappa = 1 - 2.0 / (1.89 + 2.09 + 0.04) = 101/201 = 0.50248... -> 0.502
        "weighted_kappa": 0.502,
        # ICC(1,1), one-way, k = 2, n = 10 audits-themes as targets. Pair sums 7,7,8,10,3,4,4,7,2,8 = 60:
        # grand mean 3; target means 3.5,3.5,4,5,1.5,2,2,3.5,1,4, squared deviations from 3 sum to 15:
        # BMS = 2 * 15 / 9 = 10/3. WMS = sum (a - b)^2 / 2 / n = 20 / 2 / 10 = 1.
        # ICC = (10/3 - 1) / (10/3 + 1) = 7/13 = 0.53846 -> 0.538. F0 = 10/3; F_.975(9, 10) = 3.77896,
        # F_.975(10, 9) = 3.96387: FL = 0.88207 -> (FL - 1)/(FL + 1) = -0.06266 -> -0.063;
        # FU = 13.21288 -> (FU - 1)/(FU + 1) = 0.85928 -> 0.859 (test_the_icc_interval_by_hand).
        "icc": {"value": 0.538, "ci95": [-0.063, 0.859]},
        # Gwet's AC2, weights 1 - d^2/16 for the squared differences above: p_a = (15+7+16+16+15+16+12
        # +15+16+12) / 16 / 10 = 0.875. Each value 1-5 occurs 4 times among the 20 scores: pi = 0.2,
        # sum pi (1 - pi) = 0.8; the 25 weights sum to 25 - 100/16 = 18.75, / (5 * 4) = 0.9375;
        # p_e = 0.75; AC2 = (0.875 - 0.75) / 0.25 = 0.5.
        "gwet_ac2": 0.5,
        # Krippendorff's ordinal alpha: every value pairable 4 times (n = 20), so delta^2 = 16 (k - c)^2;
        # observed 320, expected 12800 (worked in test_reliability.py::test_alpha_worked_by_hand):
        # 1 - 19 * 320 / 12800 = 0.525.
        "krippendorff_alpha": 0.525,
    },
}

AGREEMENT_KEYS = ["n", "exact", "within_one", "weighted_kappa", "icc", "gwet_ac2", "krippendorff_alpha"]


def mie(tmp_path: Path, content: object, *extra: str) -> subprocess.CompletedProcess[str]:
    data = content if isinstance(content, str | bytes) else json.dumps(content, ensure_ascii=False)
    return run("score", "mie", str(write(tmp_path, data, "audits.json")), *extra, cwd=tmp_path)


def mie_json(tmp_path: Path, content: object) -> dict:
    proc = mie(tmp_path, content, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------- good input


def test_the_hand_computed_kappa_is_right():
    assert quadratic_kappa(PAIRS) == Fraction(101, 201)


def test_two_audits_give_the_exact_json_contract(tmp_path):
    out = mie_json(tmp_path, TWO_AUDITS)
    assert out == EXPECTED
    assert [list(a["themes"]) for a in out["audits"]] == [["1", "2", "3", "4", "5"]] * 2
    assert list(out) == ["audits", "agreement"]
    assert list(out["agreement"]) == AGREEMENT_KEYS


def test_the_figures_are_numbers_of_the_right_type(tmp_path):
    out = mie_json(tmp_path, TWO_AUDITS)
    agreement = out["agreement"]
    assert isinstance(agreement["n"], int)
    assert all(isinstance(agreement[k], float) for k in ("exact", "within_one", "weighted_kappa"))
    assert all(isinstance(agreement[k], float) for k in ("gwet_ac2", "krippendorff_alpha"))
    assert isinstance(agreement["icc"]["value"], float)
    assert [type(bound) for bound in agreement["icc"]["ci95"]] == [float, float]
    first = out["audits"][0]
    assert isinstance(first["mean"], float)
    assert all(isinstance(t["difference"], int) and isinstance(t["discuss"], bool) for t in first["themes"].values())


def test_the_table_shows_every_theme_the_mean_and_the_agreement(tmp_path):
    for extra in ((), ("--format", "table")):
        proc = mie(tmp_path, TWO_AUDITS, *extra)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        with pytest.raises(json.JSONDecodeError):
            json.loads(proc.stdout)
        out = proc.stdout
        for text in ("GGZ Alfa", "2026-03-01", "Zorg Beta", "2026-04-15", "Jan", "Piet", "Zoë", "Anna"):
            assert text in out
        assert "3.6" in out  # the consensus mean of the first audit
        assert "40.0" in out and "70.0" in out and "0.502" in out
        headers = [line.split()[:3] for line in out.splitlines() if line.startswith("theme")]
        assert headers == [["theme", "Jan", "Piet"], ["theme", "Zoë", "Anna"]]  # auditors in file order
        # Theme rows: theme, both scores, difference (* = discuss), consensus (! = outside the range).
        rows = [line.split()[:5] for line in out.splitlines() if line[:1] in "12345" and line[1:2] == " "]
        assert rows == [
            ["1", "3", "4", "1", "4"],
            ["2", "2", "5", "3*", "4"],
            ["3", "4", "4", "0", "2!"],
            ["4", "5", "5", "0", "5"],
            ["5", "1", "2", "1", "3!"],
            ["1", "2", "2", "0", "-"],
            ["2", "3", "1", "2*", "-"],
            ["3", "3", "4", "1", "-"],
            ["4", "1", "1", "0", "-"],
            ["5", "5", "3", "2*", "-"],
        ]
        assert "discuss" in out


def test_an_absent_or_null_consensus_gives_null_consensus_and_mean(tmp_path):
    for consensus in ({}, {"consensus": None}):
        audit = {"organisation": "X", "date": "2026-01-31", "ratings": {"A": JAN, "B": PIET}, **consensus}
        [result] = mie_json(tmp_path, {"audits": [audit]})["audits"]
        assert result["mean"] is None
        assert [t["consensus"] for t in result["themes"].values()] == [None] * 5
        assert [t["consensus_outside_range"] for t in result["themes"].values()] == [False] * 5


def test_a_partial_consensus_is_kept_but_gives_no_mean(tmp_path):
    # Theme 3: consensus 1 below the scores 4 and 4; theme 5 null; themes 2 and 4 absent.
    audit = {
        "organisation": "X",
        "date": "2026-01-31",
        "ratings": {"A": JAN, "B": PIET},
        "consensus": {"1": 3, "3": 1, "5": None},
    }
    [result] = mie_json(tmp_path, {"audits": [audit]})["audits"]
    assert {t: v["consensus"] for t, v in result["themes"].items()} == {"1": 3, "2": None, "3": 1, "4": None, "5": None}
    assert result["themes"]["3"]["consensus_outside_range"] is True
    assert result["themes"]["1"]["consensus_outside_range"] is False
    assert result["mean"] is None


def test_a_single_audit_where_everyone_agrees_has_no_kappa(tmp_path):
    same = {t: 3 for t in "12345"}
    audit = {"organisation": "X", "date": "2026-01-31", "ratings": {"A": same, "B": same}, "consensus": same}
    out = mie_json(tmp_path, {"audits": [audit]})
    # Every score 3: no variance, so kappa, ICC and alpha are undefined (0 / 0); Gwet's AC2 is 1
    # (percent agreement 1, chance agreement 0).
    assert out["agreement"] == {
        "n": 5,
        "exact": 100.0,
        "within_one": 100.0,
        "weighted_kappa": None,
        "icc": None,
        "gwet_ac2": 1.0,
        "krippendorff_alpha": None,
    }
    assert out["audits"][0]["mean"] == 3.0


def test_the_icc_interval_by_hand():
    # The F quantiles and bounds behind EXPECTED["agreement"]["icc"] (n = 10, F0 = 10/3).
    f0 = 10 / 3
    f_low = f0 / f_distribution.ppf(0.975, 9, 10)
    f_high = f0 * f_distribution.ppf(0.975, 10, 9)
    assert (round(f_distribution.ppf(0.975, 9, 10), 5), round(f_distribution.ppf(0.975, 10, 9), 5)) == (
        3.77896,
        3.96387,
    )
    bounds = [(f_low - 1) / (f_low + 1), (f_high - 1) / (f_high + 1)]
    assert [round(b, 5) for b in bounds] == [-0.06266, 0.85928]
    assert [round(b, 3) for b in bounds] == EXPECTED["agreement"]["icc"]["ci95"]
    assert round(7 / 13, 3) == EXPECTED["agreement"]["icc"]["value"]


def test_the_reliability_figures_come_beside_the_old_agreement_figures_unchanged(tmp_path):
    agreement = mie_json(tmp_path, TWO_AUDITS)["agreement"]
    # The four figures score mie gave before issue 20, key for key and value for value, in front.
    assert list(agreement)[:4] == ["n", "exact", "within_one", "weighted_kappa"]
    assert {k: agreement[k] for k in list(agreement)[:4]} == {
        "n": 10,
        "exact": 40.0,
        "within_one": 70.0,
        "weighted_kappa": 0.502,
    }
    # The three new ones, each with at most three decimals.
    assert list(agreement)[4:] == ["icc", "gwet_ac2", "krippendorff_alpha"]
    assert list(agreement["icc"]) == ["value", "ci95"]
    figures = [
        agreement["icc"]["value"],
        *agreement["icc"]["ci95"],
        agreement["gwet_ac2"],
        agreement["krippendorff_alpha"],
    ]
    assert all(round(x, 3) == x for x in figures)
    assert figures == [0.538, -0.063, 0.859, 0.5, 0.525]


def test_a_byte_order_mark_is_accepted(tmp_path):
    data = b"\xef\xbb\xbf" + json.dumps(TWO_AUDITS).encode("utf-8")
    assert mie_json(tmp_path, data) == EXPECTED


def test_scoring_audits_imports_no_django(tmp_path):
    path = write(tmp_path, json.dumps(TWO_AUDITS), "audits.json")
    code = (
        "import sys, contextlib, io\n"
        "from edmonitor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = main(['score', 'mie', {str(path)!r}, '--format', 'json'])\n"
        "assert status == 0, status\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), cwd=tmp_path, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_score_vie_still_only_takes_csv(tmp_path):
    proc = run("score", "vie", str(write(tmp_path, "organisation,item_1a\nX,2\n")), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["total"] == 2.0


# --------------------------------------------------------------------------- bad input

DROP = object()


def audit(**changes: object) -> dict:
    """A valid audit with some keys changed (DROP removes a key)."""
    base: dict[str, object] = {
        "organisation": "GGZ Alfa",
        "date": "2026-03-01",
        "ratings": {"Jan": dict(JAN), "Piet": dict(PIET)},
        "consensus": {"1": 4, "2": 4, "3": 2, "4": 5, "5": 3},
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not DROP}


def with_jan(**scores: object) -> dict:
    """A valid audit where Jan's scores are changed (DROP removes a theme)."""
    jan = {**JAN, **{k.removeprefix("t"): v for k, v in scores.items()}}
    return audit(ratings={"Jan": {k: v for k, v in jan.items() if v is not DROP}, "Piet": dict(PIET)})


def audits(*items: object) -> dict:
    return {"audits": list(items)}


BAD_INPUTS = [
    # (id, file content, texts that must all appear on stderr)
    ("malformed JSON", '{"audits": [', ["not valid JSON"]),
    ("empty file", b"", ["empty"]),
    ("not UTF-8", '{"audits": [{"organisation": "Cliënt"}]}'.encode("cp1252"), ["UTF-8"]),
    ("top level a list", [audit()], ["object"]),
    ("no audits", {}, ['"audits"']),
    ("audits not a list", {"audits": audit()}, ['"audits"', "list"]),
    ("empty audits list", audits(), ["the file holds no audits"]),
    ("unknown top-level key", {"audits": [audit()], "comment": "x"}, ['"comment"']),
    ("audit not an object", audits(audit(), 3), ["audit 2", "object"]),
    ("missing organisation", audits(audit(organisation=DROP)), ["audit 1", "organisation", "missing"]),
    ("empty organisation", audits(audit(organisation="  ")), ["audit 1", "organisation"]),
    ("organisation not text", audits(audit(organisation=12)), ["audit 1", "organisation"]),
    ("missing date", audits(audit(date=DROP)), ["audit 1 (GGZ Alfa)", "date", "missing"]),
    ("impossible date", audits(audit(date="2026-02-30")), ["audit 1", "2026-02-30"]),
    ("Dutch date", audits(audit(date="01-03-2026")), ["audit 1", "01-03-2026", "YYYY-MM-DD"]),
    ("date without dashes", audits(audit(date="20260301")), ["audit 1", "20260301"]),
    ("date with time", audits(audit(date="2026-03-01T10:00")), ["audit 1", "2026-03-01T10:00"]),
    ("date not text", audits(audit(date=20260301)), ["audit 1", "date"]),
    ("ratings missing", audits(audit(ratings=DROP)), ["audit 1", "ratings"]),
    ("ratings not an object", audits(audit(ratings=[JAN, PIET])), ["audit 1", "ratings", "object"]),
    ("one auditor", audits(audit(ratings={"Jan": JAN})), ["ratings", "two auditors", "1"]),
    (
        "three auditors",
        audits(audit(ratings={"Jan": JAN, "Piet": PIET, "Els": JAN})),
        ["ratings", "two auditors", "3"],
    ),
    ("auditor ratings not an object", audits(audit(ratings={"Jan": [3, 2, 4, 5, 1], "Piet": PIET})), ['"Jan"']),
    ("empty auditor name", audits(audit(ratings={"": JAN, "Piet": PIET})), ["auditor", "name"]),
    (
        "the same auditor twice",
        '{"audits": [{"organisation": "X", "date": "2026-03-01", "ratings": {"Jan": %s, "Jan": %s}}]}'
        % (json.dumps(JAN), json.dumps(PIET)),
        ['"Jan"', "twice"],
    ),
    ("theme missing", audits(with_jan(t5=DROP)), ['auditor "Jan"', 'theme "5"', "missing"]),
    ("unknown theme", audits(with_jan(t6=3)), ['auditor "Jan"', 'theme "6"', "unknown"]),
    ("score too high", audits(with_jan(t3=7)), ['auditor "Jan"', 'theme "3"', "7", "1–5"]),
    ("score 0", audits(with_jan(t1=0)), ['auditor "Jan"', 'theme "1"', "0", "1–5"]),
    ("negative score", audits(with_jan(t1=-2)), ['theme "1"', "-2"]),
    ("boolean score", audits(with_jan(t2=True)), ['theme "2"', "true"]),
    ("float score 3.0", audits(with_jan(t2=3.0)), ['theme "2"', "3.0", "whole number"]),
    ("float score 3.5", audits(with_jan(t2=3.5)), ['theme "2"', "3.5", "whole number"]),
    ("string score", audits(with_jan(t2="3")), ['theme "2"', '"3"']),
    ("null score", audits(with_jan(t4=None)), ['theme "4"', "null"]),
    ("consensus not an object", audits(audit(consensus=4)), ["consensus", "object"]),
    ("consensus unknown theme", audits(audit(consensus={"1": 3, "9": 2})), ["consensus", 'theme "9"', "unknown"]),
    ("consensus too high", audits(audit(consensus={"1": 6})), ["consensus", 'theme "1"', "6", "1–5"]),
    ("consensus not whole", audits(audit(consensus={"2": 2.5})), ["consensus", 'theme "2"', "2.5"]),
    ("consensus string", audits(audit(consensus={"2": "4"})), ["consensus", 'theme "2"', '"4"']),
    ("misspelt consensus", audits(audit(consensus=DROP, consensu={"1": 3})), ["audit 1", '"consensu"']),
    ("NaN score", '{"audits": [%s]}' % json.dumps(with_jan(t1=float("nan"))), ['theme "1"', "NaN"]),
]


@pytest.mark.parametrize(("content", "texts"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exits_2_with_nothing_on_stdout_and_the_problem_on_stderr(tmp_path, content, texts):
    proc = mie(tmp_path, content, "--format", "json")
    assert proc.returncode == 2, proc.stdout
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines
    path = str(tmp_path / "audits.json")
    assert all(line.startswith(f"{path}: ") for line in lines), proc.stderr
    for text in texts:
        assert text in proc.stderr, (text, proc.stderr)


def test_bad_input_with_the_table_format_also_keeps_stdout_empty(tmp_path):
    proc = mie(tmp_path, audits(with_jan(t3=7)))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert 'theme "3"' in proc.stderr


def test_the_message_names_the_audit_the_auditor_and_the_theme(tmp_path):
    bad = audit(ratings={"Jan": {**JAN, "3": 7}, "Piet": PIET})
    proc = mie(tmp_path, audits(audit(), bad), "--format", "json")
    assert (proc.returncode, proc.stdout) == (2, "")
    path = tmp_path / "audits.json"
    assert proc.stderr == f'{path}: audit 2 (GGZ Alfa, 2026-03-01): auditor "Jan": theme "3": score 7 is outside 1–5\n'


def test_every_problem_in_the_file_is_reported(tmp_path):
    content = audits(
        audit(ratings={"Jan": {**JAN, "3": 7}, "Piet": {**PIET, "1": 2.5}}),  # two bad scores
        audit(organisation=""),  # no organisation
        audit(consensus={"1": 3, "9": 2}, remarks="x"),  # unknown consensus theme and unknown key
        audit(ratings={"Jan": JAN}),  # one auditor
        audit(),  # fine
        audit(date="2026-13-01"),  # bad date
    )
    proc = mie(tmp_path, content, "--format", "json")
    assert (proc.returncode, proc.stdout) == (2, "")
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 7, proc.stderr
    assert "audit 1" in lines[0] and '"Jan"' in lines[0] and "7" in lines[0]
    assert "audit 1" in lines[1] and '"Piet"' in lines[1] and "2.5" in lines[1]
    assert "audit 2" in lines[2] and "organisation" in lines[2]
    audit3 = [line for line in lines if "audit 3" in line]
    assert len(audit3) == 2
    assert any('"remarks"' in line for line in audit3) and any('"9"' in line for line in audit3)
    assert "audit 4" in lines[5] and "1" in lines[5]
    assert "audit 6" in lines[6] and "2026-13-01" in lines[6]
    assert not any("audit 5" in line for line in lines)


def test_a_nonexistent_file_exits_2_with_nothing_on_stdout(tmp_path):
    proc = run("score", "mie", str(tmp_path / "bestaat-niet.json"), "--format", "json", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "bestaat-niet.json" in proc.stderr


def test_an_unknown_instrument_exits_2(tmp_path):
    proc = run("score", "xyz", str(write(tmp_path, "{}", "x.json")), cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
