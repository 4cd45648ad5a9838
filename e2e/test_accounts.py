"""Accounts (issue 17): invitations and password resets by e-mail, two-step verification, single sign-on.

Mail is received by a real SMTP server (edmonitor/testing_mail.py); the codes of the authenticator
app are computed from the key the page shows (edmonitor/testing_otp.py); single sign-on goes
through a real OpenID Connect provider started for the run (e2e/conftest.py, identity_provider).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import Page, expect

from edmonitor.testing_mail import Inbox, link_in
from edmonitor.testing_otp import totp

from .conftest import SSO_PASSWORD, IdentityProvider, Server, log_in

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
    expect(members.get_by_role("table", name="Uitnodigingen die nog niet zijn aangenomen")).not_to_contain_text(
        "noor.nieuw@example.org"
    )

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


def secret_on(page: Page) -> str:
    return page.locator("#secret").inner_text()


def test_two_step_verification_with_the_app_and_with_a_recovery_code(page: Page, server: Server) -> None:
    page.goto(server.path("/login/"))
    log_in(page, "tweestaps")
    page.get_by_role("link", name="Mijn account").click()
    page.get_by_role("link", name="Tweestapsverificatie aanzetten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    expect(page.get_by_role("img", name="QR-code voor uw authenticator-app")).to_be_visible()
    secret = secret_on(page)
    page.get_by_label("Code uit de app").fill(totp(secret))  # what the phone shows now
    page.get_by_role("button", name="Controleren en aanzetten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    codes = page.locator("ul.codes code").all_inner_texts()
    assert len(codes) == 10, codes
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    expect(page.get_by_text("Tweestapsverificatie staat aan.").first).to_be_visible()

    # Logging in again: the password, then a code of the app (the next one: this one is spent).
    page.get_by_role("button", name="Uitloggen (tweestaps)").click()
    log_in(page, "tweestaps")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    page.goto(server.path("/"))  # no page opens before the code
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    page.get_by_label("Code uit de app").fill(totp(secret, time.time() + 30))
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn organisaties")

    # And with a recovery code instead, which then stops working.
    page.get_by_role("button", name="Uitloggen (tweestaps)").click()
    log_in(page, "tweestaps")
    page.get_by_label("Code uit de app").fill(codes[0])
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn organisaties")
    page.get_by_role("link", name="Mijn account").click()
    expect(page.get_by_text("U hebt nog 9 herstelcodes.")).to_be_visible()


def test_a_required_second_step_blocks_every_page_until_it_is_set_up(page: Page, server: Server) -> None:
    page.goto(server.path("/login/"))
    log_in(page, "verplicht")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    expect(page.get_by_role("note")).to_contain_text("voordat u verder kunt")
    for path in ("/", "/account/", "/kennisbank/"):
        page.goto(server.path(path))
        expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    page.get_by_label("Code uit de app").fill(totp(secret_on(page)))
    page.get_by_role("button", name="Controleren en aanzetten").click()
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennisbank")  # where they were going


def test_single_sign_on_makes_an_account_for_a_linked_domain_and_refuses_others(
    page: Page, server: Server, identity_provider: IdentityProvider
) -> None:
    page.goto(server.path("/login/"))
    page.get_by_role("link", name="Inloggen met uw organisatie-account").click()
    expect(page).to_have_url(re.compile("^" + re.escape(identity_provider.url) + "/login/"))  # the provider's own page
    page.get_by_label("User name").fill("sanne")
    page.get_by_label("Password").fill(SSO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Back in edmonitor: a new account with the viewer role in the organisation that linked the domain.
    # That organisation requires a second factor and says its own login asks for one: no code here.
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn organisaties")
    expect(page.get_by_role("button", name="Uitloggen (sanne@veilig.example.nl)")).to_be_visible()
    expect(page.get_by_role("link", name="Stichting Veilig")).to_be_visible()
    page.get_by_role("button", name="Uitloggen (sanne@veilig.example.nl)").click()

    # Someone at a domain no organisation linked, without an account: refused, with the reason.
    page.context.clear_cookies()  # also the provider's session: another person at the same browser
    page.goto(server.path("/login/"))
    page.get_by_role("link", name="Inloggen met uw organisatie-account").click()
    page.get_by_label("User name").fill("onbekend")
    page.get_by_label("Password").fill(SSO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.get_by_role("alert")).to_contain_text("Vraag de beheerder van edmonitor in uw organisatie")


def test_a_person_makes_a_token_a_program_uses_it_and_it_stops_when_revoked(
    open_as: Callable[..., Page], server: Server
) -> None:
    import json
    import urllib.error
    import urllib.request

    page = open_as("medewerker")
    page.goto(server.path("/account/"))
    page.get_by_role("link", name="Mijn API-sleutels").click()
    page.get_by_label("Naam").fill("Mijn script")
    page.get_by_label("alleen lezen").check()
    page.get_by_role("button", name="Sleutel maken").click()
    shown = page.get_by_label("Sleutel", exact=True)
    token = shown.input_value()
    assert re.fullmatch(r"edm_[A-Za-z0-9_-]{43}", token), token
    expect(page.get_by_role("table", name="Uw sleutels, de geldige eerst")).to_contain_text("Mijn script")

    def call(path: str) -> tuple[int, dict]:
        request = urllib.request.Request(server.path(path), headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as refused:
            return refused.code, json.load(refused)

    status, body = call("/api/v1/organisations/")
    assert status == 200 and body["count"] >= 1, body
    page.goto(server.path("/account/api-tokens/"))  # the token is shown once: not when the page is opened again
    expect(page.get_by_label("Sleutel", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Intrekken Mijn script").click()
    page.get_by_role("button", name="Intrekken").click()
    expect(page.get_by_role("status")).to_contain_text("Hij werkt niet meer")
    status, body = call("/api/v1/organisations/")
    assert status == 401, body


def test_the_api_description_opens_in_the_browser_without_breaking_the_content_security_policy(
    open_as: Callable[..., Page], server: Server
) -> None:
    page = open_as("medewerker")
    blocked: list[str] = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(server.path("/api/v1/docs/"))
    expect(page.get_by_text("edmonitor API").first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("/api/v1/organisations/", exact=True).first).to_be_visible()
    assert blocked == [], blocked
