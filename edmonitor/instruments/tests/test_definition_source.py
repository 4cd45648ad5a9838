"""The VIE definition file checked against its source (seed 003, Bijlage 1) where it matters.

The expected values are transcribed from the source here; when the seed itself is
present (``/work/shared/seeds`` or ``$EDMONITOR_SEEDS``) they are also read from it.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from edmonitor.instruments.definition import available_definitions, latest_version, load_definition

from . import oracle

SEED_NAME = "003_a8d87148f8c5ac85.txt"
VIE = load_definition("vie-2012.1")
RAW = json.loads(resources.files("edmonitor.instruments.definitions").joinpath("vie-2012.1.json").read_text("utf-8"))


def seed_text() -> str:
    for folder in (os.environ.get("EDMONITOR_SEEDS"), "/work/shared/seeds"):
        if folder and (Path(folder) / SEED_NAME).is_file():
            return (Path(folder) / SEED_NAME).read_text(encoding="utf-8")
    pytest.skip(f"seed {SEED_NAME} not available")


def appendix_1() -> str:
    text = seed_text()
    start = text.index("Bijlage 1 Vragenlijst Implementatie")
    end = text.index("Scoreblad", start)
    return text[start:end]


# --------------------------------------------------------------------------- the file itself


def test_the_vie_2012_1_definition_is_shipped_and_2012_2_in_plainer_words_is_the_latest_vie():
    # 2012.2 differs from 2012.1 in wording only (test_plain_versions.py)
    assert {"vie-2012.1", "vie-2012.2"} <= set(available_definitions())
    assert latest_version("vie").key == "vie-2012.2"


def test_the_definition_cites_the_live_evaluation_as_its_source():
    assert VIE.source.document == SEED_NAME


def test_there_are_three_level_bands_laag_midden_hoog_with_the_printed_bounds():
    assert [(lv.code, lv.minimum, lv.maximum) for lv in VIE.levels] == [
        (code, low, high) for code, (low, high) in oracle.LEVEL_BANDS.items()
    ]


def test_the_scale_runs_from_1_to_5_and_the_total_has_one_decimal_rounded_half_up():
    assert (VIE.scale_min, VIE.scale_max, VIE.decimals) == (1, 5, 1)
    assert RAW["rounding"]["mode"] == "half_up"


def test_there_are_four_goal_codes_a_to_d():
    assert [g.code for g in VIE.goal_codes] == ["A", "B", "C", "D"]


def test_there_are_ten_items_1a_to_10a_with_goal_questions_1b_to_10b():
    assert [i.id for i in VIE.items] == list(oracle.ITEM_IDS)
    assert [i.goal_id for i in VIE.items] == [f"{n}b" for n in range(1, 11)]


def test_every_item_has_five_anchors_1_to_5_in_the_file():
    for item in RAW["items"]:
        assert sorted(item["anchors"]) == ["1", "2", "3", "4", "5"], item["id"]
        assert all(item["anchors"][k] for k in item["anchors"]), item["id"]


def test_every_item_cites_seed_003_and_its_own_item_number():
    for item in VIE.items:
        assert item.source.document == SEED_NAME, item.id
        assert re.search(rf"\b{item.id}\b", item.source.section), (item.id, item.source.section)


def test_the_items_belong_to_the_six_subgoals_a_to_f_as_in_the_source():
    assert [s.code for s in VIE.subgoals] == list("ABCDEF")
    assert {i.id: i.subgoal for i in VIE.items} == {
        "1a": "A", "2a": "A", "3a": "B", "4a": "C", "5a": "C",
        "6a": "D", "7a": "E", "8a": "E", "9a": "F", "10a": "F",
    }  # fmt: skip


def test_exactly_items_1a_3a_4a_5a_and_7a_are_derivable():
    assert tuple(i.id for i in VIE.derivable_items) == oracle.DERIVABLE_ITEM_IDS


def test_item_1a_counts_36_hours_as_one_fte():
    assert VIE.item("1a").derivation.params["hours_per_fte"] == oracle.HOURS_PER_FTE


def test_the_size_classes_are_small_medium_large_by_clients():
    assert VIE.size_fact == "clients"
    assert [(c.code, c.upper) for c in VIE.size_classes] == [
        ("small", 2999),
        ("medium", 10000),
        ("large", None),
    ]


def test_item_7a_has_five_criteria():
    assert len(VIE.item("7a").derivation.criteria) == 5


def test_support_criteria_met_is_a_whole_number_from_0_to_5():
    fact = VIE.fact("support_criteria_met")
    assert (fact.kind, fact.minimum, fact.maximum) == ("integer", 0, 5)


# --------------------------------------------------------------------------- against the seed


def test_the_level_bands_match_the_score_sheet_of_the_seed():
    text = seed_text()
    match = re.search(
        r"score 1\s*[–-]\s*([\d,]+)\s*= laag, score ([\d,]+)\s*[–-]\s*([\d,]+)\s*= midden; "
        r"score ([\d,]+)\s*[–-]\s*(\d+)\s*= hoog",
        text,
    )
    assert match, "level bands not found in the seed"
    low_max, mid_min, mid_max, high_min, high_max = (Decimal(g.replace(",", ".")) for g in match.groups())
    assert [(lv.minimum, lv.maximum) for lv in VIE.levels] == [
        (Decimal(1), low_max),
        (mid_min, mid_max),
        (high_min, high_max),
    ]


def test_the_items_and_goal_questions_match_those_of_appendix_1():
    text = appendix_1()
    items = re.findall(r"^\s*(\d+a)\.", text, flags=re.MULTILINE)
    goals = re.findall(r"^\s*(\d+b)\.", text, flags=re.MULTILINE)
    assert items == [i.id for i in VIE.items]
    assert goals == [i.goal_id for i in VIE.items]


def test_every_item_of_appendix_1_has_five_anchors_and_four_goal_codes():
    text = appendix_1()
    blocks = re.split(r"^\s*(\d+[ab])\.", text, flags=re.MULTILINE)[1:]
    by_id = dict(zip(blocks[0::2], blocks[1::2], strict=True))
    for item in VIE.items:
        anchors = re.findall(r"^\s*([1-5])\.\s", by_id[item.id], flags=re.MULTILINE)
        assert anchors == ["1", "2", "3", "4", "5"], item.id
        assert len(VIE.item(item.id).anchors) == 5
        # the goal block may run into the next subgoal's heading ("B. Het versterken ...")
        codes = re.findall(r"^\s*([A-D])\.\s", by_id[item.goal_id], flags=re.MULTILINE)
        assert codes[:4] == [g.code for g in VIE.goal_codes], item.goal_id


def test_the_1a_thresholds_and_hours_per_fte_match_appendix_1():
    text = appendix_1()
    assert re.search(r"1\s*fte\s*=\s*36\s*uur", text)
    bounds = re.findall(r"fte ED ≤ (\d+) ‰", text)
    assert [int(b) for b in bounds] == [2, 5, 10]
