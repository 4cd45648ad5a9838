"""Plain Dutch (B1) in the knowledge base: the sentence splitter, and the figures held to a ratchet.

Issue 15 part 5 sets two targets for every Dutch reader-facing text: on average at most 15 words a
sentence, and no sentence over 25 words outside lists. The content as a whole meets them. This file
asserts both: each content file may not get worse than its figures in :data:`RATCHET` (lower them
when a rewrite improves them; a new file must meet the targets), the English mirror likewise
(:data:`RATCHET_EN`), and the targets themselves over all content, Dutch and English.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from edmonitor.knowledge.content import content_files
from edmonitor.knowledge.readability import (
    TARGET_AVERAGE,
    TARGET_LONGEST,
    combined,
    count_words,
    measure,
    split_text,
)


def sentences(text: str) -> list[str]:
    return [s.text for s in split_text(text)]


# --- the splitter ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Denk bijv. aan een HEE-groep of o.a. een cursus.",
        "Dat is d.w.z. een gesprek m.b.t. herstel i.p.v. genezing.",
        "Teams, afdelingen e.d. doen mee aan de week t/m vrijdag.",
        "Zie nr. 3 en blz. 12 voor meer.",
        "Het boek van J. Smit en A.B. de Vries gaat over herstel.",
        "Het gaat om 2,5 fte per 1.000 fte personeel.",
        "Lees § 2.13 over de MIE.",
        "Het gaat om de vraag 'wat werkt?' en niets anders.",
        "Het item telt (zie ook 1a.) mee.",
        "Ze schreven (Koster e.a. 2020) een boek.",
        "Zie het profiel, p. 19 e.v. voor de situaties.",
        "Dit is i.v.m. de privacy t.a.v. cliënten.",
        "Ervaringskennis (z.g.a. 'weten van binnenuit') telt mee.",
    ],
)
def test_an_abbreviation_a_number_or_an_initial_does_not_end_the_sentence(text: str) -> None:
    assert sentences(text) == [text]


def test_a_sentence_ends_at_a_full_stop_a_question_or_exclamation_mark_before_a_capital() -> None:
    assert sentences("Herstel is geen genezing. Wat is het dan? Balans! Dat zegt 'Herstel.' Ja.") == [
        "Herstel is geen genezing.",
        "Wat is het dan?",
        "Balans!",
        "Dat zegt 'Herstel.'",
        "Ja.",
    ]


def test_an_abbreviation_that_closes_a_sentence_ends_it_before_a_capital() -> None:
    assert sentences("Denk aan cursussen, groepen enz. Daarna volgt de meting.") == [
        "Denk aan cursussen, groepen enz.",
        "Daarna volgt de meting.",
    ]
    assert sentences("Zie het profiel (p. 19 ff.). Daarna volgt de meting.") == [
        "Zie het profiel (p. 19 ff.).",
        "Daarna volgt de meting.",
    ]
    assert sentences("De meting was in 2012. Daarna kwam het verslag.") == [
        "De meting was in 2012.",
        "Daarna kwam het verslag.",
    ]


def test_a_line_break_ends_a_unit_and_list_items_are_their_own_units() -> None:
    units = split_text(
        "Drie stappen\n\nDe stappen zijn:\n- kiezen van een casus\n• toelichten. Daarna vragen\n"
        "2. reflecteren\n3) besluiten\nDat was het."
    )
    assert [(u.text, u.in_list) for u in units] == [
        ("Drie stappen", False),
        ("De stappen zijn:", False),
        ("kiezen van een casus", True),
        ("toelichten.", True),
        ("Daarna vragen", True),
        ("reflecteren", True),
        ("besluiten", True),
        ("Dat was het.", False),
    ]


def test_a_text_given_as_a_list_item_is_outside_the_rule_on_long_sentences() -> None:
    long = " ".join(["woord"] * 30) + "."
    figures = measure([("x.json", '{"methods": [{"slug": "m", "steps": [{"nl": "%s"}]}]}' % long)])
    assert figures["x.json"].long_sentences() == []
    assert figures["x.json"].average == 30.0


def test_words_are_runs_with_a_letter_or_digit() -> None:
    assert count_words("t/m 2,5 fte – § 1.5 (ED) ervaringsdeskundige(n) - ok.") == 7


def test_titles_are_headings_and_not_measured() -> None:
    entry = '{"slug": "e", "title": {"nl": "Een titel"}, "summary": {"nl": "Kort."}}'
    figures = measure([("x.json", '{"entries": [%s]}' % entry)])
    assert [s.text for s in figures["x.json"].sentences] == ["Kort."]


# --- the content -------------------------------------------------------------------------------

# Per content file: the figures it may not exceed (average words per sentence, list items
# included; sentences over 25 words outside lists). Measured at the end of the session that
# wrote them; lower them when a rewrite improves them, never raise them. A content file not listed
# here must meet the targets (new content is written at B1 from the start).
RATCHET: dict[str, tuple[float, int]] = {
    # file: (average, sentences over 25 words)
    "curriculum.json": (13.2, 0),
    "framework.json": (13.2, 0),
    "links.json": (14.2, 0),
    "live.json": (13.1, 0),
    "methods.json": (14.1, 0),
    "route.json": (14.9, 0),
}
MEASURED = measure(content_files())


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_no_content_file_gets_less_plain(name: str) -> None:
    figures = MEASURED[name]
    # A file not in RATCHET is new: it must meet the targets. If it cannot yet, record its figures
    # in RATCHET (and in README) rather than weaken the test.
    average, long = RATCHET.get(name, (TARGET_AVERAGE, 0))
    longest = "\n".join(f"{s.words}: {s.place}: {s.text}" for s in figures.long_sentences()[:5])
    new = "" if name in RATCHET else " (a new content file is written at B1: see RATCHET)"
    assert figures.average <= average, f"{name}: {figures.average} words a sentence, at most {average} allowed{new}"
    assert len(figures.long_sentences()) <= long, (
        f"{name}: {len(figures.long_sentences())} sentences over {TARGET_LONGEST} words, at most {long} allowed{new};"
        f" the longest:\n{longest}"
    )


# The English mirror, measured the same way (issue 15: "the English texts become plain too"). Per
# file, the figures it may not exceed, as for RATCHET: measured after the English sentences over
# 25 words were split, and the links' rationales split where the Dutch has two sentences (before:
# links 16.7 with 6, live 14.3 with 27, methods 14.7 with 9, route 16.1 with 13). Lower them,
# never raise them; a file not listed here must meet the targets.
RATCHET_EN: dict[str, tuple[float, int]] = {
    "curriculum.json": (13.2, 0),
    "framework.json": (13.3, 0),
    "links.json": (14.3, 0),
    "live.json": (13.4, 0),
    "methods.json": (14.4, 0),
    "route.json": (14.8, 0),
}
MEASURED_EN = measure(content_files(), "en")


@pytest.mark.parametrize("name", sorted(MEASURED_EN))
def test_no_english_mirror_gets_less_plain(name: str) -> None:
    figures = MEASURED_EN[name]
    average, long = RATCHET_EN.get(name, (TARGET_AVERAGE, 0))
    assert figures.average <= average, f"{name} (en): {figures.average} words a sentence, at most {average}"
    assert len(figures.long_sentences()) <= long, [f"{s.words}: {s.place}" for s in figures.long_sentences()]


# Whether the content as a whole has reached the targets of issue 15. True since issue 15 part 5
# (the long sentences of live, methods, route and links split): see README "Knowledge base".
TARGETS_REACHED = True


def test_the_b1_targets_over_all_content() -> None:
    """The targets themselves (average at most 15, none over 25 outside lists), over every file.

    Reached (TARGETS_REACHED), so this test now holds all content to them; the ratchet above
    still holds each file to its own figures. Before, it failed once the targets were reached and
    wanted README to say they were not.
    """
    total = combined(MEASURED)
    if TARGETS_REACHED:
        assert total.average <= TARGET_AVERAGE
        assert [s.place for s in total.long_sentences()] == []
    else:
        assert not total.meets_targets(), "the B1 targets are reached: set TARGETS_REACHED = True"
        readme = (Path(__file__).resolve().parents[3] / "README.md").read_text("utf-8")
        assert "B1 targets not reached yet" in readme


# Whether the English mirror as a whole has reached the same targets. True since every English
# sentence over 25 words was split (57 before; average 13.2, now 12.9).
TARGETS_REACHED_EN = True


def test_the_b1_targets_over_all_english_content() -> None:
    """The same targets over the English mirror of every file (as TARGETS_REACHED does for Dutch)."""
    total = combined(MEASURED_EN)
    if TARGETS_REACHED_EN:
        assert total.average <= TARGET_AVERAGE
        assert [f"{s.words}: {s.place}" for s in total.long_sentences()] == []
    else:
        assert not total.meets_targets(), "the English mirror meets the targets: set TARGETS_REACHED_EN = True"
