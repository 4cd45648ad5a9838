"""Forms of calibration (issue 20 part 5): a reference case, and an auditor's scores for one.

Field names are service keys with ':' replaced by '_' (``reference_score:2`` → ``reference_score_2``),
as in :mod:`.forms`, whose merge form they extend: the hidden ``original`` remembers what was
shown, so two coordinators editing one draft do not overwrite each other. Every text is bounded
by the limits in :mod:`.models`; the services check the same limits for every other caller.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edmonitor.instruments.definition import AuditInstrument

from .forms import _MergeForm, _score_choices, own_score_field
from .models import (
    ATTEMPT_RATIONALE_MAX,
    CASE_DESCRIPTION_MAX,
    CASE_EXPLANATION_MAX,
    CASE_INTRODUCTION_MAX,
    CASE_TITLE_MAX,
    CASE_TRANSCRIPT_MAX,
)


class BoundedText(forms.CharField):
    """Text whose line ends count as one character each, as the browser counts them for ``maxlength``.

    A browser sends a line end as two characters (CR LF): without this a text the browser let
    through could be refused for being too long.
    """

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _area(label: Any, limit: int, rows: int, help_text: Any = "") -> BoundedText:
    return BoundedText(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CaseForm(_MergeForm):
    """A reference case: title, introduction and, per theme, description, transcript, reference score, explanation.

    Everything but the title may stay empty in a draft; publishing asks for the rest
    (:func:`.calibration.publish_problems`).
    """

    def __init__(self, *args: Any, instrument: AuditInstrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["title"] = BoundedText(label=_("Title"), max_length=CASE_TITLE_MAX)
        self.fields["introduction"] = _area(
            _("Introduction"),
            CASE_INTRODUCTION_MAX,
            4,
            _("The organisation and the conversation in a few sentences. Leave out the names of real people."),
        )
        for theme_id in instrument.theme_ids:
            self.fields[f"description_{theme_id}"] = _area(
                _("What the conversation showed"),
                CASE_DESCRIPTION_MAX,
                6,
                _(
                    "What the project team said about this theme, as the auditors heard it. Leave out the names "
                    "of real people and organisations."
                ),
            )
            self.fields[f"transcript_{theme_id}"] = _area(
                _("Transcript (optional)"),
                CASE_TRANSCRIPT_MAX,
                6,
                _("This part of the recording, written out, if there is one. Auditors read it before they score."),
            )
            self.fields[f"reference_score_{theme_id}"] = forms.TypedChoiceField(
                label=_("Reference score"),
                choices=[("", _("no reference score yet")), *_score_choices(instrument, theme_id)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=_("The score experienced auditors agreed on."),
            )
            self.fields[f"explanation_{theme_id}"] = _area(
                _("Explanation of the reference score"),
                CASE_EXPLANATION_MAX,
                4,
                _("Why this score fits. Auditors see it only after they have submitted their own scores."),
            )
        for key, value in self.shown.items():
            self.fields[key.replace(":", "_")].initial = value

    def theme_rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """Per theme of the instrument: the theme and its four fields, in the order the page shows them."""
        return [
            (
                theme,
                [
                    self[f"{attr}_{theme.id}"]
                    for attr in ("description", "transcript", "reference_score", "explanation")
                ],
            )
            for theme in self.instrument.themes
        ]


class AttemptForm(_MergeForm):
    """An auditor's own score and rationale per theme of a reference case (nothing of the reference)."""

    def __init__(self, *args: Any, instrument: AuditInstrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for theme_id in instrument.theme_ids:
            self.fields[f"score_{theme_id}"] = own_score_field(instrument, theme_id)
            self.fields[f"rationale_{theme_id}"] = _area(_("Your rationale"), ATTEMPT_RATIONALE_MAX, 3)
        for key, value in self.shown.items():
            self.fields[key.replace(":", "_")].initial = value
