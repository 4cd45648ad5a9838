"""The API routes of reports (see edmonitor/api/reports.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
