"""Invitations by e-mail: every change to an invitation goes through one function here.

An organisation's admin (or a coordinator) invites a person with a role; the planner of an
audit invites an auditor for one place of that audit only. The mail holds a signed link
(:func:`token`) that works once and for :data:`~.models.INVITATION_DAYS` days after it was
sent. Whoever opens it either signs in to the account that has the invited address and
confirms, or, when no account has that address, makes one (the password validators apply)
and is signed in. Pages, the ``invite`` command and the tests use these functions alike.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from edmonitor.audits.models import Audit
from edmonitor.audits.services import AuditRefused, give_place, place_problems
from edmonitor.core.types import Account, User, account
from edmonitor.organisations.models import Organisation, Role
from edmonitor.organisations.services import give_role

from .models import INVITATION_DAYS, Invitation, InvitationStatus, Profile

SALT = "edmonitor.accounts.invitation"
MAX_AGE_SECONDS = INVITATION_DAYS * 24 * 60 * 60
# At most this many open invitations per organisation: a typing error in a script cannot mail a whole list.
MAX_OPEN_PER_ORGANISATION = 200


class InvitationRefused(Exception):
    """The invitation cannot be made, sent or accepted; ``messages`` says why, in the user's language."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def normalise(email: str) -> str:
    return email.strip().lower()


def token(invitation: Invitation) -> str:
    """The signed text in the link: the invitation and its nonce, with the time it was signed."""
    return signing.dumps([invitation.pk, invitation.nonce], salt=SALT)


def link(invitation: Invitation, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("invitation", args=[token(invitation)])


@dataclass(frozen=True)
class Opened:
    """What a link leads to: the invitation when it can still be accepted, else why not."""

    invitation: Invitation | None
    problem: str = ""


def open_link(value: str) -> Opened:
    """The invitation behind a link, if the link is genuine, the newest one sent, unused and not expired."""
    try:
        pk, nonce = signing.loads(value, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return Opened(None, _("This invitation has expired. Ask the person who invited you to send it again."))
    except (signing.BadSignature, TypeError, ValueError):
        return Opened(None, _("This link is not valid. Check that you copied the whole link from the e-mail."))
    invitation = (
        Invitation.objects.select_related("organisation", "audit", "invited_by").filter(pk=pk, nonce=nonce).first()
    )
    if invitation is None:
        return Opened(
            None,
            _("This link no longer works: a newer invitation was sent, or it was withdrawn. Use the newest e-mail."),
        )
    status = invitation.status
    if status == InvitationStatus.ACCEPTED:
        return Opened(None, _("This invitation has already been used. Log in with your account."))
    if status == InvitationStatus.WITHDRAWN:
        return Opened(None, _("This invitation has been withdrawn."))
    if status == InvitationStatus.EXPIRED:
        return Opened(None, _("This invitation has expired. Ask the person who invited you to send it again."))
    return Opened(invitation)


def accounts_with_address(email: str) -> list[Account]:
    """The active accounts whose e-mail address is ``email`` (case does not count)."""
    return list(get_user_model().objects.filter(email__iexact=normalise(email), is_active=True))


def what(invitation: Invitation) -> str:
    """What the invitation gives, in a short sentence for pages and mails."""
    if invitation.audit_id:
        assert invitation.audit is not None
        return _("%(position)s of the audit of %(organisation)s on %(date)s") % {
            "position": invitation.get_audit_position_display(),
            "organisation": invitation.organisation.name,
            "date": date_format(invitation.audit.held_on, "j F Y"),
        }
    return _("%(role)s of %(organisation)s") % {
        "role": invitation.get_role_display(),
        "organisation": invitation.organisation.name,
    }


def _send(invitation: Invitation, base_url: str) -> None:
    context = {
        "invitation": invitation,
        "what": what(invitation),
        "link": link(invitation, base_url),
        "days": INVITATION_DAYS,
        "inviter": (invitation.invited_by.get_full_name() or invitation.invited_by.get_username())
        if invitation.invited_by
        else "",
    }
    body = render_to_string("accounts/invitation_email.txt", context)
    subject = _("Invitation to edmonitor: %(organisation)s") % {"organisation": invitation.organisation.name}
    send_mail(subject, body, None, [invitation.email])


def _refresh(invitation: Invitation) -> None:
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = timezone.now()


@transaction.atomic
def invite(
    *,
    email: str,
    organisation: Organisation,
    by: User | None,
    base_url: str,
    role: str = "",
    audit: Audit | None = None,
    place: int | None = None,
    position: str = "",
    reason: str = "",
) -> Invitation:
    """Invite ``email`` to a role in ``organisation``, or to ``place`` of ``audit``, and send the mail.

    An open invitation of the same address for the same role or audit place is replaced
    (its older link stops working), so inviting twice sends one valid link.
    """
    email = normalise(email)
    problems: list[str] = []
    if audit is None:
        if role not in Role.values:
            problems.append(_("Choose a role."))
    else:
        if audit.organisation_id != organisation.pk:
            problems.append(_("This audit does not belong to this organisation."))
        problems += place_problems(audit, place=place or 0, reason=reason)
    open_here = Invitation.objects.open().filter(organisation=organisation)
    if open_here.count() >= MAX_OPEN_PER_ORGANISATION:
        problems.append(
            _("This organisation has %(count)s open invitations. Withdraw old ones first.")
            % {"count": MAX_OPEN_PER_ORGANISATION}
        )
    if problems:
        raise InvitationRefused(problems)
    same = open_here.filter(email=email, audit=audit)
    if audit is not None:
        same = same.filter(audit_place=place)
    invitation = same.select_for_update().first() or Invitation(email=email, organisation=organisation, audit=audit)
    invitation.role = "" if audit else role
    invitation.audit_place = place if audit else None
    invitation.audit_position = position if audit else ""
    invitation.reason = reason.strip()
    invitation.invited_by = account(by)
    invitation.times_sent = invitation.times_sent + 1 if invitation.pk else 1
    _refresh(invitation)
    invitation.save()
    _send(invitation, base_url)
    return invitation


@transaction.atomic
def send_again(invitation: Invitation, *, by: User | None, base_url: str) -> Invitation:
    """Send a pending or expired invitation again: a new link, valid for another week; the old one stops."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("organisation", "audit").get(pk=invitation.pk)
    )
    if invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.WITHDRAWN):
        raise InvitationRefused([_("This invitation has been accepted or withdrawn; it cannot be sent again.")])
    _refresh(invitation)
    invitation.times_sent += 1
    invitation.invited_by = account(by) or invitation.invited_by
    invitation.save(update_fields=["nonce", "sent_at", "times_sent", "invited_by"])
    _send(invitation, base_url)
    return invitation


@transaction.atomic
def withdraw(invitation: Invitation) -> None:
    """Withdraw an open invitation: its link stops working at once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationRefused([_("This invitation has already been accepted. Remove the role instead.")])
    if not invitation.withdrawn_at:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])


