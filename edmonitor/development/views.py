"""The development space's pages: for its owner only (every query is filtered by the owner's space)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edmonitor.core.downloads import safe_filename
from edmonitor.core.pdf import render_pdf  # imports WeasyPrint only when a PDF is made
from edmonitor.core.types import signed_in
from edmonitor.knowledge.models import Entry

from . import record, services
from .crosswalk import crosswalk
from .forms import AssessmentForm, ConsentForm, EvidenceForm
from .models import Evidence, Story
from .reflection import QUESTIONS

# Typed to delete the whole space: a plain word, so nobody deletes it by a slip.
DELETE_WORD = "VERWIJDEREN"


def _item_fields() -> dict[str, Any]:
    """The choices and groups of the form's items: the competence map."""
    items = services.map_items()
    return {"choices": [(e.slug, e.text("title")) for e in items], "groups": services.kind_groups(items)}


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The competence map with the newest self-assessment per item, and the evidence; first the consent."""
    user = signed_in(request.user)
    space = services.existing_space(user)
    if space is None or space.consent_given_at is None:
        form = ConsentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.give_consent(services.space_of(user))
            messages.success(request, _("Your development space is ready."))
            return redirect("development")
        return render(request, "development/consent.html", {"form": form})
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    return render(
        request,
        "development/home.html",
        {
            "rows": services.overview(space),
            "evidence": space.evidence.prefetch_related("items"),
            "crosswalk": crosswalk(),
        },
    )


def _item_or_404(slug: str) -> Entry:
    for entry in services.map_items():
        if entry.slug == slug:
            return entry
    raise Http404("Not an item of the competence map")


@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, slug: str) -> HttpResponse:
    entry = _item_or_404(slug)
    space = services.existing_space(signed_in(request.user))
    if space is None or space.consent_given_at is None:
        return redirect("development")
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.assess(space, item=slug, level=form.cleaned_data["level"], on=form.cleaned_data["assessed_on"],
                        note=form.cleaned_data["note"])  # fmt: skip
        messages.success(request, _("Your self-assessment has been saved."))
        return redirect("development")
    earlier = space.assessments.filter(item=slug)
    context = {"form": form, "entry": entry, "title": entry.text("title"), "summary": entry.text("summary")}
    return render(request, "development/assess.html", {**context, "earlier": earlier})


@require_http_methods(["GET", "POST"])
def evidence(request: HttpRequest, evidence_pk: int | None = None) -> HttpResponse:
    user = signed_in(request.user)
    # Someone else's evidence, or none: "not found", and nothing is made on the way.
    instance = get_object_or_404(Evidence, pk=evidence_pk, space__user=user) if evidence_pk is not None else None
    space = services.existing_space(user)
    if space is None or space.consent_given_at is None:
        return redirect("development")
    initial = {}
    if instance is not None:
        initial = {"kind": instance.kind, "title": instance.title, "occurred_on": instance.occurred_on,
                   "text": instance.text, "items": [i.item for i in instance.items.all()]}  # fmt: skip
    form = EvidenceForm(request.POST or None, initial=initial, **_item_fields())
    if request.method == "POST" and form.is_valid():
        try:
            services.save_evidence(space, evidence=instance, **form.cleaned_data)
        except services.Refused as refused:
            for message in refused.messages:
                form.add_error(None, message)
            form.describe_errors()
        else:
            messages.success(request, _("The evidence has been saved."))
            return redirect("development")
    return render(request, "development/evidence_form.html", {"form": form, "evidence": instance})


def evidence_delete(request: HttpRequest, evidence_pk: int) -> HttpResponse:
    instance = get_object_or_404(Evidence.objects.select_related("space"), pk=evidence_pk, space__user=request.user.pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.delete_evidence(instance.space, instance)
    messages.success(request, _("The evidence has been deleted."))
    return redirect("development")


def export(request: HttpRequest) -> HttpResponse:
    """The whole space as JSON, for the person to keep or take to another tool."""
    user = signed_in(request.user)
    body = json.dumps(services.export(user, services.existing_space(user)), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = safe_filename(f"mijn-ontwikkeling-{user.get_username()}.json", "json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_pdf(request: HttpRequest) -> HttpResponse:
    """The whole space as a readable PDF, for the person to keep, print or take along."""
    user = signed_in(request.user)
    space = services.existing_space(user)
    context: dict[str, Any] = {"person": user, "space": space, "made_on": timezone.localdate()}
    if space is not None:
        titles = {entry.slug: entry.text("title") for entry in services.map_items()}
        context |= {
            "rows": [row for row in services.overview(space) if row["assessment"] or row["evidence"]],
            "evidence": [
                (
                    e,
                    [titles.get(i.item, i.item) for i in e.items.all()],
                    [(q.text, e.answers[q.key]) for q in QUESTIONS if e.answers.get(q.key)],
                )
                for e in space.evidence.prefetch_related("items")
            ],
            "story": Story.objects.filter(space=space).first(),
            "decisions": space.story_decisions.all(),
            **record.overview(space),
        }
    body = render_pdf("development/export_pdf.html", context, request)
    response = HttpResponse(body, content_type="application/pdf")
    name = safe_filename(f"mijn-ontwikkeling-{user.get_username()}.pdf", "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response


@require_http_methods(["GET", "POST"])
def delete_space(request: HttpRequest) -> HttpResponse:
    """Delete the whole space for real, after the person types the word asked for."""
    user = signed_in(request.user)
    problem = ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip().upper() == DELETE_WORD:
            services.delete_space(user)
            messages.success(request, _("Your development space has been deleted. Nothing of it is kept."))
            return redirect("dashboard")
        problem = _("Type %(word)s to delete everything.") % {"word": DELETE_WORD}
    return render(request, "development/delete.html", {"word": DELETE_WORD, "problem": problem})
