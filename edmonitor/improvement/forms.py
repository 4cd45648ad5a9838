"""Forms of the improvement loop. They only collect and type the input: the rules are in :mod:`.services`,
whose refusals are shown next to the field they concern (:func:`show_refusal`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edmonitor.core.forms import AccessibleFormMixin, choices, date_input, model_choices
from edmonitor.knowledge.content import ROLES
from edmonitor.knowledge.models import DialogueMethod
from edmonitor.knowledge.models import label as role_label
from edmonitor.organisations.models import Facility, Organisation

from .items import item_choices
from .models import ActionStatus, Attainment, GoalType
from .services import Decision, GoalProposal, ImprovementRefused

DATE = date_input()


def show_refusal(form: forms.Form, refused: ImprovementRefused) -> None:
    """Each refusal next to its field when the form has it, else above the form."""
    for field, message in refused.problems:
        form.add_error(field if field in form.fields else None, message)
    form.describe_errors()  # type: ignore[attr-defined]


def split_link(value: str) -> tuple[str, str]:
    """'vie:2a' → ('vie', '2a'); '' → ('', '')."""
    instrument, _sep, item = (value or "").partition(":")
    return instrument, item


def join_link(instrument: str, item: str) -> str:
    return f"{instrument}:{item}" if instrument and item else ""


class _ScopedForm(AccessibleFormMixin, forms.Form):
    """A form with an optional facility of the organisation (left out when it has none)."""

    facility: forms.ModelChoiceField[Facility] = forms.ModelChoiceField(
        label=_("Facility"), queryset=None, required=False, empty_label=_("The whole organisation")
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        facilities = list(organisation.facilities.all())
        if facilities:
            model_choices(self, "facility").queryset = organisation.facilities.all()
        else:
            del self.fields["facility"]


class GoalForm(_ScopedForm):
    item = forms.ChoiceField(label=_("Item or theme"), choices=())
    goal_type = forms.ChoiceField(label=_("Kind of goal"), choices=GoalType.choices, widget=forms.RadioSelect)
    target = forms.IntegerField(
        label=_("Target"),
        required=False,
        min_value=1,
        max_value=5,
        help_text=_(
            "For 'reach at least a score': the score to reach (1–5). For 'improve': by how many points. "
            "Leave empty for the other kinds."
        ),
    )
    description = forms.CharField(
        label=_("The goal in words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a goal in words; for the other kinds an optional explanation."),
    )
    set_on = forms.DateField(label=_("Set on"), widget=DATE)
    due_by = forms.DateField(
        label=_("Follow-up measured by"),
        required=False,
        widget=DATE,
        help_text=_("When the next measurement (or audit) should show whether the goal was reached."),
    )

    field_order = ["item", "facility", "goal_type", "target", "description", "set_on", "due_by"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"set_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        choices(self, "item").choices = [("", _("Choose…")), *item_choices()]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        instrument, item = split_link(data["item"])
        return {
            "instrument": instrument,
            "item": item,
            "goal_type": data["goal_type"],
            "target": data.get("target"),
            "description": data.get("description", ""),
            "set_on": data["set_on"],
            "due_by": data.get("due_by"),
            "facility": data.get("facility"),
        }


class ActionForm(_ScopedForm):
    title = forms.CharField(label=_("What"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(
        label=_("Owner"),
        max_length=200,
        help_text=_("The person or team responsible, for example 'teamleider FACT Noord'."),
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    link = forms.ChoiceField(label=_("Linked to item or theme"), required=False, choices=())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Where a new action comes from (carried by the form; checked by the service).
    recommendation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    outcome = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["title", "owner", "due_on", "status", "link", "facility", "notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "link").choices = [("", _("Not linked")), *item_choices()]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        instrument, item = split_link(data.get("link", ""))
        values = {name: data.get(name) for name in ("title", "owner", "due_on", "status", "notes")}
        return {**values, "instrument": instrument, "item": item, "facility": data.get("facility")}


if TYPE_CHECKING:  # Django's form fields are generic for the type checker only
    _MethodField = forms.ModelChoiceField[DialogueMethod]
else:
    _MethodField = forms.ModelChoiceField


class MethodChoiceField(_MethodField):
    """Dialogue methods listed by their name in the user's language."""

    def label_from_instance(self, obj: DialogueMethod) -> str:
        return str(obj.text("name"))


