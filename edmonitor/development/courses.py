"""A training provider's course against the basic curriculum: every change goes through a function here.

A course is a list of units; each unit is mapped to items of the basic curriculum (modules,
learning goals, assignments, competences) and to core tasks, named by their knowledge-base
slug. :func:`coverage` lists, for every curriculum item, the units that cover it (or none),
and the units mapped to nothing. The curriculum's assignments are illustrations, not
requirements (``002``, the basic curriculum): the matrix says so and does not count them as
gaps. :func:`next_cohort` copies a course, its units and their mappings for the next group.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from edmonitor.core.downloads import csv_cell
from edmonitor.knowledge.models import Entry
from edmonitor.organisations.models import Organisation

from .models import MAX_NOTE, Course, CourseUnit, UnitItem
from .services import Refused, kind_groups, link_items

# What a unit can be mapped to, in the order of the coverage matrix.
CURRICULUM_KINDS = ("module", "learning_goal", "assignment", "competence", "core_task")
# Kinds that the basic curriculum gives as illustrations, not as requirements.
ILLUSTRATIONS = frozenset({"assignment"})
MAX_UNITS = 200
COVERAGE_FORMAT = "edmonitor-curriculum-coverage"


def curriculum_items() -> list[Entry]:
    rank = {kind: n for n, kind in enumerate(CURRICULUM_KINDS)}
    entries = Entry.objects.of_kind(*CURRICULUM_KINDS).select_related("parent")
    return sorted(
        entries,
        key=lambda e: (rank[e.kind], "2014" in e.edition, e.parent.order if e.parent else e.order, e.order, e.slug),
    )


def curriculum_groups(entries: list[Entry]) -> list[tuple[str, list[str]]]:
    """Each module with its learning goals and assignments, then the competences and core tasks."""
    modules = [e for e in entries if e.kind == "module"]
    groups = [
        (m.text("title"), [m.slug, *[e.slug for e in entries if e.parent_id == m.pk and e.kind != "module"]])
        for m in modules
    ]
    placed = {slug for _label, slugs in groups for slug in slugs}
    rest = [e for e in entries if e.slug not in placed]
    return groups + kind_groups(rest)


@transaction.atomic
def create_course(organisation: Organisation, *, name: str, cohort: str) -> Course:
    name, cohort = name.strip(), cohort.strip()
    if not name or not cohort:
        raise Refused([_("Give the course a name and a cohort.")])
    if Course.objects.filter(organisation=organisation, name=name, cohort=cohort).exists():
        raise Refused([_("This organisation already has this course for this cohort.")])
    return Course.objects.create(organisation=organisation, name=name, cohort=cohort)


@transaction.atomic
def save_unit(
    course: Course, *, name: str, description: str, items: list[str], unit: CourseUnit | None = None
) -> CourseUnit:
    problems = []
    if not name.strip():
        problems.append(_("Give the unit a name."))
    if len(description) > MAX_NOTE:
        problems.append(_("The description is too long (at most %(count)s characters).") % {"count": MAX_NOTE})
    known = set(Entry.objects.of_kind(*CURRICULUM_KINDS).filter(slug__in=items).values_list("slug", flat=True))
    if set(items) - known:
        problems.append(_("Choose items of the basic curriculum only."))
    if unit is None and course.units.count() >= MAX_UNITS:
        problems.append(_("A course has at most %(count)s units.") % {"count": MAX_UNITS})
    if unit is not None and unit.course_id != course.pk:
        problems.append(_("This unit belongs to another course."))
    if problems:
        raise Refused(problems)
    if unit is None:
        unit = CourseUnit(course=course, order=course.units.count() + 1)
    unit.name, unit.description = name.strip(), description.strip()
    unit.save()
    saved = unit
    link_items(unit.items, items, lambda item: UnitItem(unit=saved, item=item))
    return unit


@transaction.atomic
def delete_unit(course: Course, unit: CourseUnit) -> None:
    if unit.course_id != course.pk:
        raise Refused([_("This unit belongs to another course.")])
    unit.delete()


@transaction.atomic
def next_cohort(course: Course, *, cohort: str) -> Course:
    """The same course for a new cohort: its units and their mappings roll over."""
    new = create_course(course.organisation, name=course.name, cohort=cohort)
    for unit in course.units.prefetch_related("items"):
        copy = CourseUnit.objects.create(course=new, order=unit.order, name=unit.name, description=unit.description)
        UnitItem.objects.bulk_create([UnitItem(unit=copy, item=i.item) for i in unit.items.all()])
    return new


@dataclass
class Row:
    entry: Entry
    units: list[CourseUnit] = field(default_factory=list)

    @property
    def illustration(self) -> bool:
        return self.entry.kind in ILLUSTRATIONS


@dataclass
class Coverage:
    rows: list[Row]
    unmapped_units: list[CourseUnit]

    @property
    def gaps(self) -> list[Row]:
        """Required items no unit covers (assignments are illustrations and never a gap)."""
        return [r for r in self.rows if not r.units and not r.illustration]


def coverage(course: Course) -> Coverage:
    units = list(course.units.prefetch_related("items"))
    by_item: dict[str, list[CourseUnit]] = {}
    for unit in units:
        for link in unit.items.all():
            by_item.setdefault(link.item, []).append(unit)
    rows = [Row(entry=e, units=by_item.get(e.slug, [])) for e in curriculum_items()]
    return Coverage(rows=rows, unmapped_units=[u for u in units if not u.items.all()])


def coverage_document(course: Course) -> dict[str, Any]:
    result = coverage(course)
    return {
        "format": COVERAGE_FORMAT,
        "version": 1,
        "course": {"name": course.name, "cohort": course.cohort, "organisation": course.organisation.name},
        "note": "Assignments of the basic curriculum are illustrations, not requirements.",
        "items": [
            {
                "item": r.entry.slug,
                "kind": r.entry.kind,
                "title": r.entry.title_nl,
                "illustration": r.illustration,
                "covered_by": [u.name for u in r.units],
            }
            for r in result.rows
        ],
        "units_mapped_to_nothing": [u.name for u in result.unmapped_units],
    }


def coverage_json(course: Course) -> str:
    return json.dumps(coverage_document(course), ensure_ascii=False, indent=2)


def coverage_csv(course: Course) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["item", "kind", "title", "illustration", "covered_by"])
    for row in coverage(course).rows:
        writer.writerow([
            csv_cell(row.entry.slug), csv_cell(row.entry.kind), csv_cell(row.entry.title_nl),
            "yes" if row.illustration else "no", csv_cell(" | ".join(u.name for u in row.units) or "not covered"),
        ])  # fmt: skip
    return out.getvalue()
