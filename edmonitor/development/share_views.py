"""Sharing pages: the owner's list of shares (with every view of them), and what others see of a share.

The pages under ``gedeeld/`` show another person's shared material; the access-log middleware
records every view of them (``SPANNING_ROUTES``), and :func:`sharing.open_share` keeps each
view for the owner.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from edmonitor.core.types import signed_in

from . import record, services, sharing
from .forms import ShareForm
from .models import ConsentUse, IntervisionGroup, Share, Space


def _form(space: Space, data: object = None) -> ShareForm:
    groups = IntervisionGroup.objects.filter(members__user_id=space.user_id)
    return ShareForm(data, what=sharing.choices(space), groups=groups)


@require_http_methods(["GET", "POST"])
def shares(request: HttpRequest) -> HttpResponse:
    """The owner's shares, open and ended, each with who viewed it when; and a form to share something."""
    space = services.existing_space(signed_in(request.user))
    if space is None or space.consent_given_at is None:
        return redirect("development")
    form = _form(space, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identifier = data["person"].strip()
        person = services.find_account(identifier) if identifier else None
        if identifier and person is None:
            form.add_error("person", _("There is no single account with this user name or e-mail address."))
        else:
            try:
                sharing.share(space, what=data["what"], person=person, group=data["group"], ends_on=data["ends_on"])
            except services.Refused as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("It is shared. You see below who views it, and when."))
                return redirect("development_shares")
        form.describe_errors()
    listed = space.shares.select_related("person", "group", "evidence", "decision").prefetch_related("views")
    context = {
        "form": form,
        "shares": [(s, sharing.label(s)) for s in listed[:500]],
        "today": timezone.localdate(),
        "may_share": services.has_consent(space, ConsentUse.SHARING),
    }
    return render(request, "development/shares.html", context)


def revoke(request: HttpRequest, share_pk: int) -> HttpResponse:
    found = get_object_or_404(Share.objects.select_related("space"), pk=share_pk, space__user=request.user.pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    sharing.revoke(found.space, found)
    messages.success(request, _("The share has been revoked. Nobody sees it any more."))
    return redirect("development_shares")


@require_GET
def shared_with_me(request: HttpRequest) -> HttpResponse:
    """What others share with me now, and the activities I was asked to confirm."""
    user = signed_in(request.user)
    found = [(s, sharing.label(s)) for s in sharing.shared_with(user)[:500]]
    return render(request, "development/shared_with_me.html", {"shares": found, "to_confirm": record.to_confirm(user)})


def shared(request: HttpRequest, share_pk: int) -> HttpResponse:
    user = signed_in(request.user)
    if request.method != "GET":  # "not found" first for whoever may not see it, as for a GET
        get_object_or_404(sharing.shared_with(user), pk=share_pk)
        return HttpResponseNotAllowed(["GET"])
    shown = sharing.open_share(user, share_pk)
    return render(request, "development/shared.html", {"shown": shown, "label": sharing.label(shown.share)})
