"""Feedback asked for through a one-time link (issue 21): "the person asks for feedback (from a supervisor,
colleagues, and clients through a one-time link without an account); feedback lands in the person's space."

The link works once, for the days chosen, until withdrawn; every link that does not work gives the
same page. The page shows the question and the asker's first name, nothing else of the space.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from edmonitor.core.types import Account
from edmonitor.development import feedback, services
from edmonitor.development.models import ConsentUse, Evidence, FeedbackRequest
from edmonitor.testing import BaseTestCase, make_user

pytestmark = pytest.mark.both_databases  # who reaches personal material: on both databases

LINK = re.compile(r'value="(https?://[^"]+/feedback/([^"/]+)/)"')
SECRET = "Alleen voor mia: mijn reflectie over de opname"


class FeedbackCase(BaseTestCase):
    mia: Account  # set by BaseTestCase.setUpTestData

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mia.first_name, cls.mia.last_name = "Mia", "Vermeulen"
        cls.mia.save()
        space = services.space_of(cls.mia)
        services.give_consent(space)
        services.give_use_consent(space, ConsentUse.FEEDBACK)
        cls.space = space
        Evidence.objects.create(space=space, kind="reflection", title="Eigen", text=SECRET, occurred_on=dt.date.today())
        cls.sam = make_user("sam")
        cls.sam.email = "sam@example.org"
        cls.sam.save()

    def make_link(self, **data) -> tuple[str, str]:
        """Ask as mia through the page; the link the page shows once, and its token."""
        self.login(self.mia)
        values = {"asked_name": "Sam de begeleider", "question": "Hoe zet ik mijn ervaring in?", "days": "14"}
        page = self.client.post(reverse("development_feedback_create"), values | data)
        self.assertEqual(page.status_code, 200)
        found = LINK.search(page.content.decode())
        assert found is not None, "the page shows the new link"
        self.client.logout()
        return found.group(1), found.group(2)


class AskTests(FeedbackCase):
    def test_only_the_hash_of_the_secret_is_kept_and_the_link_is_shown_once(self):
        url, token = self.make_link()
        asked = FeedbackRequest.objects.get()
        self.assertEqual(asked.token_hash, hashlib.sha256(token.encode()).hexdigest())
        self.assertNotIn(token, repr(list(FeedbackRequest.objects.values_list())))
        self.assertTrue(url.endswith(reverse("feedback_answer", args=[token])))
        self.login(self.mia)
        self.assertNotIn(token, self.client.get(reverse("development_feedback")).content.decode())

    @override_settings(ALLOWED_HOSTS=["edmonitor.example.nl"])
    def test_the_link_is_a_whole_address_where_the_page_was_opened(self):
        self.login(self.mia)
        page = self.client.post(
            reverse("development_feedback_create"),
            {"asked_name": "Sam", "question": "Vraag", "days": "14"},
            HTTP_HOST="edmonitor.example.nl",
        )
        self.assertRegex(page.content.decode(), r'value="http://edmonitor\.example\.nl/feedback/[^"]+/"')

    def test_the_link_works_for_the_days_chosen_within_one_to_thirty(self):
        self.make_link(days="30")
        asked = FeedbackRequest.objects.get()
        self.assertAlmostEqual(
            (asked.expires_at - asked.created_at).total_seconds(), 30 * 86400, delta=5
        )  # fmt: skip
        self.login(self.mia)
        for days in ("0", "31"):
            page = self.client.post(
                reverse("development_feedback_create"), {"asked_name": "Sam", "question": "Vraag", "days": days}
            )
            self.assertEqual(page.status_code, 400, days)
        self.assertEqual(FeedbackRequest.objects.count(), 1)

    def test_without_the_feedback_consent_nothing_is_asked_and_the_page_explains(self):
        self.login(self.lex)
        page = self.client.get(reverse("development_feedback"))
        self.assertContains(page, reverse("development"))
        self.assertNotContains(page, reverse("development_feedback_create"))
        response = self.client.post(
            reverse("development_feedback_create"), {"asked_name": "Sam", "question": "Vraag", "days": "14"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(FeedbackRequest.objects.exists())

    def test_at_most_twenty_open_requests(self):
        for n in range(20):
            feedback.ask(self.space, asked_name=f"Collega {n}", question="Vraag")
        with self.assertRaises(services.Refused):
            feedback.ask(self.space, asked_name="Collega 21", question="Vraag")
        first = FeedbackRequest.objects.order_by("pk").first()
        assert first is not None
        feedback.withdraw(self.space, first)  # a withdrawn one is no longer open
        feedback.ask(self.space, asked_name="Collega 21", question="Vraag")
        self.assertEqual(FeedbackRequest.objects.count(), 21)

    def test_sizes_are_bounded(self):
        for data in ({"asked_name": "x" * 201}, {"question": "x" * 2001}, {"account": "niemand"}):
            values = {"asked_name": "Sam", "question": "Vraag"} | data
            with self.assertRaises(services.Refused, msg=data):
                feedback.ask(self.space, **values)
        self.assertFalse(FeedbackRequest.objects.exists())


class AnswerTests(FeedbackCase):
    def test_the_answer_lands_in_the_askers_space_only_and_the_link_then_stops(self):
        url, token = self.make_link()
        anonymous = Client()
        page = anonymous.get(url)
        self.assertEqual(page.status_code, 200)
        before = {user: Evidence.objects.filter(space__user=user).count() for user in (self.mia, self.sam, self.lex)}
        response = anonymous.post(url, {"text": "Je luisterde goed en gaf ruimte.", "name": "Sam"})
        self.assertEqual(response.status_code, 200)
        answer = Evidence.objects.get(kind="feedback")
        self.assertEqual(answer.space.user, self.mia)
        self.assertEqual(answer.title, "Feedback van Sam")
        self.assertEqual(answer.text, "Je luisterde goed en gaf ruimte.")
        self.assertFalse(answer.items.exists())
        self.assertEqual(Evidence.objects.filter(space__user=self.mia).count(), before[self.mia] + 1)
        self.assertEqual(Evidence.objects.filter(space__user=self.sam).count(), before[self.sam])
        asked = FeedbackRequest.objects.get()
        self.assertIsNotNone(asked.answered_at)
        self.assertEqual(asked.evidence, answer)
        # a second use: the neutral page, and nothing more is saved
        self.assertEqual(anonymous.get(url).status_code, 404)
        self.assertEqual(anonymous.post(url, {"text": "Nog eens"}).status_code, 404)
        self.assertEqual(Evidence.objects.filter(kind="feedback").count(), 1)

    def test_the_page_shows_the_question_and_the_first_name_and_nothing_else_of_the_space(self):
        url, _token = self.make_link()
        html = Client().get(url).content.decode()
        self.assertIn("Hoe zet ik mijn ervaring in?", html)
        self.assertIn("Mia", html)
        for hidden in ("Vermeulen", "mia", "Sam de begeleider", SECRET, "Eigen", reverse("development")):
            self.assertNotIn(hidden, html.replace("Mia", ""))

    def test_an_expired_a_withdrawn_and_an_unknown_link_give_the_same_page(self):
        expired, _t = self.make_link(asked_name="Verlopen")
        withdrawn, _t = self.make_link(asked_name="Ingetrokken")
        FeedbackRequest.objects.filter(asked_name="Verlopen").update(expires_at=timezone.now() - dt.timedelta(1))
        self.login(self.mia)
        pk = FeedbackRequest.objects.get(asked_name="Ingetrokken").pk
        self.client.post(reverse("development_feedback_withdraw", args=[pk]))
        self.assertIsNotNone(FeedbackRequest.objects.get(pk=pk).withdrawn_at)
        unknown = reverse("feedback_answer", args=["x" * 43])
        anonymous = Client()
        pages = [anonymous.get(url) for url in (expired, withdrawn, unknown)]
        self.assertEqual([p.status_code for p in pages], [404, 404, 404])
        bodies = {
            re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", p.content.decode()).replace(urlsplit(url).path, "")
            for p, url in zip(pages, (expired, withdrawn, unknown), strict=True)
        }
        self.assertEqual(len(bodies), 1)  # one and the same page (but for its own address): it reveals nothing
        for url in (expired, withdrawn, unknown):
            anonymous.post(url, {"text": "Toch"})
        self.assertFalse(Evidence.objects.filter(kind="feedback").exists())

    def test_the_link_expires_after_its_days(self):
        url, _token = self.make_link(days="1")
        later = timezone.now() + dt.timedelta(days=1, minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertEqual(Client().get(url).status_code, 404)
        self.assertEqual(Client().get(url).status_code, 200)

    def test_withdrawing_consent_stops_the_links(self):
        url, _token = self.make_link()
        self.space.consents.filter(use=ConsentUse.FEEDBACK).update(withdrawn_at=timezone.now())
        self.assertEqual(Client().post(url, {"text": "Na het intrekken"}).status_code, 404)
        self.assertFalse(Evidence.objects.filter(kind="feedback").exists())

    def test_only_the_asker_withdraws_and_only_by_post(self):
        self.make_link()
        asked = FeedbackRequest.objects.get()
        url = reverse("development_feedback_withdraw", args=[asked.pk])
        for user in (self.lex, self.alice, self.carol):
            self.login(user)
            self.assertEqual(self.client.post(url).status_code, 404)
        self.login(self.mia)
        self.assertEqual(self.client.get(url).status_code, 405)
        asked.refresh_from_db()
        self.assertIsNone(asked.withdrawn_at)

    def test_an_answer_is_bounded(self):
        url, _token = self.make_link()
        response = Client().post(url, {"text": "x" * (feedback.MAX_ANSWER + 1)})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Evidence.objects.filter(kind="feedback").exists())


class InboxTests(FeedbackCase):
    def test_a_request_to_an_account_shows_on_its_list_and_is_answered_there(self):
        self.make_link(account="sam@example.org")
        asked = FeedbackRequest.objects.get()
        self.assertEqual(asked.person, self.sam)
        self.login(self.lex)  # someone else sees nothing of it
        self.assertNotContains(self.client.get(reverse("development_feedback_inbox")), "Hoe zet ik")
        self.client.post(reverse("development_feedback_inbox"), {"request": asked.pk, f"r{asked.pk}-text": "Nee"})
        self.assertFalse(Evidence.objects.filter(kind="feedback").exists())
        self.login(self.sam)
        page = self.client.get(reverse("development_feedback_inbox"))
        self.assertContains(page, "Hoe zet ik mijn ervaring in?")
        response = self.client.post(
            reverse("development_feedback_inbox"), {"request": asked.pk, f"r{asked.pk}-text": "Goed gedaan."}
        )
        self.assertRedirects(response, reverse("development_feedback_inbox"))
        answer = Evidence.objects.get(kind="feedback")
        self.assertEqual((answer.space.user, answer.text, answer.title), (self.mia, "Goed gedaan.", "Feedback van sam"))
        self.assertNotContains(self.client.get(reverse("development_feedback_inbox")), "Hoe zet ik")
