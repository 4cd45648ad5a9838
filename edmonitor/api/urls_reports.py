"""The API routes of reports (see edmonitor/api/reports.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path

from . import reports

organisation = "api/v1/organisations/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(
        organisation + "report/",
        login_not_required(reports.OrganisationReport.as_view()),
        name="api_organisation_report",
    ),
    path(
        organisation + "benchmark/",
        login_not_required(reports.OrganisationBenchmark.as_view()),
        name="api_organisation_benchmark",
    ),
    path(
        "api/v1/programmes/<int:pk>/figures/",
        login_not_required(reports.ProgrammeFigures.as_view()),
        name="api_programme_figures",
    ),
]
