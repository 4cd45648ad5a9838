"""A training provider's courses and their coverage of the basic curriculum: organisation data.

Reading is for every role of the organisation (VIEW), changing for project members and admins
(RECORD), decided by :func:`edmonitor.organisations.permissions.organisation_for`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edmonitor.core.downloads import CSV_CONTENT_TYPE, safe_filename
from edmonitor.organisations.downloads import download_response
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, can, organisation_for

from . import courses
from .forms import CohortForm, CourseForm, UnitForm, saved
from .models import Course, CourseUnit
from .services import Refused


def _item_fields() -> dict[str, Any]:
    """The choices and groups of the unit form's items: the basic curriculum and the core tasks."""
    items = courses.curriculum_items()
    choices = [(e.slug, f"{e.kind_label}: {e.text('title')}") for e in items]
    return {"choices": choices, "groups": courses.curriculum_groups(items)}


def _course(request: HttpRequest, pk: int, course_pk: int, access: Access) -> tuple[Organisation, Course]:
    organisation = organisation_for(request.user, pk, access)
    return organisation, get_object_or_404(Course, pk=course_pk, organisation=organisation)


def _list_page(request: HttpRequest, organisation: Organisation, form: CourseForm | None = None) -> HttpResponse:
    context = {
        "organisation": organisation,
        "courses": organisation.courses.all(),
        "form": form or CourseForm(),
        "may_record": can(request.user, Access.RECORD, organisation),
    }
    return render(request, "development/courses.html", context)


def course_list(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.VIEW)
    if request.method not in ("GET", "HEAD"):  # after access: a foreign URL answers 404 either way
        return HttpResponseNotAllowed(["GET"])
    return _list_page(request, organisation)


def course_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The course list's form posts here (RECORD)."""
    organisation = organisation_for(request.user, pk, Access.RECORD)
    if request.method != "POST":  # checked after access, so a foreign URL answers 404 either way
        return HttpResponseNotAllowed(["POST"])
    form = CourseForm(request.POST)
    course = saved(form, lambda data: courses.create_course(organisation, **data))
    if course is not None:
        messages.success(request, _("The course has been added. Now add its units."))
        return redirect("course", pk=organisation.pk, course_pk=course.pk)
    return _list_page(request, organisation, form)


def _course_page(
    request: HttpRequest, organisation: Organisation, this: Course, form: UnitForm | None = None
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "course": this,
        "coverage": courses.coverage(this),
        "form": form or UnitForm(**_item_fields()),
        "cohort_form": CohortForm(),
        "may_record": can(request.user, Access.RECORD, organisation),
    }
    return render(request, "development/course.html", context)


def course(request: HttpRequest, pk: int, course_pk: int) -> HttpResponse:
    """The course's units, the coverage matrix, and (for RECORD) the forms to add a unit or copy the course."""
    organisation, this = _course(request, pk, course_pk, Access.VIEW)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _course_page(request, organisation, this)


def unit_create(request: HttpRequest, pk: int, course_pk: int) -> HttpResponse:
    """The course page's unit form posts here (RECORD)."""
    organisation, this = _course(request, pk, course_pk, Access.RECORD)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = UnitForm(request.POST, **_item_fields())
    if saved(form, lambda data: courses.save_unit(this, **data)) is not None:
        messages.success(request, _("The unit has been saved."))
        return redirect("course", pk=organisation.pk, course_pk=this.pk)
    return _course_page(request, organisation, this, form)


@require_http_methods(["GET", "POST"])
def unit(request: HttpRequest, pk: int, course_pk: int, unit_pk: int) -> HttpResponse:
    organisation, this = _course(request, pk, course_pk, Access.RECORD)
    instance = get_object_or_404(CourseUnit, pk=unit_pk, course=this)
    initial = {"name": instance.name, "description": instance.description,
               "items": [i.item for i in instance.items.all()]}  # fmt: skip
    form = UnitForm(request.POST or None, initial=initial, **_item_fields())
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            courses.delete_unit(this, instance)
            messages.success(request, _("The unit has been deleted."))
            return redirect("course", pk=organisation.pk, course_pk=this.pk)
        if form.is_valid():
            courses.save_unit(this, unit=instance, **form.cleaned_data)
            messages.success(request, _("The unit has been saved."))
            return redirect("course", pk=organisation.pk, course_pk=this.pk)
        form.describe_errors()
    context = {"organisation": organisation, "course": this, "unit": instance, "form": form}
    return render(request, "development/unit.html", context)


def course_next(request: HttpRequest, pk: int, course_pk: int) -> HttpResponse:
    """Copy the course, its units and what they cover, for the next cohort (POST)."""
    organisation, this = _course(request, pk, course_pk, Access.RECORD)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CohortForm(request.POST)
    if form.is_valid():
        try:
            new = courses.next_cohort(this, cohort=form.cleaned_data["cohort"])
        except Refused as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The course is ready for the next cohort."))
            return redirect("course", pk=organisation.pk, course_pk=new.pk)
    else:
        messages.error(request, _("Give the name of the next cohort."))
    return redirect("course", pk=organisation.pk, course_pk=this.pk)


def course_coverage(request: HttpRequest, pk: int, course_pk: int, fmt: str) -> HttpResponse:
    """The coverage matrix as CSV or JSON, for another tool."""
    organisation, this = _course(request, pk, course_pk, Access.VIEW)
    if fmt not in ("csv", "json"):
        raise Http404("No such format")
    name = safe_filename(f"dekking-{this.name}-{this.cohort}.{fmt}", fmt)
    csv_wanted = fmt == "csv"
    return download_response(
        request,
        organisation=organisation,
        kind=fmt,
        filename=name,
        content=courses.coverage_csv(this) if csv_wanted else courses.coverage_json(this),
        content_type=CSV_CONTENT_TYPE if csv_wanted else "application/json; charset=utf-8",
        description="curriculum coverage",
    )
