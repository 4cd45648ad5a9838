"""The four journeys of issue 14, each on a desktop (1280 × 900) and on a phone (390 × 844).

A quality officer records a VIE measurement partly from facts, reads the report and its PDF,
sets a goal, plans an action and a dialogue session; two auditors score an MIE audit blind,
agree, write the report and both confirm it; a national coordinator reads the LIVE programme
report and a benchmark, downloads the tables and imports a CSV file; a new colleague who is an
expert by experience finds her way in the knowledge base.

On every page a journey reaches, axe-core (WCAG 2.1 A and AA) finds nothing and the page does
not scroll sideways; its screenshot is e2e-artifacts/pages/journey-<device>-<journey>-<step>.png.
Each device works in its own organisation (e2e/data.py), so the two runs do not meet.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Download, Page, expect

from .a11y import assert_page_ok
from .conftest import Server
from .steps import VIEWPORTS, choose_scores, main_menu, more_actions, summary_value, theme

DEVICES = list(VIEWPORTS)
ITEM_1A = "1a. Aantal ervaringsdeskundigen in betaalde dienst"


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Journey:
    """One journey on one device: opens pages as demo users and checks every page it reaches."""

    def __init__(self, open_as: Callable[..., Page], device: str, name: str) -> None:
        self.open_as, self.device, self.name = open_as, device, name

    def page(self, user: str) -> Page:
        return self.open_as(user, viewport=VIEWPORTS[self.device])

    def check(self, page: Page, step: str) -> None:
        assert_page_ok(page, f"journey-{self.device}-{self.name}-{step}")


def organisation_name(device: str) -> str:
    return f"Stichting Onderweg ({device})"


def downloaded(page: Page, click: Callable[[], None]) -> tuple[str, bytes]:
    with page.expect_download() as info:
        click()
    download: Download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


# --- 1. the quality officer ---------------------------------------------------------------


def test_a_quality_officer_measures_reads_the_report_and_plans_improvement(
    open_as: Callable[..., Page], device: str
) -> None:
    journey = Journey(open_as, device, "quality-officer")
    name = organisation_name(device)
    page = journey.page("projectleider")
    page.goto("/")
    journey.check(page, "dashboard")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    journey.check(page, "organisation")
    more = page.locator("details.more-actions")
    more.locator("summary").click()
    expect(more.get_by_role("link", name="Leden")).to_be_visible()
    journey.check(page, "organisation-more-actions")

    # A baseline: 1a derived from the facts (3 fte of 500: 6 per 1,000, score 4), 2a and 6a chosen.
    page.get_by_role("link", name="Nieuwe VIE-meting").click()
    page.get_by_label("Datum van de meting").fill("2026-03-02")
    page.get_by_label("Naam", exact=True).fill("beginmeting")
    page.get_by_label("Totaal personeel (fte)").fill("500")
    item = page.get_by_role("group", name=ITEM_1A)
    item.get_by_role("radio", name="Leid de score af uit de gegevens").check()
    item.get_by_label("Ervaringsdeskundigen in betaalde dienst (fte)").fill("3")
    page.get_by_role("group", name=re.compile(r"^2a\. ")).get_by_role("radio", name=re.compile(r"^2\. ")).check()
    page.get_by_role("group", name=re.compile(r"^6a\. ")).get_by_role("radio", name=re.compile(r"^3\. ")).check()
    journey.check(page, "measurement-form")
    page.get_by_role("button", name="Meting opslaan").click()
    expect(page.locator("#unanswered")).to_contain_text("7 items hebben nog geen antwoord")
    journey.check(page, "measurement-unanswered")
    page.get_by_role("button", name="Opslaan zonder deze antwoorden").click()
    expect(page.get_by_role("status")).to_contain_text("De meting is opgeslagen.")
    expect(summary_value(page, "Totaal")).to_have_text("3,0")  # (4 + 2 + 3) / 3
    # a level only over all ten items (003 §5.2): this total of three has none, and the page says why
    expect(summary_value(page, "Niveau")).to_have_text("–")
    expect(page.get_by_role("note").filter(has_text="Het krijgt geen niveau")).to_be_visible()
    expect(summary_value(page, "Scores afgeleid uit gegevens")).to_have_text("1a")
    journey.check(page, "measurement")

    # The report shows the same numbers, and its PDF is a PDF with them.
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name=name).click()
    page.locator("main").get_by_role("link", name="Rapport", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapport {name}")
    row_1a = page.get_by_role("table", name="Score per item").get_by_role("row", name=re.compile(r"^1a\. "))
    expect(row_1a).to_contain_text("4")
    journey.check(page, "report")
    filename, pdf = downloaded(page, page.get_by_role("link", name="Downloaden als PDF").click)
    assert filename.endswith(".pdf") and pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert name in text and "Score per item" in text

    # A goal for 2a (now 2): at least 3 at the next measurement; an action for it; a session.
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name=name).click()
    page.locator("main").get_by_role("link", name="Verbeterplan").click()
    journey.check(page, "plan")
    page.get_by_role("link", name="Doel stellen").click()
    page.get_by_label("Item of thema").select_option("vie:2a")
    page.get_by_role("radio", name="ten minste een score halen").check()
    page.get_by_label("Streefwaarde").fill("3")
    page.get_by_label("Gesteld op").fill("2026-03-09")
    journey.check(page, "goal-form")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Het doel is gesteld")
    expect(page.get_by_role("heading", level=1)).to_have_text("Doel: VIE 2a. Aanbod van (leer)werkplekken")
    expect(summary_value(page, "Beginmeting")).to_contain_text("2")  # the baseline's score
    journey.check(page, "goal")
    page.get_by_role("link", name="Actie toevoegen voor dit doel").click()
    page.get_by_label("Wat", exact=True).fill("Twee leerwerkplekken openen bij de beschermd-wonenteams.")
    page.get_by_label("Verantwoordelijke").fill("Teamleider wonen")
    page.get_by_label("Streefdatum").fill("2026-09-01")
    journey.check(page, "action-form")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("De verbeteractie is toegevoegd aan het verbeterplan.")
    expect(page.locator("main")).to_contain_text("Twee leerwerkplekken openen bij de beschermd-wonenteams.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Verbeterplan van {name}")
    page.get_by_role("link", name="Dialoogsessie plannen").click()
    page.get_by_label("Dialogische werkvorm").select_option(label="Spiegelgesprek")
    page.get_by_label("Datum").first.fill("2026-04-14")
    page.get_by_label("Vraag of thema").fill("Wat merken cliënten van de leerwerkplekken?")
    page.get_by_label("Cliënten").fill("6")
    page.get_by_label("Ervaringsdeskundigen").fill("2")
    journey.check(page, "session-form")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("De dialoogsessie is opgeslagen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialoogsessie van 14 april 2026")
    expect(summary_value(page, "Dialogische werkvorm")).to_have_text("Spiegelgesprek")
    journey.check(page, "session")


# --- 2. two auditors ----------------------------------------------------------------------

AUDITOR_SCORES = {"medewerker": [3, 2, 4, 3, 3], "auditor": [3, 3, 2, 3, 3]}
CONSENSUS = [3, 3, 3, 3, 3]


def test_two_auditors_score_blind_agree_and_both_confirm_the_final_report(
    open_as: Callable[..., Page], server: Server, device: str
) -> None:
    journey = Journey(open_as, device, "auditors")
    audit_url = server.path(f"/organisaties/{server.ids[f'journey_organisation_{device}']}/audits/")
    audit_url += f"{server.ids[f'journey_audit_{device}']}/"
    mia, anna = journey.page("medewerker"), journey.page("auditor")

    for page, user in ((mia, "medewerker"), (anna, "auditor")):
        page.goto("/")
        audits = page.get_by_role("table", name="Audits waarin u auditor bent")
        audits.get_by_role("row").filter(has_text=organisation_name(device)).get_by_role("link").click()
        expect(page).to_have_url(audit_url)
        expect(page.get_by_role("note")).to_contain_text("De individuele scores blijven verborgen")
        journey.check(page, f"audit-blind-{user}")
        page.get_by_role("link", name="Mijn scores").click()
        choose_scores(page, AUDITOR_SCORES[user], "Uw onderbouwing", f"{user} over thema {{n}}.")
        journey.check(page, f"my-scores-{user}")
        page.get_by_role("button", name="Controleren en indienen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Uw scores indienen")
        journey.check(page, f"submit-{user}")
        page.get_by_role("button", name="Ja, mijn scores indienen").click()
        expect(page.get_by_role("status")).to_be_visible()
    # Mia submitted first and saw nothing of Anna's; now both have, and the scores stand side by side.
    mia.goto(audit_url)
    table = mia.get_by_role("table", name="Onafhankelijke scores en consensus per thema")
    expect(table.get_by_role("row", name=re.compile(r"^3\. "))).to_contain_text("bespreken")  # 4 and 2
    journey.check(mia, "audit-unblinded")

    mia.get_by_role("link", name="Consensus", exact=True).click()
    choose_scores(mia, CONSENSUS, "Toelichting voor het rapport", "Toelichting bij thema {n}.")
    expect(theme(mia, 3)).to_contain_text("auditor over thema 3.")
    journey.check(mia, "consensus")
    mia.get_by_role("button", name="Opslaan").click()
    expect(mia.get_by_role("status")).to_contain_text("opgeslagen")

    mia.get_by_role("link", name="Conclusie en aanbevelingen").click()
    mia.get_by_label("Wat goed gaat").fill("Ervaringsdeskundigen zitten in elk team.")
    mia.get_by_label("Wat beter kan").fill("Intervisie is nog niet geregeld.")
    first = mia.get_by_role("group", name="Concrete aanbevelingen")
    first.get_by_label("Thema").first.select_option(index=3)
    first.get_by_label("Aanbeveling").first.fill("Plan maandelijkse intervisie.")
    journey.check(mia, "report-form")
    mia.get_by_role("button", name="Opslaan").click()
    expect(mia.get_by_role("status")).to_contain_text("opgeslagen")

    # Finalising: Mia confirms; the audit is final only once Anna has confirmed too.
    expect(mia).to_have_url(audit_url)
    mia.get_by_role("link", name="Verslag controleren en bevestigen").click()
    expect(mia.get_by_role("table", name="Consensus en toelichting per thema")).to_contain_text(
        "Toelichting bij thema 5."
    )
    journey.check(mia, "finalise")
    mia.get_by_role("button", name="Ik bevestig dit verslag").click()
    expect(mia.get_by_role("status")).to_contain_text("andere auditor")
    mia.goto(audit_url)
    expect(summary_value(mia, "Fase")).not_to_have_text("afgerond")
    anna.goto(audit_url)
    expect(summary_value(anna, "Fase")).not_to_have_text("afgerond")
    anna.get_by_role("link", name="Verslag controleren en bevestigen").click()
    anna.get_by_role("button", name="Ik bevestig dit verslag").click()
    expect(anna.get_by_role("status")).to_contain_text("afgerond")
    for page in (mia, anna):
        page.goto(audit_url)
        expect(summary_value(page, "Fase")).to_have_text("afgerond")
        # the result is the five theme scores: the MIE has no total (004 §2.13), so no mean is shown
        expect(page.locator("dl.summary")).to_contain_text("MIE-versie 2026.3")
        expect(page.locator("dl.summary")).not_to_contain_text("Gemiddelde")
        expect(page.get_by_role("link", name="Consensus", exact=True)).to_have_count(0)
        expect(page.get_by_text("Plan maandelijkse intervisie.").first).to_be_visible()
    journey.check(anna, "audit-final")
    # The audit trail, now behind "Meer acties", records the finalising.
    more_actions(mia, "Logboek").click()
    expect(mia.get_by_role("heading", level=1)).to_have_text("Logboek")
    journey.check(mia, "trail")


# --- 3. the national coordinator ----------------------------------------------------------


def test_a_national_coordinator_reads_the_programme_benchmarks_exports_and_imports(
    open_as: Callable[..., Page], server: Server, device: str
) -> None:
    journey = Journey(open_as, device, "coordinator")
    page = journey.page("coordinator")
    page.goto("/")
    main_menu(page, "Programma's")
    journey.check(page, "programmes")
    page.get_by_role("link", name="LIVE 2011–2012").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LIVE 2011–2012")
    # The study's figures recomputed from its item scores, with the misprints of the source listed.
    printed = page.get_by_role("heading", name="Vermelde cijfers die niet uit de gegevens volgen")
    expect(printed.locator("xpath=following-sibling::ul[1]")).to_contain_text("Mondriaan")
    journey.check(page, "programme")
    filename, workbook = downloaded(page, page.get_by_role("link", name="Het hele programma downloaden (Excel)").click)
    assert filename.endswith(".xlsx")
    with zipfile.ZipFile(io.BytesIO(workbook)) as xlsx:
        assert "xl/workbook.xml" in xlsx.namelist()

    # One table as CSV, for Dutch Excel: a byte order mark, ';' between the columns.
    page.goto("/")
    page.get_by_role("link", name="GGZ Voorbeeldstad").click()
    more_actions(page, "Vergelijking met anderen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vergelijking")
    journey.check(page, "benchmark")
    filename, table = downloaded(page, page.locator("main").get_by_role("link", name="CSV").first.click)
    assert filename.endswith(".csv") and table.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(table.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) > 1 and len(rows[0]) > 1

    # A CSV file of measurements, made from the page's own template, is imported.
    name = organisation_name(device)
    page.goto("/")
    page.get_by_role("link", name=name).click()
    more_actions(page, "VIE-metingen importeren").click()
    journey.check(page, "import")
    _, template = downloaded(page, page.get_by_role("link", name="Sjabloon downloaden (CSV)").click)
    # the template's example row names the organisation; it becomes a measurement of 4 May
    header, example = csv.reader(io.StringIO(template.decode("utf-8-sig")), delimiter=";")
    assert example[header.index("organisatie")] == name
    row = dict(zip(header, example, strict=True))
    row |= {"datum": "04-05-2026", "omschrijving": "geïmporteerd", "item_1a": "2", "item_2a": "3"}
    file = io.StringIO()
    writer = csv.DictWriter(file, header, delimiter=";")
    writer.writeheader()
    writer.writerow(row)
    page.get_by_label("Bestand (CSV of Excel)").set_input_files(
        {"name": "metingen.csv", "mimeType": "text/csv", "buffer": file.getvalue().encode()}
    )
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", name="1 nieuwe meting")).to_be_visible()  # the preview: nothing stored yet
    journey.check(page, "import-preview")
    page.get_by_role("button", name="Importeren", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("1 meting is geïmporteerd.")
    journey.check(page, "import-done")
    page.goto("/")
    page.get_by_role("link", name=name).click()
    imported = page.get_by_role("table", name="Metingen door de tijd").get_by_role("row").filter(has_text="4 mei 2026")
    expect(imported).to_contain_text("2,5")  # (2 + 3) / 2


# --- 4. a new colleague, expert by experience ---------------------------------------------


def test_a_new_colleague_finds_the_core_tasks_and_a_dialogue_method(open_as: Callable[..., Page], device: str) -> None:
    journey = Journey(open_as, device, "colleague")
    page = journey.page("lezer")
    page.goto("/")
    main_menu(page, "Kennisbank")
    journey.check(page, "knowledge")
    search = page.get_by_role("search")
    search.get_by_role("textbox").fill("wat zijn de kerntaken")
    search.get_by_role("textbox").press("Enter")
    results = page.locator(".search-results > li")
    expect(results.first).to_be_visible()
    journey.check(page, "search")
    # The seven core tasks come first: the four of the current profile (BCP-E 2022), then the
    # three of 2014 that it replaced (knowledge/search.py, newest edition first).
    tags = [results.nth(i).locator(".tag").first.inner_text() for i in range(7)]
    assert all(tag.startswith("Kerntaak") for tag in tags), tags
    assert all("BCP-E 2022" in tag for tag in tags[:4]), tags
    results.get_by_role(
        "link", name="Ruimte maken voor ervaringskennis bij herstel en persoonlijke ontwikkeling"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ruimte maken voor ervaringskennis bij herstel en persoonlijke ontwikkeling"
    )
    expect(page.locator(".citation")).to_contain_text("Bron:")
    journey.check(page, "entry")

    # A method to talk about experiential knowledge with clients, openly exploring.
    page.goto("/kennisbank/werkvormen/")
    page.get_by_role("checkbox", name="Cliënten").check()
    page.get_by_role("spinbutton", name="Aantal mensen").fill("6")
    page.get_by_role("button", name="Werkvormen tonen").click()
    campfire = page.locator(".method-result").filter(has=page.get_by_role("link", name="Kampvuurgesprek", exact=True))
    expect(campfire).to_contain_text("past bij 6 deelnemers")
    journey.check(page, "methods")
    campfire.get_by_role("link", name="Kampvuurgesprek", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kampvuurgesprek")
    journey.check(page, "method")
