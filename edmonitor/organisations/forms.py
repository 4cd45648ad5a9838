"""Forms for organisations, facilities and memberships."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edmonitor.core.forms import AccessibleFormMixin, date_input

from .models import (
    AccessAction,
    AccessCategory,
    AccessEventQuerySet,
    EmailDomain,
    Facility,
    Membership,
    Organisation,
    Role,
)
from .permissions import own_people, people_to_choose
from .services import give_role, link_domains


def choose_person(chooser, organisation: Organisation, name: str):
    """The active account ``chooser`` may name for this organisation, found by what people type.

    ``name`` is a user name, a full name ("Mia Medewerker") or a first name ("Mia"), in any
    case; a name that fits more than one person asks for the user name. The refusal is the
    same for a name nobody has and for an account outside the organisation, so a form never
    reveals who else has an account.
    """
    name = " ".join(name.split())
    people = people_to_choose(chooser, organisation)
    user = people.filter(username__iexact=name).first()
    if user is None and name:
        first, _space, last = name.partition(" ")
        by_name = people.filter(first_name__iexact=first, last_name__iexact=last) if last else None
        matches = list((by_name if by_name is not None else people.filter(first_name__iexact=first))[:2])
        if len(matches) > 1:
            raise forms.ValidationError(
                _("More than one person is called “%(name)s”. Type the user name instead."), params={"name": name}
            )
        user = matches[0] if matches else None
    if user is None:
        raise forms.ValidationError(
            _(
                "“%(name)s” is not one of the people you can choose here: the members of this organisation "
                "and the auditors of its audits. Ask a coordinator to add someone new."
            ),
            params={"name": name},
        )
    return user


def people_list(chooser, organisation: Organisation) -> list[tuple[str, str]]:
    """(user name, label) of the organisation's own people, as suggestions on forms that choose someone."""
    users = people_to_choose(chooser, organisation) & own_people(organisation)
    return [(u.get_username(), u.get_full_name() or u.get_username()) for u in users.order_by("username")]


# At most this many e-mail domains per organisation.
MAX_EMAIL_DOMAINS = 10
DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


class OrganisationForm(AccessibleFormMixin, forms.ModelForm):
    """An organisation's details; the sector only for who may change it (``may_change_sector``).

    The sector chooses the peers the benchmark compares the organisation with, so an
    organisation's own admin could otherwise pick a small group of peers to learn their
    scores (edmonitor/instruments/peers.py). For anyone else the field is shown but disabled:
    Django then keeps the stored value whatever a (forged) form post sends.
    """

    email_domains = forms.CharField(
        label=_("E-mail domains for single sign-on"),
        required=False,
        max_length=MAX_EMAIL_DOMAINS * 254,
        help_text=_(
            "For example zorg.example.nl. Separate several domains with a comma. Someone who logs in with "
            "their organisation account and an address at one of these domains gets an account here, with "
            "the viewer role."
        ),
    )

    class Meta:
        model = Organisation
        fields = ["name", "sector", "clients", "staff_fte", "require_second_factor", "second_factor_by_sso"]

    def __init__(self, *args, may_change_sector: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_change_sector:
            self.fields["sector"].disabled = True
            self.fields["sector"].help_text = _(
                "Only a coordinator can change the sector. The sector decides which organisations yours is "
                "compared with."
            )
        # Linking a domain decides who may join the organisation: coordinators only (like the sector).
        if not (settings.EDMONITOR_SSO and may_change_sector):
            del self.fields["email_domains"]
        elif self.instance.pk:
            self.fields["email_domains"].initial = ", ".join(d.domain for d in self.instance.email_domains.all())
        if not settings.EDMONITOR_SSO:
            del self.fields["second_factor_by_sso"]

    def clean_email_domains(self) -> list[str]:
        raw = self.cleaned_data.get("email_domains") or ""
        domains = sorted({d.strip().lower().lstrip("@") for d in raw.replace(";", ",").split(",") if d.strip()})
        if len(domains) > MAX_EMAIL_DOMAINS:
            raise forms.ValidationError(_("Link at most %(count)s domains.") % {"count": MAX_EMAIL_DOMAINS})
        wrong = [d for d in domains if not DOMAIN.fullmatch(d)]
        if wrong:
            raise forms.ValidationError(
                _("“%(domain)s” is not an e-mail domain, such as zorg.example.nl.") % {"domain": wrong[0]}
            )
        taken = EmailDomain.objects.filter(domain__in=domains)
        if self.instance.pk:
            taken = taken.exclude(organisation=self.instance)
        clash = taken.select_related("organisation").first()
        if clash:
            raise forms.ValidationError(
                _("%(domain)s is already linked to %(organisation)s.")
                % {"domain": clash.domain, "organisation": clash.organisation.name}
            )
        return domains

    @transaction.atomic
    def save(self, commit: bool = True) -> Organisation:
        organisation = super().save(commit=commit)
        if "email_domains" in self.fields and commit:
            link_domains(organisation, self.cleaned_data["email_domains"])
        return organisation

    def clean_staff_fte(self):
        value = self.cleaned_data.get("staff_fte")
        if value is not None and value < 0:
            raise forms.ValidationError(_("The staff fte cannot be negative."))
        return value


class FacilityForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["name"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Facility.objects.filter(organisation=self.instance.organisation, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This organisation already has a facility with this name."))
        return name


class MembershipForm(AccessibleFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, organisation: Organisation, chooser, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.chooser = chooser

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        self.user = choose_person(self.chooser, self.organisation, username)
        return username

    def save(self) -> Membership:
        return give_role(self.user, self.organisation, self.cleaned_data["role"])


# The access log page reads at most this many distinct names for its person filter.
MAX_PEOPLE_IN_FILTER = 500


class AccessLogFilterForm(AccessibleFormMixin, forms.Form):
    """The filters of an organisation's access log: person, period, kind and action (all optional)."""

    persoon = forms.ChoiceField(label=_("Person"), required=False)
    van = forms.DateField(label=_("From"), required=False, widget=date_input())
    tot = forms.DateField(label=_("Up to and including"), required=False, widget=date_input())
    soort = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *AccessCategory.choices])
    actie = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AccessAction.choices]
    )

    def __init__(self, *args: Any, people: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["persoon"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Everyone")), *((name, name) for name in people)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("van"), data.get("tot")
        if start and end and end < start:
            self.add_error("tot", _("The end of the period is before its start."))
        return data

    def filter(self, events: AccessEventQuerySet) -> AccessEventQuerySet:
        """The events that pass the filters (call after is_valid)."""
        data = self.cleaned_data
        if data.get("persoon"):
            events = events.filter(username=data["persoon"])
        zone = timezone.get_current_timezone()
        if data.get("van"):
            events = events.filter(at__gte=dt.datetime.combine(data["van"], dt.time.min, zone))
        if data.get("tot"):
            events = events.filter(at__lt=dt.datetime.combine(data["tot"] + dt.timedelta(days=1), dt.time.min, zone))
        if data.get("soort"):
            events = events.filter(category=data["soort"])
        if data.get("actie"):
            events = events.filter(action=data["actie"])
        return events
