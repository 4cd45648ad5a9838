"""Organisation pages: the dashboard, one organisation with its measurements, and its management."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from edmonitor.audits.models import Audit
from edmonitor.audits.overview import audit_history
from edmonitor.improvement.overview import attention_across, attention_for
from edmonitor.instruments.definition import latest_audit_version
from edmonitor.measurements.comparison import compare_measurements
from edmonitor.measurements.models import Measurement

from .forms import FacilityForm, MembershipForm, OrganisationForm
from .models import Facility, Membership
from .permissions import (
    Action,
    can,
    can_change_peer_group,
    can_create_organisations,
    is_coordinator,
    organisation_for,
    visible_organisations,
)

SEARCH_MAX_LENGTH = 100  # a name search longer than any organisation name is cut, not run


def dashboard(request: HttpRequest) -> HttpResponse:
    """The start page: the user's organisations (coordinators: all, searchable), their audits, what needs attention."""
    search = request.GET.get("zoek", "").strip()[:SEARCH_MAX_LENGTH] if is_coordinator(request.user) else ""
    visible = visible_organisations(request.user)
    listed = visible.filter(name__icontains=search) if search else visible
    organisations = listed.order_by(Lower("name"), "pk").prefetch_related(
        Prefetch(
            "measurements",
            queryset=Measurement.objects.select_related("instrument_version").order_by("-measured_on", "-id"),
            to_attr="measurements_newest_first",
        )
    )
    my_audits = list(
        Audit.objects.filter(auditors__user=request.user)
        .select_related("organisation", "facility")
        .prefetch_related("auditors")
        .order_by("finalised_at", "-held_on")[:50]
    )
    for audit in my_audits:
        audit.my_submitted = any(a.user_id == request.user.pk and a.submitted_at for a in audit.auditors.all())
    return render(
        request,
        "organisations/dashboard.html",
        {
            "organisations": organisations,
            "search": search,
            "can_search": is_coordinator(request.user),
            "has_organisations": bool(search) or visible.exists(),
            "can_create": can_create_organisations(request.user),
            "my_audits": my_audits,
            "attention": attention_across(visible, timezone.localdate()),
        },
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


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Action.VIEW)
    measurements = list(
        # prefetched, not joined: the instrument's definition is decoded once, not once per measurement
        organisation.measurements.select_related("facility")
        .prefetch_related("instrument_version")
        .order_by("measured_on", "id")
    )
    previous_total = {}
    rows = []
    for m in measurements:
        key = (m.instrument_version.code, m.facility_id)
        prev = previous_total.get(key)
        change = None if prev is None or m.total is None else m.total - prev
        rows.append({"measurement": m, "change": change})
        if m.total is not None:
            previous_total[key] = m.total

    comparison = None
    a_id, b_id = request.GET.get("a"), request.GET.get("b")
    if a_id and b_id:
        by_id = {str(m.pk): m for m in measurements}
        first, second = by_id.get(a_id), by_id.get(b_id)
        if first is None or second is None:
            messages.error(request, _("Choose two measurements of this organisation to compare."))
        elif first.instrument_version.code != second.instrument_version.code:
            messages.error(request, _("Only measurements with the same instrument can be compared."))
        else:
            comparison = compare_measurements(first, second)
    elif len(measurements) >= 2:
        a_id, b_id = str(measurements[-2].pk), str(measurements[-1].pk)

    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "rows": rows,
            "measurements": measurements,
            "comparison": comparison,
            "selected_a": a_id,
            "selected_b": b_id,
            "facilities": organisation.facilities.all(),
            "audits": audit_history(organisation),
            "audit_themes": latest_audit_version().themes,
            "can_record": can(request.user, Action.RECORD, organisation),
            "can_manage": can(request.user, Action.MANAGE, organisation),
            "attention": attention_for(organisation, timezone.localdate()),
            # Drafts are work in progress of those who record; readers see measurements only.
            "drafts": (
                list(organisation.measurement_drafts.select_related("updated_by", "measurement", "instrument_version"))
                if can(request.user, Action.RECORD, organisation)
                else []
            ),
        },
    )


def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Action.MANAGE)
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
    organisation = organisation_for(request.user, pk, Action.MANAGE)
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
    organisation = organisation_for(request.user, pk, Action.MANAGE)
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
    organisation = organisation_for(request.user, pk, Action.MANAGE)
    if request.method != "POST":  # checked after access, so a foreign URL answers 404 either way
        return HttpResponseNotAllowed(["POST"])
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot remove your own role."))
    else:
        membership.delete()
        messages.success(request, _("The role has been removed."))
    return redirect("members", pk=organisation.pk)
