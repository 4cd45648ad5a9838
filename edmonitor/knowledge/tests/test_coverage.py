"""Every part of every source is covered by the knowledge base or listed, with a reason, as uncovered.

The parts come from each seed's table of contents (see :mod:`edmonitor.knowledge.coverage`);
the parser is checked here on headings known from the seeds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from edmonitor.knowledge.content import SOURCES, read_content
from edmonitor.knowledge.coverage import (
    Part,
    all_parts,
    cited,
    contents,
    instrument_rows,
    missing,
    normalise,
    read_uncovered,
    toc_parts,
)
from edmonitor.testing_seeds import section_occurs, seed_text

CONTENT = read_content()
# the help on the VIE items cites 003 Bijlage 1 (edmonitor/instruments/definitions/vie.about.json)
ROWS = [*CONTENT.entries, *CONTENT.methods, *CONTENT.links, *instrument_rows()]


def texts() -> dict[str, str]:
    return {key: seed_text(source["file"]) for key, source in SOURCES.items()}


def keys(source: str) -> list[str]:
    return [part.key for part in toc_parts(source, seed_text(SOURCES[source]["file"]))]


# --------------------------------------------------------------------------- the parser


def test_the_live_report_has_five_chapters_four_appendices_and_its_front_and_back_matter():
    found = keys("003")
    assert found[:3] == ["Inleiding", "§1", "§2.1"]  # chapter 1 has no sections; chapter 2 does
    assert "§2" not in found and "§2.11" in found and "§4.9" in found and "§5.2" in found
    assert [k for k in found if k.startswith("Bijlage")] == ["Bijlage 1", "Bijlage 2", "Bijlage 3", "Bijlage 4"]
    assert found[-3:] == ["Pilotinstellingen LIVE", "Afkortingenlijst", "Literatuur"]
    assert len([k for k in found if k.startswith("§")]) == 1 + 11 + 4 + 9 + 2


def test_the_2026_framework_has_an_introduction_and_twenty_three_sections():
    found = keys("004")
    assert found[0] == "Inleiding"
    assert found[1:] == [f"§1.{i}" for i in range(1, 9)] + [f"§2.{i}" for i in range(1, 14)] + ["§3.1", "§3.2"]


def test_the_parser_reads_titles_with_a_tab_or_a_space_before_the_page_number():
    rows = contents(seed_text(SOURCES["004"]["file"]))
    assert (
        "2.12",
        "Gesprekskaarten casuïstiek: Ervaringskennis benutten en reflecteren op (de)stigmatisering",
    ) in rows
    assert ("2.3", "Draagvlak (creëren)") in contents(seed_text(SOURCES["003"]["file"]))


def test_seeds_without_a_table_of_contents_have_no_numbered_parts():
    assert keys("000") == keys("001") == keys("002") == []


def test_every_part_found_is_a_heading_in_its_seed():
    absent = [p for p in all_parts(texts()) if not section_occurs(SOURCES[p.source]["file"], p.key)]
    assert not absent, absent


def test_a_citation_is_read_as_the_key_of_its_part():
    assert normalise("§ 2.1") == "§2.1"
    assert normalise("hoofdstuk 1") == "§1"
    assert normalise("Bijlage 1 Vragenlijst Implementatie Ervaringsdeskundigheid") == "Bijlage 1"
    assert normalise("Fasen  van herstel") == "Fasen van herstel"


# --------------------------------------------------------------------------- the coverage


def test_every_part_of_every_source_is_cited_or_listed_as_uncovered_with_a_reason():
    absent = missing(all_parts(texts()), ROWS, read_uncovered())
    assert not absent, [f"{p.source} {p.key} ({p.title})" for p in absent]


def test_a_part_nobody_cites_fails_the_check():
    part = Part("003", "§3.3", "Meerwaarde")
    assert missing([part], [], []) == [part]
    assert missing([part], [{"source": "003", "section": "§3.3"}], []) == []
    assert (
        missing(
            [part], [{"source": "004", "section": "§1.1", "also_cites": [{"source": "003", "section": "§ 3.3"}]}], []
        )
        == []
    )
    assert missing([part], [], [{"source": "003", "section": "§3.3", "reason": "x"}]) == []


def test_the_help_on_the_vie_items_covers_appendix_1_and_nothing_else_does():
    help_rows = instrument_rows()
    assert {(r["source"], r["section"]) for r in help_rows} == {("003", f"Bijlage 1, item {n}a") for n in range(1, 11)}
    appendix = Part("003", "Bijlage 1", "Bijlage 1 Vragenlijst Implementatie Ervaringsdeskundigheid")
    assert missing([appendix], help_rows, []) == []
    assert missing([appendix], [*CONTENT.entries, *CONTENT.methods, *CONTENT.links], read_uncovered()) == [appendix]


def test_every_uncovered_part_exists_has_a_reason_and_is_not_cited_after_all():
    parts = {(p.source, p.key.lower()) for p in all_parts(texts())}
    done = cited(ROWS)
    for row in read_uncovered():
        assert set(row) == {"source", "section", "reason"}, row
        assert row["reason"].strip(), row
        key = (row["source"], normalise(row["section"]).lower())
        assert key in parts, f"not a part of the source: {row}"
        assert key not in done, f"cited after all, remove it from uncovered.json: {row}"


def test_the_uncovered_file_lies_beside_the_content_folder_not_in_it():
    knowledge = Path(__file__).parents[1]
    assert json.loads((knowledge / "uncovered.json").read_text("utf-8"))["uncovered"]
    assert not (knowledge / "content" / "uncovered.json").exists()


# --------------------------------------------------------------------------- the new texts read at B1

# The files written for the coverage (issue 15 part 6); the older files are being rewritten apart.
B1_FILES = ("background.json", "competences.json", "live_project.json")


def sentences(text: str) -> tuple[list[int], list[int]]:
    """Word counts of the sentences outside lists, and of those in list items."""
    prose: list[int] = []
    listed: list[int] = []
    for line in text.splitlines():
        in_list = bool(re.match(r"\s*(-|\d+\.)\s", line))
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            count = len(re.findall(r"\w+", sentence))
            if count:
                (listed if in_list else prose).append(count)
    return prose, listed


def test_the_new_dutch_texts_use_short_sentences() -> None:
    folder = Path(__file__).parents[1] / "content"
    counts: list[int] = []
    long = []
    for name in B1_FILES:
        for entry in json.loads((folder / name).read_text("utf-8"))["entries"]:
            for key in ("summary", "body", "about_source"):
                if key in entry:
                    prose, _ = sentences(entry[key]["nl"])
                    counts += prose
                    long += [(entry["slug"], key, n) for n in prose if n > 25]
    assert not long, long
    assert sum(counts) / len(counts) <= 15, sum(counts) / len(counts)
