"""Issue 21: a learner's own development space, and a training provider's course against the basic curriculum."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from playwright.sync_api import Page, expect

from .conftest import Server, log_in


def test_a_learner_maps_evidence_to_two_competences(page: Page, server: Server) -> None:
    page.goto(server.path("/login/"))
    log_in(page, "lerende")
    page.get_by_role("link", name="Mijn ontwikkeling").click()
    expect(page.get_by_role("heading", name="Deze ruimte is van u")).to_be_visible()
    page.get_by_label("Ja, edmonitor mag mijn ontwikkeling bijhouden", exact=False).check()
    page.get_by_role("button", name="Mijn ontwikkelruimte starten").click()
    expect(page.get_by_role("status")).to_contain_text("Uw ontwikkelruimte staat klaar.")

    page.get_by_role("link", name="Bewijs toevoegen").click()
    page.get_by_label("Soort").select_option(label="reflectie")
    page.get_by_label("Titel").fill("Mijn verhaal gebruikt in een groep")
    page.get_by_label("Wat er gebeurde, en wat het laat zien").fill("Ik koos bewust wat ik deelde, en waarom.")
    shows = page.get_by_role("group", name="Wat dit bewijs laat zien")
    group = shows.locator("details").filter(has_text="Competenties (BCP 2014)")
    group.locator("summary").click()  # the groups are folded until opened
    competences = group.get_by_role("checkbox")
    first, second = competences.nth(1), competences.nth(2)
    names = [first.get_attribute("value"), second.get_attribute("value")]
    first.check()
    second.check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Het bewijs is opgeslagen.")
    expect(page.get_by_role("link", name="Mijn verhaal gebruikt in een groep")).to_be_visible()
    expect(page.get_by_text("laat 2 onderdelen zien")).to_be_visible()
    for slug in names:
        row = page.get_by_role("row").filter(has=page.locator(f"a[href$='/zelfbeoordeling/{slug}/']"))
        expect(row.locator("td.num")).to_have_text("1")

    # a self-assessment of the first of the two
    page.locator(f"a[href$='/zelfbeoordeling/{names[0]}/']").click()
    page.get_by_role("radio", name="deels laten zien").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Uw zelfbeoordeling is opgeslagen.")
    row = page.get_by_role("row").filter(has=page.locator(f"a[href$='/zelfbeoordeling/{names[0]}/']"))
    expect(row).to_contain_text("deels laten zien")


def test_a_training_provider_maps_a_course_and_reads_its_coverage(open_as: Callable[..., Page], server: Server) -> None:
    page = open_as("projectleider")
    page.goto(server.path(f"/organisaties/{server.ids['test_organisation']}/"))
    page.get_by_text("Meer acties").click()
    page.get_by_role("link", name="Opleidingen en het basiscurriculum").click()
    page.get_by_label("Naam van de opleiding").fill("Opleiding ervaringsdeskundige")
    page.get_by_label("Groep", exact=True).fill("2026–2027")
    page.get_by_role("button", name="Opleiding toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("De opleiding is toegevoegd.")

    page.get_by_label("Naam van het onderdeel").fill("Dag 1: herstel")
    covers = page.get_by_role("group", name="Wat dit onderdeel dekt")
    covers.locator("summary", has_text="Basismodule 1 – Herstel").click()  # the groups are folded until opened
    covers.get_by_role("checkbox", name="Module basiscurriculum: Basismodule 1 – Herstel").check()
    covers.get_by_role("checkbox", name="Leerdoel: Het herstelconcept kennen").check()
    page.get_by_role("button", name="Onderdeel opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Het onderdeel is opgeslagen.")

    matrix = page.get_by_role("table", name="Welke onderdelen van de opleiding", exact=False)
    expect(matrix.get_by_role("row", name="Basismodule 1 – Herstel", exact=False)).to_contain_text("Dag 1: herstel")
    expect(matrix.get_by_role("row", name="Basismodule 2", exact=False)).to_contain_text("niet gedekt")
    expect(
        page.get_by_text("De opdrachten in het basiscurriculum zijn voorbeelden, geen eisen.", exact=False)
    ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als CSV").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert "basismodule-1-herstel;module;" in text and "Dag 1: herstel" in text, text[:300]


def test_a_reflection_shared_for_a_week_and_an_intervision_confirmed_by_the_supervisor(
    open_as: Callable[..., Page], server: Server
) -> None:
    """Issue 21, done when: the learner shares one reflection with a supervisor for a week, who confirms an
    intervision; the share expires."""
    noor = open_as("ervaren")
    noor.goto(server.path("/ontwikkeling/"))
    noor.get_by_role("link", name="Schrijf een reflectie").click()
    noor.get_by_label("Titel").fill("Mijn verhaal bij het wijkteam")
    noor.get_by_label("Over (niet verplicht)").select_option(index=1)  # the first critical professional situation
    noor.get_by_label("Wat er gebeurde").fill("Ik vertelde alleen over mijn werk, niet over de opname.")
    noor.get_by_label("Wat gaat u vertellen, en wat houdt u voor uzelf?").fill("Alleen het deel over werk.")
    shows = noor.get_by_role("group", name="Wat deze reflectie laat zien")
    group = shows.locator("details").filter(has_text="Competenties (BCP 2014)")
    group.locator("summary").click()
    group.get_by_role("checkbox").nth(0).check()
    group.get_by_role("checkbox").nth(1).check()
    noor.get_by_role("button", name="Opslaan").click()
    expect(noor.get_by_role("status")).to_contain_text("Uw reflectie is bewaard.")

    # sharing needs its own consent, asked on its own
    noor.goto(server.path("/ontwikkeling/"))
    noor.get_by_role("link", name="Delen").click()
    expect(noor.get_by_text("U hebt geen toestemming voor delen gegeven.")).to_be_visible()
    noor.get_by_role("link", name="Waar u toestemming voor geeft").click()
    sharing = noor.locator("section").filter(has=noor.get_by_role("heading", name="Dingen die ik kies delen"))
    sharing.get_by_role("button", name="Ja, ik geef toestemming").click()
    noor.goto(server.path("/ontwikkeling/delen/"))
    noor.get_by_label("Wat deelt u?").select_option(label=f"Mijn verhaal bij het wijkteam ({dt.date.today():%d-%m-%Y})")
    noor.get_by_label("Met wie: gebruikersnaam of e-mailadres").fill("begeleider")
    week = noor.get_by_label("Tot en met")
    expect(week).to_have_value(_in_days(7))  # a week, unless she chooses otherwise
    noor.get_by_role("button", name="Delen", exact=True).click()
    expect(noor.get_by_role("status")).to_contain_text("Het is gedeeld.")

    # an intervision she asks her supervisor to confirm
    noor.goto(server.path("/ontwikkeling/verslag/nieuw/"))
    noor.get_by_label("Soort").select_option(label="intervisie")
    noor.get_by_label("Titel").fill("Intervisie regio Noord")
    noor.get_by_label("Uren").fill("2")
    noor.get_by_label("Privénotitie (mag leeg)").fill("Ik was moe, maar het hielp.")
    noor.get_by_label("Vraag om bevestiging (mag leeg)").fill("begeleider")
    noor.get_by_role("button", name="Opslaan").click()
    expect(noor.get_by_text("Wacht op bevestiging door Sam.")).to_be_visible()

    sam = open_as("begeleider")
    sam.goto(server.path("/"))
    sam.get_by_role("link", name="Gedeeld met mij").click()
    sam.get_by_role("link", name="Mijn verhaal bij het wijkteam").click()
    expect(sam.get_by_text("Ik vertelde alleen over mijn werk, niet over de opname.")).to_be_visible()
    shared_page = sam.url
    sam.get_by_role("link", name="Gedeeld met mij").first.click()
    sam.get_by_role("link", name="Intervisie regio Noord").click()
    expect(sam.get_by_text("Ik was moe")).to_have_count(0)  # the private note stays hers
    sam.get_by_role("button", name="Ja, ik bevestig deze activiteit").click()
    expect(sam.get_by_role("status")).to_contain_text("U hebt de activiteit bevestigd.")

    noor.goto(server.path("/ontwikkeling/verslag/"))
    expect(noor.get_by_text("Bevestigd door Sam.")).to_be_visible()
    noor.goto(server.path("/ontwikkeling/delen/"))
    expect(noor.get_by_text("1 keer bekeken")).to_be_visible()

    # a week and a day later the share has ended by itself
    server.python(
        "import datetime as dt; from edmonitor.development.models import Share; "
        "shares = Share.objects.filter(space__user__username='ervaren'); "
        "[s.__class__.objects.filter(pk=s.pk).update(starts_on=s.starts_on - dt.timedelta(days=8), "
        "ends_on=s.ends_on - dt.timedelta(days=8)) for s in shares]"
    )
    sam.goto(server.path("/gedeeld/"))
    expect(sam.get_by_text("Er is nu niets met u gedeeld.")).to_be_visible()
    assert sam.goto(shared_page).status == 404
    noor.goto(server.path("/ontwikkeling/delen/"))
    expect(noor.get_by_text("Gestopt op", exact=False)).to_be_visible()


def _in_days(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()
