"""Routes of issue 20, part 3: the quality of the VIE as an instrument (coordinators)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import quality_views

urlpatterns: list[URLPattern] = [
    path("kwaliteit-vie/", quality_views.instrument_quality, name="instrument_quality"),
]
