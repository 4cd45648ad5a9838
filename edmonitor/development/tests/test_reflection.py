"""The reflection log and evidence versions (issue 21): questions of 002, grouped by 004 §1.6–1.7, versions kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from edmonitor.development import reflection, services
from edmonitor.development.models import Evidence, EvidenceVersion, Space
from edmonitor.testing_seeds import seed_text, squash

from .test_space import SECRET, SpaceCase

pytestmark = pytest.mark.both_databases

CURRICULUM = "002_63a3ba9f06dc7a13.txt"


class QuestionTests(SpaceCase):
    def test_the_questions_are_those_of_the_002_assignment_before_and_after(self):
        text = squash(seed_text(CURRICULUM))
        start = text.index("Opdracht in tweetallen of in groepjes")
        assignment = text[start : text.index("Bespreek dit met klasgenoten", start)]
        before, after = assignment.split("En ook achteraf")
        # the seed asks 4 questions before and 5 afterwards (each ends in a question mark)
        self.assertEqual(before.split("inzetten van je eigen verhaal.")[1].count("?"), 4)
        self.assertEqual(after.count("?"), 5)
        moments = [q.moment for q in reflection.QUESTIONS]
        self.assertEqual((moments.count("before"), moments.count("after")), (4, 5))
        self.assertEqual(len(reflection.QUESTION_KEYS), len(reflection.QUESTIONS))
        self.assertIn("Het eigen verhaal", reflection.citation())

    def test_the_log_has_the_six_situations_and_two_pillars_as_headings(self):
        space = self.start(self.noor)
        services.save_evidence(space, kind="reflection", title="Dicht bij een cliënt", text="", items=[self.items[0]],
                               occurred_on=dt.date(2026, 4, 1), about="kritische-situatie-2")  # fmt: skip
        self.login(self.noor)
        page = self.client.get(reverse("development_reflections"))
        groups = page.context["groups"]
        self.assertEqual([g["entry"].slug for g in groups],
                         [f"kritische-situatie-{n}" for n in range(1, 7)]
                         + ["pijler-methodische-zelfhulp", "pijler-emancipatie"])  # fmt: skip
        self.assertEqual([len(g["items"]) for g in groups], [0, 1, 0, 0, 0, 0, 0, 0])
        self.assertEqual(len(re.findall(r"<h2>", page.content.decode())), 8)
        self.assertContains(page, "Dicht bij een cliënt")


class SaveTests(SpaceCase):
    def data(self, **changes):
        return {"title": "Na de voorlichting", "occurred_on": "2026-05-01", "about": "pijler-emancipatie",
                "text": "", "items": [self.items[0]], "answer_before_strength": "Ja, net",
                "answer_after_differently": "Korter vertellen"} | changes  # fmt: skip

    def test_a_reflection_keeps_what_it_is_about_and_the_answers(self):
        self.start(self.noor)
        self.login(self.noor)
        response = self.client.post(reverse("development_reflection_create"), self.data())
        self.assertRedirects(response, reverse("development_reflections"))
        evidence = Evidence.objects.get()
        self.assertEqual((evidence.kind, evidence.about), ("reflection", "pijler-emancipatie"))
        self.assertEqual(evidence.answers, {"before_strength": "Ja, net", "after_differently": "Korter vertellen"})

    def test_bad_input_is_refused_and_changes_nothing(self):
        space = self.start(self.noor)
        self.login(self.noor)
        for changes in ({"about": "kerntaak-2022-1"}, {"answer_after_went": "x" * 2_001}, {"items": []}):
            with self.subTest(changes=list(changes)):
                response = self.client.post(reverse("development_reflection_create"), self.data(**changes))
                self.assertContains(response, "error-summary")
        self.assertFalse(Evidence.objects.exists())
        for about, answers in (("kerntaak-2022-1", {}), ("", {"onbekend": "x"}), ("", {"after_went": "x" * 2_001})):
            with self.assertRaises(services.Refused):
                services.save_evidence(space, kind="reflection", title="x", text="", occurred_on=dt.date(2026, 1, 1),
                                       items=[self.items[0]], about=about, answers=answers)  # fmt: skip
        self.assertFalse(Evidence.objects.exists())

    def test_other_evidence_is_no_reflection_page(self):
        space = self.start(self.noor)
        course = services.save_evidence(space, kind="course", title="Cursus", text="", occurred_on=dt.date(2026, 1, 1),
                                        items=[self.items[0]])  # fmt: skip
        self.login(self.noor)
        self.assertEqual(self.client.get(reverse("development_reflection", args=[course.pk])).status_code, 404)


class VersionTests(SpaceCase):
    def save(self, space, evidence=None, **changes):
        values = {"kind": "reflection", "title": "Eerste", "text": SECRET, "occurred_on": dt.date(2026, 2, 2),
                  "items": [self.items[0]], "about": "", "answers": {}} | changes  # fmt: skip
        return services.save_evidence(space, evidence=evidence, **values)

    def test_a_change_keeps_the_previous_state_and_no_change_keeps_nothing(self):
        space = self.start(self.noor)
        evidence = self.save(space, answers={"after_went": "goed"})
        self.save(space, evidence, answers={"after_went": "goed"})  # the same: nothing to keep
        self.assertFalse(EvidenceVersion.objects.exists())
        self.save(space, evidence, title="Tweede", items=[self.items[1]], about="kritische-situatie-4")
        version = EvidenceVersion.objects.get()
        self.assertEqual((version.title, version.text, version.items, version.about, version.answers),
                         ("Eerste", SECRET, [self.items[0]], "", {"after_went": "goed"}))  # fmt: skip
        self.login(self.noor)
        page = self.client.get(reverse("development_reflection", args=[evidence.pk]))
        self.assertEqual(list(page.context["versions"]), [version])
        self.assertContains(page, "Eerste")

    def test_at_most_50_versions_are_kept_the_oldest_go(self):
        space = self.start(self.noor)
        evidence = self.save(space, title="v0")
        for n in range(1, 53):
            self.save(space, evidence, title=f"v{n}")
        titles = list(evidence.versions.values_list("title", flat=True))
        self.assertEqual(len(titles), 50)
        self.assertEqual(titles[0], "v51")  # the state before the last change
        self.assertNotIn("v1", titles)  # 52 changes kept 52 states: the two oldest, v0 and v1, went
        self.assertNotIn("v0", titles)

    def test_versions_go_with_the_evidence_and_with_the_space(self):
        space = self.start(self.noor)
        first = self.save(space)
        self.save(space, first, title="Anders")
        second = self.save(space)
        self.save(space, second, title="Ook anders")
        services.delete_evidence(space, first)
        self.assertEqual(list(EvidenceVersion.objects.values_list("evidence", flat=True)), [second.pk])
        services.delete_space(self.noor)
        self.assertFalse(EvidenceVersion.objects.exists())
        self.assertFalse(Space.objects.exists())

    def test_nobody_else_sees_a_version(self):
        space = self.start(self.mia)
        evidence = self.save(space)
        self.save(space, evidence, text="Nieuw")
        for other in (self.alice, self.carol, self.bob, self.noor):
            client = Client()
            client.force_login(other)
            self.assertEqual(client.get(reverse("development_reflection", args=[evidence.pk])).status_code, 404)
            self.assertEqual(client.post(reverse("development_reflection", args=[evidence.pk]),
                                         {"title": "weg"}).status_code, 404)  # fmt: skip
        self.assertEqual(EvidenceVersion.objects.count(), 1)
