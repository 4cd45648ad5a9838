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


def test_a_project_leader_filters_methods_for_ten_people_and_sees_why_each_fits(open_as: Callable[..., Page]) -> None:
    page = open_as("projectleider")
    page.goto("/kennisbank/werkvormen/")
    for role in ("Cliënten", "Ervaringsdeskundigen", "Andere professionals"):
        page.get_by_role("checkbox", name=role).check()
    page.get_by_role("spinbutton", name="Aantal mensen").fill("10")
    page.get_by_role("button", name="Werkvormen tonen").click()
    # no method whose source gives a size fits ten; seven give no size and are listed apart
    expect(page.get_by_role("heading", level=2, name="Past: 0 werkvormen")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Geen grootte genoemd in de bron: 7 werkvormen")).to_be_visible()
    moral = page.locator(".method-result").filter(has=page.get_by_role("link", name="Moreel beraad", exact=True))
    expect(moral).to_contain_text("cliënten kunnen meedoen")
    expect(moral).to_contain_text("De bron noemt geen groepsgrootte.")
    # the campfire conversation (at most 8) and co-counselling (two people) are folded away, with the reason
    campfire = page.get_by_role("link", name="Kampvuurgesprek", exact=True)
    expect(campfire).not_to_be_visible()
    page.get_by_text("Past niet: 5 werkvormen").click()
    expect(campfire).to_be_visible()
    co = page.locator(".method-result").filter(has=page.get_by_role("link", name="Co-counselen en peer-counselen"))
    expect(co).to_contain_text("10 deelnemers is te veel (2 mensen)")

    # plan a session with one of them: the form shows what the method is for and its group size
    moral.get_by_role("link", name=re.compile(r"^Een dialoogsessie (met deze werkvorm )?plannen")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialoogsessie plannen")
    info = page.locator(".method-info")
    expect(info.get_by_role("heading", name="Over Moreel beraad")).to_be_visible()
    expect(info.locator("section:visible")).to_contain_text("De bron noemt geen groepsgrootte.")
    # choosing another method shows that method's purpose and size instead (edmonitor.js)
    page.get_by_label("Dialogische werkvorm").select_option(label="Kampvuurgesprek")
    expect(info.get_by_role("heading", name="Over Kampvuurgesprek")).to_be_visible()
    expect(info.get_by_role("heading", name="Over Moreel beraad")).to_be_hidden()
    expect(info.locator("section:visible")).to_contain_text("Hoogstens 8 mensen.")
