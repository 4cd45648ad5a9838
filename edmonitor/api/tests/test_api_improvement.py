"""Goals and improvement actions in the API (issue 19): read; set and change them as the pages do.

The expectations come from the pages themselves: the same input is posted to the page's form,
and the API must store the same row, or refuse with the same problems under the same fields.
Who may call which route with which role is also in ``core/tests/test_permission_matrix.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edmonitor.accounts import tokens
from edmonitor.audits.models import Recommendation
from edmonitor.audits.tests.factories import finalised, plan
from edmonitor.improvement import services
from edmonitor.improvement.models import Action, Goal
from edmonitor.improvement.tests.factories import make_method
from edmonitor.organisations.models import AccessAction, AccessEvent
from edmonitor.testing import make_measurement

from .test_api import ApiTestCase, valid_until

pytestmark = pytest.mark.both_databases

TODAY = timezone.localdate()
LAST_YEAR = TODAY - dt.timedelta(days=365)
SAME = {t: 3 for t in "12345"}
# what differs between two rows made the same way: their identity, their time, and what they are about
NOT_COMPARED = {"id", "item", "created_at", "updated_at", "title"}


def row(obj) -> dict[str, Any]:
    values = model_to_dict(obj)
    values |= {"created_by": obj.created_by_id, "history_user": obj.history.earliest().history_user_id}
    return {k: v for k, v in values.items() if k not in NOT_COMPARED}


class ImprovementApiTestCase(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.mia)  # the pages, for the same person as the token

    def url(self, name: str, organisation=None, **kwargs) -> str:
        return reverse(name, kwargs={"pk": (organisation or self.org_a).pk, **kwargs})

    def client_for(self, user, scope: str = "write") -> Client:
        _token, raw = tokens.create(user, name=f"{user} {scope}", scope=scope, expires_on=valid_until())
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def send(self, method: str, url: str, data=None, client=None, **headers):
        if method == "get":
            return (client or self.api).get(url, **headers)
        body = json.dumps(data if data is not None else {})
        return getattr(client or self.api, method)(url, body, content_type="application/json", **headers)

    def page_errors(self, response) -> dict[str, list[str]]:
        """A page form's errors under the API's names (the form's item field is the API's item)."""
        self.assertEqual(response.status_code, 200, "the page should have shown the form again")
        errors = response.context["form"].errors
        return {("non_field_errors" if k == "__all__" else k): list(v) for k, v in errors.items()}


# --- goals ------------------------------------------------------------------------------------------------


class GoalTests(ImprovementApiTestCase):
    def goal_on_page(self, item: str, values: dict[str, Any]):
        post = {"item": f"vie:{item}", **{k: "" if v is None else v for k, v in values.items()}}
        return self.client.post(self.url("goal_create"), post)

    def test_a_goal_set_through_the_api_is_the_goal_the_page_sets(self):
        make_measurement(self.org_a, {"2a": 2, "3a": 2}, on=LAST_YEAR)  # the baseline of both
        values = {
            "goal_type": "improve",
            "target": 2,
            "description": "Meer werkplekken",
            "set_on": (TODAY - dt.timedelta(days=3)).isoformat(),
            "due_by": (TODAY + dt.timedelta(days=200)).isoformat(),
            "facility": None,
        }
        response = self.send("post", self.url("api_goals"), {"instrument": "vie", "item": "2a", **values})
        self.assertEqual(response.status_code, 201, response.content)
        page = self.goal_on_page("3a", values)
        by_api, by_page = Goal.objects.get(item="2a"), Goal.objects.get(item="3a")
        self.assertRedirects(page, self.url("goal", goal_pk=by_page.pk))
        self.assertEqual(row(by_api), row(by_page))
        self.assertEqual((by_api.baseline_score, by_api.created_by), (2, self.mia))
        # what the API answers is what the goal's page shows
        body = response.json()
        shown = self.client.get(self.url("goal", goal_pk=by_api.pk))
        self.assertEqual(shown.context["goal"].pk, body["id"])
        self.assertContains(shown, f"<dd>{body['summary']}</dd>", html=True)
        self.assertContains(shown, body["goal_type_label"])
        self.assertEqual(body["baseline_score"], 2)
        self.assertEqual(body["page"], "http://testserver" + self.url("goal", goal_pk=by_api.pk))
        self.assertEqual(self.send("get", self.url("api_goal", goal_pk=by_api.pk)).json(), body)

    def test_bad_goal_input_is_refused_with_the_pages_problems_and_nothing_is_stored(self):
        make_measurement(self.org_a, {"2a": 4}, on=LAST_YEAR)
        services.set_goal(
            organisation=self.org_a,
            instrument="vie",
            item="5a",
            goal_type="descriptive",
            description="Open",
            set_on=LAST_YEAR,
        )
        tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
        cases = [
            ("99z", {"goal_type": "at_least", "target": 3}),  # no such item (the form)
            ("2a", {"goal_type": "at_least", "target": 9}),  # off the scale (the form)
            ("2a", {"goal_type": "at_least", "target": 3}),  # the baseline 4 reaches it already (the service)
            ("2a", {"goal_type": "maintain", "target": 3}),  # a target for a kind without one
            ("2a", {"goal_type": "descriptive", "description": ""}),
            ("6a", {"goal_type": "descriptive", "description": "Later", "set_on": tomorrow}),
            (
                "6a",
                {
                    "goal_type": "descriptive",
                    "description": "x",
                    "set_on": TODAY.isoformat(),
                    "due_by": TODAY.isoformat(),
                },
            ),
            ("6a", {"goal_type": "descriptive", "description": "x", "facility": self.facility_b.pk}),
            ("5a", {"goal_type": "descriptive", "description": "Nog een"}),  # one open goal per item and scope
        ]
        before = Goal.objects.count()
        for item, values in cases:
            with self.subTest(item=item, values=values):
                values = {"set_on": TODAY.isoformat(), **values}
                response = self.send("post", self.url("api_goals"), {"instrument": "vie", "item": item, **values})
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response.json(), self.page_errors(self.goal_on_page(item, values)))
        self.assertEqual(Goal.objects.count(), before)
        # what only the API can be sent: a field no form has, a kind of goal that does not exist
        for data, field in (
            ({"instrument": "vie", "item": "6a", "goal_type": "maintain", "colour": "red"}, "colour"),
            ({"instrument": "vie", "item": "6a", "goal_type": "hope"}, "goal_type"),
            ({"instrument": "qie", "item": "6a", "goal_type": "maintain"}, "instrument"),
            ({"item": "6a", "goal_type": "maintain"}, "instrument"),
        ):
            with self.subTest(data=data):
                response = self.send("post", self.url("api_goals"), data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json())
        self.assertEqual(Goal.objects.count(), before)

    def test_set_on_is_today_when_left_out_as_on_the_form(self):
        response = self.send(
            "post",
            self.url("api_goals"),
            {"instrument": "mie", "item": "3", "goal_type": "descriptive", "description": "Beter"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Goal.objects.get().set_on, TODAY)
        self.assertEqual(response.json()["item_label"][:11], "MIE-thema 3")

    def test_a_facility_given_to_an_organisation_without_facilities_is_refused(self):
        client = self.client_for(self.bob)
        data = {"instrument": "vie", "item": "2a", "goal_type": "descriptive", "description": "x", "facility": 1}
        self.facility_b.delete()
        response = self.send("post", self.url("api_goals", self.org_b), data, client)
        self.assertEqual((response.status_code, list(response.json())), (400, ["facility"]))
        self.assertFalse(Goal.objects.exists())

    def test_a_goal_changes_as_on_its_edit_page_and_fields_left_out_keep_their_values(self):
        make_measurement(self.org_a, {"2a": 2}, on=LAST_YEAR)
        goal = services.set_goal(
            organisation=self.org_a,
            instrument="vie",
            item="2a",
            goal_type="at_least",
            target=3,
            description="Eerst",
            set_on=TODAY,
            user=self.alice,
        )
        url = self.url("api_goal", goal_pk=goal.pk)
        response = self.send("patch", url, {"target": 4, "due_by": (TODAY + dt.timedelta(days=90)).isoformat()})
        self.assertEqual(response.status_code, 200, response.content)
        goal.refresh_from_db()
        self.assertEqual(
            (goal.target, goal.due_by, goal.description, goal.goal_type, goal.baseline_score),
            (4, TODAY + dt.timedelta(days=90), "Eerst", "at_least", 2),
        )
        self.assertEqual(goal.history.latest().history_user, self.mia)
        self.assertEqual(response.json()["summary"], goal.summary())
        # the edit page with the same values shows them as stored
        form = self.client.get(self.url("goal_edit", goal_pk=goal.pk)).context["form"]
        self.assertEqual((form.initial["target"], form.initial["due_by"]), (4, goal.due_by))
        # a change the page refuses is refused alike, and nothing changes
        bad = {"goal_type": "maintain"}  # the target stays: a keep-goal has none
        page_data = {**{k: "" if v is None else v for k, v in form.initial.items()}, **bad}
        page = self.client.post(self.url("goal_edit", goal_pk=goal.pk), page_data)
        response = self.send("patch", url, bad)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), self.page_errors(page))
        goal.refresh_from_db()
        self.assertEqual((goal.goal_type, goal.target), ("at_least", 4))
        # the change as it must be sent: the target taken away with it
        response = self.send("patch", url, {"goal_type": "maintain", "target": None})
        self.assertEqual(response.status_code, 200)
        goal.refresh_from_db()
        self.assertEqual((goal.goal_type, goal.target, goal.baseline_score), ("maintain", None, 2))
        shown = self.client.get(self.url("goal", goal_pk=goal.pk))
        self.assertContains(shown, f"<dd>{response.json()['summary']}</dd>", html=True)

    def test_a_judged_goal_can_no_longer_be_changed_as_on_its_page(self):
        goal = services.set_goal(
            organisation=self.org_a,
            instrument="vie",
            item="2a",
            goal_type="descriptive",
            description="Iets",
            set_on=LAST_YEAR,
        )
        follow_up = make_measurement(self.org_a, {"2a": 3}, on=TODAY)
        services.confirm_goal_codes(follow_up, {goal.pk: services.Decision("D")}, user=self.mia)
        page = self.client.get(self.url("goal_edit", goal_pk=goal.pk))
        self.assertRedirects(page, self.url("goal", goal_pk=goal.pk))  # the page does not let it change
        response = self.send("patch", self.url("api_goal", goal_pk=goal.pk), {"description": "Anders"})
        self.assertEqual(response.status_code, 409)
        goal.refresh_from_db()
        self.assertEqual((goal.description, goal.code), ("Iets", "D"))
        body = self.send("get", self.url("api_goal", goal_pk=goal.pk)).json()
        self.assertEqual((body["state"], body["code"], body["follow_up"]), ("judged", "D", follow_up.pk))

    def test_no_if_match_is_asked_as_the_edit_page_asks_for_none(self):
        # The edit page holds no fingerprints: two people saving one after the other both succeed.
        goal = services.set_goal(
            organisation=self.org_a,
            instrument="vie",
            item="6a",
            goal_type="descriptive",
            description="Begin",
            set_on=TODAY,
        )
        seen = self.client.get(self.url("goal_edit", goal_pk=goal.pk)).context["form"].initial
        url = self.url("api_goal", goal_pk=goal.pk)
        self.assertEqual(self.send("patch", url, {"description": "Door de API"}).status_code, 200)
        stale = {**{k: "" if v is None else v for k, v in seen.items()}, "due_by": TODAY + dt.timedelta(days=30)}
        self.assertRedirects(
            self.client.post(self.url("goal_edit", goal_pk=goal.pk), stale), self.url("goal", goal_pk=goal.pk)
        )
        response = self.send("patch", url, {"due_by": (TODAY + dt.timedelta(days=60)).isoformat()})
        self.assertEqual(response.status_code, 200)
        goal.refresh_from_db()
        # the page wrote what it had shown ("Begin") over the API's change; the API's later change kept it
        self.assertEqual((goal.description, goal.due_by), ("Begin", TODAY + dt.timedelta(days=60)))

    def test_idempotency_key_sets_a_goal_once(self):
        data = {"instrument": "vie", "item": "4a", "goal_type": "descriptive", "description": "Eens"}
        first = self.send("post", self.url("api_goals"), data, HTTP_IDEMPOTENCY_KEY="doel-1")
        again = self.send("post", self.url("api_goals"), data, HTTP_IDEMPOTENCY_KEY="doel-1")
        self.assertEqual((first.status_code, again.status_code), (201, 201))
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(again.json(), first.json())
        self.assertEqual(Goal.objects.count(), 1)
        other = self.send("post", self.url("api_goals"), {**data, "item": "5a"}, HTTP_IDEMPOTENCY_KEY="doel-1")
        self.assertEqual(other.status_code, 422)
        self.assertEqual(Goal.objects.count(), 1)

    def test_the_list_is_paged_in_the_order_goals_were_set_and_filters_on_judged(self):
        days = [LAST_YEAR + dt.timedelta(days=n) for n in (30, 10, 20)]
        made = [
            services.set_goal(
                organisation=self.org_a,
                instrument="vie",
                item=item,
                goal_type="descriptive",
                description=item,
                set_on=day,
            )
            for item, day in zip(("2a", "3a", "4a"), days, strict=True)
        ]
        services.set_goal(
            organisation=self.org_b,
            instrument="vie",
            item="2a",
            goal_type="descriptive",
            description="B",
            set_on=LAST_YEAR,
        )
        follow_up = make_measurement(self.org_a, {"3a": 3}, on=TODAY)
        services.confirm_goal_codes(follow_up, {made[1].pk: services.Decision("C")}, user=self.mia)
        first = self.send("get", self.url("api_goals") + "?page_size=2").json()
        self.assertEqual((first["count"], len(first["results"])), (3, 2))
        second = self.send("get", first["next"]).json()
        ids = [g["id"] for g in first["results"] + second["results"]]
        self.assertEqual(ids, [made[1].pk, made[2].pk, made[0].pk])  # by the day they were set
        states = {g["id"]: g["state"] for g in first["results"] + second["results"]}
        self.assertEqual(states[made[1].pk], "judged")
        self.assertEqual(states[made[0].pk], "awaiting")  # the measurement of today follows it up
        judged = self.send("get", self.url("api_goals") + "?judged=true").json()
        self.assertEqual([g["id"] for g in judged["results"]], [made[1].pk])
        open_ = self.send("get", self.url("api_goals") + "?judged=false").json()
        self.assertEqual([g["id"] for g in open_["results"]], [made[2].pk, made[0].pk])
        self.assertEqual(self.send("get", self.url("api_goals") + "?judged=soms").status_code, 400)

    def test_reading_and_changing_are_logged(self):
        goal = services.set_goal(
            organisation=self.org_a,
            instrument="vie",
            item="6a",
            goal_type="descriptive",
            description="Begin",
            set_on=TODAY,
        )
        last = AccessEvent.objects.order_by("id").values_list("id", flat=True).last() or 0
        self.send("get", self.url("api_goals"))
        self.send("get", self.url("api_goal", goal_pk=goal.pk))
        self.send("patch", self.url("api_goal", goal_pk=goal.pk), {"description": "Later"})
        made = self.send(
            "post",
            self.url("api_goals"),
            {"instrument": "vie", "item": "7a", "goal_type": "descriptive", "description": "x"},
        )
        self.assertEqual(made.status_code, 201)
        events = list(
            AccessEvent.objects.filter(id__gt=last)
            .order_by("id")
            .values_list("action", "kind", "organisation_id", "object_id")
        )
        self.assertEqual(
            events,
            [
                (AccessAction.VIEW, "api_goals", self.org_a.pk, self.org_a.pk),
                (AccessAction.VIEW, "api_goal", self.org_a.pk, goal.pk),
                (AccessAction.CHANGE, "api_goal", self.org_a.pk, goal.pk),
                (AccessAction.CHANGE, "api_goals", self.org_a.pk, self.org_a.pk),
            ],
        )


# --- who may ---------------------------------------------------------------------------------------------


class GoalAndActionAccessTests(ImprovementApiTestCase):
    def setUp(self):
        super().setUp()
        self.goal = services.set_goal(
            organisation=self.org_a,
            instrument="vie",
            item="6a",
            goal_type="descriptive",
            description="Begin",
            set_on=TODAY,
        )
        self.action = services.create_action(organisation=self.org_a, title="Intervisie", owner="Teamleider")
        self.writes = [
            (
                "post",
                self.url("api_goals"),
                {"instrument": "vie", "item": "7a", "goal_type": "descriptive", "description": "x"},
            ),
            ("patch", self.url("api_goal", goal_pk=self.goal.pk), {"description": "Anders"}),
            ("post", self.url("api_actions"), {"title": "Nieuw", "owner": "Pim"}),
            ("patch", self.url("api_action", action_pk=self.action.pk), {"status": "done"}),
        ]
        self.reads = [
            self.url("api_goals"),
            self.url("api_goal", goal_pk=self.goal.pk),
            self.url("api_actions"),
            self.url("api_action", action_pk=self.action.pk),
        ]

    def stored(self):
        return (
            list(Goal.objects.values_list("id", "description", "updated_at")),
            list(Action.objects.values_list("id", "status", "updated_at")),
        )

    def assert_refused(self, client, status: int) -> None:
        before = self.stored()
        for method, url, data in self.writes:
            with self.subTest(method=method, url=url):
                self.assertEqual(self.send(method, url, data, client).status_code, status)
        self.assertEqual(self.stored(), before)

    def test_a_read_only_token_reads_but_cannot_post_or_patch(self):
        reader = self.client_for(self.mia, scope="read")
        for url in self.reads:
            self.assertEqual(reader.get(url).status_code, 200, url)
        self.assert_refused(reader, 403)

    def test_a_viewer_reads_but_cannot_write(self):
        lex = self.client_for(self.lex)
        for url in self.reads:
            self.assertEqual(lex.get(url).status_code, 200, url)
        self.assert_refused(lex, 403)

    def test_another_organisations_admin_finds_nothing(self):
        bob = self.client_for(self.bob)
        for url in self.reads:
            self.assertEqual(bob.get(url).status_code, 404, url)
        self.assert_refused(bob, 404)

    def test_a_goal_or_action_of_b_is_not_found_through_the_url_of_a(self):
        goal_b = services.set_goal(
            organisation=self.org_b, instrument="vie", item="6a", goal_type="descriptive", description="B", set_on=TODAY
        )
        action_b = services.create_action(organisation=self.org_b, title="B", owner="Bob")
        for name, kwargs in (("api_goal", {"goal_pk": goal_b.pk}), ("api_action", {"action_pk": action_b.pk})):
            url = self.url(name, **kwargs)
            self.assertEqual(self.api.get(url).status_code, 404)
            self.assertEqual(self.send("patch", url, {"owner": "mia"}).status_code, 404)

    def test_members_admins_and_coordinators_write(self):
        for user in (self.mia, self.alice, self.carol):
            client = self.client_for(user)
            for method, url, data in self.writes:
                if method == "post" and "goals" in url:
                    Goal.objects.filter(item="7a").delete()  # one open goal per item
                with self.subTest(user=user.username, method=method, url=url):
                    self.assertEqual(self.send(method, url, data, client).status_code, 201 if method == "post" else 200)


# --- actions ---------------------------------------------------------------------------------------------


class ActionTests(ImprovementApiTestCase):
    def action_on_page(self, values: dict[str, Any]):
        return self.client.post(self.url("action_create"), {k: "" if v is None else v for k, v in values.items()})

    def test_an_action_added_through_the_api_is_the_action_the_page_adds(self):
        values = {
            "owner": "Teamleider",
            "due_on": (TODAY + dt.timedelta(days=30)).isoformat(),
            "status": "in_progress",
            "facility": self.facility_a.pk,
            "notes": "Met de cliëntenraad",
        }
        response = self.send(
            "post", self.url("api_actions"), {"title": "Via API", "instrument": "mie", "item": "2", **values}
        )
        self.assertEqual(response.status_code, 201, response.content)
        page = self.action_on_page({"title": "Via pagina", "link": "mie:2", **values})
        self.assertRedirects(page, self.url("improvement_plan"))
        by_api, by_page = Action.objects.get(title="Via API"), Action.objects.get(title="Via pagina")
        self.assertEqual(row(by_api), row(by_page))
        self.assertEqual(by_api.created_by, self.mia)
        # the action's page shows what the API answers
        body = response.json()
        form = self.client.get(self.url("action_edit", action_pk=by_api.pk)).context["form"]
        shown = {k: form.initial[k] for k in ("title", "owner", "status", "notes", "facility")}
        self.assertEqual(
            shown,
            {
                "title": body["title"],
                "owner": body["owner"],
                "status": body["status"],
                "notes": body["notes"],
                "facility": body["facility"]["id"],
            },
        )
        self.assertEqual((form.initial["due_on"].isoformat(), form.initial["link"]), (body["due_on"], "mie:2"))
        plan_page = self.client.get(self.url("improvement_plan"))
        self.assertIn(by_api, plan_page.context["actions"])
        self.assertEqual(self.send("get", self.url("api_action", action_pk=by_api.pk)).json(), body)

    def test_bad_action_input_is_refused_with_the_pages_problems_and_nothing_is_stored(self):
        cases = [
            ({"title": "", "owner": ""}, {"title": "", "owner": "", "link": ""}),
            (
                {"title": "x", "owner": "y", "instrument": "vie", "item": "6"},
                {"title": "x", "owner": "y", "link": "vie:6"},
            ),
            (
                {"title": "x", "owner": "y", "facility": self.facility_b.pk},
                {"title": "x", "owner": "y", "facility": self.facility_b.pk},
            ),
            ({"title": "x", "owner": "y", "due_on": "2026-02-30"}, None),
            ({"title": "x", "owner": "y", "status": "later"}, None),
            ({"title": "x", "owner": "y", "item": "2a"}, {"title": "x", "owner": "y", "link": ":2a"}),
        ]
        for data, page_values in cases:
            with self.subTest(data=data):
                response = self.send("post", self.url("api_actions"), data)
                self.assertEqual(response.status_code, 400, response.content)
                if page_values is None:  # a value of the wrong type: the API's own check
                    self.assertEqual(list(response.json()), [next(k for k in data if k not in ("title", "owner"))])
                    continue
                expected = self.page_errors(self.action_on_page({"status": "open", **page_values}))
                expected = {("item" if k == "link" else k): v for k, v in expected.items()}
                self.assertEqual(response.json(), expected)
        self.assertFalse(Action.objects.exists())

    def test_an_action_from_a_recommendation_or_an_outcome_of_this_organisation(self):
        audit = finalised(self.org_a, self.mia, self.lex, SAME, SAME, SAME)
        recommendation = audit.recommendations.get()
        session, _warnings = services.plan_session(
            organisation=self.org_a, method=make_method(), held_on=LAST_YEAR, question="Wat werkt?"
        )
        outcome = services.add_outcome(session, text="Vrijplaats", instrument="vie", item="6a")
        made = self.send(
            "post", self.url("api_actions"), {"title": "Doen", "owner": "Pim", "recommendation": recommendation.pk}
        )
        self.assertEqual(made.status_code, 201, made.content)
        self.assertEqual(made.json()["source_recommendation"], recommendation.pk)
        made = self.send("post", self.url("api_actions"), {"title": "Ook", "owner": "Pim", "outcome": outcome.pk})
        self.assertEqual(made.json()["source_outcome"], outcome.pk)
        self.assertEqual(Action.objects.count(), 2)
        # B's recommendation, a recommendation of an audit still being scored, both sources: refused
        audit_b = finalised(self.org_b, self.bob, self.lex, SAME, SAME, SAME)
        scoring = plan(self.org_a, self.mia, self.lex, on=TODAY)
        draft = Recommendation.objects.create(audit=scoring, theme_id="2", text="Concept")
        for data, field in (
            ({"recommendation": audit_b.recommendations.get().pk}, "recommendation"),
            ({"recommendation": draft.pk}, "recommendation"),
            ({"recommendation": 10**9}, "recommendation"),
            ({"outcome": 10**9}, "outcome"),
            ({"recommendation": recommendation.pk, "outcome": outcome.pk}, "non_field_errors"),
        ):
            with self.subTest(data=data):
                response = self.send("post", self.url("api_actions"), {"title": "x", "owner": "y", **data})
                self.assertEqual((response.status_code, list(response.json())), (400, [field]))
        self.assertEqual(Action.objects.count(), 2)
        # the same answer for another organisation's recommendation and one that does not exist
        foreign = self.send(
            "post",
            self.url("api_actions"),
            {"title": "x", "owner": "y", "recommendation": audit_b.recommendations.get().pk},
        )
        missing = self.send("post", self.url("api_actions"), {"title": "x", "owner": "y", "recommendation": 10**9})
        self.assertEqual(foreign.json(), missing.json())

    def test_an_action_changes_as_on_its_edit_page_and_keeps_its_sources(self):
        audit = finalised(self.org_a, self.mia, self.lex, SAME, SAME, SAME)
        action = services.action_from_recommendation(audit.recommendations.get(), owner="Pim", notes="n")
        url = self.url("api_action", action_pk=action.pk)
        response = self.send("patch", url, {"status": "done", "due_on": "2026-06-01"})
        self.assertEqual(response.status_code, 200, response.content)
        action.refresh_from_db()
        self.assertEqual(
            (action.status, action.due_on, action.owner, action.notes), ("done", dt.date(2026, 6, 1), "Pim", "n")
        )
        self.assertEqual((action.source_recommendation_id, action.instrument), (audit.recommendations.get().pk, "mie"))
        self.assertEqual(action.history.latest().history_user, self.mia)
        refused = self.send("patch", url, {"recommendation": None})  # the edit page has no sources
        self.assertEqual((refused.status_code, list(refused.json())), (400, ["recommendation"]))
        unlinked = self.send("patch", url, {"instrument": "", "item": ""})
        self.assertEqual((unlinked.status_code, unlinked.json()["item_label"]), (200, ""))
        page = self.client.post(
            self.url("action_edit", action_pk=action.pk), {"title": "", "owner": "Pim", "status": "done", "link": ""}
        )
        response = self.send("patch", url, {"title": ""})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), self.page_errors(page))
        action.refresh_from_db()
        self.assertEqual(action.title, audit.recommendations.get().text)

    def test_a_field_left_out_is_never_overwritten(self):
        # The edit page keeps no fingerprints (the last save wins); a PATCH only writes what it sends.
        action = services.create_action(organisation=self.org_a, title="Intervisie", owner="Teamleider")
        url = self.url("api_action", action_pk=action.pk)
        alice = self.client_for(self.alice)
        self.assertEqual(self.send("patch", url, {"owner": "Sara"}, alice).status_code, 200)
        self.assertEqual(self.send("patch", url, {"status": "in_progress"}).status_code, 200)
        action.refresh_from_db()
        self.assertEqual((action.owner, action.status), ("Sara", "in_progress"))

    def test_the_list_is_paged_by_due_date_and_filters_on_status(self):
        make = {"organisation": self.org_a, "owner": "x"}
        late = services.create_action(title="laat", due_on=dt.date(2026, 9, 1), **make)
        none = services.create_action(title="geen datum", **make)
        early = services.create_action(title="vroeg", due_on=dt.date(2026, 1, 1), status="done", **make)
        services.create_action(organisation=self.org_b, title="B", owner="Bob")
        first = self.send("get", self.url("api_actions") + "?page_size=2").json()
        self.assertEqual((first["count"], len(first["results"])), (3, 2))
        rest = self.send("get", first["next"]).json()["results"]
        self.assertEqual([a["id"] for a in first["results"] + rest], [early.pk, late.pk, none.pk])
        done = self.send("get", self.url("api_actions") + "?status=done").json()
        self.assertEqual([a["id"] for a in done["results"]], [early.pk])
        self.assertEqual(self.send("get", self.url("api_actions") + "?status=later").status_code, 400)

    def test_idempotency_key_adds_an_action_once(self):
        data = {"title": "Eens", "owner": "Pim"}
        for _attempt in range(2):
            response = self.send("post", self.url("api_actions"), data, HTTP_IDEMPOTENCY_KEY="actie-1")
            self.assertEqual(response.status_code, 201)
        self.assertEqual(Action.objects.count(), 1)


class QueryCountTests(ImprovementApiTestCase):
    def count(self, url: str) -> int:
        self.api.get(url)  # the token's last use is recorded once; caches warm
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.api.get(url).status_code, 200)
        return len(queries)

    def test_the_lists_cost_the_same_few_queries_however_many_goals_and_actions(self):
        def make(n: int) -> None:
            item = ["2a", "3a", "4a", "5a", "6a", "7a", "8a"][n]
            services.set_goal(
                organisation=self.org_a,
                instrument="vie",
                item=item,
                goal_type="descriptive",
                description="x",
                set_on=LAST_YEAR,
                facility=self.facility_a if n % 2 else None,
            )
            services.create_action(
                organisation=self.org_a,
                title=f"Actie {n}",
                owner="x",
                instrument="vie",
                item=item,
                facility=self.facility_a if n % 2 else None,
            )

        make(0)
        urls = {
            "goals": self.url("api_goals"),
            "actions": self.url("api_actions"),
            "goal": self.url("api_goal", goal_pk=Goal.objects.get().pk),
            "action": self.url("api_action", action_pk=Action.objects.get().pk),
        }
        before = {name: self.count(url) for name, url in urls.items()}
        for n in range(1, 7):
            make(n)
        after = {name: self.count(url) for name, url in urls.items()}
        self.assertEqual(after, before)
        # token, the person's roles, organisation, (lists: count,) rows, access-log entry: none per row
        self.assertLessEqual(max(after.values()), 8, after)
