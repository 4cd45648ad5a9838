"""Audit forms. Field names are service keys with ':' replaced by '_' (``consensus:2`` → ``consensus_2``).

Every editing form carries ``original``: fingerprints of the values it showed, so
that saving merges with changes someone else made meanwhile (see concurrency.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from edmonitor.core.concurrency import fingerprint, fingerprints, parse_fingerprints
from edmonitor.core.forms import AccessibleFormMixin, date_input, model_choices, plain_number
from edmonitor.instruments.definition import AuditInstrument
from edmonitor.organisations.forms import choose_person
from edmonitor.organisations.models import Facility, Organisation

from .models import Position


def field_name(key: str) -> str:
    return key.replace(":", "_")


class _MergeForm(AccessibleFormMixin, forms.Form):
    """A form whose hidden ``original`` remembers what the user was shown."""

    original = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, shown: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["original"].initial = fingerprints(shown)
        self.shown = shown

    def original_fingerprints(self) -> dict[str, str]:
        return parse_fingerprints(self.cleaned_data.get("original"))

    def values(self) -> dict[str, Any]:
        return {key: self.cleaned_data[field_name(key)] for key in self.shown if field_name(key) in self.fields}

    def _set_data(self, data: Any, key: str, value: Any) -> None:
        data[field_name(key)] = "" if value is None else str(value)

    def rebase(self, current: Mapping[str, Any]) -> None:
        """After a conflict: fields the user left alone take the stored value, the user's own edits stay,
        and the stored values become the new 'original', so saving again writes what the user now sees."""
        original = self.original_fingerprints()
        submitted = self.values()
        data = cast(QueryDict, self.data).copy()  # a bound form's data: the posted QueryDict
        for key, value in current.items():
            if key in submitted and original.get(key) == fingerprint(submitted[key]):
                self._set_data(data, key, value)
        data["original"] = fingerprints(current)
        self.data = data


def _theme_label(instrument: AuditInstrument, theme_id: str, what: Any) -> str:
    title = instrument.theme(theme_id).title.get(get_language())
    return f"{theme_id}. {title} – {what}"


def _score_choices(instrument: AuditInstrument, theme_id: str) -> list[tuple[str, str]]:
    theme = instrument.theme(theme_id)
    return [(str(point), f"{point} – {text.get(get_language())}") for point, text in sorted(theme.scale.items())]


def _consensus_fields(instrument: AuditInstrument, theme_id: str, *, required: bool) -> dict[str, forms.Field]:
    """The consensus score (radio buttons with each point's description) and its reason, for one theme."""
    blank = [] if required else [("", _("no consensus yet"))]
    return {
        f"consensus_{theme_id}": forms.TypedChoiceField(
            label=_("Consensus score"),
            choices=[*blank, *_score_choices(instrument, theme_id)],
            coerce=int,
            empty_value=None,
            required=required,
            widget=forms.RadioSelect,
        ),
        f"consensus_reason_{theme_id}": forms.CharField(
            label=_("Reason (required when the consensus lies outside both scores)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
    }


class PlanForm(AccessibleFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Date of the conversation"), widget=date_input())
    facility: forms.ModelChoiceField[Facility] = forms.ModelChoiceField(
        label=_("Facility"),
        queryset=None,
        required=False,
        empty_label=_("The whole organisation"),
        help_text=_("The MIE is taken for the whole organisation or for one facility."),
    )
    auditor_1 = forms.CharField(
        label=_("First auditor"),
        max_length=150,
        widget=forms.TextInput(attrs={"list": "people", "autocomplete": "off"}),
    )
    position_1 = forms.ChoiceField(label=_("First auditor is"), choices=Position.choices, widget=forms.RadioSelect)
    auditor_2 = forms.CharField(
        label=_("Second auditor"),
        max_length=150,
        widget=forms.TextInput(attrs={"list": "people", "autocomplete": "off"}),
    )
    position_2 = forms.ChoiceField(label=_("Second auditor is"), choices=Position.choices, widget=forms.RadioSelect)
    participants = forms.CharField(
        label=_("Project team participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Names and roles of the people from the organisation taking part, one per line."),
    )
    original = forms.CharField(widget=forms.HiddenInput, required=False)

    reason = forms.CharField(
        label=_("Reason for replacing an auditor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed only when you replace an auditor who has already saved scores or a rationale. "
            "The audit trail keeps the reason; the replaced auditor's drafts are kept but never shown "
            "to the new auditor."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, chooser: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation, self.chooser = organisation, chooser
        model_choices(self, "facility").queryset = organisation.facilities.all()
        for n in ("1", "2"):
            self.fields[f"auditor_{n}"].help_text = _(
                "Type a name or user name and choose from the list: the members of this organisation and "
                "the people who already audit it. An external auditor needs no role in this organisation; "
                "a coordinator can add someone new."
            )
        if not editing:
            del self.fields["reason"]

    def _user(self, name: str) -> Any:
        return choose_person(self.chooser, self.organisation, self.cleaned_data.get(name, ""))

    def clean_auditor_1(self) -> Any:
        return self._user("auditor_1")

    def clean_auditor_2(self) -> Any:
        return self._user("auditor_2")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        a, b = data.get("auditor_1"), data.get("auditor_2")
        if a is not None and b is not None and a.pk == b.pk:
            self.add_error("auditor_2", _("The two auditors must be two different people."))
        return data

    def auditors(self) -> list[tuple[Any, str]]:
        d = self.cleaned_data
        return [(d["auditor_1"], d["position_1"]), (d["auditor_2"], d["position_2"])]


class NotesForm(_MergeForm):
    def __init__(self, *args: Any, instrument: AuditInstrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for theme_id in instrument.theme_ids:
            self.fields[f"notes_{theme_id}"] = forms.CharField(
                label=_("Shared notes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
            )
            self.fields[f"explanation_{theme_id}"] = forms.CharField(
                label=_("Explanation for the report"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("A short explanation of this theme that both auditors agree on."),
            )
        for key, value in self.shown.items():
            self.fields[field_name(key)].initial = value


def own_score_field(instrument: AuditInstrument, theme_id: str) -> forms.TypedChoiceField:
    """One's own score of a theme (in an audit, or on a reference case): optional until submitted."""
    return forms.TypedChoiceField(
        label=_("Your score"),
        choices=_score_choices(instrument, theme_id),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class RatingForm(_MergeForm):
    def __init__(self, *args: Any, instrument: AuditInstrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for theme_id in instrument.theme_ids:
            self.fields[f"score_{theme_id}"] = own_score_field(instrument, theme_id)
            self.fields[f"rationale_{theme_id}"] = forms.CharField(
                label=_("Your rationale"), required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
        for key, value in self.shown.items():
            self.fields[field_name(key)].initial = value


class ConsensusForm(_MergeForm):
    """The consensus per theme and, beside the scores it explains, the theme's explanation for the report."""

    def __init__(self, *args: Any, instrument: AuditInstrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for theme_id in instrument.theme_ids:
            self.fields.update(_consensus_fields(instrument, theme_id, required=False))
            self.fields[f"explanation_{theme_id}"] = forms.CharField(
                label=_("Explanation for the report"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Needed before the audit can be finalised. Both auditors agree on it."),
            )
        for key, value in self.shown.items():
            if field_name(key) in self.fields:
                self.fields[field_name(key)].initial = value


#: Recommendation rows a posted form may ask for beyond those the audit has: the hidden field
#: ``recommendation_rows`` echoes how many rows the page showed, and each row costs two fields.
MAX_RECOMMENDATION_ROWS = 100


class ReportForm(_MergeForm):
    """Conclusion and recommendations; blank recommendation rows are ignored (clearing one removes it).

    The hidden ``recommendation_rows`` says how many rows the page showed (the audit may have
    fewer recommendations by the time it is posted). It must be a plain number no larger than
    the rows the audit needs or :data:`MAX_RECOMMENDATION_ROWS`; anything else makes the form
    invalid with a message, and nothing is saved.
    """

    extra_rows = 3

    def __init__(self, *args: Any, instrument: AuditInstrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["strengths"] = forms.CharField(
            label=_("What goes well"), required=False, widget=forms.Textarea(attrs={"rows": 4})
        )
        self.fields["improvements"] = forms.CharField(
            label=_("What can improve"), required=False, widget=forms.Textarea(attrs={"rows": 4})
        )
        self.fields["strengths"].initial = self.shown["strengths"]
        self.fields["improvements"].initial = self.shown["improvements"]
        existing = list(self.shown["recommendations"])
        count = len(existing) + self.extra_rows
        self.bad_row_count = False
        if self.is_bound and self.data.get("recommendation_rows"):
            posted = plain_number(self.data["recommendation_rows"], maximum=max(count, MAX_RECOMMENDATION_ROWS))
            self.bad_row_count = posted is None
            count = max(count, posted or 0)
        self.row_count = count
        themes = [("", "–"), *[(t.id, f"{t.id}. {t.title.get(get_language())}") for t in instrument.themes]]
        for i in range(count):
            theme = forms.ChoiceField(label=_("Theme"), choices=themes, required=False)
            text = forms.CharField(label=_("Recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
            if i < len(existing):
                theme.initial, text.initial = existing[i]
            self.fields[f"rec_theme_{i}"] = theme
            self.fields[f"rec_text_{i}"] = text

    def _set_data(self, data: Any, key: str, value: Any) -> None:
        if key != "recommendations":
            super()._set_data(data, key, value)
            return
        for i in range(self.row_count):
            theme, text = value[i] if i < len(value) else ("", "")
            data[f"rec_theme_{i}"], data[f"rec_text_{i}"] = theme, text

    def recommendation_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"rec_theme_{i}"], self[f"rec_text_{i}"]) for i in range(self.row_count)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.bad_row_count:
            raise forms.ValidationError(
                _("The number of recommendation rows in the form is not valid. Reload the page and try again."),
                code="bad_row_count",
            )
        for i in range(self.row_count):
            if data.get(f"rec_text_{i}", "").strip() and not data.get(f"rec_theme_{i}"):
                self.add_error(f"rec_theme_{i}", _("Choose the theme this recommendation addresses."))
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        recs = [
            [d[f"rec_theme_{i}"], d[f"rec_text_{i}"].strip()]
            for i in range(self.row_count)
            if d.get(f"rec_text_{i}", "").strip()
        ]
        return {"strengths": d["strengths"], "improvements": d["improvements"], "recommendations": recs}


class AmendmentForm(ReportForm):
    """A correction of a finalised audit: consensus, explanations, conclusion and recommendations, with a reason."""

    extra_rows = 1

    def __init__(self, *args: Any, instrument: AuditInstrument, **kwargs: Any) -> None:
        super().__init__(*args, instrument=instrument, **kwargs)
        for theme_id in instrument.theme_ids:
            self.fields.update(_consensus_fields(instrument, theme_id, required=True))
            self.fields[f"explanation_{theme_id}"] = forms.CharField(
                label=_("Explanation for the report"), widget=forms.Textarea(attrs={"rows": 3})
            )
            for attr in ("consensus", "consensus_reason", "explanation"):
                self.fields[f"{attr}_{theme_id}"].initial = self.shown[f"{attr}:{theme_id}"]
        self.fields["reason"] = forms.CharField(
            label=_("Reason for this amendment"),
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Required. It is kept with the amendment, your name and the time."),
        )

    def values(self) -> dict[str, Any]:
        values = super().values()
        for key in self.shown:
            if ":" in key:
                values[key] = self.cleaned_data[field_name(key)]
        return values


def initial_plan(audit: Any) -> dict[str, Any]:
    auditors = list(audit.auditors.all())
    return {
        "held_on": audit.held_on,
        "facility": audit.facility_id,
        "participants": audit.participants,
        "auditor_1": auditors[0].user.get_username(),
        "position_1": auditors[0].position,
        "auditor_2": auditors[1].user.get_username(),
        "position_2": auditors[1].position,
    }
