"""The reader's text speaks about the subject; what it says about the source stands apart, under "Over de bron".

Issue 15, parts 2–4: notes about the source documents or this project's choices ("de bron
nummert geen stappen", "leiden wij af", "De bron noemt geen beperkingen") live in the
``about_source`` field; points on which the seeds disagree in ``sources_differ``, each reading
with its citation; text drawn from a second section in ``also_cites``. And one test per
correction of part 2, each checked against the seed's own words.
"""

from __future__ import annotations

import json
import re

import pytest

from edmonitor.knowledge.content import SOURCES, ContentError, citations, read_content
from edmonitor.testing_seeds import section_occurs, section_text, seed_text, squash

CONTENT = read_content()
ROWS = {row["slug"]: row for row in [*CONTENT.entries, *CONTENT.methods]}

# The fields a reader reads as the text about the subject (not "Over de bron", not the citation).
ENTRY_FIELDS = ("title", "summary", "body")
METHOD_FIELDS = ("name", "summary", "purpose", "setup", "participants", "group_note", "yields", "strengths",
                 "limitations", "steps", "questions")  # fmt: skip

# Phrases that talk about the source documents or this project's choices, not about the subject.
SOURCE_TALK = {
    "nl": [
        r"\bde bron(nen)?\b(?! van\b)",  # "de bron noemt geen …"; "de bron van de eigen deskundigheid" is the subject
        r"\bwij\b(?!-)",  # "wij volgen de indeling", "leiden wij af"; "wij-zij-denken" is the subject
        r"\bonze?\b",  # "onze samenvatting"
        r"\bdit project\b|\bedmonitor\b|\bdeze kennisbank\b",
        r"\bnummert\b",  # "de bron nummert geen stappen"
        r"\b(korte|lange) vorm\b",  # "de korte vorm in het referentiekader noemt alleen …"
        r"\b(stappen|volgorde|leerdoelen) hieronder\b",  # "de volgorde hieronder volgt de beschrijving"
        r"§",  # a section number belongs in the citation
        r"\((000|001|002|003|004)\)",  # a seed's number
        r"\b(pagina|hoofdstuk) \d",  # "verwijst het naar het BCP vanaf pagina 30"
        r"\bgeeft er geen\b|\bgeen aparte lijst\b",  # what a document leaves out
    ],
    "en": [
        r"\bthe sources?\b(?! of\b)",
        r"\bwe (follow|infer|read|derive|chose|choose|list|add)\b|\bour\b",  # generic "what we feel" is the subject
        r"\bthis project\b|\bedmonitor\b|\bthis knowledge base\b",
        r"\bdoes not number\b",
        r"\b(short|long) form\b",
        r"\b(steps|sequence|order|learning goals) below\b",
        r"§",
        r"\((000|001|002|003|004)\)",
        r"\b(page|chapter) \d",
        r"\blists no activities\b|\bno separate list\b",
    ],
}
# (slug, field, language): why the phrase is about the subject there.
EXCEPTIONS = {
    # the key recommendation itself sends the reader to chapter 3 of the competency profile (000)
    ("kernaanbeveling-experts-1", "summary", "nl"),
    ("kernaanbeveling-experts-1", "summary", "en"),
}


def reader_texts():
    for row in [*CONTENT.entries, *CONTENT.methods]:
        fields = METHOD_FIELDS if "kind" not in row else ENTRY_FIELDS
        for field in fields:
            if field == "questions":
                continue  # typical questions are said by the participants: "hoe pakken we …" is theirs
            value = row.get(field)
            for text in value if isinstance(value, list) else [value] if value else []:
                for language in ("nl", "en"):
                    yield row["slug"], field, language, text.get(language, "")


def live_section(number: str) -> str:
    """A numbered section of the LIVE report (003), whose table of contents section_text cannot read."""
    lines = seed_text(SOURCES["003"]["file"]).splitlines()

    def heading(line: str) -> bool:
        return bool(re.match(r"^\s*\d+\.\d+ [A-Z]", line)) and not re.search(r"\s\d+\s*$", line)

    start = next(i for i, line in enumerate(lines) if heading(line) and line.split()[0] == number)
    end = next((i for i in range(start + 1, len(lines)) if heading(lines[i])), len(lines))
    return "\n".join(lines[start:end])


def test_no_reader_text_talks_about_the_source_or_our_choices():
    found = []
    for slug, field, language, text in reader_texts():
        if (slug, field, language) in EXCEPTIONS:
            continue
        for pattern in SOURCE_TALK[language]:
            match = re.search(pattern, text, flags=re.IGNORECASE)
            if match:
                found.append(
                    (slug, field, language, match.group(0), text[max(0, match.start() - 40) : match.end() + 40])
                )
    assert not found, "\n".join(map(str, found))


