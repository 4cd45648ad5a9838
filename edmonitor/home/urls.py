from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisaties/<int:pk>/", views.organisation_detail, name="organisation"),
]
