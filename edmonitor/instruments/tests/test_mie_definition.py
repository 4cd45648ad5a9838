"""The MIE definition file checked against its sources (seeds 000, 003 and 004).

The source (004 §2.13) names the five themes of the MIE but gives no questions or
scale descriptions; those are edmonitor's own operationalisation. These tests check
that the file keeps the source's themes, that every text is filled in (Dutch and
English), that every cited section really exists in the named seed, that the
crosswalk covers the VIE, and that the Dutch texts are written in our own words.
The seeds are read from ``$EDMONITOR_SEEDS`` or ``/work/shared/seeds``; tests that
need them are skipped when they are not there.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from edmonitor.instruments.definition import latest_audit_version, load_audit_definition, load_definition
from edmonitor.testing_seeds import copied_runs, section_occurs, seed_text, squash

KEY = "mie-2026.3"  # the newest version (2026.2 in plainer words); 2026.1 stays as it was (tested below)
FRAMEWORK = "004_74087e4844279a5c.txt"  # reference framework; §2.13 is the MIE
WAY_IN = "001_ff6c0d47da2b4219.txt"  # the road into the work: paid and voluntary work
OWN_WORDS_SEEDS = ("000_a61fd95bbd9ebc67.txt", WAY_IN, "003_a8d87148f8c5ac85.txt", FRAMEWORK)
THEME_IDS = ["1", "2", "3", "4", "5"]
LANGUAGES = ("nl", "en")

MIE = load_audit_definition(KEY)
RAW = json.loads(resources.files("edmonitor.instruments.definitions").joinpath(f"{KEY}.json").read_text("utf-8"))
VIE = load_definition("vie-2012.1")


def theme_list_of_section_2_13() -> list[tuple[str, str]]:
    """The numbered list of themes in 004 §2.13, as (number, title without trailing full stop)."""
    text = seed_text(FRAMEWORK)
    # the heading in the body stands alone on its line; the table of contents adds a page number
    start = re.search(r"^2\.13 Monitor Inzet Ervaringsdeskundigheid\s*$", text, flags=re.MULTILINE)
    assert start, "§2.13 not found in the framework"
    end = re.search(r"^3\.? Referenties", text[start.end() :], flags=re.MULTILINE)
    section = text[start.end() : start.end() + end.start()] if end else text[start.end() :]
    return [
        (number, squash(title).rstrip("."))
        for number, title in re.findall(r"^\s*(\d+)\.\s+(.+)$", section, flags=re.MULTILINE)
    ]


def texts(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every multilingual text ({"nl": ..., ...}) in the raw definition, with where it is."""
    if isinstance(node, dict):
        if "nl" in node:
            return [(path, node)]
        return [found for key, value in node.items() for found in texts(value, f"{path}/{key}")]
    if isinstance(node, list):
        return [found for index, value in enumerate(node) for found in texts(value, f"{path}/{index}")]
    return []


def filled_in(text: Any) -> bool:
    return isinstance(text, dict) and all(
        isinstance(text.get(lang), str) and text[lang].strip() and "TODO" not in text[lang] for lang in LANGUAGES
    )


# --------------------------------------------------------------------------- the file itself


def test_the_mie_2026_3_definition_loads_and_is_the_latest_mie():
    assert latest_audit_version("mie").key == KEY
    assert (RAW["code"], RAW["version"], RAW["kind"]) == ("mie", "2026.3", "audit")


def test_it_cites_section_2_13_of_the_framework_and_links_to_the_vie():
    assert RAW["source"] == {"document": FRAMEWORK, "section": "§2.13"}
    assert RAW["crosswalk"]["instrument"] == "vie"


def test_the_scale_runs_from_1_to_5_with_a_distinct_label_for_every_point():
    assert (RAW["scale"]["min"], RAW["scale"]["max"]) == (1, 5)
    labels = RAW["scale"]["labels"]
    assert sorted(labels) == THEME_IDS
    assert all(filled_in(labels[point]) for point in labels), labels
    assert len({labels[point]["nl"] for point in labels}) == 5, labels


def test_every_text_in_the_file_is_filled_in_in_dutch_and_english():
    found = texts(RAW)
    assert len(found) > 50  # sanity: the walk really reached the themes
    missing = [path for path, text in found if not filled_in(text)]
    assert not missing, missing


