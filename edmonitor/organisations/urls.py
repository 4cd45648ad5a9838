from django.urls import path

from . import views

urlpatterns = [
    path("organisaties/<int:pk>/toegangslog/", views.access_log, name="access_log"),
    path("organisaties/<int:pk>/downloads/", views.download_log, name="download_log"),
    path("organisaties/nieuw/", views.organisation_create, name="organisation_create"),
    path("organisaties/<int:pk>/bewerken/", views.organisation_edit, name="organisation_edit"),
    path("organisaties/<int:pk>/voorzieningen/nieuw/", views.facility_form, name="facility_create"),
    path("organisaties/<int:pk>/voorzieningen/<int:facility_pk>/", views.facility_form, name="facility_edit"),
]
