"""The members page with its invitations, the invitation of an auditor, and the page an invitation's link opens.

Who may invite is decided where every other right is: an organisation's admins and the
coordinators manage its members (:func:`organisation_for` with ``MANAGE``); whoever may
change an audit's plan invites its auditors (:func:`audit_for` with ``PLAN``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edmonitor.audits.models import Audit
from edmonitor.audits.permissions import AuditAction, audit_for
from edmonitor.core.types import Account, signed_in
from edmonitor.organisations.access_log import record
from edmonitor.organisations.forms import MembershipForm
from edmonitor.organisations.models import AccessAction, Membership, Organisation
from edmonitor.organisations.permissions import Access, organisation_for

from . import invitations
from .forms import AuditorInviteForm, InviteForm, NewAccountForm
from .invitations import InvitationRefused
from .models import Invitation

# The backend that signs in an account just made from an invitation (it has a password).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _members_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    invite_form: InviteForm | None = None,
    role_form: MembershipForm | None = None,
) -> HttpResponse:
    memberships = organisation.memberships.select_related("user").order_by("user__username")
    open_invitations = Invitation.objects.open().filter(organisation=organisation).select_related("audit", "invited_by")
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "invitations": open_invitations,
            "invite_form": invite_form or InviteForm(prefix="invite"),
            "form": role_form or MembershipForm(organisation=organisation, chooser=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has which role, the open invitations, and the forms to invite someone or change a role."""
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    if request.method != "POST":
        return _members_page(request, organisation)
    form = MembershipForm(request.POST, organisation=organisation, chooser=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("The role has been saved."))
        return redirect("members", pk=organisation.pk)
    return _members_page(request, organisation, role_form=form)


def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """The invitation form of the members page posts here; an invalid form shows that page again, with its errors."""
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    if request.method != "POST":  # checked after access, so a foreign URL answers 404 either way
        return HttpResponseNotAllowed(["POST"])
    form = InviteForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            invitation = invitations.invite(
                email=form.cleaned_data["email"],
                organisation=organisation,
                role=form.cleaned_data["role"],
                by=request.user,
                base_url=_base_url(request),
            )
        except InvitationRefused as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("We sent an invitation to %(email)s. The link works for 7 days.") % {"email": invitation.email},
            )
            return redirect("members", pk=organisation.pk)
    form.describe_errors()
    return _members_page(request, organisation, invite_form=form)


def _open_invitation(request: HttpRequest, organisation: Organisation, invitation_pk: int) -> Invitation:
    return get_object_or_404(Invitation.objects.open(), pk=invitation_pk, organisation=organisation)


def member_invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    if request.method != "POST":  # checked after access, so a foreign URL answers 404 either way
        return HttpResponseNotAllowed(["POST"])
    invitation = _open_invitation(request, organisation, invitation_pk)
    invitations.send_again(invitation, by=request.user, base_url=_base_url(request))
    messages.success(
        request,
        _("We sent the invitation to %(email)s again. Only the newest link works, for 7 days.")
        % {"email": invitation.email},
    )
    return redirect("members", pk=organisation.pk)


def member_invitation_withdraw(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    invitation = _open_invitation(request, organisation, invitation_pk)
    invitations.withdraw(invitation)
    messages.success(
        request,
        _("The invitation to %(email)s has been withdrawn. Its link no longer works.") % {"email": invitation.email},
    )
    return redirect("members", pk=organisation.pk)


def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    if request.method != "POST":  # checked after access, so a foreign URL answers 404 either way
        return HttpResponseNotAllowed(["POST"])
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot remove your own role."))
    else:
        membership.delete()  # ends the person's sessions too (organisations.receivers.membership_removed)
        messages.success(request, _("The role has been removed. The person has been logged out everywhere."))
    return redirect("members", pk=organisation.pk)


@require_http_methods(["GET", "POST"])
def audit_auditor_invite(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    """Invite someone by e-mail to one of the audit's two places, for this audit only (no role in the organisation)."""
    audit: Audit = audit_for(request.user, pk, audit_pk, AuditAction.PLAN)
    form = AuditorInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invite(
                email=form.cleaned_data["email"],
                organisation=audit.organisation,
                audit=audit,
                place=form.cleaned_data["place"],
                position=form.cleaned_data["position"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                base_url=_base_url(request),
            )
        except InvitationRefused as refused:
            for message in refused.messages:
                form.add_error("reason" if getattr(message, "key", None) == "reason" else None, message)
        else:
            messages.success(
                request,
                _("We sent an invitation to %(email)s. The link works for 7 days.") % {"email": invitation.email}
                + " "
                + _("The auditor's place changes when the invitation is accepted."),
            )
            return redirect("audit", pk=audit.organisation_id, audit_pk=audit.pk)
        form.describe_errors()
    pending = Invitation.objects.open().filter(audit=audit)
    return render(
        request,
        "accounts/auditor_invite.html",
        {"audit": audit, "organisation": audit.organisation, "form": form, "invitations": pending},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page the link in an invitation opens: make an account, or confirm with the account one has."""
    opened = invitations.open_link(token)
    if opened.invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"problem": opened.problem})
    invite = opened.invitation
    context = {"invitation": invite, "what": invitations.what(invite), "token": token}
    if request.user.is_authenticated:
        user = signed_in(request.user)
        if request.method == "POST" and request.POST.get("action") == "logout":  # another account: step aside
            logout(request)
            return redirect("invitation", token=token)
        if invitations.normalise(user.email) != invite.email:
            return render(request, "accounts/invitation_other_account.html", context)
        if request.method == "POST":
            return _accepted(request, invite, user, token=token, new=False)
        return render(request, "accounts/invitation_confirm.html", context)
    if invitations.accounts_with_address(invite.email):
        return render(request, "accounts/invitation_log_in.html", context)
    form = NewAccountForm(request.POST or None, email=invite.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.create_account(
                invite,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except InvitationRefused as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            login(request, user, backend=MODEL_BACKEND)
            return _accepted(request, invite, user, token=token, new=True, done=True)
        form.describe_errors()
    return render(
        request, "accounts/invitation_new_account.html", {**context, "form": form, "sso": settings.EDMONITOR_SSO}
    )


def _accepted(
    request: HttpRequest, invite: Invitation, user: Account, *, token: str, new: bool, done: bool = False
) -> HttpResponse:
    """Accept (unless ``done``), record it in the access log and go to what the invitation gave."""
    if not done:
        try:
            invitations.accept(invite, user)
        except InvitationRefused as refused:
            for message in refused.messages:
                messages.error(request, message)
            return redirect("invitation", token=token)
    record(
        request,
        action=AccessAction.CHANGE,
        kind="invitation_accept",
        organisation=invite.organisation_id,
        object_id=invite.pk,
        user=user,
    )
    greeting = _("Welcome to edmonitor. Your account has been made.") if new else _("The invitation has been accepted.")
    messages.success(request, greeting + " " + _("You are now %(what)s.") % {"what": invitations.what(invite)})
    if invite.audit_id:
        return redirect("audit", pk=invite.organisation_id, audit_pk=invite.audit_id)
    return redirect(invite.organisation.get_absolute_url())