def test_there_are_exactly_five_themes_with_ids_1_to_5():
    assert [theme["id"] for theme in RAW["themes"]] == THEME_IDS
    assert MIE.theme_ids == tuple(THEME_IDS)


def test_every_theme_has_at_least_three_guiding_questions_filled_in():
    for theme in RAW["themes"]:
        questions = theme["guiding_questions"]
        assert len(questions) >= 3, theme["id"]
        assert all(filled_in(question) for question in questions), theme["id"]
        assert len({question["nl"] for question in questions}) == len(questions), theme["id"]


def test_every_theme_has_five_different_scale_texts_filled_in():
    for theme in RAW["themes"]:
        scale = theme["scale"]
        assert sorted(scale) == THEME_IDS, theme["id"]
        assert all(filled_in(scale[point]) for point in scale), theme["id"]
        for lang in LANGUAGES:
            assert len({squash(scale[point][lang]) for point in scale}) == 5, (theme["id"], lang)


def test_every_theme_has_a_summary_and_says_what_it_draws_on_besides_the_mie_section():
    for theme in RAW["themes"]:
        assert filled_in(theme["summary"]), theme["id"]
        assert theme["source"] == {"document": FRAMEWORK, "section": "§2.13"}, theme["id"]
        others = [s for s in theme["draws_on"] if (s["document"], s["section"]) != (FRAMEWORK, "§2.13")]
        assert others, theme["id"]


def test_the_operationalisation_note_says_the_questions_and_scales_are_edmonitors_own():
    note = RAW["operationalisation_note"]
    assert filled_in(note)
    for lang in LANGUAGES:
        assert "§2.13" in note[lang], lang
        assert "edmonitor" in note[lang], lang


def test_every_vie_item_in_the_crosswalk_exists_and_every_vie_item_is_linked():
    vie_items = [item.id for item in VIE.items]
    linked = [link["item"] for link in RAW["crosswalk"]["links"]]
    assert set(linked) <= set(vie_items), set(linked) - set(vie_items)
    assert set(vie_items) <= set(linked), set(vie_items) - set(linked)


def test_every_crosswalk_link_names_a_known_theme_once_and_gives_a_reason():
    pairs = [(link["item"], link["theme"]) for link in RAW["crosswalk"]["links"]]
    assert len(set(pairs)) == len(pairs), pairs
    for link in RAW["crosswalk"]["links"]:
        assert link["theme"] in THEME_IDS, link
        assert filled_in(link["rationale"]), link


# --------------------------------------------------------------------------- against the seeds


def test_the_theme_titles_are_those_of_the_numbered_list_in_section_2_13():
    assert theme_list_of_section_2_13() == [(theme["id"], squash(theme["title"]["nl"])) for theme in RAW["themes"]]


def test_every_cited_section_occurs_in_the_named_seed():
    cited = [RAW["source"]]
    for theme in RAW["themes"]:
        cited += [theme["source"], *theme["draws_on"]]
    absent = [(s["document"], s["section"]) for s in cited if not section_occurs(s["document"], s["section"])]
    assert not absent, absent


def test_the_dutch_texts_are_in_our_own_words():
    found = []
    for path, text in texts(RAW):
        if re.fullmatch(r"/themes/\d+/title", path):
            continue  # the theme titles are the source's names for the themes
        found += [(path, run) for run in copied_runs(text["nl"], OWN_WORDS_SEEDS)]
    assert not found, found


# --------------------------------------------------------------------------- corrections of issue 15 (2026.2)

# The checksum of mie-2026.1 as audits use it. Audits keep the version they were planned with, so
# the file may never change: a correction is a new version (here 2026.2).
MIE_2026_1_CHECKSUM = "a7a9331a3814e557df16bb0f48caec4da29d5664e0b0981f7c2b0a8d2fd90e0e"


def section_2_13() -> str:
    text = squash(seed_text(FRAMEWORK))
    start = text.index("2.13 Monitor Inzet Ervaringsdeskundigheid De Monitor")
    return text[start : text.index("3. Referenties en aanvullende literatuur", start)]


def test_version_2026_1_is_still_shipped_unchanged_for_the_audits_that_use_it():
    old = load_audit_definition("mie-2026.1")
    assert old.checksum == MIE_2026_1_CHECKSUM
    assert old.theme_ids == MIE.theme_ids  # the same five themes: agreement pools both versions
    assert old.name_note is None


