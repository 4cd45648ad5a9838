"""The API routes of improvement (see edmonitor/api/improvement.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
