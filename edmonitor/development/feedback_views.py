"""Pages of feedback requests: the asker's list, the one-time answer page (no login) and the list asked of me.

The asker's pages take the space from ``request.user`` and filter by it; someone else's request
is 404. The answer page tells nothing but the question and the asker's first name, and a link
that does not work (any reason) gives one and the same page, with status 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from edmonitor.core.forms import AccessibleFormMixin
from edmonitor.core.types import account, signed_in

from . import feedback
from .models import FeedbackRequest
from .services import Refused, existing_space


class FeedbackRequestForm(AccessibleFormMixin, forms.Form):
    asked_name = forms.CharField(
        label=gettext_lazy("Whom do you ask?"),
        max_length=feedback.MAX_NAME,
        help_text=gettext_lazy("A name, so you know whose answer it is. For example: my supervisor Sam."),
    )
    account = forms.CharField(
        label=gettext_lazy("User name or e-mail address in edmonitor (optional)"),
        required=False,
        max_length=254,
        help_text=gettext_lazy("Does this person have an account? Then they also see your question on their own list."),
    )
    question = forms.CharField(
        label=gettext_lazy("Your question"),
        max_length=feedback.MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The person only sees this question and your first name."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("How many days does the link work?"),
        min_value=feedback.MIN_DAYS,
        max_value=feedback.MAX_DAYS,
        initial=feedback.DEFAULT_DAYS,
        help_text=gettext_lazy("From 1 to 30 days."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # a bound form ties its help texts when it is cleaned
            self.describe_errors()


class AnswerForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your feedback"), max_length=feedback.MAX_ANSWER, widget=forms.Textarea(attrs={"rows": 8})
    )
    name = forms.CharField(
        label=gettext_lazy("Your name (optional)"),
        required=False,
        max_length=feedback.MAX_NAME,
        help_text=gettext_lazy("Leave it empty if you prefer not to give it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.describe_errors()


def _state(asked: FeedbackRequest) -> str:
    if asked.answered_at is not None:
        return _("answered")
    if asked.withdrawn_at is not None:
        return _("withdrawn")
    if asked.expires_at <= timezone.now():
        return _("expired")
    return _("open")


def _list_page(
    request: HttpRequest, form: FeedbackRequestForm | None = None, *, new_link: str = "", status: int = 200
) -> HttpResponse:
    user = signed_in(request.user)
    space = existing_space(user)
    context: dict[str, Any] = {"may_ask": feedback.may_ask(space), "new_link": new_link, "max_open": feedback.MAX_OPEN}
    if space is not None:
        context["rows"] = [(asked, _state(asked)) for asked in space.feedback_requests.select_related("evidence")[:200]]
    context["form"] = form or FeedbackRequestForm()
    response = render(request, "development/feedback.html", context, status=status)
    if new_link:  # the one-time link is on this page once: keep it out of caches
        response["Cache-Control"] = "no-store"
    return response


def feedback_list(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _list_page(request)


def feedback_create(request: HttpRequest) -> HttpResponse:
    """The list's form posts here; the new link is shown once, on the page this answers with."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    space = existing_space(signed_in(request.user))
    form = FeedbackRequestForm(request.POST)
    if form.is_valid() and space is not None:
        try:
            _created, token = feedback.ask(space, **form.cleaned_data)
        except Refused as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your request is ready. Copy the link now: it is shown only this once."))
            return _list_page(request, new_link=feedback.link(token, request.build_absolute_uri("/")))
    elif space is None:
        form.add_error(None, _("First agree that you ask others for feedback here."))
    form.describe_errors()
    return _list_page(request, form, status=400)


def feedback_withdraw(request: HttpRequest, request_pk: int) -> HttpResponse:
    space = existing_space(signed_in(request.user))
    asked = get_object_or_404(FeedbackRequest, pk=request_pk, space__user=request.user)
    if request.method != "POST":  # after the owner check: someone else's request is 404 either way
        return HttpResponseNotAllowed(["POST"])
    assert space is not None  # the request belongs to the user's space
    feedback.withdraw(space, asked)
    messages.success(request, _("The request has been withdrawn. Its link no longer works."))
    return redirect("development_feedback")


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "development/feedback_gone.html", status=404)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The page of the one-time link: the question, the asker's first name and a form. Nothing else."""
    asked = feedback.by_token(token)
    if asked is None:
        return _gone(request)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                feedback.answer(asked, by=account(request.user), **form.cleaned_data)
            except Refused:
                return _gone(request)  # answered or withdrawn meanwhile
            response = render(request, "development/feedback_thanks.html")
            response["Referrer-Policy"] = "no-referrer"
            return response
        form.describe_errors()
    context = {"asked": asked, "first_name": feedback.asker_first_name(asked), "form": form}
    response = render(request, "development/feedback_answer.html", context, status=400 if form.errors else 200)
    response["Referrer-Policy"] = "no-referrer"  # the secret is in the address: do not pass it to other sites
    return response


@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    """Requests asked of me, each with its own form; a form posts back here with the request's number."""
    user = signed_in(request.user)
    posted: AnswerForm | None = None
    chosen = None
    if request.method == "POST":
        value = request.POST.get("request", "")
        asked = feedback.for_me(user, int(value)) if value.isdecimal() and len(value) < 12 else None
        if asked is None:
            messages.error(request, _("This request can no longer be answered."))
            return redirect("development_feedback_inbox")
        chosen, posted = asked.pk, AnswerForm(request.POST, prefix=f"r{asked.pk}")
        if posted.is_valid():
            try:
                feedback.answer(asked, by=user, **posted.cleaned_data)
            except Refused as refused:
                for message in refused.messages:
                    posted.add_error(None, message)
            else:
                messages.success(request, _("Thank you. Your feedback has been sent."))
                return redirect("development_feedback_inbox")
        posted.describe_errors()
    rows = [
        {
            "asked": asked,
            "form": posted if posted is not None and asked.pk == chosen else AnswerForm(prefix=f"r{asked.pk}"),
        }
        for asked in feedback.inbox(user)
    ]
    return render(request, "development/feedback_inbox.html", {"rows": rows}, status=400 if posted else 200)
