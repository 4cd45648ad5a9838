"""What the API answers and accepts: DRF serializers, so the OpenAPI schema describes exactly these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from edmonitor.measurements.forms import problem_message
from edmonitor.measurements.models import Measurement
from edmonitor.measurements.services import rescore
from edmonitor.organisations.models import Facility, Organisation

# A measurement's free texts and lists are bounded as the form bounds them.
MAX_NOTE = 5000
MAX_LIST = 50


def unknown_fields(data: Mapping[str, Any], known: Iterable[str]) -> dict[str, list[str]]:
    """A problem for each field of ``data`` not among ``known`` (the first :data:`MAX_LIST`): never ignored silently."""
    unknown = sorted(set(data) - set(known))
    return {name: [_("This field is not known.")] for name in unknown[:MAX_LIST]}


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses a field it does not know, where DRF (and a Django form) would pass over it."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping) and (unknown := unknown_fields(data, self.fields)):
            raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)


class FacilitySerializer(serializers.ModelSerializer[Facility]):
    class Meta:
        model = Facility
        fields = ["id", "name"]


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    sector_label = serializers.CharField(source="get_sector_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "sector", "sector_label", "clients", "staff_fte"]


class OrganisationDetailSerializer(OrganisationSerializer):
    facilities = FacilitySerializer(many=True, read_only=True)

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "facilities"]


class OrganisationInputSerializer(serializers.Serializer[Any]):
    """What a create or change may send (documentation: the organisation form of the pages checks it)."""

    name = serializers.CharField(max_length=200)
    sector = serializers.ChoiceField(choices=Organisation._meta.get_field("sector").choices or [])
    clients = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    staff_fte = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    require_second_factor = serializers.BooleanField(required=False)


class InstrumentRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    version = serializers.CharField()


class MeasurementSummarySerializer(serializers.ModelSerializer[Measurement]):
    """A measurement in a list: what it is and its outcome, without the items."""

    instrument = serializers.SerializerMethodField()
    facility = FacilitySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Measurement
        fields = ["id", "organisation", "facility", "instrument", "measured_on", "label", "total", "level", "origin"]

    def get_instrument(self, measurement: Measurement) -> dict[str, str]:
        version = measurement.instrument_version
        return {"code": version.code, "version": version.version}


class ItemResultSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    derived = serializers.BooleanField(help_text="The score follows from the facts, not chosen directly.")
    goal_code = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class MeasurementSerializer(MeasurementSummarySerializer):
    """One measurement whole: every item, the facts and criteria, total, level, goal codes, warnings."""

    items = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    level_label = serializers.SerializerMethodField()

    class Meta(MeasurementSummarySerializer.Meta):
        fields = [*MeasurementSummarySerializer.Meta.fields, "level_label", "items", "facts", "criteria", "warnings"]

    def get_items(self, measurement: Measurement) -> list[dict[str, Any]]:
        responses = {r.item_id: r for r in measurement.responses.all()}
        rows = []
        for item in measurement.instrument.items:
            response = responses.get(item.id)
            rows.append(
                {
                    "id": item.id,
                    "score": response.score if response else None,
                    "derived": bool(response and response.derived),
                    "goal_code": response.goal_code if response else "",
                    "note": response.note if response else "",
                }
            )
        return ItemResultSerializer(rows, many=True).data  # type: ignore[return-value]

    def get_warnings(self, measurement: Measurement) -> list[str]:
        instrument = measurement.instrument
        return [problem_message(w, instrument) for w in rescore(measurement).warnings]

    def get_level_label(self, measurement: Measurement) -> str:
        return measurement.get_level_display() if measurement.level else ""


class MeasurementInputSerializer(StrictSerializer):
    """A new VIE measurement. Checked afterwards by the measurement form itself, exactly as on the page."""

    measured_on = serializers.DateField()
    # a field named "label" (as the form's): DRF takes declared fields off the class, mypy sees Field.label
    label = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")  # type: ignore[assignment]
    facility = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="A facility id.")
    items = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        required=False,
        default=dict,
        help_text='Scores chosen directly, per item id: {"1a": 3, "2a": 4}.',
    )
    facts = serializers.DictField(
        child=serializers.CharField(max_length=32, allow_blank=True),
        required=False,
        default=dict,
        help_text='Facts per fact id, as the CSV of `edmonitor score vie` has them: {"staff_fte": "12.5"}.',
    )
    derive_from_facts = serializers.ListField(
        child=serializers.CharField(max_length=16),
        required=False,
        default=list,
        max_length=MAX_LIST,
        help_text="Items whose score is derived from the facts or criteria instead of chosen.",
    )
    criteria = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=32), max_length=MAX_LIST),
        required=False,
        default=dict,
        help_text="Per item scored by criteria: the ids of the criteria that hold.",
    )
    goals = serializers.DictField(
        child=serializers.CharField(max_length=16, allow_blank=True),
        required=False,
        default=dict,
        help_text="Goal-attainment codes per goal id.",
    )
    notes = serializers.DictField(
        child=serializers.CharField(max_length=MAX_NOTE, allow_blank=True),
        required=False,
        default=dict,
        help_text="An explanation per item id.",
    )
