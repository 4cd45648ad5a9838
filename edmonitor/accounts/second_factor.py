"""Two-step verification: a code from an authenticator app (TOTP, RFC 6238) with recovery codes.

Built on django-otp: a person's app is a confirmed ``TOTPDevice``, their recovery codes the
tokens of one ``StaticDevice`` (each works once). After the password, a person who has set it
up must give a code before any page opens (:class:`SecondFactorMiddleware`); a person who must
use it (:func:`required`) and has not set it up can only set it up. Who must:

- everyone with a role in an organisation that requires it (the organisation's admins decide,
  on the organisation's edit page);
- with ``EDMONITOR_PRODUCTION=1``, staff (coordinators) and every auditor of an audit.

django-otp limits guessing: after each wrong code a device waits longer before it checks the
next one (1, 2, 4, … seconds), and a code of the app is accepted once only.
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from edmonitor.audits.models import Auditor
from edmonitor.core.types import Account
from edmonitor.organisations.models import Membership

from . import sso

APP_DEVICE = "app"
RECOVERY_DEVICE = "recovery codes"
RECOVERY_CODES = 10
# Pages that stay open before the second step: the step itself, logging out, the language and
# the public statements.
OPEN_BEFORE_SECOND_STEP = frozenset({"second_factor_verify", "logout", "set_language", "privacy", "accessibility"})
OPEN_BEFORE_SET_UP = OPEN_BEFORE_SECOND_STEP | {"second_factor_setup"}
# A view class with this attribute set (the API's) authenticates by token only and is never sent to the second step.
TOKEN_ONLY = "token_only"


def status(user: Account) -> tuple[bool, bool]:
    """(set up, required) for this person, in one query: the middleware asks it on every page."""
    must: Any = Exists(Membership.objects.filter(user=OuterRef("pk"), organisation__require_second_factor=True))
    if settings.PRODUCTION:
        must = must | Q(is_staff=True) | Q(is_superuser=True) | Exists(Auditor.objects.filter(user=OuterRef("pk")))
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            set_up=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            must=ExpressionWrapper(must, output_field=BooleanField()),
        )
        .values_list("set_up", "must")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def required(user: Account) -> bool:
    """Whether this person must use two-step verification."""
    return status(user)[1]


def is_set_up(user: Account) -> bool:
    return status(user)[0]


def app_device(user: Account, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed, name=APP_DEVICE).first()


def start(user: Account) -> TOTPDevice:
    """The app device being set up (not confirmed yet): the same one until it is confirmed."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The device's key as people type it into an app: base32, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address of the device as an inline SVG QR code (no script, no outside request)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def _new_codes(user: Account) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def normalise_code(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic
def confirm(request: HttpRequest, user: Account, code: str) -> list[str] | None:
    """Confirm the app with a code it shows; returns the new recovery codes, or None for a wrong code.

    The session counts as having passed the second step from now on.
    """
    device = app_device(user, confirmed=False)
    if device is None or not device.verify_token(normalise_code(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one app at a time
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_codes(user)
    django_otp.login(request, device)
    return codes


@transaction.atomic
def new_recovery_codes(user: Account) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    return _new_codes(user)


def recovery_codes_left(user: Account) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def switch_off(user: Account) -> None:
    """Remove the app and the recovery codes (the views refuse this to someone who must use it)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def verify(request: HttpRequest, user: Account, code: str) -> bool:
    """The second step: a code of the app, or one of the recovery codes (which then stops working)."""
    code = normalise_code(code)
    if not code:
        return False
    with transaction.atomic():
        for device in django_otp.devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                django_otp.login(request, device)
                return True
    return False


def passed(request: HttpRequest) -> bool:
    """Whether this session has passed the second step: with a code (django-otp's OTPMiddleware tells), or
    by logging in through the single sign-on of an organisation whose provider asks for a second factor."""
    return bool(getattr(request.user, "is_verified", lambda: False)()) or sso.passed_by_provider(request)


class SecondFactorMiddleware:
    """Before the second step, or before a required second factor is set up, only those pages open.

    Put after django-otp's OTPMiddleware, which tells whether this session passed the step.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, Account) or passed(request):
            return None
        if getattr(getattr(view_func, "cls", None), TOKEN_ONLY, False):
            return None  # an API view: a token logs in there, never this session (it has no second step)
        name = request.resolver_match.url_name if request.resolver_match else None
        set_up, must = status(user)
        if set_up:
            if name in OPEN_BEFORE_SECOND_STEP:
                return None
            return redirect(reverse("second_factor_verify") + "?" + urlencode({"next": request.get_full_path()}))
        if name in OPEN_BEFORE_SET_UP or not must:
            return None
        return redirect(reverse("second_factor_setup") + "?" + urlencode({"next": request.get_full_path()}))
