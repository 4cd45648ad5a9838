"""Auditors over time (issue 20 part 4): each auditor's bias and agreement, by year.

The figures come from :func:`.auditor_stats.auditor_report`; who sees whose figures is decided by
:func:`.auditor_stats.may_see_figures_of` (coordinators every auditor, an auditor their own). Access
is checked before anything else, so a POST gets the same refusal as a GET; the pages only read.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from edmonitor.core.types import Account, account
from edmonitor.organisations.permissions import is_coordinator

from . import auditor_stats
from .auditor_stats import auditor_report, is_auditor, may_see_figures_of

READ = ("GET", "HEAD")


def auditor_overview(request: HttpRequest) -> HttpResponse:
    """Coordinators: every auditor with a finalised audit. An auditor: on to their own figures. Others: 403."""
    if not is_coordinator(request.user):
        if is_auditor(request.user):
            return redirect("auditor_figures", user_pk=request.user.pk)
        raise PermissionDenied
    if request.method not in READ:
        return HttpResponseNotAllowed(READ)
    report = auditor_report()
    people = (
        get_user_model()
        .objects.filter(audit_roles__audit__finalised_at__isnull=False)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    rows = [(person, report.auditors[person.pk]) for person in people if person.pk in report.auditors]
    return render(request, "audits/auditors.html", {"rows": rows, "report": report, **_rule()})


def auditor_figures(request: HttpRequest, user_pk: int) -> HttpResponse:
    """One auditor's figures by year: for coordinators, and for that auditor; for everyone else not found."""
    if not may_see_figures_of(request.user, user_pk):
        raise Http404("No such auditor")
    person: Account | None
    if is_coordinator(request.user):  # anyone who has held an auditor's place
        person = get_user_model().objects.filter(pk=user_pk, audit_roles__isnull=False).distinct().first()
    else:  # an auditor: their own (may_see_figures_of)
        person = account(request.user)
    if person is None:
        raise Http404("No such auditor")
    own = person.pk == request.user.pk
    if request.method not in READ:
        return HttpResponseNotAllowed(READ)
    report = auditor_report()
    return render(
        request,
        "audits/auditor_figures.html",
        {
            "person": person,
            "own": own,
            "figures": report.auditors.get(user_pk),
            # the pool (every auditor's mean and spread) for coordinators only: with few auditors an
            # auditor could work out another's figure from it
            "pool": report.pool if is_coordinator(request.user) else None,
            **_rule(),
        },
    )


def _rule() -> dict[str, object]:
    """The rule's numbers, for the pages that state it (from the one place that holds them)."""
    return {
        "min_pairs": auditor_stats.MIN_PAIRS,
        "bias_limit": float(auditor_stats.BIAS_LIMIT),
        "sd_limit": auditor_stats.SD_LIMIT,
        "smallest_pool": auditor_stats.SMALLEST_POOL,
    }
