"""The search form and the filter form of the dialogue methods (both GET forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from edmonitor.core.forms import AccessibleFormMixin
from edmonitor.knowledge.content import AIMS, ROLES
from edmonitor.knowledge.matching import Criteria
from edmonitor.knowledge.models import Entry, choices
from edmonitor.knowledge.search import MAX_QUERY_CHARS

# The search can be narrowed to one part of the knowledge base: part -> entry kinds ("method": dialogue methods).
PARTS: dict[str, tuple[object, tuple[str, ...]]] = {
    "framework": (
        _("Framework: concepts, core tasks, pillars, critical situations, key recommendations"),
        ("background", "concept", "core_task", "pillar", "critical_situation", "key_recommendation"),
    ),
    "curriculum": (
        _("Basic curriculum and task areas"),
        (
            "curriculum_background",
            "task_area",
            "task",
            "activity",
            "module",
            "learning_goal",
            "assignment",
            "competence",
            "curriculum_dilemma",
        ),
    ),
    "route": (_("Route into the profession"), ("route_step", "onboarding_tip")),
    "live": (
        _("Lessons from the LIVE evaluation"),
        (
            "live_background",
            "live_success_factor",
            "live_pitfall",
            "live_dilemma",
            "live_condition",
            "live_recommendation",
            "live_added_value",
            "live_table",
        ),
    ),
    "methods": (_("Dialogue methods"), ("method",)),
}


class SearchForm(AccessibleFormMixin, forms.Form):
    # no max_length: a longer query (typed in the address) is cut by search.parse, with a message, not refused
    q = forms.CharField(
        label=_("Search the knowledge base"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": MAX_QUERY_CHARS}),
    )
    part = forms.ChoiceField(
        label=_("In"),
        required=False,
        choices=[("", _("everything"))] + [(key, text) for key, (text, _kinds) in PARTS.items()],
    )

    def kinds(self) -> list[str] | None:
        part = self.cleaned_data.get("part")
        return list(PARTS[part][1]) if part else None


class MethodFilterForm(AccessibleFormMixin, forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Who takes part"),
        help_text=_("Only methods whose source names all the groups you tick as participants."),
        required=False,
        choices=choices(ROLES),
        widget=forms.CheckboxSelectMultiple,
    )
    group_size = forms.IntegerField(
        label=_("Number of people"),
        help_text=_(
            "Methods for which the source gives a group size that includes this number fit. Methods without a "
            "group size in the source are listed apart."
        ),
        required=False,
        min_value=1,
        max_value=500,
    )
    aim = forms.ChoiceField(
        label=_("Aim"),
        required=False,
        choices=[("", _("any")), *choices(AIMS)],
        widget=forms.RadioSelect,
    )
    core_task = forms.ModelChoiceField(
        label=_("Supports core task"),
        required=False,
        queryset=Entry.objects.of_kind("core_task").filter(methods_for_task__isnull=False).distinct(),
        empty_label=_("any"),
    )
    situation = forms.ModelChoiceField(
        label=_("Helps with critical situation"),
        required=False,
        queryset=Entry.objects.of_kind("critical_situation"),
        empty_label=_("any"),
    )

    def criteria(self) -> Criteria:
        """The choices as matching criteria (nothing chosen when the form is not valid)."""
        if not self.is_valid():
            return Criteria()
        data = self.cleaned_data
        task, situation = data.get("core_task"), data.get("situation")
        return Criteria(
            roles=tuple(data.get("present") or ()),
            size=data.get("group_size"),
            aim=data.get("aim") or "",
            core_task=task,
            task_methods=set(task.methods_for_task.values_list("pk", flat=True)) if task else set(),
            situation=situation,
            situation_methods=set(situation.methods_for_situation.values_list("pk", flat=True)) if situation else set(),
        )
