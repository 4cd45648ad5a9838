"""Calibration (issue 20 part 5): an auditor scores a reference case blind, then sees the reference.

The case in the test data is `published_case` of edmonitor/audits/tests/calibration_factories.py:
reference scores 3, 2, 4, 1, 5, each explanation "UITLEG-ref-<theme>". The auditor here is the
project member who audits the test organisation (`medewerker`); the accessibility checks use
another auditor, so both start from an unscored case.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from .conftest import Server

# four themes on the reference, theme 5 three points off: 4 of 5 within one point (the rule: calibrated)
SCORES = {"1": 3, "2": 2, "3": 4, "4": 1, "5": 2}


def test_an_auditor_scores_a_reference_case_blind_and_then_sees_the_reference(
    open_as: Callable[..., Page], server: Server
) -> None:
    page = open_as("medewerker")
    page.goto(server.path("/audits/kalibratie/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalibratie")
    expect(page.get_by_text("niet gekalibreerd (nog geen referentiecasus gescoord)", exact=False)).to_be_visible()
    page.goto(server.path(f"/audits/kalibratie/casussen/{server.ids['calibration_case']}/scoren/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Een referentiecasus scoren")
    assert "UITLEG-ref" not in page.content(), "the reference's explanation shows before submitting"

    for theme_id, score in SCORES.items():
        page.locator(f"input[name='score_{theme_id}'][value='{score}']").check()
        page.locator(f"textarea[name='rationale_{theme_id}']").fill(f"Mijn onderbouwing bij thema {theme_id}.")
    page.get_by_role("button", name="Controleren en indienen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw scores indienen")
    assert "UITLEG-ref" not in page.content(), "the reference's explanation shows before submitting"
    page.get_by_role("button", name="Ja, mijn scores indienen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Uw scores naast de referentie")
    expect(page.get_by_text("UITLEG-ref-1").first).to_be_visible()  # the explanations, now
    expect(page.get_by_text("gekalibreerd tot en met", exact=False).first).to_be_visible()
    table = page.get_by_role("table", name="Uw scores en de referentiescores per thema")
    expect(table.get_by_role("row")).to_have_count(6)  # a header and five themes

    # submitted scores can no longer change: the scoring page now shows the outcome
    page.goto(server.path(f"/audits/kalibratie/casussen/{server.ids['calibration_case']}/scoren/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw scores naast de referentie")
