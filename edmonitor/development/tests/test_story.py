"""The own story (002 intermezzo "Het eigen verhaal"), its decision records and the consent per use (issue 21).

The story is the person's alone: kept only with their consent for it, never shown anywhere but
their own story page and their own export, and deleted for real when the consent is withdrawn.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from edmonitor.development import services, story
from edmonitor.development.models import (
    Consent,
    Evidence,
    FeedbackRequest,
    Share,
    Space,
    Story,
    StoryDecision,
)
from edmonitor.knowledge.models import SearchDocument
from edmonitor.transfer.export import export_organisation

from .test_space import SpaceCase

pytestmark = pytest.mark.both_databases

STORY = "Mijn verhaal: de nacht in kamer 17 van De Linde, en wat me daarna hielp"


def development_urls(patterns=None, params: frozenset[str] = frozenset()) -> list[tuple[str, set[str]]]:
    """(name, parameters) of every named URL of the development app, found in the whole URL configuration."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        here = params | set(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            found.extend(development_urls(pattern.url_patterns, frozenset(here)))
        elif pattern.name and pattern.callback.__module__.startswith("edmonitor.development"):
            found.append((pattern.name, set(here)))
    return found


class StoryCase(SpaceCase):
    def start_story(self, user) -> Space:
        space = self.start(user)
        services.give_use_consent(space, "story")
        return space


class ConsentTests(StoryCase):
    def test_without_a_space_the_consents_page_sends_to_the_first_consent(self):
        self.login(self.noor)
        self.assertRedirects(self.client.get(reverse("development_consents")), reverse("development"))
        self.client.post(reverse("development_consents"), {"use": "story"})
        self.assertFalse(Consent.objects.exists())

    def test_each_use_is_listed_and_given_on_its_own(self):
        self.start(self.noor)
        self.login(self.noor)
        page = self.client.get(reverse("development_consents"))
        self.assertEqual([r["use"] for r in page.context["rows"]], ["story", "sharing", "feedback"])
        self.assertFalse(any(r["given"] for r in page.context["rows"]))
        self.client.post(reverse("development_consents"), {"use": "feedback"})
        self.client.post(reverse("development_consents"), {"use": "onzin"})
        self.assertEqual(list(Consent.objects.values_list("use", flat=True)), ["feedback"])

    def test_the_story_page_asks_for_its_own_consent_first(self):
        space = self.start(self.noor)
        self.login(self.noor)
        page = self.client.get(reverse("development_story"))
        self.assertTemplateUsed(page, "development/story_consent.html")
        self.assertContains(page, reverse("development_consents"))
        self.client.post(reverse("development_story"), {"text": STORY})
        self.assertFalse(Story.objects.exists())
        with self.assertRaises(services.Refused):
            story.save_story(space, STORY)
        self.assertRedirects(
            self.client.get(reverse("development_story_decision_create")), reverse("development_story")
        )

    def test_withdrawing_the_story_consent_deletes_the_story_and_its_records_after_confirming(self):
        space = self.start_story(self.noor)
        story.save_story(space, STORY)
        decision = story.save_decision(space, decided_on=dt.date(2026, 3, 1), what="De opname", audience="Wijkteam",
                                       purpose="Laten zien dat herstel kan")  # fmt: skip
        services.give_use_consent(space, "sharing")
        Share.objects.create(space=space, decision=decision, person=self.mia, starts_on=dt.date(2026, 3, 1),
                             ends_on=dt.date(2026, 4, 1))  # fmt: skip
        self.login(self.noor)
        url = reverse("development_consent_withdraw", args=["story"])
        self.assertContains(self.client.get(url), "1")  # says how many records go
        self.assertContains(self.client.post(url, {}), "error-summary")  # not confirmed: nothing happens
        self.assertTrue(Story.objects.exists())
        self.assertRedirects(self.client.post(url, {"confirm": "on"}), reverse("development_consents"))
        self.assertFalse(Story.objects.exists())
        self.assertFalse(StoryDecision.objects.exists())
        self.assertFalse(Share.objects.exists())
        self.assertIsNotNone(Consent.objects.get(use="story").withdrawn_at)
        self.assertTrue(services.has_consent(space, "sharing"))  # the other uses stay as they were
        self.assertTemplateUsed(self.client.get(reverse("development_story")), "development/story_consent.html")

    def test_withdrawing_sharing_revokes_every_active_share_and_feedback_withdraws_open_requests(self):
        space = self.start(self.noor)
        services.give_use_consent(space, "sharing")
        services.give_use_consent(space, "feedback")
        evidence = Evidence.objects.create(space=space, kind="practice", title="x", occurred_on=dt.date(2026, 1, 1))
        earlier = timezone.now() - dt.timedelta(days=3)
        period = {
            "space": space,
            "evidence": evidence,
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2026, 12, 1),
        }
        active = Share.objects.create(person=self.mia, **period)
        revoked = Share.objects.create(person=self.bob, revoked_at=earlier, **period)
        ask = {"space": space, "asked_name": "Lex", "question": "Hoe ging het?", "expires_at": timezone.now()}
        open_request = FeedbackRequest.objects.create(token_hash="a" * 64, **ask)
        answered = FeedbackRequest.objects.create(token_hash="b" * 64, answered_at=earlier, **ask)
        self.login(self.noor)
        self.client.post(reverse("development_consent_withdraw", args=["sharing"]))
        active.refresh_from_db()
        revoked.refresh_from_db()
        self.assertIsNotNone(active.revoked_at)
        self.assertEqual(revoked.revoked_at, earlier)
        self.client.post(reverse("development_consent_withdraw", args=["feedback"]))
        open_request.refresh_from_db()
        answered.refresh_from_db()
        self.assertIsNotNone(open_request.withdrawn_at)
        self.assertIsNone(answered.withdrawn_at)
        self.assertFalse(Consent.objects.filter(withdrawn_at__isnull=True).exists())
        self.assertEqual(self.client.get(reverse("development_consent_withdraw", args=["alles"])).status_code, 404)


