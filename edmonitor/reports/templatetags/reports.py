"""Template helpers for reports: embed an SVG chart as an image, signed changes, table download links."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import template
from django.template import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from edmonitor.core.charts import svg_data_uri
from edmonitor.instruments.scoring import Problem

register = template.Library()


@register.filter
def svg_uri(svg: str) -> str:
    return svg_data_uri(svg) if svg else ""


@register.filter
def signed(value: Decimal | int | None) -> str:
    """'+1', '0', '−0,4' style: the sign always shown for a change."""
    if value is None:
        return "–"
    text = str(value).replace(".", ",")
    return f"+{text}" if value > 0 else text


@register.filter
def sub(value: Decimal | int, arg: Decimal | int) -> Decimal | int:
    """value − arg (for a change between two stored totals)."""
    return value - arg


@register.filter
def get(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """mapping[key], or None: dictionary lookup with a key from a variable."""
    return mapping.get(key) if mapping is not None else None


@register.filter
def problem(value: Problem) -> str:
    """A message of the pure core in the user's language."""
    return value.text(gettext)


@register.simple_tag(takes_context=True)
def table_links(context: Context, url_name: str, *args: Any, name: str, keep_query: bool = False) -> SafeString:
    """'Download: CSV · Excel' links for one report table."""
    query = ""
    if keep_query:
        request = context.get("request")
        if request is not None and request.GET:
            query = "?" + request.GET.urlencode()
    csv_url = reverse(url_name, args=[*args, name, "csv"]) + query
    xlsx_url = reverse(url_name, args=[*args, name, "xlsx"]) + query
    return format_html(
        '<p class="downloads">{} <a href="{}" download>CSV</a> · <a href="{}" download>Excel</a></p>',
        gettext("Download this table:"),
        csv_url,
        xlsx_url,
    )