def test_the_phrase_list_catches_the_notes_the_issue_quotes():
    quotes = [
        "De bron nummert geen stappen; de volgorde hieronder is onze samenvatting.",
        "Dat er een ervaringsdeskundige meedoet, leiden wij af uit de naam.",
        "De bron noemt geen beperkingen.",
    ]
    for quote in quotes:
        assert any(re.search(p, quote, flags=re.IGNORECASE) for p in SOURCE_TALK["nl"]), quote
    for legitimate in ("Vermijd wij-zij-denken.", "Blijft verbonden met de bron van de eigen ervaringsdeskundigheid."):
        assert not any(re.search(p, legitimate, flags=re.IGNORECASE) for p in SOURCE_TALK["nl"]), legitimate


def test_the_notes_about_the_source_went_to_over_de_bron():
    for slug in ("spiegelgesprek", "kampvuurgesprek", "mindful-communiceren", "gesprekskaarten-casuistiek",
                 "open-dialogue", "taak-professiegebonden-3", "taak-clientgebonden-2"):  # fmt: skip
        assert ROWS[slug].get("about_source", {}).get("nl"), slug
        assert ROWS[slug]["about_source"].get("en"), slug
    assert "leiden het af" in ROWS["open-dialogue"]["about_source"]["nl"]
    assert "Beperkingen noemt de bron niet" in ROWS["mindful-communiceren"]["about_source"]["nl"]
    assert "no limitations" in ROWS["mindful-communiceren"]["about_source"]["en"]


def test_every_further_citation_and_every_reading_cites_a_section_that_exists_in_its_seed():
    absent = [
        (row["slug"], source, section)
        for row in [*CONTENT.entries, *CONTENT.methods]
        for source, section in citations(row)
        if not section_occurs(SOURCES[source]["file"], section)
    ]
    assert not absent, absent


def _row(**extra):
    return {"slug": "a", "kind": "pillar", "title": {"nl": "A"}, "summary": {"nl": "A"}, "source": "004",
            "section": "§1.6", **extra}  # fmt: skip


def test_a_difference_needs_two_readings_each_with_its_source():
    one = {"topic": {"nl": "Jaar"}, "readings": [{"text": {"nl": "2013"}, "source": "004", "section": "Inleiding"}]}
    with pytest.raises(ContentError) as refused:
        read_content([("f.json", json.dumps({"entries": [_row(sources_differ=[one])]}))])
    assert "must list at least two readings" in refused.value.problems[0]
    unsourced = {"topic": {"nl": "Jaar"}, "readings": [{"text": {"nl": "2013"}}, {"text": {"nl": "2014"}}]}
    with pytest.raises(ContentError) as refused:
        read_content([("f.json", json.dumps({"entries": [_row(sources_differ=[unsourced])]}))])
    assert any("'source' must be one of" in p for p in refused.value.problems)


def test_every_difference_is_written_in_both_languages():
    for row in [*CONTENT.entries, *CONTENT.methods]:
        for difference in row.get("sources_differ", []):
            assert difference["topic"].get("en"), row["slug"]
            assert all(r["text"].get("en") for r in difference["readings"]), row["slug"]
        if "about_source" in row:
            assert row["about_source"].get("en"), row["slug"]


# --------------------------------------------------------------------------- part 3: where the sources differ


def readings(slug: str) -> list[tuple[str, str, str]]:
    return [(r["source"], r["section"], r["text"]["nl"]) for d in ROWS[slug]["sources_differ"] for r in d["readings"]]


def test_the_first_profile_is_dated_2013_by_the_framework_and_2014_by_the_curriculum():
    assert "uit 2013 daterende" in seed_text(SOURCES["004"]["file"])
    assert "in 2014 samen met GGZ Nederland" in squash(seed_text(SOURCES["002"]["file"]))
    for slug in ("kerntaak-2014-1", "live-aanbeveling-beroepsprofiel"):
        found = readings(slug)
        assert any(s == "004" and "2013" in t for s, _, t in found), slug
        assert any(s == "002" and "2014" in t for s, _, t in found), slug


def test_wrap_has_seven_parts_in_the_live_evaluation_and_six_in_the_curriculum():
    assert "zeven onderdelen" in live_section("5.2")
    assert "zes onderdelen van het WRAP-plan" in squash(seed_text(SOURCES["002"]["file"]))
    found = readings("live-aanbeveling-wrap")
    assert any(s == "003" and "zeven" in t for s, _, t in found)
    assert any(s == "002" and "zes" in t for s, _, t in found)


