"""Importing VIE measurements from a file: upload → preview → confirm (in the background, with a progress
page); the imports of an organisation; undo.

The steps and their rules are in :mod:`.imports`, the background confirm in :mod:`.tasks`; who
may undo an import in :func:`edmonitor.measurements.permissions.can_undo_import`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from edmonitor.core import background
from edmonitor.core.models import BackgroundJob
from edmonitor.core.types import signed_in
from edmonitor.instruments.csvio import ScoredRow
from edmonitor.organisations.downloads import download_response
from edmonitor.organisations.models import DownloadKind, Organisation
from edmonitor.organisations.permissions import Access, can, organisation_for

from . import import_template, imports, tasks
from .forms import MeasurementImportForm
from .instruments import current_version
from .models import ImportBatch, Level
from .permissions import can_undo_import

#: Rows the preview lists one by one, of the new ones and of those that look like duplicates.
LISTED_ROWS = 100
#: Imports the list page shows (the newest).
LISTED_BATCHES = 50


def _import_page(request: HttpRequest, organisation: Organisation, form: MeasurementImportForm) -> HttpResponse:
    version = current_version("vie")
    return render(
        request,
        "measurements/measurement_import.html",
        {"form": form, "organisation": organisation, "columns": import_template.columns(version.instrument)},
    )


@require_http_methods(["GET", "POST"])
def measurement_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a file of VIE measurements: checked completely, then kept for the preview (nothing imported yet)."""
    organisation = organisation_for(request.user, pk, Access.RECORD)
    version = current_version("vie")
    form = MeasurementImportForm(
        request.POST or None, request.FILES or None, organisation=organisation, instrument=version.instrument
    )
    if request.method == "POST" and form.is_valid():
        batch = imports.start_import(
            organisation=organisation,
            instrument_version=version,
            file_name=form.cleaned_data["file"].name,
            content=form.content,
            rows=len(form.rows),
            user=request.user,
        )
        return redirect("measurement_import_preview", pk=organisation.pk, batch_pk=batch.pk)
    if request.method == "POST":
        messages.error(request, _("Nothing has been imported: please correct the file and try again."))
    return _import_page(request, organisation, form)


#: The import template in each format: (download kind, content type, builder, description).
TEMPLATES = {
    "csv": (
        DownloadKind.CSV,
        "text/csv; charset=utf-8",
        import_template.template_csv,
        gettext_lazy("Template for importing VIE measurements"),
    ),
    "xlsx": (
        DownloadKind.XLSX,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        import_template.template_xlsx,
        gettext_lazy("Template for importing VIE measurements (Excel)"),
    ),
}


