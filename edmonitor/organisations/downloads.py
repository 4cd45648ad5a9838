"""Handing out a file: every download is recorded in the organisation's access log.

Every view that hands out a file calls :func:`download_response`; it records an export in
the access log (:func:`edmonitor.organisations.access_log.record_export`: who, what, which
organisation, when, from where) and returns the response, so no export can skip the log. The file's content is made
with the helpers of :mod:`edmonitor.core.downloads` (safe CSV) and :mod:`edmonitor.core.tables`.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from edmonitor.core.downloads import safe_filename
from edmonitor.core.tables import XLSX_CONTENT_TYPE, Table, as_csv, as_workbook, find

from .access_log import record_export
from .models import DownloadKind, Organisation


def download_response(
    request: HttpRequest,
    *,
    organisation: Organisation | None,
    kind: str,
    filename: str,
    content: bytes | str,
    content_type: str,
    description: str,
) -> HttpResponse:
    """Log the download and return it as an attachment.

    ``organisation`` is the organisation whose data the file holds (None for a file spanning
    organisations); ``description`` says what it is, in a few words, for the access log.
    The caller has checked access already.
    """
    if kind not in DownloadKind.values:
        raise ValueError(f"unknown download kind {kind!r}; add it to DownloadKind")
    name = safe_filename(filename, kind)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store, private"  # sensitive data: not in shared or browser caches
    record_export(
        request, response, organisation=organisation, file_format=kind, filename=name, description=description
    )
    return response


def table_download(
    request: HttpRequest, organisation: Organisation | None, tables: list[Table], name: str, fmt: str, title: str
) -> HttpResponse:
    """One report table as CSV or as a one-sheet workbook, or (``name`` == "alle") all tables as a workbook."""
    if name == "alle" and fmt == "xlsx":
        chosen = tables
    else:
        table = find(tables, name)
        if table is None or fmt not in ("csv", "xlsx"):
            raise Http404("No such table")
        chosen = [table]
    if fmt == "csv":
        content, content_type = as_csv(chosen[0]), "text/csv; charset=utf-8"
    else:
        content, content_type = as_workbook(chosen, title), XLSX_CONTENT_TYPE
    return download_response(
        request,
        organisation=organisation,
        kind=fmt,
        filename=f"{slugify(title)}-{name}.{fmt}",
        content=content,
        content_type=content_type,
        description=f"{title}: {name}",
    )