def test_the_summary_of_chapter_4_calls_the_baseline_mean_the_end_score():
    summary = squash(live_section("4.9"))
    assert "De gemiddelde eindscore van alle instellingen is 2,3" in summary
    assert "De gemiddelde eindscore van alle instellingen is 2,8" in summary
    found = readings("live-aanbeveling-vie-verbeteren")
    assert any((s, sec) == ("003", "§4.9") and "eindscore" in t and "beginmeting" in t for s, sec, t in found)
    assert any((s, sec) == ("003", "§4.2") and "2,3" in t for s, sec, t in found)


def test_the_campfire_heading_misspelt_in_the_framework_is_noted_on_the_method():
    section = section_text(SOURCES["004"]["file"], "§2.3")
    assert section.startswith("2.3 Kampvuorgesprek") and "Kampvuurgesprek" in section
    assert any("kampvuorgesprek" in t for *_, t in readings("kampvuurgesprek"))


def test_the_managers_key_recommendations_give_the_long_and_the_short_form():
    for slug in ("kernaanbeveling-managers-1", "kernaanbeveling-managers-2", "kernaanbeveling-managers-3"):
        cited = {source for source, _, _ in readings(slug)}
        assert cited == {"000", "004"}, slug
        assert ("004", "§1.8") in {(s, sec) for s, sec, _ in readings(slug)}, slug


# --------------------------------------------------------------------------- part 2: corrections, against the seeds


def test_1_emancipation_removes_the_inequality_it_does_not_consist_in_it():
    seed = section_text(SOURCES["004"]["file"], "§1.6")
    assert "het opheffen van epistemische ongelijkheid. Dat wil zeggen dat aan de ervaringskennis" in seed
    summary = ROWS["pijler-emancipatie"]["summary"]["nl"]
    assert re.search(r"opheffen: de ongelijkheid waarbij de ervaringskennis[^.]*minder zwaar weegt", summary)


def test_2_the_2014_profile_already_had_a_task_for_the_profession():
    assert "Levert een bijdrage aan de beroepsontwikkeling en de professionele inzet" in seed_text(
        SOURCES["002"]["file"]
    )
    task = ROWS["kerntaak-2022-4"]
    assert "geen afzonderlijke taak" not in task["body"]["nl"]
    assert "taak-professiegebonden-3" in task["related"]
    assert {"source": "002", "section": "Professiegebonden taakgebied"} in task["also_cites"]


def test_3_both_pillars_carry_every_core_task():
    assert "De vier kerntaken worden altijd geschraagd door de volgende twee pijlers" in section_text(
        SOURCES["004"]["file"], "§1.6"
    )
    body = ROWS["kerntaak-2022-1"]["body"]["nl"]
    assert "De pijler methodische zelfhulp draagt deze taak" not in body
    assert "beide pijlers" in body and "emancipatie" in body


def test_4_the_critical_situations_give_no_advice_the_framework_does_not_give():
    section = squash(section_text(SOURCES["004"]["file"], "§1.7"))
    situation_3, situation_4 = ROWS["kritische-situatie-3"], ROWS["kritische-situatie-4"]
    assert "weg te praten" not in situation_3["body"]["nl"] and "weg" not in section.split("3. Zingeving")[1][:400]
    assert "tekort" not in situation_4["body"]["nl"] and "tekort" not in section
    # what situation 3 keeps of the dilemma comes from Basismodule 1 of the curriculum, and says so
    assert "in eigen tempo" in situation_3["body"]["nl"]
    assert "De ander in eigen tempo laten ontdekken" in squash(seed_text(SOURCES["002"]["file"]))
    assert {"source": "002", "section": "Basismodule 1 Herstel"} in situation_3["also_cites"]


def test_5_the_professionals_first_recommendation_stays_a_reflection():
    assert "Reflecteer steeds over hoe je open kan zijn" in seed_text(SOURCES["000"]["file"])
    title = ROWS["kernaanbeveling-professionals-1"]["title"]
    assert title["nl"].startswith("Reflecteer") and not title["nl"].startswith("Wees")
    assert title["en"].startswith("Reflect")