class StoryTests(StoryCase):
    def test_the_story_and_decision_records_are_kept_changed_and_deleted(self):
        self.start_story(self.noor)
        self.login(self.noor)
        page = self.client.get(reverse("development_story"))
        self.assertContains(page, "Het eigen verhaal")  # the four steps cite 002's intermezzo
        self.client.post(reverse("development_story"), {"text": STORY})
        self.assertEqual(Story.objects.get().text, STORY)
        data = {"decided_on": "2026-03-01", "what": "De opname", "audience": "Een cliënt", "purpose": "Hoop geven"}
        self.client.post(reverse("development_story_decision_create"), data)
        decision = StoryDecision.objects.get()
        url = reverse("development_story_decision", args=[decision.pk])
        self.client.post(url, data | {"afterwards": "Het raakte de cliënt"})
        decision.refresh_from_db()
        self.assertEqual(decision.afterwards, "Het raakte de cliënt")
        delete = reverse("development_story_decision_delete", args=[decision.pk])
        self.assertEqual(self.client.get(delete).status_code, 405)
        self.client.post(delete)
        self.assertFalse(StoryDecision.objects.exists())

    def test_bad_input_is_refused_and_changes_nothing(self):
        space = self.start_story(self.noor)
        self.login(self.noor)
        self.assertContains(self.client.post(reverse("development_story"), {"text": "x" * 50_001}), "error-summary")
        self.assertFalse(Story.objects.exists())
        good = {"decided_on": "2026-03-01", "what": "a", "audience": "b", "purpose": "c"}
        for changes in ({"what": ""}, {"audience": ""}, {"purpose": " "}, {"audience": "x" * 201},
                        {"afterwards": "x" * 2_001}, {"decided_on": "gisteren"}):  # fmt: skip
            with self.subTest(changes=list(changes)):
                response = self.client.post(reverse("development_story_decision_create"), good | changes)
                self.assertContains(response, "error-summary")
        self.assertFalse(StoryDecision.objects.exists())
        with self.assertRaises(services.Refused):
            story.save_decision(space, decided_on=dt.date(2026, 1, 1), what="a", audience="b", purpose=" ")

    def test_the_owner_export_holds_it_and_deleting_the_space_removes_it_all(self):
        space = self.start_story(self.noor)
        story.save_story(space, STORY)
        decision = story.save_decision(space, decided_on=dt.date(2026, 3, 1), what="a", audience="b", purpose="c")
        services.give_use_consent(space, "sharing")
        Share.objects.create(space=space, decision=decision, person=self.mia, starts_on=dt.date(2026, 3, 1),
                             ends_on=dt.date(2026, 4, 1))  # fmt: skip
        self.login(self.noor)
        document = json.loads(self.client.get(reverse("development_export")).content)
        self.assertEqual(document["story"]["text"], STORY)
        self.assertEqual(document["story_decisions"][0] | {"date": "-"},
                         {"date": "-", "what": "a", "for_whom": "b", "why": "c", "afterwards": ""})  # fmt: skip
        self.assertEqual(sorted(c["use"] for c in document["consents"]), ["sharing", "story"])
        services.delete_space(self.noor)
        for model in (Space, Story, StoryDecision, Consent, Share):
            self.assertFalse(model.objects.exists(), model.__name__)


