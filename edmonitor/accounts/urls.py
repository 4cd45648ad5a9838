from django.urls import path

from . import invitation_views, second_factor_views, sso, token_views, views

members = "organisaties/<int:pk>/leden/"

urlpatterns = [
    path(members, invitation_views.members, name="members"),
    path(members + "<int:membership_pk>/verwijderen/", invitation_views.member_remove, name="member_remove"),
    path(members + "uitnodigen/", invitation_views.member_invite, name="member_invite"),
    path(
        members + "uitnodigingen/<int:invitation_pk>/opnieuw-sturen/",
        invitation_views.member_invitation_resend,
        name="member_invitation_resend",
    ),
    path(
        members + "uitnodigingen/<int:invitation_pk>/intrekken/",
        invitation_views.member_invitation_withdraw,
        name="member_invitation_withdraw",
    ),
    path(
        "organisaties/<int:pk>/audits/<int:audit_pk>/auditor-uitnodigen/",
        invitation_views.audit_auditor_invite,
        name="audit_auditor_invite",
    ),
    path("uitnodiging/<str:token>/", invitation_views.invitation, name="invitation"),
    path("account/", views.profile, name="profile"),
    path("account/api-tokens/", token_views.token_list, name="token_list"),
    path("account/api-tokens/<int:token_pk>/intrekken/", token_views.token_revoke, name="token_revoke"),
    path("sso/start/", sso.start, name="sso_start"),
    path("sso/terug/", sso.callback, name="sso_callback"),
    path("login/tweede-stap/", second_factor_views.verify, name="second_factor_verify"),
    path("account/tweestapsverificatie/", second_factor_views.setup, name="second_factor_setup"),
    path("account/tweestapsverificatie/herstelcodes/", second_factor_views.recovery_codes, name="second_factor_codes"),
    path("account/tweestapsverificatie/uitzetten/", second_factor_views.switch_off, name="second_factor_off"),
    path("account/wachtwoord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/e-mailadres/<str:token>/", views.email_confirm, name="email_confirm"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path("wachtwoord-vergeten/verstuurd/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("wachtwoord-herstellen/klaar/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