@transaction.atomic
def accept(invitation: Invitation, user: Account) -> Invitation:
    """``user`` (whose address is the invited one) takes what the invitation gives; the link then stops working."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "audit", "invited_by")
        .get(pk=invitation.pk)
    )
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationRefused([_("This invitation can no longer be accepted.")])
    if normalise(user.email) != invitation.email:
        raise InvitationRefused(
            [
                _("This invitation is for %(email)s. Log in with the account of that address.")
                % {"email": invitation.email}
            ]
        )
    if invitation.audit is not None:
        try:
            give_place(
                invitation.audit,
                place=invitation.audit_place or 0,
                user=user,
                position=invitation.audit_position,
                by=invitation.invited_by,
                reason=invitation.reason,
            )
        except AuditRefused as refused:
            raise InvitationRefused(
                [*refused.messages, _("Ask the person who invited you to plan the audit again.")]
            ) from refused
    else:
        give_role(user, invitation.organisation, invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation


@transaction.atomic
def create_account(
    invitation: Invitation, *, first_name: str, last_name: str, password: str, language: str = ""
) -> Account:
    """Make the invited person's account (user name: the invited address) and accept the invitation with it.

    The password has been checked by the form (Django's validators). Refused, and nothing
    made, when an account already has the address or the user name.
    """
    users = get_user_model().objects
    if (
        users.filter(email__iexact=invitation.email).exists()
        or users.filter(username__iexact=invitation.email).exists()
    ):
        raise InvitationRefused([_("An account with this e-mail address already exists. Log in to accept.")])
    user = users.create_user(
        username=invitation.email,
        email=invitation.email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    current = translation.get_language() or ""
    Profile.objects.create(user=user, language=language or (current if current in dict(settings.LANGUAGES) else ""))
    accept(invitation, user)
    return user
