"""The knowledge-base content files checked against the schema and the seed documents.

Every entry, method and link must cite a seed and a section that exists in it;
every cross-link must point at something that exists; the Dutch texts must be in
our own words; and the framework's countable facts (three core tasks in 2014,
four in 2022, two pillars, six critical situations, three key recommendations
for each of three actors, twelve dialogue methods) must hold.
"""

from __future__ import annotations

import json
import re

import pytest

from edmonitor.knowledge.content import (
    LINK_ORIGINS,
    SOURCES,
    ContentError,
    read_content,
)
from edmonitor.testing_seeds import copied_runs, section_occurs, section_text

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


# --------------------------------------------------------------------------- group sizes and participants

# (smallest, largest) group per method, as its section of 004 states it; None where it states none.
GROUP_LIMITS = {
    "spiegelgesprek": (None, None),
    "kampvuurgesprek": (None, 8),  # small groups, at most eight
    "socratisch-gesprek": (None, None),
    "moreel-beraad": (None, None),
    "creatieve-dialoog": (None, None),
    "open-dialogue": (None, None),  # two facilitators, but no number of participants
    "anticipational-dialogue": (None, None),  # likewise
    "waarderend-organiseren": (None, None),
    "mindful-communiceren": (None, None),
    "co-peer-counselen": (2, 2),  # two people at a time; a group works in changing pairs
    "gesprekskaarten-casuistiek": (None, None),
    "mie-gesprek": (None, None),  # two auditors and the project team, no number
}
DUTCH_NUMBERS = {"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10}
_COUNT = r"(\d+|" + "|".join(DUTCH_NUMBERS) + r")"
# A group size in the seed's wording: "max 8", "minstens 4", "twee mensen", "12 deelnemers".
STATED_SIZE = (
    re.compile(
        r"\b(?:max(?:imaal|imum)?|hoogstens|ten hoogste|minimaal|minstens|ten minste)\.?\s+" + _COUNT + r"\b", re.I
    ),
    re.compile(r"\b" + _COUNT + r"\s+(?:mensen|personen|deelnemers)\b", re.I),
)


def sizes_stated_in(text: str) -> set[int]:
    found = {m.group(1).lower() for pattern in STATED_SIZE for m in pattern.finditer(text)}
    return {int(n) if n.isdigit() else DUTCH_NUMBERS[n] for n in found}


def test_every_methods_group_limits_are_the_sizes_its_section_states():
    methods = {m["slug"]: m for m in CONTENT.methods}
    assert set(methods) == set(GROUP_LIMITS)
    for slug, limits in GROUP_LIMITS.items():
        method = methods[slug]
        assert (method["min_group"], method["max_group"]) == limits, slug
        stated = sizes_stated_in(section_text(SOURCES[method["source"]]["file"], method["section"]))
        assert stated == {n for n in limits if n is not None}, (slug, stated)


def test_a_method_with_something_to_say_about_its_group_says_it_in_both_languages():
    notes = {m["slug"] for m in CONTENT.methods if m.get("group_note")}
    assert {"kampvuurgesprek", "co-peer-counselen", "open-dialogue", "anticipational-dialogue", "mie-gesprek"} <= notes


def test_the_mie_conversation_names_only_project_team_roles_as_participants():
    roles = next(m for m in CONTENT.methods if m["slug"] == "mie-gesprek")["roles"]
    assert (roles["experts"], roles["managers"], roles["professionals"]) == ("required", "required", "welcome")
    assert (roles["clients"], roles["relatives"], roles["board"]) == ("not_mentioned",) * 3


def test_a_method_whose_source_names_no_participants_fits_no_role():
    for slug in ("mindful-communiceren", "co-peer-counselen"):
        roles = next(m for m in CONTENT.methods if m["slug"] == slug)["roles"]
        assert set(roles.values()) == {"not_mentioned"}, slug


def test_a_role_the_note_about_the_source_says_it_does_not_name_is_not_mentioned():
    # "… noemt de bron niet" under "Over de bron": the note and the role uses agree
    words = {"managers": "managers", "board": "bestuur", "clients": "cliënten", "relatives": "naasten"}
    checked = 0
    for method in CONTENT.methods:
        text = method.get("about_source", {}).get("nl", "")
        for sentence in text.split("."):
            if "noemt de bron niet" not in sentence:
                continue
            checked += 1
            unnamed = sentence[: sentence.index("noemt de bron niet")].lower()
            for role, word in words.items():
                if word in unnamed:
                    assert method["roles"][role] == "not_mentioned", (method["slug"], role)
    assert checked >= 5


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
