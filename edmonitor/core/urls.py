from django.urls import path

from . import background

urlpatterns = [
    path("taken/<uuid:job_pk>/", background.job_status, name="background_job_status"),
]
