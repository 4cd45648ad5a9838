"""Report figures through the API (issue 19): the same numbers as the pages' CSV downloads, the same access,
and a benchmark that gives away of too small a peer group exactly as little as its page.

Every comparison downloads the CSV of the same table with the test client, as the same person, and reads it
the way a spreadsheet would (";" between cells, a decimal comma); a few figures are also worked out here
from the scores themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from edmonitor.accounts import tokens
from edmonitor.api.tests.test_api import ApiTestCase, valid_until
from edmonitor.audits.tests.factories import finalised, plan, rate
from edmonitor.instruments.peers import quartiles_from
from edmonitor.instruments.scoring import round_half_up
from edmonitor.measurements.models import ItemResponse
from edmonitor.organisations import access_log
from edmonitor.organisations.models import AccessEvent, Organisation, Sector
from edmonitor.programmes.models import Participation, Programme
from edmonitor.testing import make_measurement, make_user

pytestmark = pytest.mark.both_databases

ITEMS = [f"{n}a" for n in range(1, 11)]
FIRST = {"1a": 1, "2a": 2, "3a": 1, "4a": 2, "5a": 1, "6a": 3, "7a": 2, "8a": 2, "9a": 1, "10a": 2}
SECOND = {"1a": 2, "2a": 3, "3a": 2, "4a": 3, "5a": 1, "6a": 4, "7a": 3, "8a": 2, "9a": 2, "10a": 4}
THIRD = {k: v for k, v in SECOND.items() if k != "5a"} | {"2a": 4, "10a": 5}  # nine items: a total over fewer
GOALS = {"1b": "C", "2b": "D", "3b": "B", "4b": "D", "6b": "C", "9b": "A", "10b": "D"}
THEMES_1 = {"1": 2, "2": 2, "3": 3, "4": 1, "5": 2}
THEMES_2 = {"1": 3, "2": 2, "3": 4, "4": 2, "5": 2}


def total(scores: dict[str, int]) -> Decimal:
    """A VIE total from its definition: the mean of the item scores, rounded once half up to one decimal."""
    return round_half_up(Fraction(sum(scores.values()), len(scores)), 1)


def ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def cell(value: Any) -> str:
    """An API value as the CSV writes it: empty for none, a decimal comma, text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise AssertionError("no yes/no figure is in a CSV")
    return str(value).replace(".", ",")


def moment(measurement: dict[str, Any] | None) -> list[str]:
    """A participant's baseline or follow-up as the CSV has it: date and total, or two empty cells."""
    return [measurement["measured_on"], cell(measurement["total"])] if measurement else ["", ""]


class ReportApiCase(ApiTestCase):
    # the named people of BaseTestCase.setUpTestData
    mia: Any
    lex: Any
    alice: Any
    bob: Any
    carol: Any

    def csv_rows(self, url_name: str, args: list[Any], name: str, user=None, **params: str) -> list[list[str]]:
        """A table of a page, downloaded as CSV by ``user`` (mia, the token's person, unless given): its rows."""
        self.client.force_login(user or self.mia)
        response = self.client.get(reverse(url_name, args=[*args, name, "csv"]), params)
        self.assertEqual(response.status_code, 200, name)
        self.assertTrue(response.content.startswith("\ufeff".encode()))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        return rows[1:]  # without the header

    def get(self, url: str, params: dict[str, str] | None = None, client: Client | None = None) -> dict[str, Any]:
        response = (client or self.api).get(url, params)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def token_client(self, user) -> Client:
        _token, raw = tokens.create(user, name="Rapport", scope="read", expires_on=valid_until())
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# --- the organisation report ---------------------------------------------------------------------------


