"""Journeys through the improvement loop: a goal judged at the next measurement, and a dialogue session."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

ITEM_2A = re.compile(r"^2a\. ")


def open_plan(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Zorggroep Testland").click()
    page.locator("main").get_by_role("link", name="Verbeterplan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verbeterplan van Zorggroep Testland")


def test_a_goal_gets_a_proposed_code_at_the_next_measurement_and_an_override_needs_a_reason(
    open_as: Callable[..., Page],
) -> None:
    page = open_as("medewerker")
    open_plan(page)
    page.get_by_role("link", name="Doel stellen").click()
    page.get_by_label("Item of thema").select_option("vie:2a")  # baseline (10 January): 2
    page.get_by_role("radio", name="ten minste een score halen").check()
    page.get_by_label("Streefwaarde").fill("4")
    page.get_by_label("Gesteld op").fill("2026-02-01")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Het doel is gesteld")

    # the next measurement: item 2a rises to 3, below the target of 4
    page.goto("/")
    page.get_by_role("link", name="Zorggroep Testland").click()
    page.get_by_role("link", name="Nieuwe VIE-meting").click()
    page.get_by_label("Datum van de meting").fill("2026-06-01")
    page.get_by_label("Naam", exact=True).fill("vervolgmeting Testland")
    page.get_by_role("group", name=re.compile(r"^2a\. ")).get_by_role("radio", name=re.compile(r"^3\. ")).check()
    page.get_by_role("button", name="Meting opslaan").click()
    page.get_by_role("button", name="Opslaan zonder deze antwoorden").click()  # only 2a is scored

    # straight on to judging the goal: C proposed (higher than the baseline, below the target)
    expect(page.get_by_role("heading", level=1)).to_have_text("Doelen beoordelen")
    goal = page.locator("section.goal-to-judge").filter(has_text="2a")
    expect(goal.locator("dt", has_text="Voorgesteld").locator("xpath=following-sibling::dd")).to_have_text("C")
    codes = page.get_by_role("group", name=re.compile(r"^Doelrealisatie: VIE 2a"))
    expect(codes.get_by_role("radio", name=re.compile("^C"))).to_be_checked()

    # choosing D without a reason is refused, and nothing is stored
    codes.get_by_role("radio", name=re.compile("^D")).check()
    page.get_by_role("button", name="Beoordeling opslaan").click()
    reason = page.get_by_label(re.compile(r"^Reden voor een andere code dan voorgesteld: VIE 2a"))
    expect(reason).to_have_attribute("aria-invalid", "true")
    # with the proposal confirmed it is saved, and the measurement carries the code
    page.get_by_role("group", name=re.compile(r"^Doelrealisatie: VIE 2a")).get_by_role(
        "radio", name=re.compile("^C")
    ).check()
    page.get_by_role("button", name="Beoordeling opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("beoordeeld")
    open_plan(page)
    judged = page.get_by_role("table", name="Beoordeelde doelen")
    expect(judged.get_by_role("row").filter(has_text="2a")).to_contain_text("C")


def test_a_dialogue_session_is_planned_from_the_method_with_warnings_and_recorded(open_as: Callable[..., Page]) -> None:
    page = open_as("medewerker")
    page.goto("/kennisbank/werkvormen/kampvuurgesprek/")
    page.get_by_role("link", name="Een dialoogsessie plannen bij Zorggroep Testland").click()
    expect(page.get_by_label("Dialogische werkvorm")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Datum").first.fill("2026-10-05")
    page.get_by_label("Vraag of thema").fill("Hoe geven we naasten een stem?")
    page.get_by_label("Ervaringsdeskundigen").fill("3")
    page.get_by_label("Andere professionals").fill("7")
    page.get_by_role("button", name="Opslaan").click()
    # saved anyway, with the method's limits as warnings: at most 8 people, and it is meant for clients
    expect(page.get_by_role("status")).to_contain_text("De dialoogsessie is opgeslagen")
    expect(page.get_by_role("status")).to_contain_text("hoogstens 8")
    expect(page.get_by_role("status")).to_contain_text("cliënten")
    session_url = page.url

    # the steps are real checkboxes on the session's page, saved with their own button
    steps = page.get_by_role("group", name="Uitgevoerde stappen").get_by_role("checkbox")
    steps.nth(0).check()
    steps.nth(1).check()
    page.get_by_role("button", name="Stappen opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("De stappen zijn opgeslagen")
    expect(page.get_by_text("2 van 6 stappen gedaan.")).to_be_visible()
    expect(page.get_by_role("group", name="Uitgevoerde stappen").get_by_role("checkbox").nth(1)).to_be_checked()

    page.get_by_role("link", name="Vastleggen hoe het ging").click()
    expect(page.get_by_role("note")).to_contain_text("2 stappen van Kampvuurgesprek zijn afgevinkt")
    page.get_by_label("Aantekeningen").fill("Goed gesprek; naasten willen een eigen overleg.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")

    page.get_by_role("link", name="Uitkomst toevoegen").click()
    page.get_by_label("Uitkomst").fill("Een maandelijks naastenoverleg starten.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Een maandelijks naastenoverleg starten.")).to_be_visible()
    page.get_by_role("link", name="Maak er een verbeteractie van").click()
    page.get_by_label("Verantwoordelijke").fill("Teamleider")
    page.get_by_role("button", name="Opslaan").click()

    # another method after all: the ticked steps are dropped, and the page says so
    page.goto(session_url)
    page.get_by_role("link", name="Vastleggen hoe het ging").click()
    page.get_by_label("Dialogische werkvorm").select_option(label="Moreel beraad")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text(
        "De werkvorm is nu Moreel beraad. De 2 afgevinkte stappen van Kampvuurgesprek zijn vervallen."
    )
    expect(page.get_by_text("0 van 7 stappen gedaan.")).to_be_visible()

    # deleting it: the page says the outcome goes and the action stays
    page.get_by_role("link", name="Sessie verwijderen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialoogsessie verwijderen")
    expect(page.locator("main")).to_contain_text("Een maandelijks naastenoverleg starten.")
    expect(page.locator("main")).to_contain_text("1 verbeteractie is gemaakt van een uitkomst van deze sessie.")
    page.get_by_role("button", name="Sessie verwijderen").click()
    expect(page.get_by_role("status")).to_contain_text("De dialoogsessie is verwijderd.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verbeterplan van Zorggroep Testland")
    expect(page.locator("main")).to_contain_text("Een maandelijks naastenoverleg starten.")  # the action
