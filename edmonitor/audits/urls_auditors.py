"""Routes of issue 20 part 4: auditors over time (coordinators: every auditor; an auditor: their own)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import auditor_views

urlpatterns: list[URLPattern] = [
    path("auditoren/", auditor_views.auditor_overview, name="auditor_overview"),
    path("auditoren/<int:user_pk>/", auditor_views.auditor_figures, name="auditor_figures"),
]