def test_theme_2s_title_in_the_source_has_no_word_paid():
    assert "2. Aantal en positionering ervaringsdeskundigen" in section_2_13()
    assert "betaald" not in MIE.theme("2").title.get("nl").lower()


def test_001_leaves_paid_or_voluntary_work_to_the_expert_and_allows_lasting_voluntary_work():
    text = squash(seed_text(WAY_IN))
    assert "De keuze voor betaald of vrijwillig werk moet uiteindelijk gemaakt kunnen worden door de" in text
    assert "Vrijwilligerswerk kan ook een meer permanente vorm voor participatie zijn." in text


def test_theme_2s_scale_does_not_make_paid_work_a_condition():
    scale = MIE.theme("2").scale
    for point in range(1, 6):
        for lang in LANGUAGES:
            text = scale[point].get(lang).lower()
            # no anchor asks for paid experts without also counting voluntary ones
            assert "geen betaalde" not in text and "no experts by experience are employed on a paid" not in text
            if "betaald" in text or "paid" in text:
                assert "vrijwillig" in text or "volunteer" in text or "voluntary" in text, (point, lang, text)
    # score 1 is the absence of experts by experience, paid or not; volunteers alone can score above 1
    assert "betaald of als vrijwilliger" in scale[1].get("nl")
    assert "betaald of als vrijwilliger" in scale[2].get("nl")
    # the summary and the first guiding question count both
    assert "Betaald werk en vrijwilligerswerk tellen allebei mee" in MIE.theme("2").summary.get("nl")
    assert "vrijwilliger" in MIE.theme("2").guiding_questions[0].get("nl")
    assert {"document": WAY_IN, "section": "Vrijwilligerswerk"} in RAW["themes"][1]["draws_on"]


def test_the_old_version_made_paid_work_a_condition_which_is_why_2026_2_exists():
    old = load_audit_definition("mie-2026.1").theme("2").scale[1].get("nl")
    assert old.startswith("Er werken geen betaalde ervaringsdeskundigen.")


def test_the_explanation_is_per_item_as_in_the_source_and_the_items_are_the_themes():
    assert "schrijven bij elk item een korte toelichting" in section_2_13()
    description = MIE.description.get("nl")
    assert "Samen schrijven ze bij elk item een korte toelichting." in description
    assert "De items van de MIE zijn de vijf thema's: er komt dus één toelichting per thema." in description
    assert "items-are-themes" in [d["id"] for d in RAW["decisions"]]


def test_the_source_gives_a_score_per_theme_and_the_definition_says_there_is_no_total():
    assert "een score per thema" in section_2_13()
    assert "totaal" not in section_2_13().lower() and "gemiddeld" not in section_2_13().lower()
    assert "De uitkomst is een score per thema; de MIE kent geen totaalscore." in MIE.description.get("nl")


def test_the_source_has_all_scores_compared_and_the_definition_calls_the_2_point_marker_our_aid():
    assert "vergelijken zij hun scores en komen in een consensusbespreking tot een definitieve score" in section_2_13()
    # no threshold: no "N punt(en)" anywhere in the section
    assert not re.search(r"\d\s*punt", section_2_13())
    decision = next(d for d in RAW["decisions"] if d["id"] == "discuss-difference-is-an-aid")
    assert "hulpmiddel van edmonitor, geen regel van de bron" in decision["text"]["nl"]
    assert RAW["rules"]["discuss_difference"] == 2  # the aid itself is unchanged
    assert "Dan vergelijken ze al hun scores" in MIE.description.get("nl")


def test_the_name_note_gives_both_names_and_where_each_comes_from():
    framework = squash(seed_text(FRAMEWORK))
    assert "2.13 Monitor Inzet Ervaringsdeskundigheid" in framework
    assert framework.count("Monitoring Implementatie Ervaringsdeskundigheid \\(MIE\\)") == 2  # §2.13's reference, §3.1
    assert MIE.name_note is not None
    note = MIE.name_note.get("nl")
    assert note.startswith("De bronnen verschillen.")
    assert "'Monitor Inzet Ervaringsdeskundigheid'" in note and "§2.13" in note
    assert "'Monitoring Implementatie Ervaringsdeskundigheid (MIE)'" in note and "§3.1" in note
    assert MIE.name.get("nl") == "Monitor Inzet Ervaringsdeskundigheid (MIE)"
