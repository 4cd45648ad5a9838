"""Programme pages: the list, one programme's comparison report, and (for coordinators) its management."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from edmonitor.core.forms import plain_number
from edmonitor.organisations.downloads import table_download
from edmonitor.organisations.models import Organisation

from .forms import ParticipationForm, ProgrammeForm
from .models import Participation
from .permissions import can_manage_programmes, programme_for, visible_programmes
from .report import programme_report
from .tables import programme_tables


def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = visible_programmes(request.user).prefetch_related("participations")
    return render(
        request,
        "programmes/programme_list.html",
        {"programmes": programmes, "can_manage": can_manage_programmes(request.user)},
    )


def programme_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a programme, or change one when ``pk`` is given (coordinators)."""
    if pk is None and not can_manage_programmes(request.user):
        raise PermissionDenied
    programme = programme_for(request.user, pk, manage=True) if pk is not None else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        programme = form.save(commit=False)
        if programme.created_by_id is None:
            programme.created_by = request.user
        programme.save()
        messages.success(request, _("The programme has been saved."))
        return redirect("programme", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request.user, pk)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "report": programme_report(programme, request.user),
            "can_manage": can_manage_programmes(request.user),
        },
    )


def participation_form(request: HttpRequest, pk: int, participation_pk: int | None = None) -> HttpResponse:
    """Add an organisation to a programme (first choose it, then its two measurements), or change one."""
    programme = programme_for(request.user, pk, manage=True)
    participation = (
        get_object_or_404(Participation, pk=participation_pk, programme=programme) if participation_pk else None
    )
    chosen = request.GET.get("organisatie", "")
    number = plain_number(chosen)
    organisation = Organisation.objects.filter(pk=number).first() if number is not None else None
    form = ParticipationForm(
        request.POST or None, instance=participation, programme=programme, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The participation has been saved."))
        return redirect("programme", pk=programme.pk)
    return render(
        request,
        "programmes/participation_form.html",
        {
            "form": form,
            "programme": programme,
            "participation": participation,
            "organisation": organisation or (participation.organisation if participation else None),
        },
    )


def participation_remove(request: HttpRequest, pk: int, participation_pk: int) -> HttpResponse:
    programme = programme_for(request.user, pk, manage=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    get_object_or_404(Participation, pk=participation_pk, programme=programme).delete()
    messages.success(request, _("The organisation has been removed from the programme."))
    return redirect("programme", pk=programme.pk)


def programme_table(request: HttpRequest, pk: int, name: str, fmt: str) -> HttpResponse:
    """One table of the programme report as CSV or Excel, or ``alle.xlsx``: the whole programme as a workbook."""
    programme = programme_for(request.user, pk)
    tables = programme_tables(programme_report(programme, request.user))
    return table_download(request, None, tables, name, fmt, programme.name)