class SessionForm(_ScopedForm):
    """Plan a session, or record how it went (``recording``: notes added). The method can be chosen both times;
    :meth:`methods` gives the page what it shows about each (purpose, group size)."""

    method = MethodChoiceField(
        label=_("Dialogue method"),
        queryset=DialogueMethod.objects.all(),
        help_text=_("Below the list you see the purpose and the group size of the method you choose."),
    )
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    question = forms.CharField(
        label=_("Question or theme"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "What the conversation is about, for example 'How do we make room for the experience of relatives?'"
        ),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, recording: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role in ROLES:
            self.fields[role] = forms.IntegerField(
                label=role_label(ROLES, role), min_value=0, max_value=999, initial=0, required=False
            )
        if not recording:  # planning: notes come when the session is recorded
            del self.fields["notes"]
        self.order_fields(["method", "held_on", "facility", "question", *ROLES, "notes"])

    def counts(self) -> dict[str, int]:
        return {role: self.cleaned_data.get(role) or 0 for role in ROLES}

    def role_fields(self) -> list[forms.BoundField]:
        return [self[role] for role in ROLES]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in ROLES and name not in ("method", "notes")]

    def chosen_method_pk(self) -> str:
        """The method chosen as the page shows it: the submitted one, else the initial one ('' when none)."""
        return str(self["method"].value() or "")

    def methods(self) -> list[DialogueMethod]:
        return list(model_choices(self, "method").queryset or [])


class StepsForm(AccessibleFormMixin, forms.Form):
    """The steps of a session's method as checkboxes (a fieldset with a legend), saved on the session's page."""

    steps_done = forms.TypedMultipleChoiceField(
        label=_("Steps done"),
        help_text=_("Tick the steps you went through, then save them."),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(self, *args: Any, method: DialogueMethod, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "steps_done").choices = [(s.number, f"{s.number}. {s.text('text')}") for s in method.steps.all()]


class OutcomeForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    link = forms.ChoiceField(label=_("Linked to item or theme"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "link").choices = [("", _("Not linked")), *item_choices()]


LATER = ""


class GoalCodesForm(AccessibleFormMixin, forms.Form):
    """One code field and one reason field per goal to judge at a follow-up (``code_<id>``, ``reason_<id>``)."""

    def __init__(self, *args: Any, proposals: list[GoalProposal], **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        for p in proposals:
            goal = p.goal
            if goal.code:
                code = goal.code
            elif p.differs_from_entered:
                code = None  # a hand-entered code and a different proposal: the user chooses
            else:
                code = p.entered_code or p.proposal.code or LATER
            initial.setdefault(f"code_{goal.pk}", code)
            initial.setdefault(f"reason_{goal.pk}", goal.override_reason)
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        for p in proposals:
            goal = p.goal
            choices = list(Attainment.choices)
            if not goal.is_evaluated:
                choices.append((LATER, _("judge later")))
            self.fields[f"code_{goal.pk}"] = forms.ChoiceField(
                label=gettext("Goal attainment: %(item)s") % {"item": goal.item_label},
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"reason_{goal.pk}"] = forms.CharField(
                label=gettext("Reason for another code than the proposal: %(item)s") % {"item": goal.item_label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for p in self.proposals:
            name = f"code_{p.goal.pk}"
            if p.differs_from_entered and name not in self.data:
                self.add_error(
                    name,
                    gettext(
                        "Choose a code. On the measurement form %(entered)s was entered; edmonitor proposes "
                        "%(proposed)s."
                    )
                    % {"entered": p.entered_code, "proposed": p.proposal.code},
                )
        return data

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"proposal": p, "code": self[f"code_{p.goal.pk}"], "reason": self[f"reason_{p.goal.pk}"]}
            for p in self.proposals
        ]

    def decisions(self) -> dict[int, Any]:
        return {
            p.goal.pk: Decision(
                self.cleaned_data.get(f"code_{p.goal.pk}") or "", self.cleaned_data.get(f"reason_{p.goal.pk}") or ""
            )
            for p in self.proposals
        }
