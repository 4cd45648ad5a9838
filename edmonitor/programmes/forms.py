"""Programme forms: the programme itself, and one participating organisation with its two measurements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _

from edmonitor.core.dates import long_date
from edmonitor.core.forms import AccessibleFormMixin, date_input, model_choices, plain_number
from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Organisation

from .models import Participation, Programme


class ProgrammeForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "description", "starts_on", "ends_on"]
        widgets = {
            "starts_on": date_input(),
            "ends_on": date_input(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class MeasurementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Measurement) -> str:
        label = f" – {obj.label}" if obj.label else ""
        total = _(" (total %(total)s)") % {"total": formats.localize(obj.total)} if obj.total is not None else ""
        return f"{long_date(obj.measured_on)}{label}{total}"


class ParticipationForm(AccessibleFormMixin, forms.ModelForm):
    """Add or change one organisation's participation; the measurements are that organisation's VIE measurements."""

    class Meta:
        model = Participation
        fields = ["organisation", "baseline", "followup"]
        field_classes = {"baseline": MeasurementChoiceField, "followup": MeasurementChoiceField}

    def __init__(self, *args: Any, programme: Programme, organisation: Organisation | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        taken = programme.participations.exclude(pk=self.instance.pk).values("organisation")
        candidates = Organisation.objects.exclude(pk__in=taken)
        model_choices(self, "organisation").queryset = candidates
        if self.is_bound:
            chosen = str(self.data.get("organisation") or "")
            number = plain_number(chosen)
            organisation = candidates.filter(pk=number).first() if number is not None else None
        organisation = organisation or (self.instance.organisation if self.instance.organisation_id else None)
        measurements = Measurement.objects.filter(organisation=organisation, instrument_version__code="vie")
        for name in ("baseline", "followup"):
            model_choices(self, name).queryset = measurements.order_by("measured_on", "id")
            self.fields[name].required = False
        if organisation is not None:
            self.fields["organisation"].initial = organisation.pk