class OrganisationReportApiTests(ReportApiCase):
    """Three VIE measurements of A (and an older one of a facility) and two finalised audits of A."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        facility_measurement = make_measurement(cls.org_a, SECOND, on=dt.date(2023, 1, 1), label="kliniek")
        facility_measurement.facility = cls.facility_a
        facility_measurement.save()
        make_measurement(cls.org_a, FIRST, on=dt.date(2024, 3, 1), label="beginmeting")
        make_measurement(cls.org_a, SECOND, on=dt.date(2024, 9, 1), label="tussenmeting")
        cls.latest = make_measurement(cls.org_a, THIRD, on=dt.date(2025, 3, 1), label="vervolg", goals=GOALS)
        finalised(cls.org_a, cls.mia, cls.eva, THEMES_1, THEMES_1, THEMES_1, on=dt.date(2024, 4, 1))
        cls.audit = finalised(cls.org_a, cls.mia, cls.eva, THEMES_2, THEMES_2, THEMES_2, on=dt.date(2025, 4, 1))

    def url(self, organisation=None) -> str:
        return reverse("api_organisation_report", kwargs={"pk": (organisation or self.org_a).pk})

    def table(self, name: str) -> list[list[str]]:
        return self.csv_rows("organisation_report_table", [self.org_a.pk], name)

    def test_the_vie_figures_are_the_csv_downloads_numbers(self):
        vie = self.get(self.url())["vie"]
        self.assertEqual(
            [[i["item"], i["title"], cell(i["previous"]), cell(i["score"]), cell(i["change"]), i["goal"]]
             for i in vie["items"]],
            self.table("vie-items"),
        )  # fmt: skip
        self.assertEqual([[g["code"], g["label"], cell(g["count"])] for g in vie["goals"]], self.table("vie-goals"))
        self.assertEqual(
            [[m["measured_on"], m["label"], cell(m["total"]), m["level"]] for m in vie["trend"]],
            self.table("vie-trend"),
        )

    def test_the_vie_figures_follow_from_the_scores(self):
        vie = self.get(self.url())["vie"]
        self.assertEqual(vie["latest"]["id"], self.latest.pk)
        # the facility's measurement is another scope: not in the trend (as on the page)
        self.assertEqual([m["label"] for m in vie["trend"]], ["beginmeting", "tussenmeting", "vervolg"])
        self.assertEqual(Decimal(vie["latest"]["total"]), total(THIRD))
        self.assertEqual(Decimal(vie["total_change"]), total(THIRD) - total(SECOND))
        self.assertEqual({i["item"]: i["score"] for i in vie["items"]}, {k: THIRD.get(k) for k in ITEMS})
        # nine items now, ten before: no level, and the change over the nine both have
        self.assertIsNone(vie["level"])
        self.assertEqual((vie["scored"], vie["scored_before"], vie["common"], vie["items_differ"]), (9, 10, 9, True))
        self.assertEqual(Decimal(vie["common_change"]), total(THIRD) - total({k: SECOND[k] for k in THIRD}))
        self.assertEqual({g["code"]: g["count"] for g in vie["goals"]}, {"A": 1, "B": 1, "C": 2, "D": 3})
        self.assertEqual(vie["coded"], len(GOALS))

    def test_the_mie_figures_are_the_csv_downloads_numbers(self):
        mie = self.get(self.url())["mie"]
        self.assertEqual(
            [[t["theme"], t["title"], cell(t["previous"]), cell(t["score"]), cell(t["change"])]
             for t in mie["themes"]],
            self.table("mie-themes"),
        )  # fmt: skip
        self.assertEqual(
            [[s["audit"]["held_on"], *[cell(t["consensus"]) for t in s["themes"]], cell(s["summary"])]
             for s in mie["trend"]],
            self.table("mie-trend"),
        )  # fmt: skip
        self.assertEqual([[r["theme"], r["text"]] for r in mie["recommendations"]], self.table("mie-recommendations"))

    def test_the_mie_figures_are_the_finalised_audits(self):
        mie = self.get(self.url())["mie"]
        self.assertEqual(mie["latest"]["id"], self.audit.pk)
        self.assertEqual({t["theme"]: t["score"] for t in mie["themes"]}, THEMES_2)
        self.assertEqual(
            {t["theme"]: t["change"] for t in mie["themes"]}, {t: THEMES_2[t] - THEMES_1[t] for t in THEMES_1}
        )
        self.assertEqual(mie["latest"]["strengths"], "Een gedeelde visie.")
        self.assertEqual([t["explanation"] for t in mie["themes"]][2], "Toelichting thema 3")
        # an audit not yet finalised (its scores still blind) is not in the report
        later = plan(self.org_a, self.mia, self.eva, on=dt.date(2026, 1, 5))
        rate(later, self.mia, {t: 5 for t in THEMES_2})
        self.assertEqual(self.get(self.url())["mie"], mie)

    def test_an_organisation_without_data_has_neither_section(self):
        _token, raw = tokens.create(self.bob, name="B", scope="read", expires_on=valid_until())
        body = self.get(self.url(self.org_b), client=Client(HTTP_AUTHORIZATION=f"Bearer {raw}"))
        self.assertEqual((body["organisation"]["id"], body["vie"], body["mie"]), (self.org_b.pk, None, None))

    def test_who_may_read_it_is_who_may_open_the_page(self):
        page = reverse("organisation_report", args=[self.org_a.pk])
        for user in (self.lex, self.alice, self.bob, self.carol, self.eva):
            self.client.force_login(user)
            expected = self.client.get(page).status_code
            self.assertEqual(self.token_client(user).get(self.url()).status_code, expected, user)
        self.assertEqual(Client().get(self.url()).status_code, 401)

    def test_a_read_is_in_the_access_log(self):
        self.get(self.url())
        event = AccessEvent.objects.get(kind="api_organisation_report")
        self.assertEqual(
            (event.user, event.organisation, event.action, event.category), (self.mia, self.org_a, "view", "report")
        )

    def test_the_number_of_queries_does_not_grow_with_the_history(self):
        url = self.url()
        self.api.get(url)  # the token's use is recorded once
        # the token with its person, the organisation (visible to the person), the person's memberships, the scope
        # of the newest VIE measurement, the measurements of that scope, their instrument version, the item
        # responses of the two measurements shown, the scope of the newest finalised audit, the finalised audits of
        # that scope, their instrument version, their theme records, the recommendations of the audit shown, and
        # the access log's entry
        with self.assertNumQueries(13) as first:
            self.api.get(url)
        for year in range(2000, 2010):
            make_measurement(self.org_a, FIRST, on=dt.date(year, 1, 1))
            finalised(self.org_a, self.mia, self.eva, THEMES_1, THEMES_1, THEMES_1, on=dt.date(year, 2, 1))
        with self.assertNumQueries(len(first.captured_queries)):
            self.api.get(url)


# --- the benchmark ---------------------------------------------------------------------------------------


def scores(value_1a: int, rest: int = 3) -> dict[str, int]:
    return {"1a": value_1a} | {f"{i}a": rest for i in range(2, 11)}


class BenchmarkApiTests(ReportApiCase):
    """Ten sector peers with a VIE measurement (median and quartiles), six of them also with a finalised audit
    (median only), and a programme of A with four of them (too few: nothing)."""

    programme: Programme
    peers: list[Organisation]

    VIE = (1, 4, 5, 2, 2, 3, 5, 4, 1, 3)
    MIE = (1, 2, 3, 4, 5, 5)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")
        make_measurement(cls.org_a, scores(2), on=ago(60))
        finalised(cls.org_a, cls.mia, cls.eva, *[{t: 3 for t in "12345"}] * 3, on=ago(90))
        cls.peers = []
        for n, value in enumerate(cls.VIE, start=1):
            peer = Organisation.objects.create(name=f"Geheime Peer {n}", sector=Sector.MENTAL_HEALTH)
            make_measurement(peer, scores(value, rest=n % 5 + 1), on=ago(30))
            cls.peers.append(peer)
        for peer, value in zip(cls.peers, cls.MIE, strict=False):
            finalised(peer, cls.mia, cls.eva, *[{t: value for t in "12345"}] * 3, on=ago(200))
        make_measurement(cls.peers[0], scores(5), on=ago(3 * 366 + 30))  # older than three years
        cls.programme = Programme.objects.create(name="Pilot")
        for organisation in (cls.org_a, *cls.peers[:4]):
            Participation.objects.create(programme=cls.programme, organisation=organisation)

    def setUp(self):
        super().setUp()
        self.assertEqual(settings.EDMONITOR_BENCHMARK_MIN_PEERS, 5)  # k, as the classes above are made for
        self.assertEqual(quartiles_from(5), 10)

    def url(self) -> str:
        return reverse("api_organisation_benchmark", kwargs={"pk": self.org_a.pk})

    def assert_same_as_the_csv(self, **params: str) -> dict[str, Any]:
        body = self.get(self.url(), params)
        for instrument in ("vie", "mie"):
            rows = self.csv_rows("organisation_benchmark_table", [self.org_a.pk], f"benchmark-{instrument}", **params)
            self.assertEqual(
                [[r["key"], r["title"], cell(r["own"]), r["peers_text"], cell(r["median"]), cell(r["q1"]),
                  cell(r["q3"])] for r in body[instrument]["rows"]],
                rows,
                (instrument, params),
            )  # fmt: skip
        return body

    def row(self, body, key="1a", instrument="vie") -> dict[str, Any]:
        return next(r for r in body[instrument]["rows"] if r["key"] == key)

    def test_the_sector_figures_are_the_csv_downloads_numbers(self):
        body = self.assert_same_as_the_csv()
        self.assertEqual((body["group"], body["window"]["years"]), ("sector", 3))
        # ten peers: the inclusive quartiles of their newest scores (numpy's default, a spreadsheet's QUARTILE.INC)
        row = self.row(body)
        q1, median, q3 = numpy.percentile(self.VIE, [25, 50, 75])
        self.assertEqual(
            (Decimal(row["median"]), Decimal(row["q1"]), Decimal(row["q3"])),
            (Decimal(str(median)), Decimal(str(q1)), Decimal(str(q3))),
        )
        self.assertEqual((row["own"], row["withheld"], row["band"]), (2, None, {"low": 10, "high": 19}))
        # six audited peers: the median only, with the page's reason
        theme = self.row(body, "1", "mie")
        self.assertEqual(
            (Decimal(theme["median"]), theme["q1"], theme["q3"]), (Decimal(numpy.median(self.MIE)), None, None)
        )
        self.assertEqual(theme["withheld"], "too_few_for_quartiles")
        self.assertEqual(theme["withheld_reason"], "Pas vanaf 10 organisaties.")
        self.assertEqual(body["vie"]["own"]["measured_on"], ago(60).isoformat())
        self.assertEqual(body["mie"]["peers_text"], "5 tot en met 9")

    def test_the_page_parameters_choose_the_same_group_and_period(self):
        body = self.assert_same_as_the_csv(jaren="5")  # the old measurement of the first peer is not its newest
        self.assertEqual(body["window"]["years"], 5)
        body = self.assert_same_as_the_csv(groep=f"programma-{self.programme.pk}", jaren="1")
        self.assertEqual((body["group"], body["group_label"]), (f"programma-{self.programme.pk}", "Pilot"))
        self.assertEqual([g["value"] for g in body["groups"]], ["sector", f"programma-{self.programme.pk}"])

    def test_a_peer_group_too_small_reveals_nothing(self):
        params = {"groep": f"programma-{self.programme.pk}"}
        body = self.assert_same_as_the_csv(**params)
        for instrument in ("vie", "mie"):
            self.assertEqual(body[instrument]["peers_text"], "minder dan 5")
            for row in body[instrument]["rows"]:
                figures = (row["median"], row["q1"], row["q3"], row["band"], row["withheld"])
                self.assertEqual(figures, (None, None, None, None, "too_few_peers"), row["key"])
                self.assertEqual(row["peers_text"], "minder dan 5")
                self.assertIn("Te weinig andere organisaties", row["withheld_reason"])
        text = json.dumps(body)
        for peer in self.peers:
            self.assertNotIn(peer.name, text)
        # whatever the four peers scored, the answer is the same: nothing in it depends on their scores
        ItemResponse.objects.filter(measurement__organisation__in=self.peers[:4]).update(score=5)
        cache.clear()  # a bulk update sends no signal to retire the cached figures
        self.assertEqual(self.get(self.url(), params), body)

    def test_a_choice_the_page_does_not_offer_is_refused_with_the_choices(self):
        for params, field in (
            ({"groep": "programma-999999"}, "groep"),
            ({"groep": "alles"}, "groep"),
            ({"jaren": "7"}, "jaren"),
            ({"jaren": "drie"}, "jaren"),
        ):
            response = self.api.get(self.url(), params)
            self.assertEqual(response.status_code, 400, params)
            self.assertIn(field, response.json())
        # a programme A is not in: not a choice either (the page falls back to the sector)
        other = Programme.objects.create(name="Elders")
        Participation.objects.create(programme=other, organisation=self.org_b)
        response = self.api.get(self.url(), {"groep": f"programma-{other.pk}"})
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("Elders", response.content.decode())

    def test_who_may_read_it_is_who_may_open_the_page(self):
        page = reverse("organisation_benchmark", args=[self.org_a.pk])
        for user in (self.lex, self.bob, self.carol, self.eva):
            self.client.force_login(user)
            expected = self.client.get(page).status_code
            self.assertEqual(self.token_client(user).get(self.url()).status_code, expected, user)

    def test_a_read_is_in_the_access_log(self):
        self.get(self.url())
        event = AccessEvent.objects.get(kind="api_organisation_benchmark")
        self.assertEqual((event.user, event.organisation, event.category), (self.mia, self.org_a, "report"))

    def test_the_number_of_queries_does_not_grow_with_the_peers(self):
        url = self.url()
        self.api.get(url)
        cache.clear()  # the group's values as after a restart (the rate limit's count goes too)
        # the token with its person, the organisation (visible to the person), the person's memberships, A's
        # programmes, its newest measurement and that one's answers, its newest audit and that one's consensus,
        # the group's members, the answers of the members' newest measurements inside the window, the consensus
        # of their newest audits, and the access log's entry
        with self.assertNumQueries(12) as cold:
            self.api.get(url)
        with self.assertNumQueries(10):  # each member's values from the cache
            self.api.get(url)
        for n in range(12):
            extra = Organisation.objects.create(name=f"Extra peer {n}", sector=Sector.MENTAL_HEALTH)
            make_measurement(extra, scores(n % 5 + 1), on=ago(10))
        with self.assertNumQueries(len(cold.captured_queries)):
            body = self.api.get(url).json()
        self.assertEqual(self.row(body)["peers_text"], "20 of meer")


# --- a programme's comparison ----------------------------------------------------------------------------


class ProgrammeFiguresApiTests(ReportApiCase):
    """A programme of A, B and four others with a baseline and a follow-up, and one with a baseline only."""

    programme: Programme
    others: list[Organisation]
    pairs: dict[str, tuple[dict[str, int], dict[str, int]]]  # organisation name -> baseline and follow-up scores

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = Programme.objects.create(name="Groei", description="Een cohort")
        cls.others = [Organisation.objects.create(name=f"Deelnemer-organisatie {n}") for n in range(5)]
        cls.pairs = {}
        organisations = [cls.org_a, cls.org_b, *cls.others[:4]]
        for n, organisation in enumerate(organisations):
            before = {item: 1 + (n + i) % 3 for i, item in enumerate(ITEMS)}
            after = {item: min(5, score + (n + i) % 3) for i, (item, score) in enumerate(before.items())}
            if n == 3:
                after.pop("7a")  # a follow-up over nine items: no level
            goals = {"1b": "ABCD"[n % 4], "2b": "D"} if n % 2 == 0 else {}
            Participation.objects.create(
                programme=cls.programme,
                organisation=organisation,
                baseline=make_measurement(organisation, before, on=dt.date(2024, 1, 10 + n)),
                followup=make_measurement(organisation, after, on=dt.date(2025, 1, 10 + n), goals=goals),
            )
            cls.pairs[organisation.name] = (before, after)
        Participation.objects.create(
            programme=cls.programme,
            organisation=cls.others[4],
            baseline=make_measurement(cls.others[4], FIRST, on=dt.date(2024, 2, 1)),
        )

    def url(self, programme=None) -> str:
        return reverse("api_programme_figures", kwargs={"pk": (programme or self.programme).pk})

    def table(self, name: str, user=None) -> list[list[str]]:
        return self.csv_rows("programme_table", [self.programme.pk], name, user=user)

    def test_the_figures_are_the_csv_downloads_numbers(self):
        body = self.get(self.url())
        self.assertEqual(
            [[p["label"], *moment(p["baseline"]), *moment(p["followup"])] for p in body["participants"]],
            self.table("organisations"),
        )  # fmt: skip
        result = body["result"]
        self.assertEqual(
            [[o["organisation"], cell(o["baseline"]), o["baseline_level"] or "", cell(o["followup"]),
              o["followup_level"] or "", cell(o["change"])] for o in result["organisations"]],
            self.table("totals"),
        )  # fmt: skip
        levels = self.table("levels")
        self.assertEqual(
            [[lv["level"], cell(lv["baseline"]), cell(lv["followup"])] for lv in result["levels"]], levels[:-1]
        )
        self.assertEqual(
            [cell(result["without_level"]["baseline"]), cell(result["without_level"]["followup"])], levels[-1][1:]
        )
        self.assertEqual(
            [[i["item"], i["title"], cell(i["n"]), cell(i["baseline"]), cell(i["followup"]), cell(i["change"])]
             for i in result["items"]],
            self.table("items"),
        )  # fmt: skip
        self.assertEqual(
            [[g["goal"], *[cell(n) for n in g["counts"].values()]] for g in result["goals"]], self.table("goals")
        )
        overall, w = result["overall"], result["wilcoxon"]
        self.assertEqual(
            [cell(v) for v in (overall["n"], overall["baseline"], overall["followup"], overall["change"],
                               w["n"], w["zeros"], w["statistic"], w["p_value"])],
            [row[1] for row in self.table("overall")],
        )  # fmt: skip

    def test_the_figures_follow_from_the_scores(self):
        result = self.get(self.url())["result"]
        self.assertEqual(result["overall"]["n"], 6)  # the one with a baseline only is left out
        means = [Fraction(sum(a.values()), len(a)) for _b, a in self.pairs.values()]
        self.assertEqual(Decimal(result["overall"]["followup"]), round_half_up(sum(means) / len(means), 1))
        self.assertEqual(result["without_level"], {"baseline": 0, "followup": 1})
        changes = {o["organisation"]: Decimal(o["change"]) for o in result["organisations"]}
        before, after = self.pairs[self.org_a.name]
        self.assertEqual(changes[self.org_a.name], total(after) - total(before))
        goals = {g["goal"]: g["counts"] for g in result["goals"]}
        self.assertEqual(goals["1b"], {"A": 2, "B": 0, "C": 1, "D": 0})  # organisations 0, 2, 4: A, C, A

    def test_an_organisation_the_person_may_not_see_is_anonymous_as_on_the_page(self):
        body = self.get(self.url())
        text = json.dumps(body)
        labels = [p["label"] for p in body["participants"]]
        self.assertEqual(labels[0], self.org_a.name)
        self.assertEqual(labels[1:], [f"Deelnemer {n}" for n in range(2, 8)])
        self.assertEqual([p["organisation"] for p in body["participants"]], [self.org_a.pk] + [None] * 6)
        self.assertEqual([p["own"] for p in body["participants"]], [True] + [False] * 6)
        self.assertEqual(body["incomplete"], ["Deelnemer 7"])
        for organisation in (self.org_b, *self.others):
            self.assertNotIn(organisation.name, text)
        # a coordinator sees every name, in the API as in the CSV
        carol = self.get(self.url(), client=self.token_client(self.carol))
        names = [p["label"] for p in carol["participants"]]
        self.assertEqual(names, [row[0] for row in self.table("organisations", user=self.carol)])
        self.assertIn(self.org_b.name, names)

    def test_who_may_read_it_is_who_may_open_the_page(self):
        nina = make_user("nina")  # no organisation: no programme
        hidden = Programme.objects.create(name="Zonder A")
        Participation.objects.create(programme=hidden, organisation=self.others[0])
        for programme in (self.programme, hidden):
            page = reverse("programme", args=[programme.pk])
            for user in (self.lex, self.bob, self.carol, nina):
                self.client.force_login(user)
                expected = self.client.get(page).status_code
                response = self.token_client(user).get(self.url(programme))
                self.assertEqual(response.status_code, expected, (programme, user))
        self.assertEqual(self.api.get(reverse("api_programme_figures", kwargs={"pk": 999999})).status_code, 404)
        self.assertEqual(Client().get(self.url()).status_code, 401)

    def test_a_read_is_in_the_access_log_as_the_programme_page_is(self):
        self.assertTrue(
            "api/v1/programmes/".startswith(access_log.SPANNING_ROUTES),
            "access_log.SPANNING_ROUTES must list api/v1/programmes/",
        )
        self.get(self.url())
        event = AccessEvent.objects.get(kind="api_programme_figures")
        self.assertEqual(
            (event.user, event.organisation, event.object_id, event.category),
            (self.mia, None, self.programme.pk, "programme"),
        )

    def test_the_number_of_queries_does_not_grow_with_the_organisations(self):
        url = self.url()
        self.api.get(url)
        # the token with its person, the programme (visible through the person's organisations), the participations
        # joined with their organisation and both measurements, the baselines' and the follow-ups' instrument
        # versions (a prefetch each), the person's organisations (to mark their own), the person's roles (which
        # organisations may be named), the answers of all those measurements as plain values, and the access
        # log's entry
        with self.assertNumQueries(9) as small:
            self.api.get(url)
        for n in range(12):
            organisation = Organisation.objects.create(name=f"Later {n}")
            Participation.objects.create(
                programme=self.programme,
                organisation=organisation,
                baseline=make_measurement(organisation, scores(1 + n % 5), on=dt.date(2024, 1, 1)),
                followup=make_measurement(organisation, scores(1 + n % 4), on=dt.date(2025, 1, 1)),
            )
        with self.assertNumQueries(len(small.captured_queries)):
            body = self.api.get(url).json()
        self.assertEqual(body["result"]["overall"]["n"], 18)
