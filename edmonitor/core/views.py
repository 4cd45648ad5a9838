"""Pages of the core app: an organisation's download log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edmonitor.organisations.permissions import Access, organisation_for

from .models import DownloadLog

PER_PAGE = 100


def download_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who downloaded which of the organisation's data, newest first: for its admins (and staff)."""
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    rows = DownloadLog.objects.of(organisation).select_related("user")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("pagina"))
    return render(request, "core/download_log.html", {"organisation": organisation, "page": page})
