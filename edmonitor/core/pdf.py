"""HTML to PDF with WeasyPrint: the same templates as the web pages, rendered with a print stylesheet.

The fetcher serves only our own static files and data: URIs (the charts); every
other URL is refused, so a report can never make the server fetch from the network.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

PDF_BASE_URL = "https://edmonitor.invalid/"


def _fetcher() -> Any:
    # imported here, not at the top: WeasyPrint (with its Pango/Cairo bindings) is slow to
    # import and only a PDF download needs it
    import weasyprint
    from weasyprint.urls import URLFetcherResponse

    class StaticOnlyFetcher(weasyprint.URLFetcher):
        """Serves data: URIs (the charts) and our static files; refuses everything else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = urlparse(url).path
            static = "/" + settings.STATIC_URL.lstrip("/")
            if url.startswith(PDF_BASE_URL) and path.startswith(static):
                found = finders.find(path[len(static) :])
                if isinstance(found, str):
                    with open(found, "rb") as handle:
                        data = handle.read()
                    mime = "text/css" if found.endswith(".css") else "application/octet-stream"
                    return URLFetcherResponse(url, data, {"Content-Type": mime})
            raise ValueError(f"edmonitor does not fetch {url!r} while making a PDF")

    return StaticOnlyFetcher(allowed_protocols=("https", "data"))


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest) -> bytes:
    import weasyprint  # slow to import: see _fetcher

    html = render_to_string(template, context, request=request)
    document = weasyprint.HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher())
    return bytes(document.write_pdf())
