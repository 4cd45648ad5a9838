"""Journey 6: keyboard only. Log in and reach an organisation and a measurement with Tab and Enter.

Each page is entered through the skip link; every element the Tab key reaches must show
where the focus is (an outline or a box shadow).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import Server

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim(),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : "",
    visible: outline || style.boxShadow !== "none",
  };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def tab(page: Page) -> dict:
    page.keyboard.press("Tab")
    now = focused(page)
    assert now["visible"], f"the focus on {now} is not visible on {page.url}"
    return now


def tab_to(page: Page, text: str, limit: int = 60) -> None:
    """Press Tab until the element with this text (or label) has the focus."""
    seen = []
    for _ in range(limit):
        now = tab(page)
        if text in (now["text"], now["label"]):
            return
        seen.append(now["text"] or now["label"] or now["tag"])
    raise AssertionError(f"Tab never reached {text!r} on {page.url}; it went through {seen}")


def skip_to_content(page: Page) -> None:
    now = tab(page)
    assert now["text"] == "Direct naar de inhoud", f"the first Tab stop is {now}, not the skip link"
    expect(page.get_by_role("link", name="Direct naar de inhoud")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def follow(page: Page, link: str, heading: str, *, skip: bool = True) -> None:
    """From the top of the page (through the skip link, or past the header), Tab to a link and follow it."""
    if skip:
        skip_to_content(page)
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_keyboard_only_log_in_and_reach_a_measurement(page: Page, server: Server) -> None:
    page.goto(server.path("/login/"))
    # No autofocus: the page starts at the top, and the first Tab stop is the skip link.
    assert focused(page)["tag"] == "body"
    skip_to_content(page)
    tab_to(page, "Gebruikersnaam")
    page.keyboard.type("projectleider")
    assert tab(page)["label"] == "Wachtwoord"
    page.keyboard.type("edmonitor-demo")
    assert tab(page)["text"] == "Inloggen"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn organisaties")

    follow(page, "GGZ Voorbeeldstad", "GGZ Voorbeeldstad")
    follow(page, "20 maart 2026", "Vragenlijst Implementatie Ervaringsdeskundigheid (VIE): meting 2026, 20 maart 2026")


def test_keyboard_only_search_the_knowledge_base_and_open_a_result(open_as, server: Server) -> None:
    page = open_as("lezer")
    page.goto(server.path("/kennisbank/"))
    skip_to_content(page)
    tab_to(page, "Zoeken in de kennisbank")
    page.keyboard.type("kampvuurgesprekken")  # a plural: found by its stem
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"^\d+ resulta\w+ voor “kampvuurgesprekken”$"))
    ).to_be_visible()
    skip_to_content(page)
    tab_to(page, "Kampvuurgesprek")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kampvuurgesprek")


def test_keyboard_only_add_an_overdue_action_and_take_it_to_done(open_as, server: Server) -> None:
    """A project's everyday work without a mouse: an action added to the plan, later marked done."""
    page = open_as("medewerker")
    page.goto(server.path("/"))
    follow(page, "Zorggroep Testland", "Zorggroep Testland")
    follow(page, "Verbeterplan", "Verbeterplan van Zorggroep Testland")
    follow(page, "Nieuwe verbeteractie", "Nieuwe verbeteractie")

    title = "Intervisie voor de ervaringsdeskundigen van team Noord inplannen"
    skip_to_content(page)
    tab_to(page, "Wat")
    page.keyboard.type(title)
    tab_to(page, "Verantwoordelijke")
    page.keyboard.type("Teamleider Noord")
    tab_to(page, "Streefdatum")
    page.keyboard.type("01012026")  # 1 January 2026, whichever order the field takes day and month in
    tab_to(page, "Opslaan")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("toegevoegd aan het verbeterplan")

    # past its due date and still open: the organisation page asks attention for it
    follow(page, "Zorggroep Testland", "Zorggroep Testland", skip=False)  # the breadcrumb
    overdue = page.get_by_role("table", name=re.compile("^Verbeteracties die te laat zijn"))
    expect(overdue.get_by_role("row", name=re.compile("^" + title))).to_contain_text("1 januari 2026")

    follow(page, "Verbeterplan", "Verbeterplan van Zorggroep Testland")
    follow(page, title, "Verbeteractie")
    skip_to_content(page)
    tab_to(page, "Status")
    page.keyboard.type("uitg")  # a closed list jumps to the option typed: "uitgevoerd"
    expect(page.get_by_label("Status", exact=True)).to_have_value("done")
    tab_to(page, "Opslaan")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("De wijzigingen zijn opgeslagen")
    row = page.locator("main").get_by_role("row", name=re.compile("^" + title))
    expect(row).to_contain_text("uitgevoerd")

    follow(page, "Zorggroep Testland", "Zorggroep Testland", skip=False)
    expect(page.locator("main")).not_to_contain_text(title)  # done: no longer asks attention
