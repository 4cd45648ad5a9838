"""Journey 5: two auditors in two browsers finish the 2026 demo audit.

The external auditor first scores blind: nothing of the internal auditor's scores or
rationale may reach her browser. Then the internal auditor sees both side by side, agrees
the consensus, writes the explanations, conclusion and a recommendation, and finalises.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from .conftest import Server
from .steps import choose_scores, more_actions, theme

MEDEWERKER_RATIONALE = "Duidelijke vooruitgang sinds vorig jaar."
MEDEWERKER_SCORES = [3, 3, 3, 4, 3]  # as seed_demo submitted them
AUDITOR_SCORES = [2, 3, 3, 2, 3]  # theme 4 differs by 2: to discuss
CONSENSUS = [3, 3, 3, 3, 3]
EDIT_LINKS = ["Aantekeningen en toelichting", "Mijn scores", "Consensus", "Conclusie en aanbevelingen", "Plan wijzigen"]


def assert_blind(page: Page) -> None:
    html = page.content()
    assert MEDEWERKER_RATIONALE not in html, f"the other auditor's rationale leaks on {page.url}"
    assert "Score van Mia Medewerker" not in html, f"the other auditor's score leaks on {page.url}"
    assert "Onafhankelijke scores en consensus per thema" not in html, f"the score table shows on {page.url}"


def test_two_auditors_score_blind_agree_and_finalise(open_as: Callable[..., Page], server: Server) -> None:
    anna = open_as("auditor")
    anna.goto("/")
    anna.get_by_role("table", name="Audits waarin u auditor bent").get_by_role("link", name="8 april 2026").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("MIE-audit van 8 april 2026")
    expect(anna.get_by_role("note")).to_contain_text("De individuele scores blijven verborgen")
    assert_blind(anna)
    audit_url = anna.url

    # Everything else she can open while she has not submitted: still blind.
    more_actions(anna, "Logboek").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Logboek")
    expect(anna.get_by_text("verborgen totdat beide auditoren hebben ingediend").first).to_be_visible()
    assert_blind(anna)
    for link in ["Aantekeningen en toelichting", "Conclusie en aanbevelingen"]:
        anna.goto(audit_url)
        anna.get_by_role("link", name=link).click()
        expect(anna.get_by_role("heading", level=1)).to_contain_text(link.split(" en ")[0])
        assert_blind(anna)
    anna.goto(audit_url)
    export = more_actions(anna, "Downloaden als JSON").get_attribute("href")
    assert export
    exported = anna.request.get(server.path(export))
    assert exported.ok
    assert MEDEWERKER_RATIONALE not in exported.text()

    anna.get_by_role("link", name="Mijn scores").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Mijn scores")
    assert_blind(anna)
    choose_scores(anna, AUDITOR_SCORES, "Uw onderbouwing", "Anna over thema {n}.")
    anna.get_by_role("button", name="Controleren en indienen").click()
    # A confirmation step shows what becomes fixed before anything is final.
    expect(anna.get_by_role("heading", level=1)).to_have_text("Uw scores indienen")
    expect(anna.get_by_role("table", name="Uw scores")).to_contain_text("Anna over thema 5.")
    assert_blind(anna)
    anna.get_by_role("button", name="Ja, mijn scores indienen").click()
    expect(anna.get_by_role("status")).to_be_visible()
    expect(anna).to_have_url(audit_url)
    anna_item = anna.get_by_role("listitem").filter(has_text=re.compile(r"^Anna Auditor – "))
    expect(anna_item).to_contain_text("scores ingediend")
    # Both have submitted now, so what the blind checks look for is shown to her: they can fail.
    expect(anna.get_by_text(f"Score van Mia Medewerker: 3 – {MEDEWERKER_RATIONALE}").first).to_be_visible()

    # The internal auditor, in her own browser, now sees both scores side by side.
    mia = open_as("medewerker")
    mia.goto("/")
    mia.get_by_role("table", name="Audits waarin u auditor bent").get_by_role("link", name="8 april 2026").click()
    expect(mia).to_have_url(audit_url)
    table = mia.get_by_role("table", name="Onafhankelijke scores en consensus per thema")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Thema", "Mia Medewerker", "Anna Auditor", "Verschil", "Consensus"]
    )
    for n, (mine, hers) in enumerate(zip(MEDEWERKER_SCORES, AUDITOR_SCORES, strict=True), start=1):
        row = table.get_by_role("row", name=re.compile(rf"^{n}\. "))
        expect(row.get_by_role("cell")).to_have_text([str(mine), str(hers), str(abs(mine - hers)), "–"])
    expect(table.get_by_role("row", name=re.compile(r"^4\. "))).to_contain_text("bespreken")
    expect(mia.get_by_text("Score van Anna Auditor: 2 – Anna over thema 1.")).to_be_visible()

    # The consensus and, beside the scores it explains, each theme's explanation on one page.
    mia.get_by_role("link", name="Consensus", exact=True).click()
    for n, score in enumerate(CONSENSUS, start=1):
        expect(theme(mia, n)).to_contain_text(MEDEWERKER_RATIONALE)
        expect(theme(mia, n)).to_contain_text(f"Anna over thema {n}.")
        theme(mia, n).get_by_role("radio", name=re.compile(rf"^{score} – ")).check()
        theme(mia, n).get_by_label("Toelichting voor het rapport").fill(f"Toelichting bij thema {n}.")
    mia.get_by_role("button", name="Opslaan").click()
    expect(mia.get_by_role("status")).to_contain_text("opgeslagen")

    mia.get_by_role("link", name="Conclusie en aanbevelingen").click()
    mia.get_by_label("Wat goed gaat").fill("Het projectteam is betrokken.")
    mia.get_by_label("Wat beter kan").fill("Scholing is nog niet vast geregeld.")
    first = mia.get_by_role("group", name="Concrete aanbevelingen")
    first.get_by_label("Thema").first.select_option(
        label="3. Toerusten en ondersteunen van ervaringsdeskundigen en andere professionals"
    )
    first.get_by_label("Aanbeveling").first.fill("Maak een jaarlijks scholingsplan.")
    mia.get_by_role("button", name="Opslaan").click()
    expect(mia.get_by_role("status")).to_contain_text("opgeslagen")

    # Finalising: each auditor confirms the report; the second confirmation makes it final.
    expect(mia).to_have_url(audit_url)
    mia.get_by_role("link", name="Verslag controleren en bevestigen").click()
    expect(mia.get_by_role("heading", level=1)).to_have_text("Eindverslag bevestigen")
    final = mia.get_by_role("table", name="Consensus en toelichting per thema")
    expect(final).to_contain_text("Toelichting bij thema 5.")
    mia.get_by_role("button", name="Ik bevestig dit verslag").click()
    expect(mia.get_by_role("status")).to_contain_text("andere auditor")
    expect(mia.get_by_text("Anna Auditor: heeft het verslag nog niet bevestigd")).to_be_visible()
    anna.goto(audit_url)
    anna.get_by_role("link", name="Verslag controleren en bevestigen").click()
    anna.get_by_role("button", name="Ik bevestig dit verslag").click()
    expect(anna.get_by_role("status")).to_contain_text("afgerond")
    mia.goto(audit_url)
    summary = mia.locator("dl.summary")
    expect(summary).to_contain_text("afgerond")
    expect(summary).to_contain_text("MIE-versie 2026.3")  # no mean: the MIE has no total (004 §2.13)
    expect(summary).not_to_contain_text("3,0")
    for page in (mia, anna):
        page.goto(audit_url)
        phase = page.locator("dl.summary > div").filter(has=page.locator("dt", has_text="Fase")).locator("dd")
        expect(phase).to_have_text("afgerond")
        for name in EDIT_LINKS:
            expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name="Verslag controleren en bevestigen")).to_have_count(0)
        expect(page.get_by_text("Maak een jaarlijks scholingsplan.").first).to_be_visible()
