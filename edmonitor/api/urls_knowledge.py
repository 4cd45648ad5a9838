"""The API routes of knowledge (see edmonitor/api/knowledge.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
