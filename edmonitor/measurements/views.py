"""Measurement pages: record, show, correct and delete a measurement (importing files: :mod:`.import_views`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from edmonitor.improvement.services import (
    judge_again_message,
    pending_goals,
    refresh_judged_goals,
    release_goals_of,
)
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Action, can, organisation_for

from .forms import MeasurementForm, problem_message
from .instruments import current_version
from .models import InstrumentVersion, Measurement
from .services import delete_measurement, record_measurement, rescore


def _measurement(
    request: HttpRequest, pk: int, measurement_pk: int, action: Action
) -> tuple[Organisation, Measurement]:
    organisation = organisation_for(request.user, pk, action)
    measurement = get_object_or_404(Measurement.objects.with_responses(), pk=measurement_pk, organisation=organisation)
    return organisation, measurement


def _form_page(
    request: HttpRequest,
    organisation: Organisation,
    version: InstrumentVersion,
    measurement: Measurement | None = None,
) -> HttpResponse:
    """Show the measurement form; on a valid POST record it (new or corrected) and go to its page."""
    form = MeasurementForm(
        request.POST or None, instrument=version.instrument, organisation=organisation, measurement=measurement
    )
    unanswered: list[Any] = []
    if request.method == "POST" and form.is_valid():
        assert form.inp is not None and form.result is not None
        unanswered = [item for item in version.instrument.items if item.id not in form.result.items]
        if unanswered and not request.POST.get("confirm_unanswered"):
            # Nothing is saved yet: the page names the unanswered items and asks once more.
            return render(
                request,
                "measurements/measurement_form.html",
                {
                    "form": form,
                    "organisation": organisation,
                    "instrument": version.instrument,
                    "measurement": measurement,
                    "unanswered": unanswered,
                },
            )
        with transaction.atomic():
            saved, _result = record_measurement(
                organisation=organisation,
                instrument_version=version,
                measured_on=form.cleaned_data["measured_on"],
                label=form.cleaned_data["label"],
                facility=form.cleaned_data.get("facility"),
                inp=form.inp,
                notes=form.notes(),
                user=request.user,
                measurement=measurement,
            )
            # A correction may change the scores goals were judged on.
            again = refresh_judged_goals(saved, user=request.user) if measurement is not None else []
        if again:
            messages.warning(request, judge_again_message(len(again)))
            return redirect("measurement_goals", pk=organisation.pk, measurement_pk=saved.pk)
        if measurement is None and pending_goals(saved).exists():
            # Goals were set before this measurement: judging them is the next step.
            messages.success(request, _("The measurement has been saved. Now judge the goals set before it."))
            return redirect("measurement_goals", pk=organisation.pk, measurement_pk=saved.pk)
        messages.success(
            request, _("The changes have been saved.") if measurement else _("The measurement has been saved.")
        )
        return redirect("measurement", pk=organisation.pk, measurement_pk=saved.pk)
    if request.method == "POST":
        messages.error(request, _("The measurement has not been saved: please correct the marked fields."))
    return render(
        request,
        "measurements/measurement_form.html",
        {"form": form, "organisation": organisation, "instrument": version.instrument, "measurement": measurement},
    )


@require_http_methods(["GET", "POST"])
def measurement_create(request: HttpRequest, pk: int, instrument_code: str = "vie") -> HttpResponse:
    organisation = organisation_for(request.user, pk, Action.RECORD)
    if instrument_code != "vie":
        raise Http404("Unknown instrument")
    return _form_page(request, organisation, current_version(instrument_code))


@require_http_methods(["GET", "POST"])
def measurement_edit(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    organisation, measurement = _measurement(request, pk, measurement_pk, Action.RECORD)
    return _form_page(request, organisation, measurement.instrument_version, measurement)


def measurement_detail(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    organisation, measurement = _measurement(request, pk, measurement_pk, Action.VIEW)
    instrument = measurement.instrument
    result = rescore(measurement)
    responses = {r.item_id: r for r in measurement.responses.all()}
    goal_labels = {g.code: g.label for g in instrument.goal_codes}
    rows = []
    for item in instrument.items:
        response = responses.get(item.id)
        score = response.score if response else None
        rows.append(
            {
                "item": item,
                "score": score,
                "anchor": item.anchors.get(score) if score else None,
                "derived": bool(response and response.derived),
                "goal": response.goal_code if response else "",
                "goal_label": goal_labels.get(response.goal_code) if response and response.goal_code else None,
                "note": response.note if response else "",
            }
        )
    return render(
        request,
        "measurements/measurement_detail.html",
        {
            "organisation": organisation,
            "measurement": measurement,
            "instrument": instrument,
            "rows": rows,
            "level": instrument.level(measurement.level) if measurement.level else None,
            "warnings": [problem_message(w, instrument) for w in result.warnings],
            # as numbers, so the page writes them the user's way (4,5 in Dutch)
            "facts": [(instrument.fact(k), Decimal(v)) for k, v in measurement.facts.items()],
            "criteria": {
                item_id: [c for c in instrument.item(item_id).derivation.criteria if c.id in ids]
                for item_id, ids in measurement.criteria.items()
            },
            "can_record": can(request.user, Action.RECORD, organisation),
            "can_manage": can(request.user, Action.MANAGE, organisation),
            "goals_to_judge": pending_goals(measurement).count(),
        },
    )


@require_http_methods(["GET", "POST"])
def measurement_delete(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    organisation, measurement = _measurement(request, pk, measurement_pk, Action.MANAGE)
    if request.method == "POST":
        with transaction.atomic():
            released = release_goals_of(measurement, user=request.user)
            delete_measurement(measurement)
        messages.success(request, _("The measurement has been deleted."))
        if released:
            messages.info(
                request,
                ngettext(
                    "The goal judged at this measurement is open again.",
                    "The %(count)s goals judged at this measurement are open again.",
                    len(released),
                )
                % {"count": len(released)},
            )
        return redirect("organisation", pk=organisation.pk)
    return render(
        request,
        "measurements/measurement_confirm_delete.html",
        {"organisation": organisation, "measurement": measurement, "judged_goals": measurement.evaluated_goals.count()},
    )
