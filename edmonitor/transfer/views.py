"""The organisation export as a download, for the organisation's admins and staff."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.text import slugify
from django.utils.translation import gettext as _

from edmonitor.organisations.downloads import download_response
from edmonitor.organisations.models import DownloadKind
from edmonitor.organisations.permissions import Access, organisation_for

from .export import export_json


def organisation_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything of the organisation as JSON (transfer/FORMAT.md); blind audit scores are never in it."""
    organisation = organisation_for(request.user, pk, Access.MANAGE)  # 404 if not visible, 403 below admin
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return download_response(
        request,
        organisation=organisation,
        kind=DownloadKind.JSON,
        filename=f"edmonitor-{slugify(organisation.name)}.json",
        content=export_json(organisation),
        content_type="application/json; charset=utf-8",
        description=_("Complete export of the organisation (JSON)"),
    )
