"""Journey 1: logging in, with a wrong password first."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Server, log_in


def test_a_wrong_password_is_refused_and_the_right_one_logs_in(page: Page, server: Server) -> None:
    page.goto(server.path("/"))
    expect(page).to_have_url(server.path("/login/?next=/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")

    log_in(page, "lezer", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("juiste gebruikersnaam en wachtwoord")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.get_by_label("Gebruikersnaam")).to_have_value("lezer")
    expect(page.get_by_label("Wachtwoord")).to_have_value("")
    expect(page.get_by_role("button", name="Uitloggen (lezer)")).to_have_count(0)

    page.get_by_label("Wachtwoord").fill("edmonitor-demo")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page).to_have_url(server.path("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn organisaties")
    expect(page.get_by_role("link", name="GGZ Voorbeeldstad")).to_be_visible()

    page.get_by_role("button", name="Uitloggen (lezer)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.goto(server.path("/"))
    expect(page).to_have_url(server.path("/login/?next=/"))
