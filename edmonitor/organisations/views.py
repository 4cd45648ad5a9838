"""Organisation pages: the dashboard, one organisation with its measurements, and its management."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from edmonitor.core.tables import XLSX_CONTENT_TYPE, Table, as_csv, as_workbook

from .downloads import download_response
from .forms import MAX_PEOPLE_IN_FILTER, AccessLogFilterForm, FacilityForm, OrganisationForm
from .models import AccessAction, AccessEvent, Facility, Organisation
from .permissions import (
    Access,
    can_change_peer_group,
    can_create_organisations,
    organisation_for,
)


def organisation_create(request: HttpRequest) -> HttpResponse:
    if not can_create_organisations(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, may_change_sector=can_change_peer_group(request.user))
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("The organisation has been created. Now invite its first admin by e-mail."))
        return redirect(reverse("members", args=[organisation.pk]) + "#invite")
    return render(request, "organisations/organisation_form.html", {"form": form})


def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    form = OrganisationForm(
        request.POST or None, instance=organisation, may_change_sector=can_change_peer_group(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes have been saved."))
        return redirect("organisation", pk=organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": organisation})


def facility_form(request: HttpRequest, pk: int, facility_pk: int | None = None) -> HttpResponse:
    """Add a facility, or rename one when ``facility_pk`` is given."""
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    facility = get_object_or_404(Facility, pk=facility_pk, organisation=organisation) if facility_pk else None
    form = FacilityForm(request.POST or None, instance=facility, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes have been saved.") if facility else _("The facility has been added."))
        return redirect("organisation", pk=organisation.pk)
    return render(
        request,
        "organisations/facility_form.html",
        {"form": form, "organisation": organisation, "facility": facility},
    )


ACCESS_LOG_PER_PAGE = 100
# An export of the access log holds at most this many entries (the newest); narrow the filters for older ones.
MAX_ACCESS_LOG_EXPORT = 50_000


def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who reached which of the organisation's data, when and from where (NEN 7513): for its admins and staff.

    Filtered by person, period, kind and action; exported as CSV or Excel with ``?formaat=``.
    Reading the log is logged too (by the access log's middleware), and so is each export.
    """
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    events = AccessEvent.objects.of(organisation)
    people = list(
        events.exclude(username="")
        .order_by("username")
        .values_list("username", flat=True)
        .distinct()[:MAX_PEOPLE_IN_FILTER]
    )
    form = AccessLogFilterForm(request.GET or None, people=people)
    if form.is_bound and not form.is_valid():
        filtered = events.none()
    else:
        filtered = form.filter(events) if form.is_bound else events
    fmt = request.GET.get("formaat")
    if fmt in ("csv", "xlsx") and (not form.is_bound or form.is_valid()):
        return access_log_download(request, organisation, filtered, fmt)
    page = Paginator(filtered, ACCESS_LOG_PER_PAGE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("formaat", None)
    return render(
        request,
        "organisations/access_log.html",
        {
            "organisation": organisation,
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "retention_days": settings.EDMONITOR_ACCESS_LOG_RETENTION_DAYS,
        },
    )


def access_log_download(request: HttpRequest, organisation: Organisation, events: Any, fmt: str) -> HttpResponse:
    columns = [
        _("When"), _("User name"), _("Action"), _("Kind"), _("Page"), _("Object"), _("Address"),
        _("Client address"), _("File"),
    ]  # fmt: skip
    rows = [
        [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.username,
            e.get_action_display(),
            e.get_category_display(),
            e.kind,
            e.object_id if e.object_id is not None else "",
            e.path,
            e.client or "",
            e.filename,
        ]
        for e in events[:MAX_ACCESS_LOG_EXPORT]
    ]
    table = Table(name="toegangslog", caption=_("Access log of %(name)s") % {"name": organisation.name},
                  columns=columns, rows=rows, sheet=_("Access log"))  # fmt: skip
    content, content_type = (as_csv(table), "text/csv; charset=utf-8") if fmt == "csv" else (
        as_workbook([table], table.caption), XLSX_CONTENT_TYPE)  # fmt: skip
    return download_response(
        request,
        organisation=organisation,
        kind=fmt,
        filename=f"toegangslog-{slugify(organisation.name)}.{fmt}",
        content=content,
        content_type=content_type,
        description=str(_("Access log")),
    )


def download_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The former download log: now the exports in the access log."""
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    return redirect(f"{reverse('access_log', args=[organisation.pk])}?actie={AccessAction.EXPORT}", permanent=True)
