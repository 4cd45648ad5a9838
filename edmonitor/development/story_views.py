"""Pages of the own story, the consent per use and the reflection log: for the space's owner only.

Every page takes the space from ``request.user``; an object of anyone else is "not found". A
person without a development space (or without its consent) is sent to the space's first page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edmonitor.core.types import signed_in
from edmonitor.knowledge.models import cite

from . import reflection, services, story
from .forms import ReflectionForm, StoryDecisionForm, StoryForm, saved
from .models import ConsentUse, Evidence, EvidenceKind, Space, Story, StoryDecision
from .services import Refused


def _space(request: HttpRequest) -> Space | None:
    """The person's space if they agreed to keep records; looking never makes one."""
    space = services.existing_space(signed_in(request.user))
    return space if space is not None and space.consent_given_at is not None else None


# --- consent per use --------------------------------------------------------------------------------


def _consent_rows(space: Space) -> list[dict[str, Any]]:
    given = set(space.consents.filter(withdrawn_at__isnull=True).values_list("use", flat=True))
    return [{"use": use, "label": label, "given": use in given} for use, label in ConsentUse.choices]


@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    """Each use with what it means; a POST of ``use`` gives that consent."""
    space = _space(request)
    if space is None:
        return redirect("development")
    if request.method == "POST":
        try:
            services.give_use_consent(space, request.POST.get("use", ""))
        except Refused as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your consent has been saved. You can withdraw it at any moment."))
        return redirect("development_consents")
    return render(request, "development/consents.html", {"rows": _consent_rows(space)})


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, use: str) -> HttpResponse:
    """What withdrawing means (GET); withdrawing it (POST; for the story only with the box ticked)."""
    if use not in ConsentUse.values:
        raise Http404("No such use")
    space = _space(request)
    if space is None:
        return redirect("development")
    problem = ""
    if request.method == "POST":
        if use == ConsentUse.STORY and request.POST.get("confirm") != "on":
            problem = _("Tick the box to confirm that your story and decision records will be deleted.")
        else:
            story.withdraw_use_consent(space, use)
            messages.success(request, _("Your consent has been withdrawn."))
            return redirect("development_consents")
    context = {
        "use": use,
        "label": ConsentUse(use).label,
        "given": services.has_consent(space, use),
        "problem": problem,
        "decisions": space.story_decisions.count() if use == ConsentUse.STORY else 0,
        "shares": space.shares.filter(revoked_at__isnull=True).count() if use == ConsentUse.SHARING else 0,
    }
    return render(request, "development/consents_withdraw.html", context)


# --- the own story and its decision records ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def story_page(request: HttpRequest) -> HttpResponse:
    space = _space(request)
    if space is None:
        return redirect("development")
    if not services.has_consent(space, ConsentUse.STORY):
        return render(request, "development/story_consent.html")
    own = Story.objects.filter(space=space).first()
    form = StoryForm(request.POST or None, initial={"text": own.text if own else ""})
    if request.method == "POST" and saved(form, lambda data: story.save_story(space, data["text"])) is not None:
        messages.success(request, _("Your story has been saved."))
        return redirect("development_story")
    context = {"form": form, "decisions": space.story_decisions.all(), "source": cite(*story.STEPS_SOURCE)}
    return render(request, "development/story.html", context)


def _story_space(request: HttpRequest) -> Space | None:
    space = _space(request)
    return space if space is not None and services.has_consent(space, ConsentUse.STORY) else None


@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, decision_pk: int | None = None) -> HttpResponse:
    user = signed_in(request.user)
    # Someone else's record, or none: "not found", and nothing is made on the way.
    instance = get_object_or_404(StoryDecision, pk=decision_pk, space__user=user) if decision_pk is not None else None
    space = _story_space(request)
    if space is None:
        return redirect("development_story" if _space(request) else "development")
    initial = {}
    if instance is not None:
        initial = {"decided_on": instance.decided_on, "what": instance.what, "audience": instance.audience,
                   "purpose": instance.purpose, "afterwards": instance.afterwards}  # fmt: skip
    form = StoryDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if saved(form, lambda data: story.save_decision(space, decision=instance, **data)) is not None:
            messages.success(request, _("The decision record has been saved."))
            return redirect("development_story")
    return render(request, "development/story_decision.html", {"form": form, "decision": instance})


def decision_delete(request: HttpRequest, decision_pk: int) -> HttpResponse:
    instance = get_object_or_404(StoryDecision.objects.select_related("space"), pk=decision_pk,
                                 space__user=request.user.pk)  # fmt: skip
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    story.delete_decision(instance.space, instance)
    messages.success(request, _("The decision record has been deleted."))
    return redirect("development_story")


# --- the reflection log -----------------------------------------------------------------------------


def reflections(request: HttpRequest) -> HttpResponse:
    space = _space(request)
    if space is None:
        return redirect("development")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return render(request, "development/reflections.html", {**reflection.log(space), "source": reflection.citation()})


def _reflection_form(data: Any, initial: dict[str, Any]) -> ReflectionForm:
    items = services.map_items()
    return ReflectionForm(
        data,
        initial=initial,
        choices=[(e.slug, e.text("title")) for e in items],
        groups=services.kind_groups(items),
        about=[(e.slug, e.text("title")) for e in reflection.about_entries()],
    )


@require_http_methods(["GET", "POST"])
def reflection_page(request: HttpRequest, evidence_pk: int | None = None) -> HttpResponse:
    user = signed_in(request.user)
    instance = None
    if evidence_pk is not None:
        instance = get_object_or_404(Evidence, pk=evidence_pk, space__user=user, kind=EvidenceKind.REFLECTION)
    space = _space(request)
    if space is None:
        return redirect("development")
    initial: dict[str, Any] = {}
    if instance is not None:
        initial = {"title": instance.title, "occurred_on": instance.occurred_on, "about": instance.about,
                   "text": instance.text, "items": [i.item for i in instance.items.all()]}  # fmt: skip
        initial |= {f"answer_{key}": value for key, value in instance.answers.items()}
    form = _reflection_form(request.POST or None, initial)

    def save(data: dict[str, Any]) -> Evidence:
        return services.save_evidence(
            space, evidence=instance, kind=EvidenceKind.REFLECTION, title=data["title"], text=data["text"],
            occurred_on=data["occurred_on"], items=data["items"], about=data["about"], answers=form.answers(),
        )  # fmt: skip

    if request.method == "POST" and saved(form, save) is not None:
        messages.success(request, _("Your reflection has been saved."))
        return redirect("development_reflections")
    context = {
        "form": form,
        "evidence": instance,
        "versions": instance.versions.all() if instance is not None else [],
        "moments": reflection.MOMENTS,
        "source": reflection.citation(),
    }
    return render(request, "development/reflections_form.html", context)
