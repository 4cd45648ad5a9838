"""The API routes of audits (see edmonitor/api/audits.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path

from . import audits

organisation = "api/v1/organisations/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(organisation + "audits/", login_not_required(audits.AuditList.as_view()), name="api_audits"),
    path(
        organisation + "audits/<int:audit_pk>/",
        login_not_required(audits.AuditDetail.as_view()),
        name="api_audit",
    ),
]
