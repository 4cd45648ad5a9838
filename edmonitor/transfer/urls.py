from django.urls import path

from . import views

urlpatterns = [
    path("organisaties/<int:pk>/export.json", views.organisation_export, name="organisation_export"),
]
