"""Steps that several browser tests take the same way: menus, summaries, the audit's themes."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a phone held upright
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


def main_menu(page: Page, link: str) -> None:
    """Follow a link of the main menu; on a phone the menu is folded behind its button first."""
    toggle = page.get_by_role("button", name="Menu", exact=True)
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=link).click()


def more_actions(page: Page, link: str) -> Locator:
    """A link from the page's "Meer acties" menu (opened, when it is not yet)."""
    menu = page.locator("details.more-actions")
    if menu.get_attribute("open") is None:
        menu.locator("summary", has_text="Meer acties").click()
    return menu.get_by_role("link", name=link, exact=True)


def summary_value(page: Page, term: str) -> Locator:
    """The value beside `term` in the page's summary (dl.summary)."""
    return page.locator("dl.summary > div").filter(has=page.locator("dt", has_text=term)).locator("dd")


def theme(page: Page, n: int) -> Locator:
    """The fieldset of MIE theme n on the scores and consensus forms."""
    return page.get_by_role("group", name=re.compile(rf"^{n}\. "))


def choose_scores(page: Page, scores: list[int], text_label: str, text: str) -> None:
    """Per theme: the score's radio button, and `text` (with {n} the theme) in the field `text_label`."""
    for n, score in enumerate(scores, start=1):
        theme(page, n).get_by_role("radio", name=re.compile(rf"^{score} – ")).check()
        theme(page, n).get_by_label(text_label).fill(text.format(n=n))
