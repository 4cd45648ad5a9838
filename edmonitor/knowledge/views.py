"""The knowledge base pages: overview, search, one entry, the dialogue methods and one method.

The framework is public knowledge: every logged-in user may read all of it
(login is required for every page by LoginRequiredMiddleware); staff edit it
in the admin.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from edmonitor.knowledge.content import AUDIENCES, ROLES
from edmonitor.knowledge.forms import PARTS, MethodFilterForm, SearchForm
from edmonitor.knowledge.matching import Group, match_all
from edmonitor.knowledge.models import DialogueMethod, Entry, RoleUse, SuggestionLink, label
from edmonitor.knowledge.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS, parse, search
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, can

# The overview's sections: (part, kinds shown as top-level lists).
OVERVIEW_KINDS = {
    "framework": ("background", "concept", "core_task", "pillar", "critical_situation", "key_recommendation"),
    "curriculum": ("curriculum_background", "task_area", "module", "competence"),
    "route": ("route_step", "onboarding_tip"),
    "live": (
        "live_background", "live_success_factor", "live_pitfall", "live_dilemma", "live_condition",
        "live_recommendation", "live_added_value", "live_table",
    ),
}  # fmt: skip


SHOWN_HITS = 50  # the best ones; the page says how many more there are


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def knowledge_index(request: HttpRequest) -> HttpResponse:
    entries = list(Entry.objects.filter(parent__isnull=True).select_related("source"))
    sections = []
    for part, kinds in OVERVIEW_KINDS.items():
        groups = []
        for kind in kinds:
            of_kind = [e for e in entries if e.kind == kind]
            if kind in ("key_recommendation", "onboarding_tip"):
                for audience in AUDIENCES:
                    found = [e for e in of_kind if e.audience == audience]
                    if found:
                        groups.append((f"{found[0].kind_label}: {found[0].audience_label}", found))
            elif kind == "core_task":
                for edition in sorted({e.edition for e in of_kind}):
                    groups.append(
                        (f"{of_kind[0].kind_label} ({edition})", [e for e in of_kind if e.edition == edition])
                    )
            elif of_kind:
                groups.append((of_kind[0].kind_label, of_kind))
        sections.append({"key": part, "title": PARTS[part][0], "groups": groups})
    methods = DialogueMethod.objects.all()
    return render(
        request,
        "knowledge/index.html",
        {"sections": sections, "methods": methods, "form": SearchForm()},
    )


def knowledge_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits = query = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        # a query too long is cut (the page says so); one of stop words only finds nothing (the page says why)
        query = parse(form.cleaned_data["q"], _language())
        hits = search(query, _language(), form.kinds())
    shown = hits[:SHOWN_HITS] if hits else hits
    return render(
        request,
        "knowledge/search.html",
        {
            "form": form,
            "query": query,
            "hits": hits,
            "shown": shown,
            "max_words": MAX_QUERY_WORDS,
            "max_chars": MAX_QUERY_CHARS,
        },
    )


def knowledge_entry(request: HttpRequest, slug: str) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("source", "parent"), slug=slug)
    children = entry.children.select_related("source")
    related = Entry.objects.filter(Q(related=entry) | Q(entry=entry)).exclude(pk=entry.pk).distinct()
    methods = DialogueMethod.objects.filter(Q(core_tasks=entry) | Q(critical_situations=entry)).distinct()
    suggested_for = SuggestionLink.objects.filter(entry=entry).select_related("source")
    return render(
        request,
        "knowledge/entry.html",
        {
            "entry": entry,
            "children": children,
            "related": related,
            "methods": methods,
            "suggested_for": suggested_for,
        },
    )


def _plan_for(request: HttpRequest) -> list[Organisation]:
    """The organisations the user works for and may record in: where a session with a method can be planned."""
    own = Organisation.objects.with_member(request.user) if request.user.is_authenticated else []
    return [o for o in own if can(request.user, Access.RECORD, o)]


def method_list(request: HttpRequest) -> HttpResponse:
    form = MethodFilterForm(request.GET or None)
    criteria = form.criteria()
    groups = match_all(list(DialogueMethod.objects.all()), criteria)
    return render(
        request,
        "knowledge/method_list.html",
        {
            "form": form,
            "criteria": criteria,
            "filtered": criteria.chosen,
            "fitting": groups[Group.FITS],
            "size_not_stated": groups[Group.SIZE_NOT_STATED],
            "not_fitting": groups[Group.DOES_NOT_FIT],
            "plan_for": _plan_for(request),
        },
    )


def method_detail(request: HttpRequest, slug: str) -> HttpResponse:
    method = get_object_or_404(
        DialogueMethod.objects.select_related("source").prefetch_related(
            "steps",
            Prefetch("core_tasks", Entry.objects.order_by("edition", "order")),
            Prefetch("critical_situations", Entry.objects.order_by("order")),
        ),
        slug=slug,
    )
    roles = [(label(ROLES, role), use, RoleUse(use).label) for role, use in method.role_uses().items()]
    suggested_for = SuggestionLink.objects.filter(method=method).select_related("source")
    return render(
        request,
        "knowledge/method.html",
        {"method": method, "roles": roles, "suggested_for": suggested_for, "plan_for": _plan_for(request)},
    )
