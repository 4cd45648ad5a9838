"""Journeys through the knowledge base: search with a Dutch word form, and choose a dialogue method."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect


def test_a_colleague_searches_with_a_plural_and_reads_where_an_entry_comes_from(open_as: Callable[..., Page]) -> None:
    page = open_as("medewerker")
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Kennisbank").click()
    search = page.get_by_role("search")
    search.get_by_role("textbox").fill("ervaringsdeskundigen")
    search.get_by_role("textbox").press("Enter")
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"\d+ resultaten voor “ervaringsdeskundigen”"))
    ).to_be_visible()
    # the singular in a title is found by the plural typed in the box
    hit = page.locator(".search-results").get_by_role("link", name=re.compile(r"ervaringsdeskundige\b", re.I)).first
    title = hit.inner_text()
    hit.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".citation")).to_contain_text("Bron:")

    # accents are optional: "casuistiek" finds the conversation cards, narrowed to the dialogue methods
    page.goto("/kennisbank/zoeken/")
    search = page.get_by_role("search")
    search.get_by_role("textbox").fill("casuistiek")
    search.get_by_role("combobox").select_option("methods")
    search.get_by_role("button").click()
    expect(page.locator(".search-results").get_by_role("link", name=re.compile("Gesprekskaarten"))).to_be_visible()


def test_a_project_leader_finds_a_method_for_nine_people_with_clients(open_as: Callable[..., Page]) -> None:
    page = open_as("projectleider")
    page.goto("/kennisbank/werkvormen/")
    expect(page.locator("main table").get_by_role("link", name="Kampvuurgesprek")).to_be_visible()
    page.get_by_role("checkbox", name="Cliënten").check()
    page.get_by_role("spinbutton", name="Aantal mensen").fill("9")
    page.get_by_role("button", name="Werkvormen tonen").click()
    table = page.locator("main table")
    expect(table.get_by_role("link", name="Kampvuurgesprek")).to_have_count(0)  # at most 8 people
    expect(table.get_by_role("link", name="Moreel beraad")).to_be_visible()
    table.get_by_role("link", name="Moreel beraad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moreel beraad")
    expect(page.locator("ol.steps > li")).to_have_count(7)
