"""URL configuration. Every view requires login (LoginRequiredMiddleware) except those marked here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from edmonitor.core.forms import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("taal/", login_not_required(set_language), name="set_language"),
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
]
