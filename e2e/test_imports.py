"""The import journey (issue 14, item 3): upload → preview (a row like a stored measurement is skipped) →
confirm (in the background: a progress page, then its result) → undo, on a desktop and on a phone, every
page without axe violations; and the confirm waiting for the background worker, with and without JavaScript
(issue part 12, section 4)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .a11y import assert_accessible, horizontal_overflow
from .conftest import Server
from .steps import more_actions

ORGANISATION = "Stichting Importland"


@pytest.mark.parametrize(
    ("device", "viewport"), [("desktop", None), ("telefoon", {"width": 390, "height": 844})], ids=["desktop", "phone"]
)
def test_upload_preview_confirm_and_undo(open_as: Callable[..., Page], device: str, viewport) -> None:
    page = open_as("projectleider", **({"viewport": viewport} if viewport else {}))

    def check(page: Page) -> None:
        assert_accessible(page)
        if viewport:
            assert not horizontal_overflow(page), f"{page.url} scrolls sideways on a phone"

    page.goto("/")
    page.get_by_role("link", name=ORGANISATION).click()
    more_actions(page, "VIE-metingen importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("VIE-metingen importeren")
    file_name = f"import-{device}.csv"
    content = (
        "organisatie;datum;omschrijving;item_2a;item_6a\n"
        f"{ORGANISATION};1-3-2025; beginmeting ;2;2\n"  # looks like the stored Beginmeting
        f"{ORGANISATION};15-06-2026;meting {device};4;3\n"
    )
    page.get_by_label("Bestand (CSV of Excel)").set_input_files(
        {"name": file_name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Bestand controleren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import controleren")
    expect(page.get_by_role("heading", name="1 nieuwe meting")).to_be_visible()
    expect(page.get_by_role("heading", name="1 rij lijkt op een meting die u al hebt")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Rij 2 toch importeren")).not_to_be_checked()
    check(page)
    page.get_by_role("button", name="Importeren", exact=True).click()

    # the progress page, which shows the result once the background worker has imported the file (the worker polls
    # every half second; with the whole test suite running beside it on two cores that took more than 5 s once)
    expect(page.get_by_role("heading", level=1)).to_have_text("De import is klaar", timeout=30_000)
    expect(page.get_by_role("status")).to_contain_text("1 meting is geïmporteerd. 1 rij is overgeslagen.")
    check(page)
    page.get_by_role("link", name="Alle imports bekijken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    row = page.get_by_role("row").filter(has_text=file_name)
    expect(row).to_contain_text("geïmporteerd")
    check(page)
    row.get_by_role("link", name="Ongedaan maken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import ongedaan maken")
    expect(page.get_by_role("main")).to_contain_text("U gaat 1 meting verwijderen.")
    check(page)
    page.get_by_role("button", name="1 meting verwijderen").click()

    expect(page.get_by_role("status")).to_contain_text("De import is ongedaan gemaakt: 1 meting is verwijderd.")
    expect(page.get_by_role("row").filter(has_text=file_name)).to_contain_text("Ongedaan gemaakt op")
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name=ORGANISATION).click()
    expect(page.get_by_role("main")).not_to_contain_text(f"meting {device}")
    expect(page.get_by_role("main")).to_contain_text("Beginmeting")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_confirm_waits_for_the_worker_and_then_shows_its_result(
    server: Server, open_as: Callable[..., Page], javascript: bool
) -> None:
    """With the background worker stopped the confirm waits on its progress page; once the worker runs,
    the page shows the result by itself, or, without JavaScript, after "Vernieuwen"."""
    page = open_as("projectleider", java_script_enabled=javascript)
    page.goto(f"/organisaties/{server.ids['import_organisation']}/metingen/importeren/")
    label = "achtergrond " + ("met" if javascript else "zonder") + " javascript"
    content = f"organisatie;datum;omschrijving;item_2a\n{ORGANISATION};10-02-2026;{label};3\n"
    page.get_by_label("Bestand (CSV of Excel)").set_input_files(
        {"name": "achtergrond.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", name="1 nieuwe meting")).to_be_visible()

    server.worker.stop()
    try:
        page.get_by_role("button", name="Importeren", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bezig met importeren")
        expect(page.get_by_role("status")).to_contain_text("Wacht tot het kan beginnen")
        expect(page.get_by_role("link", name="Vernieuwen")).to_be_visible()
        if javascript:  # axe runs in the page: only with JavaScript (the same page either way)
            assert_accessible(page)
            page.evaluate("window.notReloaded = true")  # gone if the page were loaded again
    finally:
        server.worker.start()

    if javascript:
        # the page asks how far the import is and puts the result in place, without reloading
        expect(page.get_by_role("heading", level=1)).to_have_text("De import is klaar", timeout=30_000)
        assert page.evaluate("window.notReloaded") is True
    else:
        deadline = time.monotonic() + 30
        while page.get_by_role("heading", level=1).inner_text() != "De import is klaar":
            assert time.monotonic() < deadline, "the import did not finish within 30 s"
            page.wait_for_timeout(500)
            page.get_by_role("link", name="Vernieuwen").click()
    expect(page.get_by_role("status")).to_contain_text("1 meting is geïmporteerd.")
    expect(page.get_by_role("link", name="Import ongedaan maken")).to_be_visible()
    if javascript:
        assert_accessible(page)
