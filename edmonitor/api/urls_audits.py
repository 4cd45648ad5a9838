"""The API routes of audits (see edmonitor/api/audits.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
