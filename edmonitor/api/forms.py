"""A create or change sent to the API, checked and saved by the page's own Django form.

The JSON is laid over what the page's form would show (for a change: the stored values; for a
create: the form's initial values), so a field left out keeps its value, as in the browser. The
form then decides, with its own messages. A field the form shows but does not let this person
change (a disabled field, such as an organisation's sector for its own admin) is refused with
the form's explanation rather than silently kept, and a field the form does not have is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from .serializers import unknown_fields

NON_FIELD = "non_field_errors"

F = TypeVar("F", bound=forms.BaseForm)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def shown_values(form: forms.BaseForm) -> dict[str, Any]:
    """What an unbound form shows in each field (the stored values of its instance, or its initial values)."""
    return {name: form[name].value() for name in form.fields}


def bind(form_class: type[F], payload: Any, **form_kwargs: Any) -> tuple[F | None, dict[str, list[str]]]:
    """The valid bound form for ``payload`` laid over what the form shows; else None and the problems per field."""
    if not isinstance(payload, Mapping):
        return None, {NON_FIELD: [_("Send a JSON object.")]}
    unbound = form_class(**form_kwargs)
    unknown = unknown_fields(payload, unbound.fields)
    if unknown:
        return None, unknown
    problems: dict[str, list[str]] = {}
    shown = shown_values(unbound)
    for name, value in payload.items():
        field = unbound.fields[name]
        if field.disabled and _text(value) != _text(shown[name]):
            problems[name] = [str(field.help_text) or _("You may not change this field.")]
    if problems:
        return None, problems
    data = QueryDict(mutable=True)
    for name, value in {**shown, **payload}.items():
        if isinstance(value, list | tuple):
            data.setlist(name, [_text(v) for v in value])
        elif value is not None and value is not False:
            data[name] = _text(value)
    form = form_class(data=data, **form_kwargs)
    if form.is_valid():
        return form, {}
    return None, {
        NON_FIELD if name == "__all__" else name: [str(e) for e in errors] for name, errors in form.errors.items()
    }