class NobodyElseTests(StoryCase):
    """The story text is shown on its owner's story page and in their export, nowhere else."""

    def setUp(self):
        self.space = self.start_story(self.mia)
        story.save_story(self.space, STORY)
        self.decision = story.save_decision(self.space, decided_on=dt.date(2026, 3, 1), what="Deel", audience="Team",
                                            purpose="Uitleg")  # fmt: skip
        self.reflection = services.save_evidence(self.space, kind="reflection", title="R", text="",
                                                 occurred_on=dt.date(2026, 3, 2), items=[self.items[0]])  # fmt: skip

    def test_no_other_person_reaches_any_development_page_with_her_objects(self):
        values = {"evidence_pk": self.reflection.pk, "decision_pk": self.decision.pk, "use": "story",
                  "slug": self.items[0]}  # fmt: skip
        for other in (self.alice, self.carol, self.bob, self.lex, self.noor):
            self.start_story(other) if other == self.noor else None  # noor even keeps a story of her own
            client = Client()
            client.force_login(other)
            for name, params in development_urls():
                if not params <= values.keys() or "pk" in params:  # organisation pages hold no story
                    continue
                url = reverse(name, kwargs={p: values[p] for p in params})
                response = client.get(url)
                self.assertNotIn(STORY, response.content.decode(errors="replace"), (other, name))
                if params & {"evidence_pk", "decision_pk"}:
                    self.assertEqual(response.status_code, 404, (other, name))
                    self.assertEqual(client.post(url, {"what": "overschreven"}).status_code, 404, (other, name))
        self.assertEqual(Story.objects.get(space=self.space).text, STORY)
        self.assertEqual(StoryDecision.objects.get().what, "Deel")
        self.assertTrue(Consent.objects.filter(space=self.space, withdrawn_at__isnull=True).exists())

    def test_only_the_story_page_and_the_export_of_its_owner_show_it(self):
        client = Client()
        client.force_login(self.mia)
        shown = []
        for name, params in development_urls():
            if params:
                continue
            if STORY in client.get(reverse(name)).content.decode(errors="replace"):
                shown.append(name)
        self.assertEqual(sorted(shown), ["development_export", "development_story"])

    def test_no_admin_search_or_organisation_export_holds_it(self):
        development_models = set(apps.get_app_config("development").get_models())
        self.assertFalse({Story, StoryDecision, Consent} & set(admin.site._registry))
        self.assertFalse(development_models & set(admin.site._registry))
        self.assertFalse(SearchDocument.objects.filter(text__contains="kamer 17 van De Linde").exists())
        self.client.force_login(self.carol)
        self.assertNotContains(self.client.get(reverse("knowledge_search"), {"q": "kamer De Linde nacht"}), STORY)
        self.assertNotIn(STORY, json.dumps(export_organisation(self.org_a), default=str))
