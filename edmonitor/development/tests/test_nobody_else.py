"""No other role, no staff power, no export and no search reaches a person's unshared material (issue 21, done when).

mia keeps one of every kind of personal material, each with its own marker text: evidence and
its earlier version, a reflection's answer, her story and a decision about it, an activity's
private note, feedback received. She shares nothing. Then every other kind of user opens every
page of the development app with her objects' numbers, the organisation's pages and exports,
the admin site and the search, and no marker may appear anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from edmonitor.development import feedback, record, services, story
from edmonitor.development.models import ConsentUse
from edmonitor.development.tests.test_space import SpaceCase
from edmonitor.development.tests.test_story import development_urls
from edmonitor.testing import make_user
from edmonitor.transfer.export import export_organisation

pytestmark = pytest.mark.both_databases

MARKERS = {
    "evidence": "Bewijs-7Q: de groep liep vast",
    "earlier version": "Eerder-3K: eerste opzet",
    "answer": "Antwoord-9F: ik twijfelde",
    "story": "Verhaal-2X: de winter van 2019",
    "decision": "Besluit-5M: alleen over werk",
    "private note": "Notitie-8P: moe na afloop",
    "feedback": "Feedback-4R: je luisterde goed",
}


def pdf_text(content: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


class NobodyElseReachesUnsharedMaterialTests(SpaceCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.space = space = services.space_of(cls.mia)  # mia is a project member of organisation A
        services.give_consent(space)
        for use in ConsentUse.values:
            services.give_use_consent(space, use)
        first = services.save_evidence(space, kind="practice", title="Praktijk", text=MARKERS["earlier version"],
                                       occurred_on=dt.date(2026, 3, 1), items=[cls.items[0]])  # fmt: skip
        cls.evidence = services.save_evidence(
            space, evidence=first, kind="practice", title="Praktijk", text=MARKERS["evidence"],
            occurred_on=dt.date(2026, 3, 1), items=[cls.items[0]],
        )  # fmt: skip
        cls.reflection = services.save_evidence(
            space, kind="reflection", title="Reflectie", text="", occurred_on=dt.date(2026, 3, 2),
            items=[cls.items[1]], answers={"after_went": MARKERS["answer"]},
        )  # fmt: skip
        story.save_story(space, MARKERS["story"])
        cls.decision = story.save_decision(space, decided_on=dt.date(2026, 3, 3), what=MARKERS["decision"],
                                           audience="Wijkteam", purpose="Uitleg")  # fmt: skip
        cls.activity = record.save_activity(
            space, kind="supervision", title="Supervisie", hours=Decimal(1), occurred_on=dt.date(2026, 3, 4),
            private_note=MARKERS["private note"],
        )  # fmt: skip
        request, _secret = feedback.ask(space, asked_name="Sam", question="Hoe ging het?")
        cls.answer = feedback.answer(request, text=MARKERS["feedback"], name="Sam")
        cls.request_pk = request.pk

    def assert_no_marker(self, text: str, where: object) -> None:
        for kind, marker in MARKERS.items():
            self.assertNotIn(marker, text, f"{kind} of mia's space in {where}")

    def test_the_markers_are_there_for_mia_herself(self):
        exported = json.dumps(services.export(self.mia, self.space), ensure_ascii=False)
        for kind, marker in MARKERS.items():
            self.assertIn(marker, exported, kind)  # else the checks below would prove nothing
        client = Client()
        client.force_login(self.mia)  # and her own pages show them, where the others' show nothing
        self.assertContains(client.get(reverse("development_reflection", args=[self.reflection.pk])), MARKERS["answer"])
        self.assertContains(
            client.get(reverse("development_activity", args=[self.activity.pk])), MARKERS["private note"]
        )

    def test_no_other_user_sees_it_on_any_development_or_organisation_page(self):
        noor = self.noor
        self.start(noor)  # someone with a space of her own
        values = {
            "pk": self.org_a.pk, "evidence_pk": self.reflection.pk, "decision_pk": self.decision.pk,
            "activity_pk": self.activity.pk, "request_pk": self.request_pk, "use": "story", "slug": self.items[0],
        }  # fmt: skip
        pages = [(name, params) for name, params in development_urls() if params <= values.keys()]
        pages += [(name, {"pk"}) for name in ("organisation", "organisation_report", "access_log", "download_log")]
        self.assertGreater(len(pages), 30)
        for other in (self.alice, self.lex, self.bob, self.carol, noor, make_user("admin2", staff=True)):
            client = Client()
            client.force_login(other)
            for name, params in pages:
                try:
                    url = reverse(name, kwargs={p: values[p] for p in params})
                except NoReverseMatch:  # a parameter of another kind (the matrix covers those)
                    continue
                response = client.get(url)
                body = response.content
                text = (
                    pdf_text(body)
                    if response.get("Content-Type") == "application/pdf"
                    else body.decode(errors="ignore")
                )
                self.assert_no_marker(text, (other.username, name))

    def test_no_organisation_export_report_or_search_holds_it(self):
        self.assert_no_marker(json.dumps(export_organisation(self.org_a), default=str, ensure_ascii=False), "export")
        client = Client()
        client.force_login(self.alice)  # the admin of mia's organisation
        self.assert_no_marker(pdf_text(client.get(reverse("organisation_report_pdf", args=[self.org_a.pk])).content),
                              "report PDF")  # fmt: skip
        for marker in MARKERS.values():
            words = marker.split(": ")[1]
            self.assert_no_marker(client.get(reverse("knowledge_search"), {"q": words}).content.decode(), "search")

    def test_no_admin_page_holds_it_even_for_a_superuser(self):
        client = Client()
        client.force_login(self.carol)  # staff and superuser
        self.assert_no_marker(client.get(reverse("admin:index")).content.decode(), "admin index")
        for model in admin.site._registry:
            self.assertNotEqual(model._meta.app_label, "development", model)
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            self.assert_no_marker(client.get(url).content.decode(errors="ignore"), url)
