"""URL configuration. Every view requires login (LoginRequiredMiddleware) except those marked here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from edmonitor.accounts import views as accounts

urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("taal/", accounts.set_language, name="set_language"),
    path("", include("edmonitor.accounts.urls")),
    path("beheer/", admin.site.urls),
    path("", include("edmonitor.home.urls")),
    path("", include("edmonitor.organisations.urls")),
    path("", include("edmonitor.measurements.urls")),
    path("", include("edmonitor.audits.urls")),
    path("", include("edmonitor.reports.urls")),
    path("", include("edmonitor.programmes.urls")),
    path("", include("edmonitor.improvement.urls")),
    path("", include("edmonitor.knowledge.urls")),
    path("", include("edmonitor.transfer.urls")),
    path("", include("edmonitor.development.urls")),
    path("", include("edmonitor.core.urls")),
    path("", include("edmonitor.api.urls")),
    path("", include("edmonitor.audits.urls_auditors")),
    path("", include("edmonitor.audits.urls_calibration")),
    path("", include("edmonitor.reports.urls_quality")),
]
