"""The pages of two-step verification: the step after the password, setting up the app, recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edmonitor.core.types import signed_in
from edmonitor.organisations.access_log import record
from edmonitor.organisations.models import AccessAction

from . import second_factor
from .forms import CodeForm


def _next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step after the password: a code of the app or a recovery code."""
    user = signed_in(request.user)
    if second_factor.passed(request) or not second_factor.is_set_up(user):
        return redirect(_next(request))
    form = CodeForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        if second_factor.verify(request, user, form.cleaned_data["code"]):
            return redirect(_next(request))
        record(request, action=AccessAction.LOGIN_FAILED, kind="second_factor_failed")
        form.add_error(
            "code",
            _("This code is not right. Type the code your app shows now; if it just changed, wait for the next one."),
        )
        form.describe_errors()
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next(request, "")})


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan the code or type the key, then confirm with a code."""
    user = signed_in(request.user)
    device = second_factor.start(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm(request, user, form.cleaned_data["code"])
        if codes is not None:
            record(request, action=AccessAction.CHANGE, kind="second_factor_setup")
            messages.success(request, _("Two-step verification is on."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request, "")})
        form.add_error(
            "code",
            _("This code is not right. Check that the app shows edmonitor, and type the code it shows now."),
        )
        form.describe_errors()
    context = {
        "form": form,
        "qr": second_factor.qr_svg(device),
        "secret": second_factor.secret_of(device),
        "required": second_factor.required(user),
        "replacing": second_factor.is_set_up(user),
        "next": _next(request, ""),
    }
    return render(request, "accounts/second_factor_setup.html", context)


def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes (POST); the old ones stop working."""
    user = signed_in(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not second_factor.is_set_up(user):
        return redirect("second_factor_setup")
    codes = second_factor.new_recovery_codes(user)
    record(request, action=AccessAction.CHANGE, kind="second_factor_codes")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": ""})


def switch_off(request: HttpRequest) -> HttpResponse:
    """Switch two-step verification off (POST), unless this person must use it."""
    user = signed_in(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if second_factor.required(user):
        messages.error(request, _("You must use two-step verification, so you cannot switch it off."))
    elif second_factor.is_set_up(user):
        second_factor.switch_off(user)
        record(request, action=AccessAction.CHANGE, kind="second_factor_off")
        messages.success(request, _("Two-step verification is off. You now log in with your password only."))
    return redirect("profile")
