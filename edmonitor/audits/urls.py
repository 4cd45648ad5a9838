from django.urls import path

from . import views

prefix = "organisaties/<int:pk>/audits/<int:audit_pk>/"

urlpatterns = [
    path("organisaties/<int:pk>/audits/nieuw/", views.audit_create, name="audit_create"),
    path(prefix, views.audit_detail, name="audit"),
    path(prefix + "planning/", views.audit_plan, name="audit_plan"),
    path(prefix + "aantekeningen/", views.audit_notes, name="audit_notes"),
    path(prefix + "mijn-scores/", views.audit_scores, name="audit_scores"),
    path(prefix + "mijn-scores/indienen/", views.audit_scores_submit, name="audit_scores_submit"),
    path(prefix + "consensus/", views.audit_consensus, name="audit_consensus"),
    path(prefix + "verslag/", views.audit_report, name="audit_report"),
    path(prefix + "afronden/", views.audit_finalise, name="audit_finalise"),
    path(prefix + "wijzigen/", views.audit_amend, name="audit_amend"),
    path(prefix + "logboek/", views.audit_trail, name="audit_trail"),
    path(prefix + "verwijderen/", views.audit_delete, name="audit_delete"),
    path(prefix + "export.json", views.audit_export, name="audit_export"),
]
