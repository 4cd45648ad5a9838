"""The API (issue 19): tokens, what a token may do, measurements in and out, the schema, limits, the log.

Who may call which route with which role is in ``core/tests/test_permission_matrix.py`` (API_MATRIX).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from edmonitor.accounts import tokens
from edmonitor.accounts.models import ApiToken
from edmonitor.api.idempotency import HEADER
from edmonitor.instruments.tests.test_cli import clean_env
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import AccessEvent, Facility, Membership, Organisation
from edmonitor.testing import BaseTestCase, make_measurement

pytestmark = pytest.mark.both_databases


def valid_until(days: int = 30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


class ApiTestCase(BaseTestCase):
    org_a: Organisation
    org_b: Organisation
    facility_a: Facility

    def setUp(self):
        super().setUp()
        cache.clear()  # the rate limit counts in the cache
        self.token, self.raw = tokens.create(self.mia, name="Script", scope="write", expires_on=valid_until())
        self.api = Client(HTTP_AUTHORIZATION=f"Bearer {self.raw}")

    def measurements_url(self, organisation=None) -> str:
        return reverse("api_measurements", kwargs={"pk": (organisation or self.org_a).pk})

    def post(self, data, client=None, **headers):
        return (client or self.api).post(
            self.measurements_url(), json.dumps(data), content_type="application/json", **headers
        )


class TokenTests(ApiTestCase):
    def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(self):
        self.client.force_login(self.lex)
        page = self.client.post(
            reverse("token_list"), {"name": "Power BI", "scope": "read", "expires_on": "2027-01-31"}
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("no-store", page["Cache-Control"])
        [raw] = re.findall(r'value="(edm_[A-Za-z0-9_-]+)"', page.content.decode())
        token = ApiToken.objects.get(user=self.lex)
        self.assertEqual(token.digest, hashlib.sha256(raw.encode()).hexdigest())
        stored = repr(list(ApiToken.objects.filter(pk=token.pk).values_list()))
        self.assertNotIn(raw, stored)
        self.assertEqual((token.name, token.scope, token.expires_on), ("Power BI", "read", dt.date(2027, 1, 31)))
        again = self.client.get(reverse("token_list")).content.decode()
        self.assertNotIn(raw, again)
        self.assertIn(raw[:12], again)  # the first characters, to tell tokens apart
        self.assertEqual(Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(reverse("api_organisations")).status_code, 200)

    def test_a_revoked_an_expired_and_a_wrong_token_and_a_blocked_account_are_refused(self):
        url = reverse("api_organisations")
        self.assertEqual(self.api.get(url).status_code, 200)
        self.client.force_login(self.mia)
        self.client.post(reverse("token_revoke", args=[self.token.pk]))
        self.assertEqual(self.api.get(url).status_code, 401)
        expired, raw = tokens.create(self.mia, name="Oud", scope="read", expires_on=timezone.localdate())
        self.assertEqual(Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(url).status_code, 200)  # through that day
        ApiToken.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
        self.assertEqual(Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(url).status_code, 401)
        for wrong in ("edm_" + "x" * 43, raw[:-1], "", "Basic abc"):
            self.assertEqual(Client(HTTP_AUTHORIZATION=f"Bearer {wrong}").get(url).status_code, 401, wrong)
        _token, raw = tokens.create(self.lex, name="Lex", scope="read", expires_on=valid_until())
        self.lex.is_active = False
        self.lex.save()
        self.assertEqual(Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(url).status_code, 401)
        response = Client().get(url)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="edmonitor"')

    def test_a_browser_session_is_no_token(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(reverse("api_organisations")).status_code, 401)

    def test_a_removed_role_ends_the_tokens_access_to_that_organisation_at_once(self):
        url = reverse("api_organisation", args=[self.org_a.pk])
        self.assertEqual(self.api.get(url).status_code, 200)
        Membership.objects.filter(user=self.mia, organisation=self.org_a).delete()
        self.assertEqual(self.api.get(url).status_code, 404)
        self.assertEqual(self.api.get(reverse("api_organisations")).json()["count"], 0)

    def test_limits_on_making_tokens(self):
        today = timezone.localdate()
        with self.assertRaisesMessage(tokens.TokenRefused, "365"):
            tokens.create(self.lex, name="Lang", scope="read", expires_on=today + dt.timedelta(days=366))
        tokens.create(self.lex, name="Jaar", scope="read", expires_on=today + dt.timedelta(days=365))
        with self.assertRaises(tokens.TokenRefused):
            tokens.create(self.lex, name="Gisteren", scope="read", expires_on=today - dt.timedelta(days=1))
        with self.assertRaises(tokens.TokenRefused):
            tokens.create(self.lex, name="  ", scope="read", expires_on=today)
        with self.assertRaises(tokens.TokenRefused):
            tokens.create(self.lex, name="Alles", scope="admin", expires_on=today)
        for n in range(tokens.MAX_ACTIVE - 1):
            tokens.create(self.lex, name=f"T{n}", scope="read", expires_on=today)
        self.assertEqual(ApiToken.objects.filter(user=self.lex).count(), tokens.MAX_ACTIVE)
        self.client.force_login(self.lex)
        page = self.client.post(reverse("token_list"), {"name": "Nog een", "scope": "read", "expires_on": today})
        self.assertContains(page, str(tokens.MAX_ACTIVE))
        self.assertEqual(ApiToken.objects.filter(user=self.lex).count(), tokens.MAX_ACTIVE)  # nothing made
        tokens.revoke(ApiToken.objects.filter(user=self.lex).first())
        tokens.create(self.lex, name="Weer ruimte", scope="read", expires_on=today)

    def test_a_read_only_token_cannot_store(self):
        _token, raw = tokens.create(self.mia, name="Lezen", scope="read", expires_on=valid_until())
        before = Measurement.objects.count()
        response = self.post(
            {"measured_on": "2026-01-05", "items": {"1a": 3}}, Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Measurement.objects.count(), before)


class MeasurementTests(ApiTestCase):
    def full(self) -> dict:
        """Every kind of answer: items chosen, items derived from facts and from two criteria, a goal, a note."""
        derivation = current_version("vie").instrument.item("7a").derivation
        assert derivation is not None
        criteria = [c.id for c in derivation.criteria[:2]]
        return {
            "measured_on": "2026-02-03",
            "label": "API-meting",
            "facility": self.facility_a.pk,
            "items": {"2a": 4, "5a": 3, "6a": 2, "8a": 4, "9a": 3, "10a": 5},
            "facts": {
                "staff_fte": "1000",
                "ed_hours_per_week": "72",
                "clients": "3000",
                "ed_recovery_coach_count": "3",
                "ed_policy_count": "0",
            },
            "derive_from_facts": ["1a", "3a", "4a", "7a"],
            "criteria": {"7a": criteria},
            "goals": {"1b": "C"},
            "notes": {"2a": "Twee collega's in opleiding."},
        }

    def test_a_measurement_sent_is_stored_as_the_page_and_score_vie_have_it(self):
        response = self.post(self.full())
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        measurement = Measurement.objects.get(pk=body["id"])
        self.assertEqual(
            (measurement.origin, measurement.created_by, measurement.facility), ("api", self.mia, self.facility_a)
        )
        # edmonitor score vie, a separate process, on the same values as a CSV row (criteria: how many hold)
        data = self.full()
        row = {"organisation": "X", **data["facts"], "support_criteria_met": "2", "goal_1b": "C"}
        row |= {f"item_{item}": str(score) for item, score in data["items"].items()}
        csv = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
        path = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "in.csv"
        path.write_text(csv, encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "edmonitor", "score", "vie", str(path), "--format", "json"],
            capture_output=True, text=True, env=clean_env(), timeout=60, check=True,
        )  # fmt: skip
        [scored] = json.loads(proc.stdout)
        api_items = {i["id"]: i["score"] for i in body["items"] if i["score"] is not None}
        self.assertEqual(api_items, scored["items"])
        self.assertEqual(sorted(i["id"] for i in body["items"] if i["derived"]), sorted(scored["derived"]))
        self.assertEqual(float(body["total"]), scored["total"])
        self.assertEqual(body["level"] or None, scored["level"])
        self.assertEqual({i["id"]: i["goal_code"] for i in body["items"] if i["goal_code"]}, {"1a": "C"})
        # the measurement page shows the same
        self.client.force_login(self.lex)
        page = self.client.get(measurement.get_absolute_url())
        self.assertContains(page, "API-meting")
        self.assertContains(page, str(body["total"]).replace(".", ","))
        self.assertContains(page, "Twee collega&#x27;s in opleiding.")
        # and reading it back through the API gives what the create answered
        again = self.api.get(reverse("api_measurement", kwargs={"pk": self.org_a.pk, "measurement_pk": measurement.pk}))
        self.assertEqual(again.json(), body)

    def test_bad_input_is_refused_per_field_and_stores_nothing(self):
        other = Facility.objects.create(organisation=self.org_b, name="Elders")
        cases = [
            ({"items": {"2a": 9}}, "items.2a"),
            ({"items": {"2a": "drie"}}, "items"),
            ({"items": {"99a": 3}}, "items.99a"),
            ({"facts": {"staff_fte": "veel"}}, "facts.staff_fte"),
            ({"facts": {"onbekend": "1"}}, "facts.onbekend"),
            ({"derive_from_facts": ["2a"]}, "derive_from_facts.2a"),
            ({"goals": {"1b": "Z"}}, "goals.1b"),
            ({"facility": other.pk}, "facility"),
            ({"measured_on": "3 februari"}, "measured_on"),
            ({"kleur": "blauw"}, "kleur"),
        ]
        before = Measurement.objects.count()
        for change, field in cases:
            with self.subTest(field=field):
                response = self.post({"measured_on": "2026-02-03", "items": {"1a": 3}} | change)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.json())
        self.assertEqual(Measurement.objects.count(), before)
        response = self.api.post(self.measurements_url(), "{not json", content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Measurement.objects.count(), before)

    def test_a_retried_create_with_the_same_key_stores_once(self):
        data = {"measured_on": "2026-02-03", "label": "Eenmaal", "items": {"1a": 3}}
        first = self.post(data, **{f"HTTP_{HEADER.upper().replace('-', '_')}": "abc-1"})
        second = self.post(data, **{f"HTTP_{HEADER.upper().replace('-', '_')}": "abc-1"})
        self.assertEqual((first.status_code, second.status_code), (201, 201))
        self.assertEqual(second.json(), first.json())
        self.assertEqual(second["Idempotent-Replayed"], "true")
        self.assertEqual(Measurement.objects.filter(label="Eenmaal").count(), 1)
        other = self.post(data | {"label": "Anders"}, **{f"HTTP_{HEADER.upper().replace('-', '_')}": "abc-1"})
        self.assertEqual(other.status_code, 422)
        self.assertFalse(Measurement.objects.filter(label="Anders").exists())
        # a refused request does not use up its key: corrected, it is stored
        key = {f"HTTP_{HEADER.upper().replace('-', '_')}": "abc-2"}
        self.assertEqual(self.post(data | {"items": {"1a": 7}}, **key).status_code, 400)
        self.assertEqual(self.post(data | {"label": "Verbeterd"}, **key).status_code, 201)
        # another person's same key is their own
        _token, raw = tokens.create(self.alice, name="A", scope="write", expires_on=valid_until())
        response = self.post(
            data, Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), **{f"HTTP_{HEADER.upper().replace('-', '_')}": "abc-1"}
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(Measurement.objects.filter(label="Eenmaal").count(), 2)

    def test_a_key_is_kept_for_a_day(self):
        from edmonitor.api.models import IdempotentRequest

        data = {"measured_on": "2026-02-03", "label": "Eerste", "items": {"1a": 3}}
        key = {f"HTTP_{HEADER.upper().replace('-', '_')}": "dag"}
        self.assertEqual(self.post(data, **key).status_code, 201)
        IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
        self.assertEqual(self.post(data | {"label": "Tweede"}, **key).status_code, 201)  # expired: a new request
        self.assertEqual(IdempotentRequest.objects.count(), 1)  # the expired one is gone
        self.assertEqual(Measurement.objects.filter(label__in=["Eerste", "Tweede"]).count(), 2)

    def test_the_list_filters_and_pages(self):
        make_measurement(self.org_a, {"1a": 2}, label="Begin", on=dt.date(2024, 1, 1))
        end = make_measurement(self.org_a, {"1a": 3}, label="Eind", on=dt.date(2025, 1, 1))
        Measurement.objects.filter(pk=end.pk).update(facility=self.facility_a)
        make_measurement(self.org_b, {"1a": 4}, label="Ander", on=dt.date(2025, 1, 1))
        url = self.measurements_url()
        labels = lambda query: [m["label"] for m in self.api.get(url + query).json()["results"]]  # noqa: E731
        self.assertEqual(labels(""), ["Begin", "Eind"])
        self.assertEqual(labels("?measured_from=2024-06-01"), ["Eind"])
        self.assertEqual(labels("?measured_to=2024-06-01"), ["Begin"])
        self.assertEqual(labels(f"?facility={self.facility_a.pk}"), ["Eind"])
        self.assertEqual(labels("?label=Begin"), ["Begin"])
        self.assertEqual(labels("?instrument=mie"), [])
        page = self.api.get(url + "?page_size=1").json()
        self.assertEqual((page["count"], len(page["results"]), page["next"] is not None), (2, 1, True))
        self.assertEqual(self.api.get(url + "?measured_from=gisteren").status_code, 400)
        self.assertEqual(self.api.get(url + "?facility=x").status_code, 400)

    def test_a_read_of_an_organisations_data_is_in_the_access_log(self):
        measurement = make_measurement(self.org_a, {"1a": 2}, label="Gelezen")
        self.api.get(reverse("api_measurement", kwargs={"pk": self.org_a.pk, "measurement_pk": measurement.pk}))
        event = AccessEvent.objects.get(kind="api_measurement")
        self.assertEqual(
            (event.user, event.organisation, event.action, event.category, event.object_id),
            (self.mia, self.org_a, "view", "measurement", measurement.pk),
        )
        self.post({"measured_on": "2026-02-03", "items": {"1a": 3}})
        self.assertTrue(AccessEvent.objects.filter(kind="api_measurements", action="change", user=self.mia).exists())


class LimitTests(ApiTestCase):
    @override_settings(EDMONITOR_API_RATE_LIMIT=3)
    def test_requests_per_token_are_limited(self):
        url = reverse("api_organisations")
        answers = [self.api.get(url) for _ in range(4)]
        self.assertEqual([a.status_code for a in answers], [200, 200, 200, 429])
        self.assertEqual(answers[-1]["Retry-After"], "60")
        _token, raw = tokens.create(self.mia, name="Tweede", scope="read", expires_on=valid_until())
        self.assertEqual(Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(url).status_code, 200)  # per token


class SchemaTests(ApiTestCase):
    def test_the_schema_is_valid_openapi_and_lists_every_route(self):
        from edmonitor.core.tests.test_permission_matrix import API_MATRIX, url_patterns

        response = self.api.get(reverse("api_schema") + "?format=json")
        self.assertEqual(response.status_code, 200)
        schema = json.loads(response.content)
        validate(schema)  # raises on an invalid OpenAPI document
        documented = set(schema["paths"])
        for name, route, _params in url_patterns():
            if name in API_MATRIX and name != "api_schema":
                # the schema calls the primary key "id", as drf-spectacular does
                path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}")
                self.assertIn(path, documented, name)
        self.assertIn("post", schema["paths"]["/api/v1/organisations/{id}/measurements/"])
        self.assertEqual(schema["components"]["securitySchemes"]["personalAccessToken"]["scheme"], "bearer")

    def test_the_documentation_page_opens_for_a_logged_in_person(self):
        self.client.force_login(self.lex)
        page = self.client.get(reverse("api_docs"))
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(b"<script>", page.content)  # no inline script (the content security policy)


class FhirTests(ApiTestCase):
    def test_the_questionnaire_and_a_measurements_response_through_the_api(self):
        from edmonitor.testing_fhir import Questionnaire, QuestionnaireResponse, parse

        response = self.api.get(reverse("api_fhir_questionnaire", args=["vie-2012.2"]))
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "application/fhir+json"))
        questionnaire = parse(Questionnaire, response.json())
        self.assertEqual([item.linkId for item in questionnaire.item], [f"{n}a" for n in range(1, 11)])
        self.assertEqual(self.api.get(reverse("api_fhir_questionnaire", args=["vie-1999.1"])).status_code, 404)
        measurement = make_measurement(self.org_a, {"1a": 2, "2a": 5}, label="FHIR")
        url = reverse("api_fhir_questionnaire_response", args=[f"measurement-{measurement.pk}"])
        body = self.api.get(url).json()
        answer = parse(QuestionnaireResponse, body)
        self.assertEqual(answer.questionnaire, f"{questionnaire.url}|{questionnaire.version}")
        scores = {item.linkId: item.answer[0].valueCoding.code for item in answer.item}
        self.assertEqual(scores, {"1a": "2", "2a": "5"})
        event = AccessEvent.objects.get(kind="api_fhir_questionnaire_response")
        self.assertEqual((event.organisation, event.object_id, event.user), (self.org_a, measurement.pk, self.mia))
        self.assertEqual(AccessEvent.objects.filter(path=url).count(), 1)  # once, with its organisation
        for wrong in ("measurement-999999", "measurement-x", "meting-1", f"measurement-{measurement.pk}0"):
            self.assertEqual(self.api.get(reverse("api_fhir_questionnaire_response", args=[wrong])).status_code, 404)
        other = make_measurement(self.org_b, {"1a": 2})
        url = reverse("api_fhir_questionnaire_response", args=[f"measurement-{other.pk}"])
        self.assertEqual(self.api.get(url).status_code, 404)  # B's: not visible to mia, not even its existence


class OrganisationWriteTests(ApiTestCase):
    def client_of(self, user) -> Client:
        return Client(
            HTTP_AUTHORIZATION=f"Bearer {tokens.create(user, name='W', scope='write', expires_on=valid_until())[1]}"
        )

    def send(self, client: Client, method: str, url: str, data) -> dict:
        response = getattr(client, method)(url, json.dumps(data), content_type="application/json")
        return {"status": response.status_code, "body": response.json()}

    def test_a_coordinator_creates_an_organisation_checked_by_the_page_form(self):
        carol = self.client_of(self.carol)
        url = reverse("api_organisations")
        made = self.send(carol, "post", url, {"name": "GGZ Gamma", "sector": "addiction", "clients": 120})
        self.assertEqual(made["status"], 201, made)
        gamma = Organisation.objects.get(name="GGZ Gamma")
        self.assertEqual((gamma.sector, gamma.clients), ("addiction", 120))
        self.assertEqual(made["body"]["id"], gamma.pk)
        count = Organisation.objects.count()
        for bad, field in (
            ({"name": "GGZ Gamma", "sector": "addiction"}, "name"),  # the form: names are unique
            ({"name": "X", "sector": "ruimtevaart"}, "sector"),
            ({"name": "X", "sector": "addiction", "staff_fte": -1}, "staff_fte"),
            ({"name": "X", "sector": "addiction", "kleur": "rood"}, "kleur"),
            ({"sector": "addiction"}, "name"),
        ):
            with self.subTest(field=field):
                answer = self.send(carol, "post", url, bad)
                self.assertEqual(answer["status"], 400, answer)
                self.assertIn(field, answer["body"])
        self.assertEqual(Organisation.objects.count(), count)

    def test_an_admin_changes_the_organisation_but_not_its_sector(self):
        alice = self.client_of(self.alice)
        url = reverse("api_organisation", args=[self.org_a.pk])
        changed = self.send(alice, "patch", url, {"clients": 4321})
        self.assertEqual(changed["status"], 200, changed)
        self.org_a.refresh_from_db()
        self.assertEqual((self.org_a.clients, self.org_a.name), (4321, "GGZ Alfa"))  # the rest kept
        sector = self.org_a.sector
        refused = self.send(alice, "patch", url, {"sector": "social_domain", "clients": 1})
        self.assertEqual(refused["status"], 400)
        self.assertIn("sector", refused["body"])
        self.org_a.refresh_from_db()
        self.assertEqual((self.org_a.sector, self.org_a.clients), (sector, 4321))  # nothing changed
        self.assertEqual(self.send(alice, "patch", url, {"sector": sector})["status"], 200)  # the same is fine
        carol = self.client_of(self.carol)
        self.assertEqual(self.send(carol, "patch", url, {"sector": "social_domain"})["status"], 200)
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.sector, "social_domain")

    def test_an_admin_adds_and_renames_facilities(self):
        alice = self.client_of(self.alice)
        url = reverse("api_facilities", args=[self.org_a.pk])
        made = self.send(alice, "post", url, {"name": "Kliniek West"})
        self.assertEqual(made["status"], 201, made)
        duplicate = self.send(alice, "post", url, {"name": "kliniek west"})
        self.assertEqual((duplicate["status"], list(duplicate["body"])), (400, ["name"]))
        facility_url = reverse("api_facility", args=[self.org_a.pk, made["body"]["id"]])
        self.assertEqual(self.send(alice, "patch", facility_url, {"name": "Kliniek Noord"})["status"], 200)
        self.assertEqual(
            sorted(Facility.objects.filter(organisation=self.org_a).values_list("name", flat=True)),
            ["Kliniek Noord", "Kliniek Oost"],
        )
        self.assertEqual(self.send(self.api, "post", url, {"name": "Van mia"})["status"], 403)  # a member: RECORD only


class QueryCountTests(ApiTestCase):
    def test_lists_and_a_measurement_cost_the_same_few_queries_however_many_rows(self):
        def count(url: str) -> int:
            self.api.get(url)  # the token's last use is recorded once; caches warm
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.api.get(url).status_code, 200)
            return len(queries)

        first = make_measurement(self.org_a, {"1a": 2}, label="Een")
        lists = {
            name: reverse(name, args=[self.org_a.pk])
            for name in ("api_measurements", "api_facilities", "api_organisation")
        }
        detail = reverse("api_measurement", args=[self.org_a.pk, first.pk])
        before = {name: count(url) for name, url in lists.items()} | {"detail": count(detail)}
        for n in range(6):
            make_measurement(self.org_a, {"1a": 3, "2a": 4}, label=f"Meer {n}")
            Facility.objects.create(organisation=self.org_a, name=f"Locatie {n}")
        after = {name: count(url) for name, url in lists.items()} | {"detail": count(detail)}
        self.assertEqual(after, before)
        # token, user's roles, organisation, count + page (lists), access-log entry: no query per row
        self.assertLessEqual(max(after.values()), 8, after)
