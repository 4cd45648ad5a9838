from django.urls import path

from . import import_views, views

urlpatterns = [
    path("organisaties/<int:pk>/metingen/nieuw/", views.measurement_create, name="measurement_create"),
    path("organisaties/<int:pk>/metingen/importeren/", import_views.measurement_import, name="measurement_import"),
    path(
        "organisaties/<int:pk>/metingen/importeren/sjabloon.csv",
        import_views.measurement_import_template,
        name="measurement_import_template",
    ),
    path("organisaties/<int:pk>/metingen/concepten/<int:draft_pk>/", views.measurement_draft, name="measurement_draft"),
    path(
        "organisaties/<int:pk>/metingen/concepten/<int:draft_pk>/weggooien/",
        views.measurement_draft_delete,
        name="measurement_draft_delete",
    ),
    path(
        "organisaties/<int:pk>/metingen/importeren/sjabloon.xlsx",
        import_views.measurement_import_template_xlsx,
        name="measurement_import_template_xlsx",
    ),
    path(
        "organisaties/<int:pk>/metingen/importeren/<int:batch_pk>/",
        import_views.measurement_import_preview,
        name="measurement_import_preview",
    ),
    path(
        "organisaties/<int:pk>/metingen/importeren/<int:batch_pk>/voortgang/<uuid:job_pk>/",
        import_views.measurement_import_progress,
        name="measurement_import_progress",
    ),
    path("organisaties/<int:pk>/metingen/importen/", import_views.measurement_imports, name="measurement_imports"),
    path(
        "organisaties/<int:pk>/metingen/importen/<int:batch_pk>/ongedaan-maken/",
        import_views.measurement_import_undo,
        name="measurement_import_undo",
    ),
    path("organisaties/<int:pk>/metingen/<int:measurement_pk>/", views.measurement_detail, name="measurement"),
    path(
        "organisaties/<int:pk>/metingen/<int:measurement_pk>/bewerken/",
        views.measurement_edit,
        name="measurement_edit",
    ),
    path(
        "organisaties/<int:pk>/metingen/<int:measurement_pk>/verwijderen/",
        views.measurement_delete,
        name="measurement_delete",
    ),
]
