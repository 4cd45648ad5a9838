"""Measurement pages: record, show, correct and delete a measurement (importing files: :mod:`.import_views`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from edmonitor.core.concurrency import Conflict, fingerprint, fingerprints, parse_fingerprints
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, can, organisation_for

from .forms import MeasurementForm, problem_message
from .instruments import current_version
from .models import InstrumentVersion, Measurement, MeasurementDraft
from .services import (
    DraftGone,
    correct_measurement,
    delete_measurement,
    discard_draft,
    record_measurement,
    rescore,
    save_draft,
)
from .signals import answers, measurement_awaits
from .texts import judge_again_message


def _measurement(
    request: HttpRequest, pk: int, measurement_pk: int, action: Access
) -> tuple[Organisation, Measurement]:
    organisation = organisation_for(request.user, pk, action)
    measurement = get_object_or_404(Measurement.objects.with_responses(), pk=measurement_pk, organisation=organisation)
    return organisation, measurement


def _render_form(request: HttpRequest, form: MeasurementForm, context: dict[str, Any], **extra: Any) -> HttpResponse:
    return render(request, "measurements/measurement_form.html", {"form": form, **context, **extra})


def _form_page(
    request: HttpRequest,
    organisation: Organisation,
    version: InstrumentVersion,
    measurement: Measurement | None = None,
    draft: MeasurementDraft | None = None,
) -> HttpResponse:
    """Show the measurement form; on a valid POST record it (new or corrected) and go to its page.

    "Save as draft" keeps the values as typed, unchecked, in a :class:`MeasurementDraft`
    (a new one, or ``draft`` when the form was opened from one) and comes back to it.
    """
    # A draft's values as its form shows them: every field, with the form's own default where
    # the draft holds none. What the user saw is compared against this, never the raw draft.
    shown = None
    if draft is not None:
        shown = MeasurementForm(
            instrument=version.instrument, organisation=organisation, initial=draft.data
        ).displayed_values()
    form = MeasurementForm(
        request.POST or None,
        instrument=version.instrument,
        organisation=organisation,
        measurement=measurement,
        **({"initial": shown} if shown is not None else {}),
    )
    context: dict[str, Any] = {
        "organisation": organisation,
        "instrument": version.instrument,
        "measurement": measurement,
        "draft": draft,
        "shown": shown,
        "draft_seen": fingerprints(shown) if shown is not None else "",
        "correction_drafts": list(measurement.drafts.select_related("updated_by")) if measurement and not draft else [],
    }
    if request.method == "POST" and (request.POST.get("save_draft") or _changed_since_shown(request, shown)):
        # Saving a draft, or completing one that someone else saved in the meantime: then the
        # two are merged into the draft first and the user checks the result before recording it.
        return _save_draft(request, form, context, version=version, draft=draft)
    unanswered: list[Any] = []
    if request.method == "POST" and form.is_valid():
        assert form.inp is not None and form.result is not None
        unanswered = [item for item in version.instrument.items if item.id not in form.result.items]
        if unanswered and not request.POST.get("confirm_unanswered"):
            # Nothing is saved yet: the page names the unanswered items and asks once more.
            return _render_form(request, form, context, unanswered=unanswered)
        answers = {
            "measured_on": form.cleaned_data["measured_on"],
            "label": form.cleaned_data["label"],
            "facility": form.cleaned_data.get("facility"),
            "inp": form.inp,
            "notes": form.notes(),
            "user": request.user,
            "draft": draft,
        }
        again: list[Any] = []
        try:
            if measurement is None:
                saved, _result = record_measurement(organisation=organisation, instrument_version=version, **answers)
            else:
                # A correction may change the scores goals were judged on: the service says which.
                correction = correct_measurement(measurement, **answers)
                saved, again = correction.measurement, correction.judge_again
        except DraftGone:
            return _draft_gone(request, organisation.pk, measurement)
        if again:
            messages.warning(request, judge_again_message(len(again)))
            return redirect("measurement_goals", pk=organisation.pk, measurement_pk=saved.pk)
        if measurement is None and awaiting(saved):
            # Goals were set before this measurement: judging them is the next step.
            messages.success(request, _("The measurement has been saved. Now judge the goals set before it."))
            return redirect("measurement_goals", pk=organisation.pk, measurement_pk=saved.pk)
        messages.success(
            request, _("The changes have been saved.") if measurement else _("The measurement has been saved.")
        )
        return redirect("measurement", pk=organisation.pk, measurement_pk=saved.pk)
    if request.method == "POST":
        messages.error(request, _("The measurement has not been saved: please correct the marked fields."))
    return _render_form(request, form, context)


def _draft_gone(request: HttpRequest, pk: int, measurement: Measurement | None = None) -> HttpResponse:
    """Answers posted to a draft that someone else completed or threw away meanwhile: shown again, not lost.

    Nothing is saved. The page shows the posted values as a new form of their own (a new
    measurement, or a correction of ``measurement``), to save as a draft or a measurement.
    """
    organisation = organisation_for(request.user, pk, Access.RECORD)
    version = measurement.instrument_version if measurement is not None else current_version("vie")
    posted = MeasurementForm(request.POST, instrument=version.instrument, organisation=organisation)
    messages.error(
        request,
        _(
            "Someone else has completed or thrown away this draft in the meantime. Your answers have not been "
            "saved; they are still below. Save them as a new draft, or as a measurement."
        ),
    )
    if measurement is not None:
        action = reverse("measurement_edit", args=[organisation.pk, measurement.pk])
    else:
        action = reverse("measurement_create", args=[organisation.pk])
    context = {
        "organisation": organisation,
        "instrument": version.instrument,
        "measurement": measurement,
        "draft": None,
        "form_action": action,
    }
    return _render_form(request, _as_typed(posted), context)


def _changed_since_shown(request: HttpRequest, shown: dict[str, Any] | None) -> bool:
    """Whether someone saved the draft after this user opened it (then the form is not recorded as posted)."""
    if shown is None:
        return False
    return parse_fingerprints(request.POST.get("draft_seen")) != {k: fingerprint(v) for k, v in shown.items()}


def _save_draft(
    request: HttpRequest,
    form: MeasurementForm,
    context: dict[str, Any],
    *,
    version: InstrumentVersion,
    draft: MeasurementDraft | None,
) -> HttpResponse:
    organisation = context["organisation"]
    try:
        values = form.draft_data()
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _render_form(request, _as_typed(form), context)
    try:
        saved = save_draft(
            organisation=organisation,
            instrument_version=version,
            data=values,
            user=request.user,
            draft=draft,
            measurement=context["measurement"],
            seen=parse_fingerprints(request.POST.get("draft_seen")) if draft is not None else None,
            defaults=context["shown"],
        )
    except Conflict as conflict:
        # Nothing is saved: the form keeps this user's values and names what the other person changed.
        assert draft is not None
        labels = [str(form.fields[name].label) for name in conflict.fields if name in form.fields]
        # What this user left as shown takes the other person's value; what they changed stays theirs.
        seen = parse_fingerprints(request.POST.get("draft_seen"))
        shown = {
            key: context["shown"].get(key, value) if seen.get(key) == fingerprint(value) else value
            for key, value in values.items()
        }
        again = MeasurementForm(instrument=form.instrument, organisation=organisation, initial=shown)
        return _render_form(request, again, {**context, "draft_seen": fingerprints(context["shown"])}, conflict=labels)
    if saved.merged_others:
        messages.warning(
            request,
            _(
                "Someone else also saved this draft after you opened it. Their changes and yours are both in the "
                "draft now. Check the form before you save the measurement."
            ),
        )
    else:
        messages.success(
            request,
            _("The draft has been saved. It does not count yet. You can go on later from the organisation page."),
        )
    return redirect("measurement_draft", pk=organisation.pk, draft_pk=saved.draft.pk)


def _as_typed(form: MeasurementForm) -> MeasurementForm:
    """The same form showing the posted values as typed, without running the checks (no error messages)."""
    return MeasurementForm(instrument=form.instrument, organisation=form.organisation, initial=form.typed_values())


def awaiting(measurement: Measurement) -> list[Any]:
    """What waits to be judged at this measurement (the goals set before it), as the apps above answer."""
    return answers(measurement_awaits.send(sender=Measurement, measurement=measurement))


def _criteria(instrument: Any, item_id: str) -> tuple[Any, ...]:
    """The criteria an item is scored by (item 7a), or none."""
    derivation = instrument.item(item_id).derivation
    return tuple(derivation.criteria) if derivation is not None else ()


@require_http_methods(["GET", "POST"])
def measurement_create(request: HttpRequest, pk: int, instrument_code: str = "vie") -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    if instrument_code != "vie":
        raise Http404("Unknown instrument")
    return _form_page(request, organisation, current_version(instrument_code))


@require_http_methods(["GET", "POST"])
def measurement_edit(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    organisation, measurement = _measurement(request, pk, measurement_pk, Access.RECORD)
    return _form_page(request, organisation, measurement.instrument_version, measurement)


def _draft(request: HttpRequest, pk: int, draft_pk: int) -> tuple[Organisation, MeasurementDraft]:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    draft = get_object_or_404(
        MeasurementDraft.objects.select_related("instrument_version", "measurement", "updated_by"),
        pk=draft_pk,
        organisation=organisation,
    )
    return organisation, draft


@require_http_methods(["GET", "POST"])
def measurement_draft(request: HttpRequest, pk: int, draft_pk: int) -> HttpResponse:
    """Go on with a draft: the form with the draft's values; anyone who may record may do so."""
    try:
        organisation, draft = _draft(request, pk, draft_pk)
    except Http404:
        if request.method != "POST":
            raise
        return _draft_gone(request, pk)
    measurement = None
    if draft.measurement_id is not None:
        measurement = Measurement.objects.with_responses().get(pk=draft.measurement_id)
    return _form_page(request, organisation, draft.instrument_version, measurement, draft)


