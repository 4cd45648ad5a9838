from django.urls import path

from . import views

urlpatterns = [
    path("organisaties/<int:pk>/downloads/", views.download_log, name="download_log"),
]
