"""Issue 17 parts 6 and 7 in the browser: the access log shows and exports a view; removing a member logs them out."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from playwright.sync_api import Page, expect

from .conftest import Server, log_in


def test_an_admin_finds_a_view_of_a_measurement_in_the_access_log_and_downloads_it(
    open_as: Callable[..., Page], server: Server
) -> None:
    organisation, measurement = server.ids["demo_organisation"], server.ids["demo_measurement"]
    page = open_as("projectleider")
    measurement_path = f"/organisaties/{organisation}/metingen/{measurement}/"
    page.goto(server.path(measurement_path))
    page.goto(server.path(f"/organisaties/{organisation}/toegangslog/"))
    page.get_by_label("Persoon").select_option("projectleider")
    page.get_by_label("Soort").select_option(label="Metingen (VIE)")
    page.get_by_label("Actie").select_option(label="bekeken")
    page.get_by_role("button", name="Regels tonen").click()
    log = page.get_by_role("table")
    expect(log).to_contain_text(measurement_path)
    expect(log).not_to_contain_text("medewerker")  # the filter on the person holds
    with page.expect_download() as download:
        page.get_by_role("link", name="Deze regels downloaden (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read()), delimiter=";"))
    assert any(measurement_path in ";".join(row) for row in rows[1:]), rows[:3]


def test_removing_a_member_logs_them_out_at_once(open_as: Callable[..., Page], page: Page, server: Server) -> None:
    organisation = server.ids["import_organisation"]
    admin = open_as("projectleider")
    admin.goto(server.path(f"/organisaties/{organisation}/leden/"))

    page.goto(server.path("/login/"))  # the member logs in, in a browser of their own
    log_in(page, "tijdelijk")
    page.goto(server.path(f"/organisaties/{organisation}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stichting Importland")

    admin.reload()
    admin.get_by_role("button", name="tijdelijk verwijderen").click()
    expect(admin.get_by_role("status")).to_contain_text("uitgelogd")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
