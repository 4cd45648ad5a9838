"""Routes of issue 20 (filled in by its part)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
