"""Journey 2: the coordinator creates an organisation."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect


def test_the_coordinator_creates_an_organisation(open_as: Callable[..., Page]) -> None:
    page = open_as("coordinator")
    page.goto("/")
    page.get_by_role("link", name="Nieuwe organisatie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe organisatie")

    page.get_by_label("Naam").fill("Stichting Herstelpunt")
    page.get_by_label("Sector").select_option(label="Verslavingszorg")
    page.get_by_label("Aantal cliënten").fill("1200")
    page.get_by_label("Totaal personeel (fte)").fill("310")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("De organisatie is aangemaakt.")
    # on to the members page, to invite the organisation's first admin
    expect(page.get_by_role("heading", level=1)).to_have_text("Leden van Stichting Herstelpunt")
    expect(page.get_by_role("heading", name="Iemand uitnodigen")).to_be_visible()
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Stichting Herstelpunt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stichting Herstelpunt")
    summary = page.locator("dl.summary")
    expect(summary).to_contain_text("Verslavingszorg")
    expect(summary).to_contain_text("1200")
    expect(summary).to_contain_text("310")
    expect(page.get_by_text("Nog geen metingen.")).to_be_visible()

    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Mijn organisaties").click()
    row = page.get_by_role("row", name="Stichting Herstelpunt")
    expect(row).to_contain_text("Verslavingszorg")
    expect(row).to_contain_text("nog geen")
