"""The knowledge-base content files checked against the schema and the seed documents.

Every entry, method and link must cite a seed and a section that exists in it;
every cross-link must point at something that exists; the Dutch texts must be in
our own words; and the framework's countable facts (three core tasks in 2014,
four in 2022, two pillars, six critical situations, three key recommendations
for each of three actors, twelve dialogue methods) must hold.
"""

from __future__ import annotations

import json

import pytest

from edmonitor.knowledge.content import (
    LINK_ORIGINS,
    SOURCES,
    ContentError,
    read_content,
)
from edmonitor.testing_seeds import copied_runs, section_occurs

CONTENT = read_content()
ALL_SEEDS = tuple(source["file"] for source in SOURCES.values())


def of_kind(kind: str, **where: str) -> list[dict]:
    return [e for e in CONTENT.entries if e["kind"] == kind and all(e.get(k) == v for k, v in where.items())]


def every_row():
    for entry in CONTENT.entries:
        yield entry["slug"], entry
    for method in CONTENT.methods:
        yield method["slug"], method
    for link in CONTENT.links:
        yield f"{link['instrument']}:{link['item']}->{link['target']}", link


def dutch_texts(node, path=""):
    if isinstance(node, dict):
        if "nl" in node and isinstance(node["nl"], str):
            yield path, node["nl"]
            return
        for key, value in node.items():
            yield from dutch_texts(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from dutch_texts(value, f"{path}/{index}")


# --------------------------------------------------------------------------- schema and references


def test_the_content_files_are_valid():
    # read_content raised at import time otherwise; here we check it refuses bad files with a place
    with pytest.raises(ContentError) as refused:
        read_content([("bad.json", json.dumps({"entries": [{"slug": "x", "kind": "nonsense"}]}))])
    assert any(problem.startswith("bad.json entries[0] (x):") for problem in refused.value.problems)


def test_every_entry_method_and_link_cites_a_section_that_exists_in_its_seed():
    absent = [
        (name, row["source"], row["section"])
        for name, row in every_row()
        if not section_occurs(SOURCES[row["source"]]["file"], row["section"])
    ]
    assert not absent, absent


def test_a_reference_to_a_missing_slug_is_refused():
    entry = {
        "slug": "a",
        "kind": "pillar",
        "title": {"nl": "A"},
        "summary": {"nl": "A"},
        "source": "004",
        "section": "§1.6",
        "related": ["nowhere"],
    }
    with pytest.raises(ContentError) as refused:
        read_content([("f.json", json.dumps({"entries": [entry]}))])
    assert refused.value.problems == ["a: related 'nowhere' does not exist"]


def test_the_dutch_texts_are_in_our_own_words():
    found = []
    for name, row in every_row():
        for path, text in dutch_texts({k: v for k, v in row.items() if k not in ("title", "name")}):
            found += [(name, path, run) for run in copied_runs(text, ALL_SEEDS)]
    assert not found, found


def test_every_text_has_an_english_translation():
    missing = [(name, path) for name, row in every_row() for path, _ in dutch_texts(row) if not _english(row, path)]
    assert not missing, missing[:20]


def _english(row, path):
    node = row
    for part in path.strip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return isinstance(node.get("en"), str) and node["en"].strip()


# --------------------------------------------------------------------------- the framework's facts


def test_both_editions_of_the_core_tasks_are_kept():
    assert len(of_kind("core_task", edition="BCP 2014")) == 3
    assert len(of_kind("core_task", edition="BCP-E 2022")) == 4


def test_there_are_two_pillars_and_six_critical_situations():
    assert len(of_kind("pillar")) == 2
    assert len(of_kind("critical_situation")) == 6


def test_three_key_recommendations_for_each_of_the_three_actors():
    for audience in ("experts", "professionals", "managers"):
        assert len(of_kind("key_recommendation", audience=audience)) == 3, audience


def test_twelve_dialogue_methods_including_the_mie_conversation():
    assert len(CONTENT.methods) == 12
    assert "mie-gesprek" in {m["slug"] for m in CONTENT.methods}


def test_the_kampvuurgesprek_allows_at_most_eight_people():
    assert next(m for m in CONTENT.methods if m["slug"] == "kampvuurgesprek")["max_group"] == 8


def test_the_curriculum_the_route_and_the_live_lessons_are_there():
    for kind in ("task_area", "module", "learning_goal", "route_step", "onboarding_tip"):
        assert of_kind(kind), kind
    for kind in ("live_success_factor", "live_pitfall", "live_dilemma", "live_condition", "live_recommendation"):
        assert of_kind(kind), kind
    assert of_kind("onboarding_tip", audience="employers") and of_kind("onboarding_tip", audience="new_colleague")


def test_every_vie_item_and_mie_theme_links_to_a_method_and_to_advice():
    methods = {m["slug"] for m in CONTENT.methods}
    for instrument, items in LINK_ORIGINS.items():
        for item in items:
            targets = {
                link["target"] for link in CONTENT.links if (link["instrument"], link["item"]) == (instrument, item)
            }
            assert targets & methods, (instrument, item, "no dialogue method")
            assert targets - methods, (instrument, item, "no recommendation or lesson")
