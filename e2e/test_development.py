"""A learner's own development space (issue 21): consent, evidence linked to two competences, a self-assessment."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Server, log_in


def test_a_learner_maps_evidence_to_two_competences(page: Page, server: Server) -> None:
    page.goto(server.path("/login/"))
    log_in(page, "lerende")
    page.get_by_role("link", name="Mijn ontwikkeling").click()
    expect(page.get_by_role("heading", name="Deze ruimte is van u")).to_be_visible()
    page.get_by_label("Ja, edmonitor mag mijn ontwikkeling bijhouden", exact=False).check()
    page.get_by_role("button", name="Mijn ontwikkelruimte starten").click()
    expect(page.get_by_role("status")).to_contain_text("Uw ontwikkelruimte staat klaar.")

    page.get_by_role("link", name="Bewijs toevoegen").click()
    page.get_by_label("Soort").select_option(label="reflectie")
    page.get_by_label("Titel").fill("Mijn verhaal gebruikt in een groep")
    page.get_by_label("Wat er gebeurde, en wat het laat zien").fill("Ik koos bewust wat ik deelde, en waarom.")
    shows = page.get_by_role("group", name="Wat dit bewijs laat zien")
    competences = shows.get_by_role("checkbox", name="Competentie:", exact=False)
    first, second = competences.nth(1), competences.nth(2)
    names = [first.get_attribute("value"), second.get_attribute("value")]
    first.check()
    second.check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Het bewijs is opgeslagen.")
    expect(page.get_by_role("link", name="Mijn verhaal gebruikt in een groep")).to_be_visible()
    expect(page.get_by_text("laat 2 onderdelen zien")).to_be_visible()
    for slug in names:
        row = page.get_by_role("row").filter(has=page.locator(f"a[href$='/zelfbeoordeling/{slug}/']"))
        expect(row.locator("td.num")).to_have_text("1")

    # a self-assessment of the first of the two
    page.locator(f"a[href$='/zelfbeoordeling/{names[0]}/']").click()
    page.get_by_role("radio", name="deels laten zien").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Uw zelfbeoordeling is opgeslagen.")
    row = page.get_by_role("row").filter(has=page.locator(f"a[href$='/zelfbeoordeling/{names[0]}/']"))
    expect(row).to_contain_text("deels laten zien")
