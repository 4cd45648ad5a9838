"""A person's API tokens on their account: make one (shown once), see them, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from edmonitor.core.types import signed_in
from edmonitor.organisations.access_log import record
from edmonitor.organisations.models import AccessAction

from . import tokens
from .forms import TokenForm
from .models import ApiToken


@never_cache  # the page that shows a new token once must not be kept by a browser or proxy
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's tokens, and the form for a new one; after making one, the token itself, once."""
    user = signed_in(request.user)
    form = TokenForm(request.POST or None)
    made: tuple[ApiToken, str] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = tokens.create(user, name=data["name"], scope=data["scope"], expires_on=data["expires_on"])
        except tokens.TokenRefused as refusal:
            form.add_error(None, str(refusal))
            form.describe_errors()
        else:
            record(request, action=AccessAction.CHANGE, kind="token_create", object_id=made[0].pk)
            form = TokenForm()
    elif request.method == "POST":
        form.describe_errors()
    context = {
        "form": form,
        "made": made,
        "tokens": tokens.tokens_of(user),
        "max_active": tokens.MAX_ACTIVE,
        "api_docs": reverse("api_docs"),
    }
    return render(request, "accounts/tokens.html", context)


def token_revoke(request: HttpRequest, token_pk: int) -> HttpResponse:
    """Ask once (GET), then revoke (POST): programs that use the token stop working at once."""
    user = signed_in(request.user)
    token = get_object_or_404(ApiToken, pk=token_pk, user=user)  # someone else's token does not exist here
    if request.method == "POST":
        if tokens.revoke(token):
            record(request, action=AccessAction.CHANGE, kind="token_revoke", object_id=token.pk)
            messages.success(
                request, _("The token %(name)s has been revoked. It no longer works.") % {"name": token.name}
            )
        return redirect("token_list")
    return render(request, "accounts/token_revoke.html", {"token": token})