@require_http_methods(["GET", "POST"])
def measurement_draft_delete(request: HttpRequest, pk: int, draft_pk: int) -> HttpResponse:
    """Throw a draft away, after a confirmation that says what it holds."""
    organisation, draft = _draft(request, pk, draft_pk)
    if request.method == "POST":
        discard_draft(draft)
        messages.success(request, _("The draft has been thrown away."))
        return redirect("organisation", pk=organisation.pk)
    return render(
        request,
        "measurements/draft_confirm_delete.html",
        {"organisation": organisation, "draft": draft, "items": len(draft.instrument.items)},
    )


def measurement_detail(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    organisation, measurement = _measurement(request, pk, measurement_pk, Access.VIEW)
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
                item_id: [c for c in _criteria(instrument, item_id) if c.id in ids]
                for item_id, ids in measurement.criteria.items()
            },
            "can_record": can(request.user, Access.RECORD, organisation),
            "can_manage": can(request.user, Access.MANAGE, organisation),
            "goals_to_judge": len(awaiting(measurement)),
        },
    )


@require_http_methods(["GET", "POST"])
def measurement_delete(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    organisation, measurement = _measurement(request, pk, measurement_pk, Access.MANAGE)
    if request.method == "POST":
        released = delete_measurement(measurement, user=request.user)  # goals judged at it open again
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
        {
            "organisation": organisation,
            "measurement": measurement,
            "judged_goals": measurement.evaluated_goals.count(),
            "drafts": measurement.drafts.count(),
        },
    )
