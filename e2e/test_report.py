"""Journey: the project leader opens the organisation report and downloads it as a PDF."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect


def test_the_project_leader_opens_the_report_and_downloads_the_pdf(open_as: Callable[..., Page]) -> None:
    page = open_as("projectleider")
    page.goto("/")
    page.get_by_role("link", name="GGZ Voorbeeldstad").click()
    page.locator("main").get_by_role("link", name="Rapport", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport GGZ Voorbeeldstad")
    expect(page.get_by_role("table", name="Score per item")).to_be_visible()
    expect(page.locator("figure.chart img").first).to_have_attribute("alt", re.compile(r"tabel"))

    with page.expect_download() as info:
        page.get_by_role("link", name="Downloaden als PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "GGZ Voorbeeldstad" in text
    assert "Score per item" in text  # the item table
    assert "MIE-audit" in text  # and the finalised demo audit
