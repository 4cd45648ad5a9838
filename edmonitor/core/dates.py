"""One way to write a date for people: "6 december 2026" (and "6 december 2026 14:05" with a time).

Pages, PDFs, charts and messages all use these, in the user's language (Django's month names).
Machine-readable places (file names, JSON, CSV, form fields) keep ISO dates.
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone

DATE = "j F Y"
DATE_TIME = "j F Y H:i"


def long_date(value: dt.date | dt.datetime | None) -> str:
    """The date as people read it; a moment in time also gets its local time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, DATE_TIME)
    return dateformat.format(value, DATE)
