from django.urls import path

from . import views

urlpatterns = [
    path("audits/overeenstemming/", views.audit_agreement, name="audit_agreement"),
    path("organisaties/<int:pk>/rapport/", views.organisation_report_page, name="organisation_report"),
    path("organisaties/<int:pk>/rapport.pdf", views.organisation_report_pdf, name="organisation_report_pdf"),
    path(
        "organisaties/<int:pk>/rapport/tabellen/<slug:name>.<str:fmt>",
        views.organisation_report_table,
        name="organisation_report_table",
    ),
    path("organisaties/<int:pk>/vergelijking/", views.organisation_benchmark, name="organisation_benchmark"),
    path(
        "organisaties/<int:pk>/vergelijking/tabellen/<slug:name>.<str:fmt>",
        views.organisation_benchmark_table,
        name="organisation_benchmark_table",
    ),
]
