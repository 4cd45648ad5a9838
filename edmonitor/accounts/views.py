"""A person's own account: signing in, the profile, changing and resetting the password.

Password reset never says whether an address has an account: the page after the request is
the same either way (Django's PasswordResetForm sends only to an active account with that
address). Requests are throttled per client address and per address typed
(:mod:`edmonitor.core.throttle`). A new e-mail address counts only after its owner clicks
the link sent to it; the old address is told of the change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from edmonitor.core.forms import LoginForm
from edmonitor.core.lockout import client_ip
from edmonitor.core.throttle import allow
from edmonitor.core.types import signed_in
from edmonitor.organisations.access_log import record
from edmonitor.organisations.models import AccessAction

from . import second_factor, sso
from .forms import ChangePasswordForm, NewPasswordForm, ProfileForm, ResetRequestForm
from .models import Profile

# Password-reset requests: per client address and per address typed, in one hour.
RESET_LIMIT_PER_CLIENT = 10
RESET_LIMIT_PER_EMAIL = 3
RESET_WINDOW_SECONDS = 60 * 60
EMAIL_LINK_MAX_AGE = 3 * 24 * 60 * 60  # a link to confirm a new e-mail address lasts three days
EMAIL_SALT = "edmonitor.accounts.email-change"


def _with_language_cookie(response: HttpResponseBase, language: str) -> HttpResponseBase:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


class LoginView(auth_views.LoginView):
    """Django's login, which also brings back the interface language the person chose in their profile."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso"] = settings.EDMONITOR_SSO
        context["sso_name"] = settings.EDMONITOR_SSO_NAME
        if self.request.GET.get("sso") == "mislukt":
            context["sso_problem"] = sso_problem(self.request.session.pop(sso.PROBLEM_KEY, ""))
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        language = Profile.objects.filter(user=form.get_user()).values_list("language", flat=True).first() or ""
        return _with_language_cookie(response, language)  # type: ignore[return-value]


def sso_problem(code: str) -> str:
    """Why logging in with the organisation account did not work, for the login page."""
    problems = {
        sso.Problem.NOT_VERIFIED: _(
            "Your organisation's login did not confirm your e-mail address, so edmonitor cannot tell who you are. "
            "Ask your IT department."
        ),
        sso.Problem.NO_ACCOUNT: _(
            "There is no edmonitor account with your e-mail address yet, and your organisation has not linked its "
            "e-mail domain. Ask your organisation's edmonitor admin for an invitation."
        ),
        sso.Problem.AMBIGUOUS: _(
            "More than one edmonitor account has your e-mail address. A coordinator must sort this out first."
        ),
        sso.Problem.INACTIVE: _("Your edmonitor account has been switched off. Ask a coordinator."),
    }
    return problems.get(code, _("Logging in with your organisation account did not work. Try again, or log in below."))


@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch; for a signed-in person it is remembered in their profile too."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        Profile.objects.update_or_create(user=signed_in(request.user), defaults={"language": language})
    return response


# --- password reset ---------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        client = client_ip(self.request) or "unknown"
        per_client = allow("reset-client", client, limit=RESET_LIMIT_PER_CLIENT, window_seconds=RESET_WINDOW_SECONDS)
        per_email = allow("reset-email", email, limit=RESET_LIMIT_PER_EMAIL, window_seconds=RESET_WINDOW_SECONDS)
        if not (per_client and per_email):
            form.add_error(None, _("Too many requests for a new password. Wait an hour and try again."))
            form.describe_errors()
            return self.form_invalid(form)
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(self.request, action=AccessAction.CHANGE, kind="password_reset", user=form.user)
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- the person's own account -------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's password ends every other session of the account (Django's session hash changes)."""

    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(self.request, action=AccessAction.CHANGE, kind="password_change")
        messages.success(self.request, _("Your password has been changed. You are logged out everywhere else."))
        return response


def _send_confirmation(request: HttpRequest, new_email: str) -> None:
    user = signed_in(request.user)
    token = signing.dumps({"u": user.pk, "e": new_email, "o": user.email}, salt=EMAIL_SALT)
    link = request.build_absolute_uri(reverse("email_confirm", args=[token]))
    body = render_to_string("accounts/email_confirm.txt", {"user": user, "link": link, "days": 3}, request=request)
    send_mail(_("Confirm your new e-mail address for edmonitor"), body, None, [new_email])


def profile(request: HttpRequest) -> HttpResponse:
    """Name, e-mail address (confirmed by a link) and interface language; a link to change the password."""
    user = signed_in(request.user)
    own = Profile.objects.filter(user=user).first()
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": own.language if own else "",
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user.first_name, user.last_name = data["first_name"], data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        Profile.objects.update_or_create(user=user, defaults={"language": data["language"]})
        if data["language"]:
            translation.activate(data["language"])  # the confirmation is read in the language just chosen
        if data["email"] and data["email"].lower() != user.email.lower():
            _send_confirmation(request, data["email"])
            messages.success(
                request,
                _("Your details have been saved. We sent a link to %(email)s.") % {"email": data["email"]}
                + " "
                + _("Your new address counts once you click it."),
            )
        else:
            messages.success(request, _("Your details have been saved."))
        return _with_language_cookie(redirect("profile"), data["language"])  # type: ignore[return-value]
    status = {
        "set_up": second_factor.is_set_up(user),
        "required": second_factor.required(user),
        "codes_left": second_factor.recovery_codes_left(user),
    }
    return render(request, "accounts/profile.html", {"form": form, "second_factor": status})


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation mail: the new address counts from now; the old one is told."""
    user = signed_in(request.user)
    try:
        data = signing.loads(token, salt=EMAIL_SALT, max_age=EMAIL_LINK_MAX_AGE)
    except signing.SignatureExpired:
        messages.error(request, _("This link has expired. Enter the new address again on this page."))
        return redirect("profile")
    except signing.BadSignature:
        messages.error(request, _("This link is not valid. Enter the new address again on this page."))
        return redirect("profile")
    if data.get("u") != user.pk or data.get("o") != user.email:
        messages.error(request, _("This link is not valid. Enter the new address again on this page."))
        return redirect("profile")
    # One account per address: single sign-on and invitations find a person by it. Only now, when the
    # person has shown the address is theirs, does the answer say that another account has it.
    if get_user_model().objects.filter(email__iexact=data["e"]).exclude(pk=user.pk).exists():
        messages.error(
            request,
            _("Another account already has this e-mail address. Ask a coordinator to merge or remove it."),
        )
        return redirect("profile")
    old = user.email
    user.email = data["e"]
    user.save(update_fields=["email"])
    record(request, action=AccessAction.CHANGE, kind="email_change")
    if old:
        body = render_to_string("accounts/email_changed_notice.txt", {"user": user, "new": user.email}, request=request)
        send_mail(_("Your e-mail address for edmonitor was changed"), body, None, [old])
    messages.success(request, _("Your new e-mail address %(email)s counts from now on.") % {"email": user.email})
    return redirect("profile")
