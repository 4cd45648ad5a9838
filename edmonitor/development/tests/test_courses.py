"""A training provider's course against the basic curriculum (issue 21 part 3).

The expected coverage is worked out here from the curriculum as shipped (the knowledge base's
content files), independently of the code that builds the matrix.
"""

from __future__ import annotations

import csv
import io
import json

from django.urls import reverse

from edmonitor.development import courses
from edmonitor.development.models import Course
from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.services import load as load_knowledge
from edmonitor.organisations.models import Organisation
from edmonitor.testing import BaseTestCase

CONTENT = read_content()
KINDS = ("module", "learning_goal", "assignment", "competence", "core_task")
CURRICULUM = [e for e in CONTENT.entries if e["kind"] in KINDS]
MODULES = [e["slug"] for e in CURRICULUM if e["kind"] == "module"]
GOALS = [e["slug"] for e in CURRICULUM if e["kind"] == "learning_goal"]
ASSIGNMENTS = {e["slug"] for e in CURRICULUM if e["kind"] == "assignment"}


class CourseCoverageTests(BaseTestCase):
    org_a: Organisation  # set by BaseTestCase.setUpTestData

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_knowledge(CONTENT)

    def setUp(self):
        self.login(self.mia)  # a project member of A (RECORD)

    def make_course(self) -> Course:
        response = self.client.post(
            reverse("course_create", args=[self.org_a.pk]), {"name": "Opleiding ED", "cohort": "2026"}
        )
        course = Course.objects.get()
        self.assertRedirects(response, reverse("course", args=[self.org_a.pk, course.pk]))
        return course

    def test_the_matrix_lists_every_curriculum_item_with_its_units_or_not_covered(self):
        course = self.make_course()
        url = reverse("course", args=[self.org_a.pk, course.pk])
        add = reverse("course_unit_create", args=[self.org_a.pk, course.pk])
        self.client.post(add, {"name": "Dag 1", "items": [MODULES[0], GOALS[0]]})
        self.client.post(add, {"name": "Dag 2", "items": [GOALS[0]]})
        self.client.post(add, {"name": "Kennismaking", "items": []})
        document = json.loads(
            self.client.get(reverse("course_coverage", args=[self.org_a.pk, course.pk, "json"])).content
        )
        covered = {i["item"]: i["covered_by"] for i in document["items"]}
        self.assertEqual(set(covered), {e["slug"] for e in CURRICULUM})  # every item, once
        self.assertEqual(covered[MODULES[0]], ["Dag 1"])
        self.assertEqual(sorted(covered[GOALS[0]]), ["Dag 1", "Dag 2"])
        self.assertEqual(document["units_mapped_to_nothing"], ["Kennismaking"])
        illustrations = {i["item"] for i in document["items"] if i["illustration"]}
        self.assertEqual(illustrations, ASSIGNMENTS)
        gaps = courses.coverage(course).gaps
        expected_gaps = {e["slug"] for e in CURRICULUM} - ASSIGNMENTS - {MODULES[0], GOALS[0]}
        self.assertEqual({r.entry.slug for r in gaps}, expected_gaps)
        page = self.client.get(url)
        self.assertContains(page, "niet gedekt")
        as_csv = self.client.get(reverse("course_coverage", args=[self.org_a.pk, course.pk, "csv"]))
        rows = list(csv.reader(io.StringIO(as_csv.content.decode()), delimiter=";"))
        self.assertEqual(rows[0], ["item", "kind", "title", "illustration", "covered_by"])
        self.assertEqual(len(rows) - 1, len(CURRICULUM))

    def test_mappings_roll_over_to_the_next_cohort(self):
        course = self.make_course()
        add = reverse("course_unit_create", args=[self.org_a.pk, course.pk])
        self.client.post(add, {"name": "Dag 1", "items": MODULES[:2]})
        self.client.post(reverse("course_next", args=[self.org_a.pk, course.pk]), {"cohort": "2027"})
        new = Course.objects.get(cohort="2027")
        self.assertEqual([u.name for u in new.units.all()], ["Dag 1"])
        self.assertEqual(sorted(new.units.get().items.values_list("item", flat=True)), sorted(MODULES[:2]))
        self.client.post(reverse("course_next", args=[self.org_a.pk, course.pk]), {"cohort": "2027"})  # twice
        self.assertEqual(Course.objects.filter(cohort="2027").count(), 1)

    def test_bad_input_is_refused_and_a_viewer_only_reads(self):
        course = self.make_course()
        url = reverse("course", args=[self.org_a.pk, course.pk])
        add = reverse("course_unit_create", args=[self.org_a.pk, course.pk])
        bad = self.client.post(add, {"name": "", "items": ["bestaat-niet"]})
        self.assertContains(bad, "error-summary")
        self.assertFalse(course.units.exists())
        self.login(self.lex)  # a viewer of A
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(add, {"name": "Stiekem"}).status_code, 403)
        self.assertFalse(course.units.exists())
        self.login(self.bob)  # another organisation's admin
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("course_coverage", args=[self.org_a.pk, course.pk, "exe"])).status_code, 404
        )