def test_6_every_text_cites_where_it_comes_from():
    managers = ROWS["kernaanbeveling-managers-1"]
    assert "op alle lagen van de organisatie en terugkerend" in section_text(SOURCES["004"]["file"], "§2.1")
    assert {"source": "004", "section": "§2.1"} in managers["also_cites"]
    goal = ROWS["begrip-doel-zorgstandaard"]
    assert "binnen en buiten de ggz" in seed_text(SOURCES["000"]["file"])
    assert "herstel worden opgevat als herstel van balans" in seed_text(SOURCES["004"]["file"])
    assert {(c["source"], c["section"]) for c in goal["also_cites"]} == {
        ("000", "Kernelementen inzet ervaringsdeskundigheid"),
        ("004", "Leeswijzer"),
    }
    free_space = ROWS["begrip-vrije-ruimte"]
    assert "licht en lucht" in section_text(SOURCES["004"]["file"], "§1.1")
    assert "licht en lucht" in free_space["body"]["nl"]
    assert {"source": "004", "section": "§1.1"} in free_space["also_cites"]


def test_7_the_donts_say_not_too_ambitious():
    assert "Begin niet te ambitieus" in live_section("2.10")
    body = ROWS["live-aanbeveling-donts"]["body"]
    assert "begin niet te ambitieus" in body["nl"] and "te groot" not in body["nl"]
    assert "too big" not in body["en"]


def test_8_the_2012_wish_and_the_2014_profile_are_told_apart():
    wish = squash(live_section("5.2"))
    assert (
        "de ondersteuning bij zelfhulp, het inrichten van herstelondersteunende zorg en het doorbreken van stigma"
        in wish
    )
    assert "1. Ondersteuning bij individuele herstelprocessen" in seed_text(SOURCES["002"]["file"])
    body = ROWS["live-aanbeveling-beroepsprofiel"]["body"]["nl"]
    assert "dat zijn de drie kerntaken" not in body
    assert "steun bij zelfhulp" in body and "ondersteuning bij individuele herstelprocessen" in body.lower()
    assert "2014" in body


def test_9_the_activities_say_what_the_practice_modules_say():
    curriculum = squash(seed_text(SOURCES["002"]["file"]))
    assert "Is betrokken bij het aanstellen van ervaringsdeskundige collega" in curriculum
    assert "werving" not in curriculum.split("Is betrokken bij het aanstellen")[0][-300:]
    hiring = ROWS["activiteit-organisatiegebonden-1-7"]["summary"]["nl"]
    assert "betrokken" in hiring and "aangesteld" in hiring and "werving" not in hiring and "beslist" not in hiring
    assert "Nodigt uit tot dialoog;" in curriculum
    dialogue = ROWS["activiteit-clientgebonden-1-3"]["summary"]["nl"]
    assert "in plaats van het advies" not in dialogue and "uitwisseling" in dialogue


def test_10_the_network_takes_part_in_open_dialogue_and_nothing_is_said_of_the_board_in_anticipational_dialogue():
    pod = section_text(SOURCES["004"]["file"], "§2.7")
    assert "Perspectief van sociaal netwerk, vanaf de eerste bijeenkomst" in pod
    open_dialogue = ROWS["open-dialogue"]
    assert open_dialogue["roles"]["relatives"] == "required"
    assert "vanaf de eerste bijeenkomst" in open_dialogue["participants"]["nl"]
    anticipational = section_text(SOURCES["004"]["file"], "§2.8")
    assert "bestuur" not in anticipational.lower()
    method = ROWS["anticipational-dialogue"]
    assert method["roles"]["board"] == "not_mentioned"
    assert "bestuur" not in method["participants"]["nl"].lower()


def test_11_the_rationale_of_the_appreciative_inquiry_link_follows_from_its_section():
    section = section_text(SOURCES["004"]["file"], "§2.9").lower()
    link = next(
        link
        for link in CONTENT.links
        if (link["instrument"], link["item"], link["target"]) == ("vie", "2a", "waarderend-organiseren")
    )
    for word in ("trainer", "beleidsmedewerker", "voorlichter", "rollen"):
        assert word not in section and word not in link["rationale"]["nl"].lower(), word
    assert "problemen in de zorg" in section and "problemen in de zorg" in link["rationale"]["nl"]


def test_12_the_professionals_second_recommendation_reads_as_a_sentence():
    body = ROWS["kernaanbeveling-professionals-2"]["body"]["nl"]
    assert "en aan de erkenning" not in body
    assert "relatie van vertrouwen en gelijkwaardigheid" in body


def test_the_mie_conversation_writes_an_explanation_for_each_item_and_its_items_are_the_five_themes():
    assert "schrijven bij elk item een korte toelichting" in section_text(SOURCES["004"]["file"], "§2.13")
    mie = ROWS["mie-gesprek"]
    texts = " ".join([mie["setup"]["nl"], *(s["nl"] for s in mie["steps"])])
    assert re.search(r"[Bb]ij elk item[^.]*een korte toelichting", texts)
    assert "items van de MIE" in texts and "vijf thema's" in texts
