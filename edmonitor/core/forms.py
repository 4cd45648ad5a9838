"""Form helpers shared by every app."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

_PLAIN_NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits only ("²".isdigit() is true too); 18 fit in a bigint


def plain_number(value: Any, *, maximum: int | None = None) -> int | None:
    """A number a client sent (an id in a query string, a count in a hidden field) or None when it is not one.

    Only up to 18 ASCII digits: ``int()`` of ``"²"`` or of 5,000 digits raises (HTTP 500), and a
    number past the database's integers must not reach a query. With ``maximum``, a larger
    number is not one either: every count that drives work has a bound.
    """
    if not isinstance(value, str) or not _PLAIN_NUMBER.fullmatch(value):
        return None
    number = int(value)
    return None if maximum is not None and number > maximum else number


def date_input() -> forms.DateInput:
    """The browser's date field. Its value is always written YYYY-MM-DD: in a Dutch page Django
    would write the stored date as 20-03-2026, which a date field does not take, so an edit form
    showed an empty date and refused to save it."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def model_choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A form's model choice field, typed (``form.fields`` holds plain ``Field`` objects for a type checker)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field


def choices(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field, typed (see :func:`model_choices`)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


class AccessibleFormMixin:
    """Tie help texts and errors to their inputs for screen readers (aria-describedby, aria-invalid)."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.describe_errors()

    def describe_errors(self) -> None:
        """(Re)tie help texts and errors to their inputs; call again after adding errors outside validation."""
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            bound = self[name]  # type: ignore[index]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if name in self.errors:  # type: ignore[attr-defined]
                ids.append(f"{bound.auto_id}_errors")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class LoginForm(AccessibleFormMixin, AuthenticationForm):
    """Django's login form without ``autofocus`` on the user name.

    Autofocus would pass over the skip link, which must be the first Tab stop of every
    page, and over the heading and instructions above the form (WCAG 2.4.3, focus order;
    2.4.1, bypass blocks). The page starts at the top; Tab reaches the skip link first.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
