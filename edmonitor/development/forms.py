"""The forms of the development space."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edmonitor.core.forms import AccessibleFormMixin, choices, date_input, model_choices

from .models import MAX_NOTE, MAX_STORY, MAX_TEXT, ActivityKind, EvidenceKind, IntervisionGroup, Level, RuleSet
from .reflection import QUESTIONS
from .services import Refused


def saved(form: Any, save: Callable[[dict[str, Any]], Any]) -> Any:
    """What ``save`` returns for a valid form, or None with the refusal's messages on the form (every page's way)."""
    if form.is_valid():
        try:
            return save(form.cleaned_data)
        except Refused as refused:
            for message in refused.messages:
                form.add_error(None, message)
    form.describe_errors()
    return None


class GroupedItemsForm(AccessibleFormMixin, forms.Form):
    """A form whose ``items`` check boxes come in groups (a module with its goals and assignments, the competences…).

    ``choices`` are the items, ``groups`` a list of (label, slugs); :meth:`item_groups` gives, per
    group, its label, its check boxes and whether to show it open (something in it is ticked, or
    the field has an error).
    """

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], groups: list[tuple[str, list[str]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups = groups
        items = self.fields["items"]
        assert isinstance(items, forms.MultipleChoiceField)
        items.choices = choices
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()

    def item_groups(self) -> list[tuple[str, list[Any], int, bool]]:
        field = self["items"]
        by_value = {str(box.data["value"]): box for box in field.subwidgets}
        ticked = {str(v) for v in (field.value() or [])}
        result = []
        for label, slugs in self.groups:
            boxes = [by_value[slug] for slug in slugs if slug in by_value]
            count = sum(1 for slug in slugs if slug in ticked)
            result.append((label, boxes, count, bool(count or field.errors)))
        return result


class ConsentForm(AccessibleFormMixin, forms.Form):
    agree = forms.BooleanField(
        label=_("Yes, edmonitor may keep my development records: my self-assessment, reflections and evidence."),
        help_text=_("You can delete everything at any moment. Nobody else sees it unless you share it."),
    )


class AssessmentForm(AccessibleFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("How far do you show this now?"), choices=Level.choices, widget=forms.RadioSelect)
    assessed_on = forms.DateField(label=_("Date"), widget=date_input(), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(GroupedItemsForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    occurred_on = forms.DateField(label=_("Date"), widget=date_input(), initial=timezone.localdate)
    text = forms.CharField(
        label=_("What happened, and what it shows"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    items = forms.MultipleChoiceField(
        label=_("What this evidence shows"),
        help_text=_("Choose one or more core tasks, task areas or competences."),
        widget=forms.CheckboxSelectMultiple,
    )


class CourseForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the course"), max_length=200)
    cohort = forms.CharField(label=_("Cohort"), max_length=60, help_text=_("For example 2026–2027 or spring 2027."))


class CohortForm(AccessibleFormMixin, forms.Form):
    cohort = forms.CharField(
        label=_("Next cohort"), max_length=60, help_text=_("The units and what they cover are copied to it.")
    )


class UnitForm(GroupedItemsForm):
    name = forms.CharField(label=_("Name of the unit"), max_length=200)
    description = forms.CharField(
        label=_("Description (optional)"), required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    items = forms.MultipleChoiceField(
        label=_("What this unit covers"),
        required=False,
        help_text=_("Modules, learning goals, assignments and competences of the basic curriculum, and core tasks."),
        widget=forms.CheckboxSelectMultiple,
    )


class ActivityForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("For example: intervision group north."))
    occurred_on = forms.DateField(label=_("Date"), widget=date_input(), initial=timezone.localdate)
    starts_at = forms.TimeField(label=_("From (optional)"), required=False, widget=forms.TimeInput({"type": "time"}))
    ends_at = forms.TimeField(label=_("Until (optional)"), required=False, widget=forms.TimeInput({"type": "time"}))
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.25"), max_value=Decimal(24), decimal_places=2,
        help_text=_("For example 1.5 for an hour and a half."),
    )  # fmt: skip
    participants = forms.CharField(
        label=_("Participants (optional)"), required=False, max_length=500,
        help_text=_("Whoever confirms the activity sees this, with the date, times and hours."),
    )  # fmt: skip
    group = forms.ModelChoiceField(
        label=_("Intervision group (optional)"), required=False, queryset=IntervisionGroup.objects.none()
    )
    confirm_by = forms.CharField(
        label=_("Ask to confirm (optional)"), required=False, max_length=254,
        help_text=_("User name or e-mail address of your supervisor or group facilitator. "
                    "They see the shared part only, never your private note."),
    )  # fmt: skip
    private_note = forms.CharField(
        label=_("Private note (optional)"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Only you see this note."),
    )  # fmt: skip

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "group").queryset = groups


class ShareForm(AccessibleFormMixin, forms.Form):
    what = forms.ChoiceField(label=_("What do you share?"))
    person = forms.CharField(
        label=_("With whom: user name or e-mail address"), required=False, max_length=254,
        help_text=_("The person needs an account in edmonitor."),
    )  # fmt: skip
    group = forms.ModelChoiceField(
        label=_("Or with one of your intervision groups"), required=False, queryset=IntervisionGroup.objects.none()
    )
    ends_on = forms.DateField(
        label=_("Until (this day included)"), widget=date_input(),
        initial=lambda: timezone.localdate() + dt.timedelta(days=7),
        help_text=_("After this day the share ends by itself. You can revoke it sooner."),
    )  # fmt: skip

    def __init__(self, *args: Any, what: list[tuple[str, Any]], groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "what").choices = what
        model_choices(self, "group").queryset = groups


class RuleSetForm(AccessibleFormMixin, forms.Form):
    rule_set = forms.ModelChoiceField(
        label=_("Count my hours against"), required=False, queryset=RuleSet.objects.none(),
        empty_label=_("nothing (no register or goal)"),
    )  # fmt: skip

    def __init__(self, *args: Any, rule_sets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "rule_set").queryset = rule_sets


class OwnGoalForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("Your goal"), max_length=200, help_text=_("For example: intervision every month."))
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    hours = forms.DecimalField(label=_("Hours"), min_value=Decimal(1), max_value=Decimal(2000), decimal_places=2)
    months = forms.IntegerField(
        label=_("Within how many months"), min_value=1, max_value=120, initial=12,
        help_text=_("Counted back from today."),
    )  # fmt: skip


# --- story ---


class StoryForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label=_("My story"),
        required=False,
        max_length=MAX_STORY,
        help_text=_("Only you see this. It is never shared, and nobody may ask you to share it."),
        widget=forms.Textarea(attrs={"rows": 16}),
    )


class StoryDecisionForm(AccessibleFormMixin, forms.Form):
    decided_on = forms.DateField(label=_("Date"), widget=date_input(), initial=timezone.localdate)
    what = forms.CharField(
        label=_("What I tell (or keep to myself)"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    audience = forms.CharField(label=_("For whom"), max_length=200, help_text=_("For example: a client, a team."))
    purpose = forms.CharField(label=_("Why"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3}))
    afterwards = forms.CharField(
        label=_("How it went afterwards (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReflectionForm(GroupedItemsForm):
    """A reflection: title, date, what it is about, the before/after questions of 002, free text and map items."""

    title = forms.CharField(label=_("Title"), max_length=200)
    occurred_on = forms.DateField(label=_("Date"), widget=date_input(), initial=timezone.localdate)
    about = forms.ChoiceField(
        label=_("About (optional)"),
        required=False,
        help_text=_("One of the critical professional situations or pillars."),
    )
    text = forms.CharField(
        label=_("What happened"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6})
    )
    items = forms.MultipleChoiceField(
        label=_("What this reflection shows"),
        help_text=_("Choose one or more core tasks, task areas or competences."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, about: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        about_field = self.fields["about"]
        assert isinstance(about_field, forms.ChoiceField)
        about_field.choices = [("", _("Not about one of these")), *about]
        for question in QUESTIONS:
            self.fields[f"answer_{question.key}"] = forms.CharField(
                label=question.text, required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
            )
        if not self.is_bound:
            self.describe_errors()

    def _answer_fields(self, moment: str) -> list[forms.BoundField]:
        return [self[f"answer_{q.key}"] for q in QUESTIONS if q.moment == moment]

    def answer_fields_before(self) -> list[forms.BoundField]:
        return self._answer_fields("before")

    def answer_fields_after(self) -> list[forms.BoundField]:
        return self._answer_fields("after")

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("title", "occurred_on", "about", "text")]

    def answers(self) -> dict[str, str]:
        return {q.key: self.cleaned_data.get(f"answer_{q.key}", "") for q in QUESTIONS}
