"""Help per VIE item: what 003 Bijlage 1 says each item means and what counts (issue 15 part 6).

The help lives in ``vie.about.json`` (``item_help``), outside the frozen version file: it explains
and changes no answer's meaning and no score. It is in our own words, cites Bijlage 1 per item,
reads at B1 and keeps the numbers Bijlage 1 gives exactly.
"""

from __future__ import annotations

import re

import pytest

from edmonitor.instruments.definition import Derivation, item_help, load_definition
from edmonitor.testing_seeds import copied_runs, seed_text, squash

LIVE = "003_a8d87148f8c5ac85.txt"
VIE = load_definition("vie-2012.1")
HELP = item_help("vie")


def derivation(item_id: str) -> Derivation:
    """The derivation rule of an item the definition derives from facts."""
    rule = VIE.item(item_id).derivation
    assert rule is not None, f"item {item_id} has no derivation"
    return rule


def sentence_lengths(text: str) -> list[int]:
    return [n for n in (len(re.findall(r"\w+", s)) for s in re.split(r"(?<=[.!?])\s+", text)) if n]


def test_every_item_has_help_in_dutch_and_english_citing_its_place_in_bijlage_1():
    assert set(HELP) == {item.id for item in VIE.items}
    for item_id, entry in HELP.items():
        values = dict(entry.text.values)
        assert values["nl"].strip() and values["en"].strip() and values["nl"] != values["en"], item_id
        assert entry.source.document == LIVE
        assert entry.source.section == f"Bijlage 1, item {item_id}"


def test_each_cited_item_is_in_bijlage_1_of_the_source():
    appendix = squash(seed_text(LIVE)).split("Bijlage 1 Vragenlijst Implementatie Ervaringsdeskundigheid")[-1]
    for item_id in HELP:
        assert f"{item_id}. " in appendix or f"{item_id}.  " in appendix, item_id


def test_the_help_is_in_our_own_words():
    for item_id, entry in HELP.items():
        assert copied_runs(entry.text.get("nl"), (LIVE,)) == [], item_id


def test_the_dutch_help_reads_at_b1():
    lengths = [n for entry in HELP.values() for n in sentence_lengths(entry.text.get("nl"))]
    assert max(lengths) <= 25, max(lengths)
    assert sum(lengths) / len(lengths) <= 15, sum(lengths) / len(lengths)


@pytest.mark.parametrize(
    ("item_id", "nl", "en"),
    [
        # the thresholds and the fte of 36 hours that Bijlage 1 gives for 1a
        (
            "1a",
            ["36 uur per week", "1000 fte", "Bij 0 ‰", "2 ‰", "5 ‰", "10 ‰", "Boven 10 ‰"],
            ["36 hours a week", "1000 fte", "At 0 ‰", "2 ‰", "5 ‰", "10 ‰", "Above 10 ‰"],
        ),
        (
            "2a",
            ["Betaalde en onbetaalde", "buiten de eigen organisatie", "herstelcoach", "voorlichter"],
            ["Paid and unpaid", "outside the organisation", "recovery coach", "information officer"],
        ),
        (
            "3a",
            ["Twee of drie: score 3", "Vier of vijf: score 4", "Meer dan vijf: score 5", "'drie tot vijf'"],
            ["Two or three: score 3", "Four or five: score 4", "More than five: score 5", "'three to five'"],
        ),
        (
            "4a",
            [
                "minder dan 3.000",
                "3.000 tot en met 10.000",
                "meer dan 10.000",
                "1-2",
                "1-3",
                "1-4",
                "3-4, 4-5 of 5-6",
                "5-6, 6-8 of 7-10",
                "meer dan 6, meer dan 8 of meer dan 10",
            ],
            [
                "fewer than 3,000",
                "3,000 up to and including 10,000",
                "more than 10,000",
                "1-2",
                "1-3",
                "1-4",
                "3-4, 4-5 or 5-6",
                "5-6, 6-8 or 7-10",
                "more than 6, more than 8 or more than 10",
            ],
        ),
        (
            "5a",
            ["minder dan 3.000", "3.000 tot en met 10.000", "3-4, 4-5 of 5-6", "5-6, 6-8 of 7-10"],
            ["fewer than 3,000", "3,000 up to and including 10,000", "3-4, 4-5 or 5-6", "5-6, 6-8 or 7-10"],
        ),
        ("6a", ["één keer per 6 weken", "in spe", "score 3"], ["once every 6 weeks", "in spe", "score 3"]),
        (
            "7a",
            ["vijf criteria", "één keer per 6 weken", "Nul of één: score 1", "Alle vijf: score 5"],
            ["five criteria", "once every 6 weeks", "None or one: score 1", "All five: score 5"],
        ),
        (
            "8a",
            ["één of twee gesprekken", "zo lang als nodig", "intervisie"],
            ["one or two talks", "as long as needed", "intervisie"],
        ),
        (
            "9a",
            ["laagdrempelig", "actief bekend", "plan voor scholing of opleiding"],
            ["low-threshold", "actively made known", "plan for training or education"],
        ),
        (
            "10a",
            ["alleen ingewerkt", "individueel én in een groep"],
            ["only shown the ropes", "one to one and in a group"],
        ),
    ],
)
def test_the_help_keeps_what_bijlage_1_states_for_the_item(item_id, nl, en):
    for phrase in nl:
        assert phrase in HELP[item_id].text.get("nl"), phrase
    for phrase in en:
        assert phrase in HELP[item_id].text.get("en"), phrase


def test_the_numbers_in_the_help_are_those_of_the_source():
    source = squash(seed_text(LIVE))
    assert "(1fte = 36 uur p/w)" in source and "(fte ED >10 ‰)" in source
    assert "bij grote instellingen 7-10" in source and "middelgrote instellingen 3000 – 10.000 cliënten" in source
    assert "(min. 1x per 6 weken)" in source and "beperkt tot één of twee gesprek-" in source
    assert "Aan 0-1 criterium wordt voldaan" in source and "(worden bv. alleen ingewerkt)" in source


def test_the_help_gives_the_same_bands_as_the_scoring_rules_of_the_definition() -> None:
    fte = derivation("1a").params
    assert f"{fte['hours_per_fte']} uur per week" in HELP["1a"].text.get("nl")
    assert all(f"{t} ‰" in HELP["1a"].text.get("nl") for t in fte["thresholds"])
    for item_id in ("4a", "5a"):
        nl = HELP[item_id].text.get("nl")
        bands = derivation(item_id).params["thresholds"]
        for score, column in ((2, 1), (3, 2), (4, 3)):
            ranges = [f"{bands[size][column - 1] + 1}-{bands[size][column]}" for size in ("small", "medium", "large")]
            assert all(r in nl for r in ranges), (item_id, score, ranges)
        assert (
            ", ".join(f"meer dan {bands[size][3]}" for size in ("small", "medium", "large")).replace(
                ", meer dan " + str(bands["large"][3]), " of meer dan " + str(bands["large"][3])
            )
            in nl
        )
