"""The VIE's description tells how LIVE scored and what edmonitor does (issue 15, item 2.13).

003 §4.1: the LIVE researchers gave the scores, from interviews, work plans and documents;
003 §5.2: institutions measuring for themselves was a wish for the future. The description
lives in ``vie.about.json``, outside the frozen version file: it changes no answer's meaning
and no score, so vie-2012.1 stays byte for byte what the stored measurements use.
"""

from __future__ import annotations

import json
from importlib import resources

from edmonitor.instruments.definition import about_texts, available_definitions, load_definition
from edmonitor.instruments.scoring import MeasurementInput, score
from edmonitor.testing_seeds import copied_runs, seed_text, squash

LIVE = "003_a8d87148f8c5ac85.txt"
VIE_2012_1_CHECKSUM = "96d6e45c1ee7c4dc0608731a41a34c6d4d844b87bb8434e3c51991ec89529055"
VIE = load_definition("vie-2012.1")


def test_the_source_says_the_researchers_scored_and_self_measurement_was_for_later():
    text = squash(seed_text(LIVE))
    assert "De beoordeling vond plaats door de onderzoekers van LIVE en is gebaseerd op de informatie uit de" in text
    assert "zodat instellingen in de toekomst zelf kunnen meten in hoeverre de door hen gestelde doelen" in text


def test_the_description_describes_both_honestly_and_cites_the_sections():
    nl = VIE.description.get("nl")
    assert "In LIVE vulden de instellingen de lijst niet zelf in. De onderzoekers gaven de scores." in nl
    assert "interviews" in nl and "werkplannen" in nl and "(003 §4.1)" in nl
    assert "Zelf meten was een wens voor later" in nl and "(003 §5.2)" in nl
    assert "In edmonitor vult een organisatie de VIE zelf in. Dat is dus een zelfmeting" in nl
    assert "brengt een ggz-instelling in kaart" not in nl
    en = VIE.description.get("en")
    assert "The researchers gave the scores" in en and "self-measurement" in en


def test_the_description_is_in_our_own_words():
    assert copied_runs(VIE.description.get("nl"), (LIVE,)) == []


def test_the_frozen_version_file_is_unchanged_and_scores_as_before():
    assert VIE.checksum == VIE_2012_1_CHECKSUM
    raw = json.loads(resources.files("edmonitor.instruments.definitions").joinpath("vie-2012.1.json").read_text())
    assert raw["description"]["nl"].startswith("Met de VIE brengt een ggz-instelling in kaart")  # kept, superseded
    example = {"1a": 2, "2a": 2, "3a": 1, "4a": 2, "5a": 1, "6a": 2, "7a": 3, "8a": 2, "9a": 3, "10a": 1}
    result, _problems = score(VIE, MeasurementInput(direct=example))
    assert result is not None
    assert (str(result.total), result.level) == ("1.9", "laag")  # appendix 1's example, as before


def test_the_about_file_is_not_a_version():
    assert available_definitions() == sorted(k for k in available_definitions() if "about" not in k)
    assert about_texts("vie")["code"] == "vie"
    assert about_texts("mie") == {}
