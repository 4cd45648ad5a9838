"""Pages of intervision groups (members only; facilitators change them) and the organisation's figures.

A group is found through the user's own membership, so a group one is not a member of is 404,
whatever one's role elsewhere. The organisation's page shows only k-anonymous figures
(:func:`edmonitor.development.groups.organisation_figures`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edmonitor.core.forms import AccessibleFormMixin, date_input
from edmonitor.core.types import Account, signed_in
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, organisation_for

from . import groups, services
from .forms import saved
from .models import GroupMember, IntervisionGroup
from .services import Refused


class GroupForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the group"), max_length=groups.MAX_NAME)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Facilitated on behalf of (optional)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("no organisation"),
        help_text=gettext_lazy(
            "Only organisations where you record data. The organisation then sees figures of the group, "
            "never names, and only when at least five people are counted."
        ),
    )

    def __init__(self, *args: Any, user: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in groups.organisations_to_facilitate(user)])
        if not self.is_bound:
            self.describe_errors()


class MemberForm(AccessibleFormMixin, forms.Form):
    person = forms.CharField(
        label=gettext_lazy("User name or e-mail address"),
        max_length=services.MAX_LOOKUP,
        help_text=gettext_lazy("The person needs an account in edmonitor. They may work at another organisation."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.describe_errors()


class MeetingForm(AccessibleFormMixin, forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Date"), widget=date_input(), initial=timezone.localdate)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"),
        min_value=groups.MIN_HOURS,
        max_value=groups.MAX_HOURS,
        max_digits=4,
        decimal_places=2,
        help_text=gettext_lazy("From 0.25 to 12 hours, in quarters of an hour."),
    )
    present = forms.MultipleChoiceField(
        label=gettext_lazy("Who was present?"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Only who was there. We keep no notes of what was said."),
    )

    def __init__(self, *args: Any, group: IntervisionGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {m.user.get_username(): m.user for m in group.members.select_related("user")}
        field = self.fields["present"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(name, _person(user)) for name, user in sorted(self.people.items())]
        if not self.is_bound:
            self.describe_errors()


def _person(user: Account) -> str:
    return user.get_full_name() or user.get_username()


def _group(request: HttpRequest, group_pk: int, *, facilitator: bool = False) -> tuple[Account, IntervisionGroup]:
    """The group if the user is a member (else 404); with ``facilitator``, 403 for a member who is not one."""
    user = signed_in(request.user)
    group = get_object_or_404(IntervisionGroup.objects.select_related("organisation"), pk=group_pk, members__user=user)
    if facilitator and not groups.is_facilitator(group, user):
        raise PermissionDenied
    return user, group


def group_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request.user)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _list_page(request, user)


def _list_page(request: HttpRequest, user: Account, form: GroupForm | None = None, status: int = 200) -> HttpResponse:
    context = {"groups": groups.groups_of(user), "form": form or GroupForm(user=user)}
    return render(request, "development/groups.html", context, status=status)


def group_create(request: HttpRequest) -> HttpResponse:
    user = signed_in(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = GroupForm(request.POST, user=user)
    group = saved(form, lambda data: groups.create_group(user, **data))
    if group is not None:
        messages.success(request, _("The group has been made. Now add its members."))
        return redirect("intervision_group", group_pk=group.pk)
    return _list_page(request, user, form, status=400)


def _group_page(
    request: HttpRequest,
    user: Account,
    group: IntervisionGroup,
    *,
    member_form: MemberForm | None = None,
    meeting_form: MeetingForm | None = None,
) -> HttpResponse:
    members = list(group.members.select_related("user").order_by("-facilitator", "user__username"))
    meetings = list(group.meetings.prefetch_related("present")[:100])
    facilitator = any(m.user_id == user.pk and m.facilitator for m in members)
    context = {
        "group": group,
        "members": [(m, _person(m.user)) for m in members],
        "meetings": [(meeting, sorted(_person(p) for p in meeting.present.all())) for meeting in meetings],
        "facilitator": facilitator,
        "me": user,
        "member_form": member_form or MemberForm(),
        "meeting_form": meeting_form or MeetingForm(group=group),
        "max_members": groups.MAX_MEMBERS,
    }
    status = 400 if (member_form or meeting_form) else 200
    return render(request, "development/group.html", context, status=status)


def group(request: HttpRequest, group_pk: int) -> HttpResponse:
    user, this = _group(request, group_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _group_page(request, user, this)


def member_add(request: HttpRequest, group_pk: int) -> HttpResponse:
    user, this = _group(request, group_pk, facilitator=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MemberForm(request.POST)
    if saved(form, lambda data: groups.add_member(this, user, name_or_email=data["person"])) is not None:
        messages.success(request, _("The member has been added."))
        return redirect("intervision_group", group_pk=this.pk)
    return _group_page(request, user, this, member_form=form)


def member_remove(request: HttpRequest, group_pk: int, member_pk: int) -> HttpResponse:
    """A facilitator removes a member, or a member leaves (POST)."""
    user, this = _group(request, group_pk)
    member = get_object_or_404(GroupMember, pk=member_pk, group=this)
    if member.user_id != user.pk and not groups.is_facilitator(this, user):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        groups.remove_member(this, user, member)
    except Refused as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("intervision_group", group_pk=this.pk)
    if member.user_id == user.pk:
        messages.success(request, _("You have left the group."))
        return redirect("intervision_groups")
    messages.success(request, _("The member has been removed from the group."))
    return redirect("intervision_group", group_pk=this.pk)


def meeting_create(request: HttpRequest, group_pk: int) -> HttpResponse:
    user, this = _group(request, group_pk, facilitator=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MeetingForm(request.POST, group=this)

    def save(data: dict[str, Any]) -> Any:
        present = [form.people[name] for name in data["present"]]
        return groups.record_meeting(this, user, held_on=data["held_on"], hours=data["hours"], present=present)

    if saved(form, save) is not None:
        messages.success(request, _("The meeting has been recorded."))
        return redirect("intervision_group", group_pk=this.pk)
    return _group_page(request, user, this, meeting_form=form)


def organisation_intervision(request: HttpRequest, pk: int) -> HttpResponse:
    """The intervision the organisation facilitates, in k-anonymous figures (VIEW)."""
    organisation = organisation_for(request.user, pk, Access.VIEW)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    context = {"organisation": organisation, "figures": groups.organisation_figures(organisation), "k": groups.K}
    return render(request, "development/group_figures.html", context)