def _template(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The template to fill in for an import: every column (Dutch names), one example row (Excel: a real date
    cell, and a sheet explaining the columns)."""
    organisation = organisation_for(request.user, pk, Access.RECORD)
    version = current_version("vie")
    kind, content_type, build, description = TEMPLATES[fmt]
    return download_response(
        request,
        organisation=organisation,
        kind=kind,
        filename=f"vie-importsjabloon-{organisation.name}.{fmt}",
        content=build(version.instrument, organisation, timezone.localdate()),
        content_type=content_type,
        description=str(description),
    )


def measurement_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    return _template(request, pk, "csv")


def measurement_import_template_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _template(request, pk, "xlsx")


def _finished(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    """A batch that is no longer waiting (confirmed in another tab, or a second click): say so, do nothing."""
    messages.info(request, _("This file has already been imported. Nothing has been imported twice."))
    return redirect("measurement_imports", pk=batch.organisation_id)


@require_http_methods(["GET", "POST"])
def measurement_import_preview(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    """What the upload adds, and which rows look like stored measurements (skipped unless ticked); confirm or cancel.

    An upload waiting for confirmation is its uploader's alone: for anyone else it does not exist
    (404). Confirming queues the import (:mod:`.tasks`) and shows its progress page; while it is
    queued or running, this page (and a second click on the button) shows that page too.
    """
    organisation = organisation_for(request.user, pk, Access.RECORD)
    batch = get_object_or_404(
        ImportBatch.objects.select_related("organisation", "instrument_version"),
        pk=batch_pk,
        organisation=organisation,
        created_by_id=request.user.pk,
    )
    running = tasks.unfinished_confirm(batch)
    if running is not None:
        return redirect("measurement_import_progress", pk=organisation.pk, batch_pk=batch.pk, job_pk=running.pk)
    if batch.status != ImportBatch.Status.PENDING:
        return _finished(request, batch)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).delete()
        messages.info(request, _("The import has been cancelled. Nothing has been imported."))
        return redirect("measurement_import", pk=organisation.pk)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        include = {int(n) for n in request.POST.getlist("include") if n.isdigit()}
        try:
            job = tasks.start_confirm(
                batch, include=include, signature=request.POST.get("signature", ""), user=signed_in(request.user)
            )
        except background.Busy:
            messages.warning(
                request,
                _("You have %(n)s tasks running already. Wait until one of them is ready, then try again.")
                % {"n": background.MAX_UNFINISHED_PER_OWNER},
            )
            return redirect("measurement_import_preview", pk=organisation.pk, batch_pk=batch.pk)
        return redirect("measurement_import_progress", pk=organisation.pk, batch_pk=batch.pk, job_pk=job.pk)
    try:
        rows = imports.read_pending(batch)
    except forms.ValidationError as invalid:
        # Still valid at upload, no longer (e.g. the organisation was renamed): start again.
        form = MeasurementImportForm(organisation=organisation, instrument=batch.instrument_version.instrument)
        form.errors["file"] = form.error_class(invalid.messages)
        messages.error(request, _("Nothing has been imported: please correct the file and try again."))
        return _import_page(request, organisation, form)
    shown = imports.preview(organisation, rows)
    return render(request, "measurements/measurement_import_preview.html", _preview_context(organisation, batch, shown))


def measurement_import_progress(request: HttpRequest, pk: int, batch_pk: int, job_pk: uuid.UUID) -> HttpResponse:
    """The confirm of an upload in the background: how far it is while it runs, then its result.

    The job is its owner's alone (404 for anyone else). The page asks for its progress once a
    second (``edmonitor/background.js``); without JavaScript its refresh link shows it.
    """
    organisation = organisation_for(request.user, pk, Access.RECORD)
    job = background.job_of(request.user, job_pk)
    if job.key != tasks.job_key(organisation.pk, batch_pk):
        raise Http404
    # None when the file was no longer valid: the upload was deleted
    batch = ImportBatch.objects.filter(pk=batch_pk, organisation=organisation).first()
    context: dict[str, Any] = {"organisation": organisation, "batch": batch, **background.page_context(job)}
    if job.status == BackgroundJob.Status.DONE:
        context |= _result(request, organisation, batch, job.result)
    elif job.status == BackgroundJob.Status.FAILED:
        context["heading"] = _("The import did not succeed")
        context["pending"] = batch is not None and batch.status == ImportBatch.Status.PENDING
    else:
        context["heading"] = _("Importing")
    return render(request, "measurements/measurement_import_progress.html", context)


def _result(
    request: HttpRequest, organisation: Organisation, batch: ImportBatch | None, result: dict[str, Any]
) -> dict[str, Any]:
    """What a finished confirm says: what was imported, or why nothing was."""
    outcome = result.get("outcome")
    if outcome == imports.Outcome.IMPORTED:
        imported, skipped = result["imported"], result["skipped"]
        text = ngettext("%(n)s measurement has been imported.", "%(n)s measurements have been imported.", imported) % {
            "n": imported
        }
        if skipped:
            text += " " + ngettext("%(n)s row has been skipped.", "%(n)s rows have been skipped.", skipped) % {
                "n": skipped
            }
        may_undo = False
        if batch is not None:
            batch.organisation = organisation
            may_undo = (
                batch.status == ImportBatch.Status.IMPORTED
                and batch.imported > 0
                and can_undo_import(request.user, batch)
            )
        return {"heading": _("The import is ready"), "outcome": outcome, "text": text, "may_undo": may_undo}
    if outcome == imports.Outcome.CHANGED:
        text = _(
            "Since you checked the file, measurements have been added or removed. "
            "Nothing has been imported yet: check the list again."
        )
        return {"heading": _("Nothing has been imported yet"), "outcome": outcome, "text": text}
    text = _("This file has already been imported. Nothing has been imported twice.")
    return {"heading": _("The import is ready"), "outcome": outcome, "text": text}


def _shown(row: ScoredRow) -> dict[str, Any]:
    """One row of the file as the preview shows it."""
    level = row.result.level or ""
    return {
        "number": row.row,
        "measured_on": row.measured_on,
        "label": row.label,
        "facility": row.facility,
        "total": row.result.total,
        "level": level,
        "level_name": Level(level).label if level in Level.values else "",
    }


def _preview_context(organisation: Organisation, batch: ImportBatch, shown: imports.Preview) -> dict[str, Any]:
    listed = shown.duplicates[:LISTED_ROWS]
    stored = {m.pk: m for m in organisation.measurements.filter(pk__in=[d.stored for d in listed if d.stored])}
    return {
        "organisation": organisation,
        "batch": batch,
        "preview": shown,
        "new_rows": [_shown(row) for row in shown.new[:LISTED_ROWS]],
        "new_more": max(0, len(shown.new) - LISTED_ROWS),
        "duplicates": [
            _shown(d.row) | {"stored": stored.get(d.stored or 0), "earlier_row": d.earlier_row} for d in listed
        ],
        "duplicates_more": max(0, len(shown.duplicates) - LISTED_ROWS),
        "same_file": list(imports.earlier_imports_of_same_file(batch)[:3]),
        "facility_column": any(row.facility for row in shown.rows),
    }


def measurement_imports(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's imports, newest first: who imported what when, and undo where the user may."""
    organisation = organisation_for(request.user, pk, Access.VIEW)
    batches = list(organisation.import_batches.recorded().select_related("created_by", "undone_by")[:LISTED_BATCHES])
    for batch in batches:
        batch.organisation = organisation  # for the permission check, without a query per row
        batch.may_undo = (  # type: ignore[attr-defined]  # for this page's template only
            batch.status == ImportBatch.Status.IMPORTED and batch.imported > 0 and can_undo_import(request.user, batch)
        )
    return render(
        request,
        "measurements/measurement_imports.html",
        {"organisation": organisation, "batches": batches, "can_record": _can_record(request, organisation)},
    )


def _can_record(request: HttpRequest, organisation: Organisation) -> bool:
    return can(request.user, Access.RECORD, organisation)


@require_http_methods(["GET", "POST"])
def measurement_import_undo(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    """Undo an import as a whole, after a page that says what goes, and which judged goals open again."""
    organisation = organisation_for(request.user, pk, Access.VIEW)
    batch = get_object_or_404(
        organisation.import_batches.recorded().select_related("created_by", "undone_by"), pk=batch_pk
    )
    batch.organisation = organisation
    if not can_undo_import(request.user, batch):
        raise PermissionDenied
    if batch.status != ImportBatch.Status.IMPORTED:
        messages.info(request, _("This import has already been undone."))
        return redirect("measurement_imports", pk=organisation.pk)
    goals = list(imports.judged_goals(batch))
    goal_ids = ",".join(str(g.pk) for g in goals)
    if request.method == "POST":
        if request.POST.get("goals", "") != goal_ids:
            messages.warning(
                request,
                _("Since you opened this page, goals have been judged or opened again. Nothing has been removed yet."),
            )
        else:
            undone = imports.undo_import(batch, user=request.user)
            if undone is None:
                messages.info(request, _("This import has already been undone."))
                return redirect("measurement_imports", pk=organisation.pk)
            text = ngettext(
                "The import has been undone: %(n)s measurement has been removed.",
                "The import has been undone: %(n)s measurements have been removed.",
                undone.removed,
            ) % {"n": undone.removed}
            if undone.reopened:
                text += " " + ngettext(
                    "%(n)s goal is open again.", "%(n)s goals are open again.", len(undone.reopened)
                ) % {"n": len(undone.reopened)}
            messages.success(request, text)
            return redirect("measurement_imports", pk=organisation.pk)
    return render(
        request,
        "measurements/measurement_import_undo.html",
        {
            "organisation": organisation,
            "batch": batch,
            "count": batch.measurements.count(),
            "changed": imports.changed_since_import(batch),
            "goals": goals,
            "goal_ids": goal_ids,
        },
    )
