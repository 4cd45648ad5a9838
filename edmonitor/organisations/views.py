"""Organisation pages: the dashboard, one organisation with its measurements, and its management."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .forms import FacilityForm, MembershipForm, OrganisationForm
from .models import DownloadLog, Facility, Membership
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
        messages.success(request, _("The organisation has been created."))
        return redirect("organisation", pk=organisation.pk)
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


def members(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    form = MembershipForm(request.POST or None, organisation=organisation, chooser=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The role has been saved."))
        return redirect("members", pk=organisation.pk)
    memberships = organisation.memberships.select_related("user").order_by("user__username")
    return render(
        request,
        "organisations/members.html",
        {"form": form, "organisation": organisation, "memberships": memberships},
    )


def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    if request.method != "POST":  # checked after access, so a foreign URL answers 404 either way
        return HttpResponseNotAllowed(["POST"])
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot remove your own role."))
    else:
        membership.delete()
        messages.success(request, _("The role has been removed."))
    return redirect("members", pk=organisation.pk)


DOWNLOAD_LOG_PER_PAGE = 100


def download_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who downloaded which of the organisation's data, newest first: for its admins (and staff)."""
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    rows = DownloadLog.objects.of(organisation).select_related("user")
    page = Paginator(rows, DOWNLOAD_LOG_PER_PAGE).get_page(request.GET.get("pagina"))
    return render(request, "organisations/download_log.html", {"organisation": organisation, "page": page})
