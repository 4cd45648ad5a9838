"""Journeys 3 and 4: a VIE measurement partly derived from facts, and a bad value that saves nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from .a11y import assert_accessible, horizontal_overflow

ITEM_1A = "1a. Aantal ervaringsdeskundigen in betaalde dienst"
ITEM_2A = "2a. Aanbod van (leer)werkplekken"
ED_FTE = "Ervaringsdeskundigen in betaalde dienst (fte)"


def open_new_measurement(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="GGZ Voorbeeldstad").click()
    page.get_by_role("link", name="Nieuwe VIE-meting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nieuwe meting")


def derive_1a_from_facts(page: Page) -> None:
    item = page.get_by_role("group", name=ITEM_1A)
    expect(item.get_by_label(ED_FTE)).to_be_hidden()  # only the chosen way of scoring is shown
    item.get_by_role("radio", name="Leid de score af uit de gegevens").check()
    expect(item.get_by_label(ED_FTE)).to_be_visible()


def summary_value(page: Page, term: str) -> Locator:
    return page.locator("dl.summary > div").filter(has=page.locator("dt", has_text=term)).locator("dd")


def measurement_rows(page: Page) -> Locator:
    return page.get_by_role("table", name="Metingen door de tijd").locator("tbody tr")


def test_a_measurement_with_one_item_derived_from_facts(open_as: Callable[..., Page]) -> None:
    page = open_as("projectleider")
    open_new_measurement(page)
    page.get_by_label("Datum van de meting").fill("2026-09-01")
    page.get_by_label("Naam", exact=True).fill("e2e-meting")
    page.get_by_label("Totaal personeel (fte)").fill("1000")
    derive_1a_from_facts(page)
    page.get_by_role("group", name=ITEM_1A).get_by_label(ED_FTE).fill("6")  # 6 per 1,000 fte: score 4
    page.get_by_role("group", name=ITEM_2A).get_by_role("radio", name=re.compile(r"^2\. ")).check()
    expect(page.locator("[data-progress]")).to_have_text("Beantwoord: 2 van de 10 items.")
    page.get_by_role("button", name="Meting opslaan").click()
    # Eight items have no answer: the page names them and saves only when asked again.
    notice = page.locator("#unanswered")
    expect(notice).to_contain_text("8 items hebben nog geen antwoord")
    expect(notice.get_by_role("link")).to_have_count(8)
    notice.get_by_role("button", name="Opslaan zonder deze antwoorden").click()

    expect(page.get_by_role("status")).to_contain_text("De meting is opgeslagen.")
    # the demo organisation has goals set before this date: judging them comes first (test_improvement.py)
    expect(page.get_by_role("heading", level=1)).to_have_text("Doelen beoordelen")
    page.get_by_role("link", name="Terug naar de meting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("e2e-meting, 1 september 2026")
    expect(summary_value(page, "Totaal")).to_have_text("3,0")  # mean of 4 and 2
    # 2 of the 10 items: a total and no level, and the page says why (003 §5.2)
    expect(summary_value(page, "Niveau")).to_have_text("–")
    expect(page.get_by_role("note").filter(has_text="Het krijgt geen niveau")).to_be_visible()
    expect(summary_value(page, "Scores afgeleid uit gegevens")).to_have_text("1a")
    row_1a = page.get_by_role("row", name=re.compile(r"^1a\. "))
    expect(row_1a.get_by_role("cell").first).to_have_text("4")  # the tag sits with the meaning, not in the number
    expect(row_1a.get_by_role("cell").nth(1)).to_contain_text("afgeleid uit gegevens")
    row_2a = page.get_by_role("row", name=re.compile(r"^2a\. "))
    expect(row_2a.get_by_role("cell").first).to_have_text("2")
    expect(page.get_by_role("row", name=re.compile(r"^3a\. ")).get_by_role("cell").first).to_have_text("–")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(ED_FTE)
    expect(facts).to_contain_text("1000")

    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="GGZ Voorbeeldstad").click()
    row = measurement_rows(page).filter(has_text="e2e-meting")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("3,0")
    expect(row).not_to_contain_text("midden")


def test_a_negative_fte_is_shown_at_its_field_and_nothing_is_saved(open_as: Callable[..., Page]) -> None:
    page = open_as("projectleider")
    page.goto("/")
    page.get_by_role("link", name="GGZ Voorbeeldstad").click()
    before = measurement_rows(page).count()
    assert before >= 2  # the demo's two measurements at least

    page.get_by_role("link", name="Nieuwe VIE-meting").click()
    page.get_by_label("Datum van de meting").fill("2026-10-01")
    page.get_by_label("Naam", exact=True).fill("e2e-foute-meting")
    derive_1a_from_facts(page)
    field = page.get_by_role("group", name=ITEM_1A).get_by_label(ED_FTE)
    field.fill("-2")
    page.get_by_role("button", name="Meting opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("De meting is niet opgeslagen")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(f"{ED_FTE}: -2 is te klein")
    expect(summary).to_be_focused()
    expect(field).to_be_visible()  # the chosen mode is kept, so the field with the error is shown
    expect(field).to_have_value("-2")
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.locator(".field").filter(has=page.get_by_label(ED_FTE)).locator(".errorlist")
    expect(error).to_have_text("-2 is te klein: het minimum is 0.")
    expect(field).to_have_attribute("aria-describedby", re.compile(r"\bid_ed_fte_errors\b"))
    expect(error).to_have_id("id_ed_fte_errors")
    summary.get_by_role("link").click()
    expect(field).to_be_focused()

    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="GGZ Voorbeeldstad").click()
    expect(measurement_rows(page)).to_have_count(before)
    expect(page.get_by_text("e2e-foute-meting")).to_have_count(0)


def test_a_measurement_is_corrected_without_typing_its_date_again(open_as: Callable[..., Page]) -> None:
    """The edit form shows the stored date in the date field (a Dutch page once left it empty)."""
    page = open_as("medewerker")
    page.goto("/")
    page.get_by_role("link", name="Zorggroep Testland").click()
    page.get_by_role("link", name="10 januari 2026").click()
    page.get_by_role("link", name="Corrigeren").click()
    expect(page.get_by_label("Datum van de meting")).to_have_value("2026-01-10")
    page.get_by_role("button", name="Meting opslaan").click()
    page.wait_for_load_state("load")
    unanswered = page.get_by_role("button", name="Opslaan zonder deze antwoorden")
    if unanswered.count():  # the stored measurement leaves items unanswered
        unanswered.click()
    expect(page.get_by_role("status")).to_contain_text("De wijzigingen zijn opgeslagen")
    expect(page.get_by_role("heading", level=1)).to_contain_text("10 januari 2026")


def test_the_help_on_an_item_opens_by_keyboard_and_fits_a_phone(open_as: Callable[..., Page]) -> None:
    """Under each item's question a closed "Wat telt mee?" explains the item (003 Bijlage 1)."""
    page = open_as("projectleider", viewport={"width": 390, "height": 844})
    page.goto("/")
    page.get_by_role("link", name="GGZ Voorbeeldstad").first.click()
    page.get_by_role("link", name="Nieuwe VIE-meting").click()
    item = page.get_by_role("group", name=ITEM_2A)
    summary = item.get_by_text("Wat telt mee bij item 2a?")
    help_text = item.get_by_text("Betaalde en onbetaalde plekken tellen allebei mee.")
    expect(help_text).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(help_text).to_be_visible()
    expect(item.locator("details.item-help")).to_contain_text("Bijlage 1, item 2a")
    assert not horizontal_overflow(page)
    assert_accessible(page)
