from django.urls import path

from . import views

urlpatterns = [
    path("ontwikkeling/", views.home, name="development"),
    path("ontwikkeling/zelfbeoordeling/<slug:slug>/", views.assess, name="development_assess"),
    path("ontwikkeling/bewijs/nieuw/", views.evidence, name="development_evidence_create"),
    path("ontwikkeling/bewijs/<int:evidence_pk>/", views.evidence, name="development_evidence"),
    path(
        "ontwikkeling/bewijs/<int:evidence_pk>/verwijderen/", views.evidence_delete, name="development_evidence_delete"
    ),
    path("ontwikkeling/export.json", views.export, name="development_export"),
    path("ontwikkeling/alles-verwijderen/", views.delete_space, name="development_delete"),
]
