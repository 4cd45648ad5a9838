from django.urls import path

from . import statements, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisaties/<int:pk>/", views.organisation_detail, name="organisation"),
    path("privacy/", statements.privacy, name="privacy"),
    path("toegankelijkheid/", statements.accessibility, name="accessibility"),
]
