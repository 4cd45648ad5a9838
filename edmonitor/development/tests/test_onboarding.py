"""Onboarding plans (issue 21): "A practice supervisor or employer … keeps an onboarding plan for a new colleague
built from `001`'s advice (gradual build-up of hours and tasks, a buddy, clear expectations): it has no fields for
health information, and free text there carries a warning not to record any."

001, "Begeleiding bij weer werken", tips for employers: a tailored induction period; guidance by a (senior)
expert by experience; a job coach for building up hours and tasks; openness about expectations, roles and tasks.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from edmonitor.development import onboarding
from edmonitor.development.models import OnboardingPlan, OnboardingStep
from edmonitor.development.onboarding_views import NO_HEALTH, PlanForm, StepForm
from edmonitor.testing import BaseTestCase, make_user

pytestmark = pytest.mark.both_databases

# The source document, where this checkout has it beside it (it is not shipped with the code).
SEED_001 = next(Path("/work/shared/seeds").glob("001_*.txt"), None)
HEALTH_WORDS = ("health", "diagnos", "medic", "illness", "condition", "recovery", "symptom")


class OnboardingCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sam = make_user("sam")  # the new colleague
        cls.plan = onboarding.create_plan(cls.org_a, cls.alice, newcomer_name="Sam", starts_on=dt.date(2026, 9, 1))

    def english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the source text, whatever the translations say


class RoleTests(OnboardingCase):
    def test_those_who_record_keep_plans_a_viewer_gets_403_and_another_organisation_404(self):
        list_url = reverse("onboarding_plans", args=[self.org_a.pk])
        plan_url = reverse("onboarding_plan", args=[self.org_a.pk, self.plan.pk])
        create_url = reverse("onboarding_plan_create", args=[self.org_a.pk])
        data = {"newcomer_name": "Noor", "starts_on": "2026-10-01"}
        self.login(self.lex)
        for url in (list_url, plan_url):
            self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(create_url, data).status_code, 403)
        self.login(self.bob)
        for url in (list_url, plan_url):
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(create_url, data).status_code, 404)
        # B's admin cannot reach A's plan through B's address either
        self.assertEqual(
            self.client.get(reverse("onboarding_plan", args=[self.org_b.pk, self.plan.pk])).status_code, 404
        )
        self.assertEqual(OnboardingPlan.objects.count(), 1)
        self.login(self.mia)
        self.assertEqual(self.client.get(plan_url).status_code, 200)
        response = self.client.post(create_url, data)
        new = OnboardingPlan.objects.get(newcomer_name="Noor")
        self.assertRedirects(response, reverse("onboarding_plan", args=[self.org_a.pk, new.pk]))
        self.assertEqual(new.supervisor, self.mia)

    def test_steps_are_added_and_deleted_by_those_who_record_only(self):
        step = self.plan.steps.first()
        assert step is not None
        add = reverse("onboarding_step_create", args=[self.org_a.pk, self.plan.pk])
        delete = reverse("onboarding_step_delete", args=[self.org_a.pk, self.plan.pk, step.pk])
        data = {"from_week": "10", "hours_per_week": "24", "tasks": "Eigen groep"}
        self.login(self.lex)
        self.assertEqual(self.client.post(add, data).status_code, 403)
        self.assertEqual(self.client.post(delete).status_code, 403)
        count = self.plan.steps.count()
        self.login(self.alice)
        self.client.post(add, data)
        self.client.post(delete)
        self.assertEqual(self.plan.steps.count(), count)
        self.assertTrue(self.plan.steps.filter(from_week=10).exists())
        self.assertFalse(OnboardingStep.objects.filter(pk=step.pk).exists())
        for bad in ({"from_week": "0"}, {"hours_per_week": "41"}, {"tasks": ""}):
            self.assertEqual(self.client.post(add, data | bad).status_code, 400, bad)

    def test_a_plan_is_deleted_with_its_steps_after_asking_and_by_those_who_record_only(self):
        url = reverse("onboarding_plan_delete", args=[self.org_a.pk, self.plan.pk])
        self.login(self.lex)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.bob)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertTrue(OnboardingPlan.objects.filter(pk=self.plan.pk).exists())
        self.login(self.mia)
        self.assertContains(self.client.get(url), "Sam")  # the question first: nothing deleted yet
        self.assertTrue(OnboardingPlan.objects.filter(pk=self.plan.pk).exists())
        self.assertRedirects(self.client.post(url), reverse("onboarding_plans", args=[self.org_a.pk]))
        self.assertFalse(OnboardingPlan.objects.filter(pk=self.plan.pk).exists())
        self.assertFalse(OnboardingStep.objects.filter(plan_id=self.plan.pk).exists())

    def test_the_new_colleague_reads_their_own_plan_only(self):
        self.login(self.alice)
        self.client.post(
            reverse("onboarding_plan", args=[self.org_a.pk, self.plan.pk]),
            {
                "newcomer_name": "Sam",
                "newcomer_account": "sam",
                "starts_on": "2026-09-01",
                "buddy_name": "Joris",
                "expectations": "Samen opbouwen.",
            },
        )
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.newcomer, self.sam)
        self.login(self.sam)
        page = self.client.get(reverse("development_onboarding"))
        self.assertContains(page, "Samen opbouwen.")
        self.assertContains(page, "Joris")
        self.assertNotContains(page, '<form method="post" class')  # read-only: no form of the plan
        self.assertEqual(self.client.get(reverse("onboarding_plans", args=[self.org_a.pk])).status_code, 404)
        self.login(self.lex)
        self.assertNotContains(self.client.get(reverse("development_onboarding")), "Samen opbouwen.")


class AdviceTests(OnboardingCase):
    def test_a_new_plan_starts_with_a_gradual_build_up_from_week_one_and_clear_expectations(self):
        steps = list(self.plan.steps.order_by("from_week"))
        self.assertGreaterEqual(len(steps), 2)
        self.assertEqual(steps[0].from_week, 1)
        weeks = [s.from_week for s in steps]
        hours = [s.hours_per_week for s in steps]
        self.assertEqual(weeks, sorted(set(weeks)))
        self.assertEqual(hours, sorted(hours))  # built up, never down
        self.assertLess(hours[0], hours[-1])
        self.assertTrue(self.plan.expectations.strip())
        self.assertEqual(self.plan.supervisor, self.alice)

    def test_the_page_cites_001_beside_the_advice_it_draws_on(self):
        self.login(self.alice)
        self.english()
        page = self.client.get(reverse("onboarding_plan", args=[self.org_a.pk, self.plan.pk])).content.decode()
        citations = re.findall(r"\(source: (001, [^)]+)\)", page)
        self.assertEqual(len(citations), len(onboarding.ADVICE))
        for citation in citations:
            self.assertIn("Begeleiding bij weer werken", citation)
        if SEED_001 is not None:  # the cited section is in the source as it reads
            text = SEED_001.read_text(encoding="utf-8")
            self.assertIn("Begeleiding bij weer werken", text)
            self.assertIn("Tips voor werkgevers", text)
            for topic in ("opbouw in uren/taken", "(senior) ervaringsdeskundige", "duidelijk in verwachtingen"):
                self.assertIn(topic, text)
        for topic in ("build up hours and tasks", "(senior) expert by experience", "expectations, roles and tasks"):
            self.assertIn(topic, page)


class NoHealthTests(OnboardingCase):
    def test_the_plan_has_no_field_for_health_information(self):
        for model in (OnboardingPlan, OnboardingStep):
            for field in model._meta.get_fields():
                words = f"{field.name} {getattr(field, 'verbose_name', '')} {getattr(field, 'help_text', '')}".lower()
                self.assertFalse(any(w in words for w in HEALTH_WORDS), f"{model.__name__}.{field.name}")

    def test_every_free_text_field_carries_the_warning_tied_to_it(self):
        self.login(self.alice)
        self.english()
        page = self.client.get(reverse("onboarding_plan", args=[self.org_a.pk, self.plan.pk])).content.decode()
        warning = str(NO_HEALTH).split(".")[0]
        self.assertIn("health", warning)
        free_text = {
            form: [
                n
                for n, f in form.base_fields.items()
                if n != "newcomer_account" and f.__class__.__name__ == "CharField"
            ]
            for form in (PlanForm, StepForm)
        }
        self.assertEqual(sorted(free_text[PlanForm]), ["buddy_name", "expectations", "newcomer_name"])
        self.assertEqual(free_text[StepForm], ["tasks"])
        for name in free_text[PlanForm] + free_text[StepForm]:
            field = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page)
            assert field is not None, name
            described = re.search(r'aria-describedby="([^"]+)"', field.group(0))
            assert described is not None, f"{name} has no description tied to it"
            for help_id in described.group(1).split():
                help_text = re.search(rf'<p class="help" id="{help_id}">([^<]*)</p>', page)
                if help_text and warning in html.unescape(help_text.group(1)):
                    break
            else:
                self.fail(f"the warning is not tied to {name}")
