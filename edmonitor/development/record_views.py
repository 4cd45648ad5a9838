"""The development record's pages (its owner only) and the confirming of an activity (the person asked)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from edmonitor.core.types import signed_in

from . import record, register, services
from .forms import ActivityForm, OwnGoalForm, RuleSetForm, saved
from .models import Activity, IntervisionGroup, Space


def _space(request: HttpRequest) -> Space | None:
    space = services.existing_space(signed_in(request.user))
    return space if space is not None and space.consent_given_at is not None else None


def _my_groups(space: Space) -> QuerySet[IntervisionGroup]:
    return IntervisionGroup.objects.filter(members__user_id=space.user_id)


def home(request: HttpRequest) -> HttpResponse:
    space = _space(request)
    if space is None:
        return redirect("development")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    form = RuleSetForm(initial={"rule_set": space.rule_set_id}, rule_sets=register.available(space))
    context = {**record.overview(space), "rule_form": form, "goal_form": OwnGoalForm()}
    return render(request, "development/record.html", context)


@require_POST
def choose_rules(request: HttpRequest) -> HttpResponse:
    space = _space(request)
    if space is None:
        return redirect("development")
    form = RuleSetForm(request.POST, rule_sets=register.available(space))
    if form.is_valid():
        space.rule_set = form.cleaned_data["rule_set"]
        space.save(update_fields=["rule_set"])
        messages.success(request, _("Your choice has been saved."))
    return redirect("development_record")


@require_POST
def own_goal(request: HttpRequest) -> HttpResponse:
    space = _space(request)
    if space is None:
        return redirect("development")
    form = OwnGoalForm(request.POST)
    if saved(form, lambda data: register.save_own_goal(space, **data)) is not None:
        messages.success(request, _("Your goal has been saved. Your hours now count toward it."))
        return redirect("development_record")
    rule_form = RuleSetForm(initial={"rule_set": space.rule_set_id}, rule_sets=register.available(space))
    context = {**record.overview(space), "rule_form": rule_form, "goal_form": form}
    return render(request, "development/record.html", context, status=400)


def _initial(activity: Activity) -> dict[str, Any]:
    fields = ("kind", "title", "occurred_on", "starts_at", "ends_at", "hours", "participants", "private_note")
    initial = {name: getattr(activity, name) for name in fields}
    confirm_by = activity.confirm_by.get_username() if activity.confirm_by else ""
    return initial | {"group": activity.group_id, "confirm_by": confirm_by}


@require_http_methods(["GET", "POST"])
def activity(request: HttpRequest, activity_pk: int | None = None) -> HttpResponse:
    user = signed_in(request.user)
    instance = get_object_or_404(Activity, pk=activity_pk, space__user=user) if activity_pk is not None else None
    space = _space(request)
    if space is None:
        return redirect("development")
    initial = _initial(instance) if instance is not None else {}
    form = ActivityForm(request.POST or None, initial=initial, groups=_my_groups(space))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        identifier = data.pop("confirm_by").strip()
        confirm_by = services.find_account(identifier) if identifier else None
        if identifier and confirm_by is None:
            form.add_error("confirm_by", _("There is no single account with this user name or e-mail address."))
        else:
            try:
                record.save_activity(space, activity=instance, confirm_by=confirm_by, **data)
            except services.Refused as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The activity has been saved."))
                return redirect("development_record")
        form.describe_errors()
    return render(request, "development/activity_form.html", {"form": form, "activity": instance})


def activity_delete(request: HttpRequest, activity_pk: int) -> HttpResponse:
    instance = get_object_or_404(Activity.objects.select_related("space"), pk=activity_pk, space__user=request.user.pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    record.delete_activity(instance.space, instance)
    messages.success(request, _("The activity has been deleted."))
    return redirect("development_record")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, activity_pk: int) -> HttpResponse:
    """The shared part of an activity its owner asked this person to confirm; confirming is a POST."""
    user = signed_in(request.user)
    found = get_object_or_404(record.to_confirm(user).exclude(space__user=user), pk=activity_pk)
    if request.method == "POST":
        record.confirm(user, found)
        messages.success(request, _("You have confirmed the activity. Thank you."))
        return redirect("shared_with_me")
    return render(request, "development/confirm.html", {"activity": found, "owner": found.space.user})
