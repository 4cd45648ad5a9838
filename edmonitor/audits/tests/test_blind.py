"""The blind-scoring guarantee: until both auditors have submitted, nobody sees another auditor's scores.

Every URL of the application that can be reached with an organisation and audit
(enumerated from the URL configuration, so a new page cannot be forgotten) is
requested by every kind of user; no response may carry another auditor's rating.
The API's routes (``api_…``) are among them, requested with a token of the same user
(the API takes no session), so blind scoring holds in every endpoint too (issue 19).
"""

from __future__ import annotations

import datetime as dt
import subprocess

from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from edmonitor.accounts import tokens
from edmonitor.audits import services
from edmonitor.audits.models import Rating
from edmonitor.audits.permissions import visible_ratings
from edmonitor.testing import BaseTestCase, make_user

from .factories import THEMES, plan, rate, unchanged

MIA_SECRET = "GEHEIM-MIA-7c1"
EVA_SECRET = "GEHEIM-EVA-3f9"


def url_patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("beheer/"):
                continue  # the admin is checked separately, model by model
            yield from url_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, set(entry.pattern.regex.groupindex)


def readable(response) -> str:
    """The response as text: PDFs through pdftotext (their streams are compressed), the rest as UTF-8."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        done = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
        return done.stdout.decode()
    return response.content.decode("utf-8", errors="replace")


class BlindScoringTests(BaseTestCase):
    checked_api: dict[str, int]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eva = make_user("eva")

    def setUp(self):
        cache.clear()  # the API's rate limit counts per token in the cache
        self.audit = plan(self.org_a, self.mia, self.eva, by=self.alice)
        rate(self.audit, self.mia, {"1": 5, "2": 1, "3": 5, "4": 1, "5": 5}, rationale=MIA_SECRET)  # submitted
        rate(self.audit, self.eva, {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2}, rationale=EVA_SECRET, submit=False)

    def urls(self):
        """(name, url) of every page and API route reached with an organisation and this audit."""
        kwargs = {"pk": self.org_a.pk, "audit_pk": self.audit.pk}
        for name, params in url_patterns():
            if params <= set(kwargs) and name not in ("logout", "set_language", "login"):
                yield name, reverse(name, kwargs={k: kwargs[k] for k in params})
        yield "audit_agreement", reverse("audit_agreement") + f"?organisatie={self.org_a.pk}"

    def token_client(self, user) -> Client:
        """A client that calls the API as ``user``: with a token of theirs that may only read."""
        until = timezone.localdate() + dt.timedelta(days=1)
        _token, raw = tokens.create(user, name="Blind scoring", scope="read", expires_on=until)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def assert_blind(self, user, forbidden):
        self.client.force_login(user)
        api = self.token_client(user)
        checked = 0
        self.checked_api = {}  # name: status, of the API routes
        for name, url in self.urls():
            if name.startswith("api_"):
                response = api.get(url)
                self.checked_api[name] = response.status_code
            else:
                response = self.client.get(url)
            self.assertIn(response.status_code, (200, 301, 302, 403, 404, 405), url)  # 301: a moved page
            content = readable(response)
            for secret in forbidden:
                self.assertNotIn(secret, content, f"{user} sees {secret} at {url}")
            checked += 1
        self.assertGreater(checked, 10)
        self.assertIn("api_audit", self.checked_api)

    def test_no_page_shows_another_auditors_scores_before_both_submitted(self):
        self.assert_blind(self.mia, [EVA_SECRET])
        self.assert_blind(self.eva, [MIA_SECRET])
        for user in (self.alice, self.lex, self.carol, self.bob):
            with self.subTest(user=user.username):
                self.assert_blind(user, [MIA_SECRET, EVA_SECRET])

    def test_the_api_answers_each_auditor_with_their_own_scores_only(self):
        for user, own, other in ((self.mia, MIA_SECRET, EVA_SECRET), (self.eva, EVA_SECRET, MIA_SECRET)):
            with self.subTest(user=user.username):
                self.assert_blind(user, [other])
                # the audit's routes answered (not a refusal that would hide everything) ...
                self.assertEqual(self.checked_api["api_audit"], 200)
                self.assertEqual(self.checked_api["api_audits"], 200)
                # ... and carry one's own scores
                url = reverse("api_audit", kwargs={"pk": self.org_a.pk, "audit_pk": self.audit.pk})
                self.assertIn(own, self.token_client(user).get(url).content.decode())

    def test_after_both_submitted_the_api_shows_both_scores(self):
        rate(self.audit, self.eva, {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2}, rationale=EVA_SECRET)
        url = reverse("api_audit", kwargs={"pk": self.org_a.pk, "audit_pk": self.audit.pk})
        for user in (self.mia, self.eva, self.alice, self.lex, self.carol):
            content = self.token_client(user).get(url).content.decode()
            self.assertIn(MIA_SECRET, content, user.username)
            self.assertIn(EVA_SECRET, content, user.username)
        self.assertEqual(self.token_client(self.bob).get(url).status_code, 404)

    def test_the_consensus_page_refuses_before_both_submitted(self):
        self.client.force_login(self.mia)
        url = reverse("audit_consensus", kwargs={"pk": self.org_a.pk, "audit_pk": self.audit.pk})
        response = self.client.get(url, follow=True)
        self.assertContains(response, "pas ingevuld worden als beide auditoren")
        self.assertNotContains(response, EVA_SECRET)
        response = self.client.post(url, {"consensus_1": "3"}, follow=True)
        self.assertFalse(self.audit.themes.filter(consensus__isnull=False).exists())

    def test_the_admin_does_not_expose_ratings(self):
        self.assertNotIn(Rating, admin.site._registry)
        self.client.force_login(self.carol)
        for model in admin.site._registry:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            content = self.client.get(url).content.decode()
            self.assertNotIn(MIA_SECRET, content, url)
            self.assertNotIn(EVA_SECRET, content, url)

    def test_visible_ratings_is_own_only_then_everything(self):
        def seen(user):
            return {(r.auditor.user.username, r.theme_id) for r in visible_ratings(user, self.audit)}

        self.assertEqual(seen(self.mia), {("mia", t) for t in THEMES})
        self.assertEqual(seen(self.eva), {("eva", t) for t in THEMES})
        self.assertEqual(seen(self.alice), set())
        self.assertEqual(seen(self.carol), set())
        self.assertEqual(seen(self.bob), set())
        rate(self.audit, self.eva, {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2}, rationale=EVA_SECRET)
        both = {(u, t) for u in ("mia", "eva") for t in THEMES}
        for user in (self.mia, self.eva, self.alice, self.lex, self.carol):
            self.assertEqual(seen(user), both)
        self.assertEqual(seen(self.bob), set())  # not his organisation

    def test_after_both_submitted_both_scores_are_shown_side_by_side(self):
        rate(self.audit, self.eva, {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2}, rationale=EVA_SECRET)
        self.client.force_login(self.alice)
        response = self.client.get(reverse("audit", kwargs={"pk": self.org_a.pk, "audit_pk": self.audit.pk}))
        self.assertContains(response, MIA_SECRET)
        self.assertContains(response, EVA_SECRET)
        # themes 1, 3, 5 differ by 3 points and theme 2 by 1, theme 4 by 1: three are marked for discussion
        self.assertEqual(response.content.decode().count('class="tag-discuss"'), 3)

    def test_an_auditor_sees_only_the_notes_not_scores_on_the_notes_form(self):
        notes = services.note_values(self.audit)
        services.save_notes(
            self.audit, values={**notes, "notes:1": "Gedeelde notitie"}, original=unchanged(notes), user=self.eva
        )
        self.client.force_login(self.mia)
        response = self.client.get(reverse("audit_notes", kwargs={"pk": self.org_a.pk, "audit_pk": self.audit.pk}))
        self.assertContains(response, "Gedeelde notitie")
        self.assertNotContains(response, EVA_SECRET)
