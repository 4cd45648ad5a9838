from django.urls import path

from . import views

urlpatterns = [
    path("programmas/", views.programme_list, name="programmes"),
    path("programmas/nieuw/", views.programme_form, name="programme_create"),
    path("programmas/<int:pk>/", views.programme_detail, name="programme"),
    path("programmas/<int:pk>/bewerken/", views.programme_form, name="programme_edit"),
    path("programmas/<int:pk>/tabellen/<slug:name>.<str:fmt>", views.programme_table, name="programme_table"),
    path("programmas/<int:pk>/deelnemers/nieuw/", views.participation_form, name="participation_create"),
    path(
        "programmas/<int:pk>/deelnemers/<int:participation_pk>/",
        views.participation_form,
        name="participation_edit",
    ),
    path(
        "programmas/<int:pk>/deelnemers/<int:participation_pk>/verwijderen/",
        views.participation_remove,
        name="participation_remove",
    ),
]
