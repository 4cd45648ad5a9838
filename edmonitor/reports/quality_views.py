"""The quality of the VIE as an instrument, for coordinators (issue 20, part 3): :mod:`.quality` chooses and
reads the measurements, :func:`edmonitor.instruments.psychometrics.item_analysis` computes every figure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from edmonitor.core.forms import AccessibleFormMixin, choices
from edmonitor.organisations.permissions import is_coordinator
from edmonitor.programmes.permissions import visible_programmes

from . import quality
from .quality import Group


class QualityChoiceForm(AccessibleFormMixin, forms.Form):
    """Which measurements to analyse (``?groep=``): everything, a sector, or a programme's baseline or follow-up."""

    groep = forms.ChoiceField(
        label=_("Measurements of"),
        help_text=_("Each organisation counts once, with one measurement."),
        # without the value sent: a made-up value of any length would be repeated on the page
        error_messages={"invalid_choice": _("Choose one of the options in the list.")},
    )

    def __init__(self, *args: Any, groups: list[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "groep").choices = [(group.value, group.label) for group in groups]


def instrument_quality(request: HttpRequest) -> HttpResponse:
    """Cronbach's alpha and the item figures of the VIE over the measurements a coordinator chooses."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    groups = quality.groups(visible_programmes(request.user).order_by("name").values_list("pk", "name"))
    form = QualityChoiceForm(request.GET if "groep" in request.GET else {"groep": quality.ALL}, groups=groups)
    result = None
    if form.is_valid():
        chosen = next(group for group in groups if group.value == form.cleaned_data["groep"])
        result = quality.instrument_quality(chosen)
    return render(
        request,
        "reports/instrument_quality.html",
        {
            "form": form,
            "quality": result,
            "rules": {
                "alpha_low": quality.ALPHA_LOW,
                "alpha_high": quality.ALPHA_HIGH,
                "item_total_low": quality.ITEM_TOTAL_LOW,
                "floor_ceiling_pct": quality.FLOOR_CEILING_PCT,
                "min_rows": quality.MIN_ROWS,
            },
        },
    )
