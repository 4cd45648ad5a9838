"""Routes of issue 20 part 5: calibration of MIE auditors on reference cases (calibration_views.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import calibration_views as views

prefix = "audits/kalibratie/"
case = prefix + "casussen/<int:case_pk>/"

urlpatterns: list[URLPattern] = [
    path(prefix, views.calibration_home, name="calibration"),
    path(prefix + "auditoren/", views.calibration_statuses, name="calibration_statuses"),
    path(prefix + "casussen/nieuw/", views.case_create, name="calibration_case_create"),
    path(case, views.case_detail, name="calibration_case"),
    path(case + "bewerken/", views.case_edit, name="calibration_case_edit"),
    path(case + "publiceren/", views.case_publish, name="calibration_case_publish"),
    path(case + "scoren/", views.attempt_form, name="calibration_attempt"),
    path(case + "scoren/indienen/", views.attempt_submit, name="calibration_attempt_submit"),
    path(case + "uitkomst/", views.attempt_result, name="calibration_result"),
]
