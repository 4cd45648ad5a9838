"""Single sign-on with OpenID Connect (mozilla-django-oidc): people log in with their organisation's own account.

One provider per installation, from the environment (settings: ``EDMONITOR_OIDC_*``); Microsoft
Entra ID or any standard provider. The rules, in :class:`SingleSignOnBackend`:

- An account is matched **only on a verified e-mail address**: the provider must say the address
  is verified (``email_verified``, or Entra ID's ``xms_edov``, "the domain owner verified it").
  Two accounts with the address: refused, never guessed.
- Someone without an account gets one only when their address is at an e-mail domain that an
  organisation has linked (coordinators link domains), or has an open invitation: the user name
  is the address, there is no password, and the role is viewer in the linked organisation (the
  invitation, once confirmed, gives its own). Their admins give more.
- edmonitor keeps its own roles: the provider says who someone is, never what they may do.

A person whose organisation records that its provider asks for a second factor
(``Organisation.second_factor_by_sso``) passes edmonitor's second step by logging in this way.
Every refusal says why on the login page and is recorded as a failed sign-in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from edmonitor.core.types import Account
from edmonitor.organisations.models import EmailDomain, Organisation, Role
from edmonitor.organisations.services import give_role

from .models import Invitation, InvitationStatus

BACKEND = "edmonitor.accounts.sso.SingleSignOnBackend"
# The session remembers why single sign-on refused someone, for the login page to say.
PROBLEM_KEY = "edmonitor_sso_problem"
# The session of someone whose organisation's provider asked for the second factor.
SECOND_FACTOR_KEY = "edmonitor_second_factor_by_sso"


class Problem:
    NOT_VERIFIED = "not_verified"
    NO_ACCOUNT = "no_account"
    AMBIGUOUS = "ambiguous"
    INACTIVE = "inactive"


def verified_email(claims: dict[str, Any]) -> str:
    """The e-mail address in the claims if the provider says it is verified, else ''."""
    email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified") is True or claims.get("xms_edov") in (True, 1, "1", "true", "True")
    return email if email and verified else ""


def linked_organisation(email: str) -> Organisation | None:
    domain = email.rpartition("@")[2]
    link = EmailDomain.objects.filter(domain=domain).select_related("organisation").first()
    return link.organisation if link else None


class SingleSignOnBackend(OIDCAuthenticationBackend):
    def _refuse(self, problem: str) -> None:
        self.request.session[PROBLEM_KEY] = problem
        raise SuspiciousOperation(f"single sign-on refused: {problem}")

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The userinfo claims, beside those of the signed ID token (where Entra ID puts ``xms_edov``)."""
        claims = dict(payload)
        claims.update(super().get_userinfo(access_token, id_token, payload))
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not verified_email(claims):
            self._refuse(Problem.NOT_VERIFIED)
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]):
        users = get_user_model().objects.filter(email__iexact=verified_email(claims))
        if users.filter(is_active=True).count() > 1:
            self._refuse(Problem.AMBIGUOUS)
        if users.exists() and not users.filter(is_active=True).exists():
            self._refuse(Problem.INACTIVE)
        return users.filter(is_active=True)

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> Account:
        email = verified_email(claims)
        organisation = linked_organisation(email)
        invited = any(i.status == InvitationStatus.PENDING for i in Invitation.objects.open().filter(email=email))
        if (organisation is None and not invited) or get_user_model().objects.filter(username__iexact=email).exists():
            self._refuse(Problem.NO_ACCOUNT)
        user = get_user_model().objects.create_user(
            username=email,
            email=email,
            password=None,  # no password: this person logs in through their organisation
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        if organisation is not None:
            give_role(user, organisation, Role.VIEWER)
        # Someone invited (at a domain nobody linked) gets the account only: the invitation's page,
        # where single sign-on brings them back, gives the role once they confirm.
        return user


@receiver(user_logged_in)
def remember_second_factor_by_provider(sender: Any, request: HttpRequest | None, user: Account, **kwargs: Any) -> None:
    """A login through the provider of an organisation that asks for a second factor counts as the second step."""
    if request is None or getattr(user, "backend", "") != BACKEND:
        return
    organisation = linked_organisation(user.email.lower())
    if organisation is not None and organisation.second_factor_by_sso:
        request.session[SECOND_FACTOR_KEY] = organisation.pk


def passed_by_provider(request: HttpRequest) -> bool:
    return bool(getattr(request, "session", None) and request.session.get(SECOND_FACTOR_KEY))


def _enabled() -> None:
    if not settings.EDMONITOR_SSO:
        raise Http404("Single sign-on is not set up on this installation")


@login_not_required
def start(request: HttpRequest) -> HttpResponse:
    """The login page's button: on to the provider (with state, nonce and PKCE)."""
    _enabled()
    request.session.pop(PROBLEM_KEY, None)
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
def callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the person back; on to the page they asked for, or to the login page saying why not."""
    _enabled()
    return OIDCAuthenticationCallbackView.as_view()(request)
