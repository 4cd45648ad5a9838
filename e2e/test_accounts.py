"""Accounts by e-mail (issue 17): an invitation and a password reset, with the mail received by a real SMTP server."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from edmonitor.testing_mail import Inbox, link_in

from .conftest import Server, log_in

NEW_PASSWORD = "een lang nieuw wachtwoord"


def test_a_coordinator_invites_someone_who_makes_an_account_and_has_the_role(
    open_as: Callable[..., Page], page: Page, server: Server, mailbox: Inbox
) -> None:
    members = open_as("coordinator")
    members.goto(server.path(f"/organisaties/{server.ids['test_organisation']}/leden/"))
    invite = members.locator("form", has=members.get_by_role("button", name="Uitnodiging sturen"))
    invite.get_by_label("E-mailadres").fill("Noor.Nieuw@example.org")
    invite.get_by_label("Rol").select_option(label="Projectlid")
    before = len(mailbox.messages)
    invite.get_by_role("button", name="Uitnodiging sturen").click()
    expect(members.get_by_role("status")).to_contain_text("uitnodiging gestuurd naar noor.nieuw@example.org")
    expect(members.get_by_role("table", name="Uitnodigingen die nog niet zijn aangenomen")).to_contain_text(
        "noor.nieuw@example.org"
    )

    mail = mailbox.wait_for("noor.nieuw@example.org", after=before)
    assert mail["Subject"] == "Uitnodiging voor edmonitor: Zorggroep Testland"
    link = link_in(mail)
    assert link.startswith(server.url + "/uitnodiging/"), link

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Uitnodiging voor edmonitor")
    expect(page.get_by_text("U wordt Projectlid van Zorggroep Testland.")).to_be_visible()
    page.get_by_label("Voornaam").fill("Noor")
    page.get_by_label("Wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Wachtwoord nog een keer").fill(NEW_PASSWORD + "!")
    page.get_by_role("button", name="Mijn account maken").click()
    expect(page.get_by_role("alert")).to_contain_text("niet hetzelfde")  # nothing made yet
    page.get_by_label("Wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Wachtwoord nog een keer").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Mijn account maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zorggroep Testland")
    expect(page.get_by_role("status")).to_contain_text("Welkom bij edmonitor")
    expect(page.get_by_role("button", name="Uitloggen (noor.nieuw@example.org)")).to_be_visible()

    members.reload()
    expect(members.get_by_role("table", name="Wie welke rol heeft in deze organisatie")).to_contain_text(
        "noor.nieuw@example.org"
    )
    expect(members.get_by_text("Er zijn geen uitnodigingen zonder antwoord.")).to_be_visible()

    page.goto(link)  # the link works once
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze uitnodiging kan niet worden gebruikt")


def test_a_forgotten_password_is_replaced_through_the_link_in_the_mail(
    page: Page, server: Server, mailbox: Inbox
) -> None:
    page.goto(server.path("/login/"))
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.get_by_label("E-mailadres").fill("vergeetachtig@example.org")
    before = len(mailbox.messages)
    page.get_by_role("button", name="Link versturen").click()
    mail = mailbox.wait_for("vergeetachtig@example.org", after=before)
    page.goto(link_in(mail))
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nieuw wachtwoord bevestigen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Nieuw wachtwoord opslaan").click()
    page.get_by_role("link", name="Inloggen").click()
    log_in(page, "vergeetachtig", NEW_PASSWORD)
    expect(page.get_by_role("button", name="Uitloggen (vergeetachtig)")).to_be_visible()
