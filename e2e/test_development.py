"""Issue 21: a learner's own development space, and a training provider's course against the basic curriculum."""

from __future__ import annotations

from collections.abc import Callable

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
    group = shows.locator("details").filter(has_text="Competenties (BCP 2014)")
    group.locator("summary").click()  # the groups are folded until opened
    competences = group.get_by_role("checkbox")
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


def test_a_training_provider_maps_a_course_and_reads_its_coverage(open_as: Callable[..., Page], server: Server) -> None:
    page = open_as("projectleider")
    page.goto(server.path(f"/organisaties/{server.ids['test_organisation']}/"))
    page.get_by_text("Meer acties").click()
    page.get_by_role("link", name="Opleidingen en het basiscurriculum").click()
    page.get_by_label("Naam van de opleiding").fill("Opleiding ervaringsdeskundige")
    page.get_by_label("Groep", exact=True).fill("2026–2027")
    page.get_by_role("button", name="Opleiding toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("De opleiding is toegevoegd.")

    page.get_by_label("Naam van het onderdeel").fill("Dag 1: herstel")
    covers = page.get_by_role("group", name="Wat dit onderdeel dekt")
    covers.locator("summary", has_text="Basismodule 1 – Herstel").click()  # the groups are folded until opened
    covers.get_by_role("checkbox", name="Module basiscurriculum: Basismodule 1 – Herstel").check()
    covers.get_by_role("checkbox", name="Leerdoel: Het herstelconcept kennen").check()
    page.get_by_role("button", name="Onderdeel opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Het onderdeel is opgeslagen.")

    matrix = page.get_by_role("table", name="Welke onderdelen van de opleiding", exact=False)
    expect(matrix.get_by_role("row", name="Basismodule 1 – Herstel", exact=False)).to_contain_text("Dag 1: herstel")
    expect(matrix.get_by_role("row", name="Basismodule 2", exact=False)).to_contain_text("niet gedekt")
    expect(
        page.get_by_text("De opdrachten in het basiscurriculum zijn voorbeelden, geen eisen.", exact=False)
    ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als CSV").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert "basismodule-1-herstel;module;" in text and "Dag 1: herstel" in text, text[:300]
