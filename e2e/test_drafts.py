"""A VIE measurement saved half-way as a draft, continued by a colleague and completed (issue 14.2).

On a desktop and on a phone: the draft counts nowhere, the organisation page lists it, leaving
the form with unsaved answers asks first, and nothing typed gets lost on the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Dialog, Page, expect

from .a11y import assert_accessible, horizontal_overflow, save_screenshot
from .test_measurements import ITEM_2A, measurement_rows, open_new_measurement

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", SIZES)
def test_a_draft_is_saved_half_way_continued_by_a_colleague_and_completed(
    open_as: Callable[..., Page], size: str
) -> None:
    label = f"concept-{size}"
    page = open_as("projectleider", viewport=SIZES[size])
    open_new_measurement(page)
    page.get_by_label("Datum van de meting").fill("2026-10-01")
    page.get_by_label("Naam", exact=True).fill(label)
    page.get_by_role("group", name=ITEM_2A).get_by_role("radio", name=re.compile(r"^3\. ")).check()
    page.get_by_role("group", name=ITEM_2A).get_by_label("Toelichting").fill("Drie leerwerkplekken.")

    # Following a link with unsaved answers asks first; staying keeps them.
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="GGZ Voorbeeldstad").click()
    assert asked == ["beforeunload"]
    expect(page.get_by_label("Naam", exact=True)).to_have_value(label)

    page.get_by_role("button", name="Bewaren als concept").last.click()
    expect(page.get_by_role("status")).to_contain_text("Het concept is bewaard")
    expect(page.locator("#draft-notice")).to_contain_text("Dit is een concept.")
    assert_accessible(page)
    assert horizontal_overflow(page) == [], "the draft page scrolls sideways"
    save_screenshot(page, f"draft-{size}")

    # The organisation page lists the draft; it is not among the measurements.
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="GGZ Voorbeeldstad").click()
    drafts = page.get_by_role("region", name="Concepten")
    expect(drafts.get_by_role("link", name=label)).to_be_visible()
    expect(drafts).to_contain_text("1 van 10 items beantwoord")
    expect(measurement_rows(page).filter(has_text=label)).to_have_count(0)
    assert_accessible(page)

    # A colleague who may record goes on with it and completes it.
    colleague = open_as("medewerker", viewport=SIZES[size])
    colleague.goto(page.url)
    colleague.get_by_role("region", name="Concepten").get_by_role("link", name=label).click()
    expect(colleague.get_by_label("Naam", exact=True)).to_have_value(label)
    item_2a = colleague.get_by_role("group", name=ITEM_2A)
    expect(item_2a.get_by_role("radio", name=re.compile(r"^3\. "))).to_be_checked()
    expect(item_2a.get_by_label("Toelichting")).to_have_value("Drie leerwerkplekken.")
    expect(colleague.locator("[data-progress]")).to_have_text("Beantwoord: 1 van de 10 items.")
    colleague.get_by_role("button", name="Meting opslaan").click()
    colleague.locator("#unanswered").get_by_role("button", name="Opslaan zonder deze antwoorden").click()
    expect(colleague.get_by_role("status")).to_contain_text("De meting is opgeslagen.")

    colleague.goto(page.url)
    expect(measurement_rows(colleague).filter(has_text=label)).to_have_count(1)
    expect(colleague.get_by_role("region", name="Concepten").get_by_role("link", name=label)).to_have_count(0)
