"""The API's endpoints. Every one decides access with the pages' own rules
(:mod:`edmonitor.organisations.permissions`) and stores through the pages' own services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from edmonitor.instruments import fhir
from edmonitor.instruments.definition import available_definitions, load_any
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import Measurement
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations import access_log
from edmonitor.organisations.forms import FacilityForm, OrganisationForm
from edmonitor.organisations.models import AccessAction, Facility, Organisation
from edmonitor.organisations.permissions import (
    Access,
    can_change_peer_group,
    can_create_organisations,
    organisation_for,
    visible_organisations,
)
from edmonitor.transfer.fhir import RESPONSE_ID_PREFIX, questionnaire_response

from . import forms as api_forms
from . import idempotency, measurement_input
from .authentication import BearerTokenAuthentication
from .serializers import (
    FacilitySerializer,
    MeasurementInputSerializer,
    MeasurementSerializer,
    MeasurementSummarySerializer,
    OrganisationDetailSerializer,
    OrganisationInputSerializer,
    OrganisationSerializer,
)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    idempotency.HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique text of at most 255 characters; a retry with the same key and body stores once.",
)


class TokenOnly:
    """Marks an API view that only a token reaches (see ``edmonitor.accounts.second_factor.TOKEN_ONLY``)."""

    token_only = True


class OrganisationMixin(TokenOnly):
    """The organisation of the URL, if the token's person may ``access`` it (404 unseen, 403 not allowed)."""

    access = Access.VIEW
    kwargs: dict[str, Any]

    def organisation(self, access: Access | None = None) -> Organisation:
        cached = getattr(self, "_organisation", None)
        if cached is None or access is not None:
            request: Request = getattr(self, "request")  # noqa: B009  (the view's; a mixin cannot declare it)
            cached = organisation_for(request.user, self.kwargs["pk"], access or self.access)
            self._organisation = cached
        return cached


# --- organisations and facilities -----------------------------------------------------------------


def _form_answer(form: Any, problems: dict[str, list[str]], serializer: type[Any], created: bool) -> Response:
    """Save a valid page form and answer with the saved object, or 400 with the problems per field."""
    if form is None:
        return Response(problems, status=status.HTTP_400_BAD_REQUEST)
    saved = form.save()
    return Response(serializer(saved).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class OrganisationList(TokenOnly, generics.ListAPIView[Organisation]):
    serializer_class = OrganisationSerializer

    @extend_schema(summary="The organisations you may see", tags=["organisations"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Organisation]:
        return visible_organisations(self.request.user).order_by("name")

    @extend_schema(
        summary="Create an organisation (coordinators)",
        description="Checked by the organisation form of the pages. Send an Idempotency-Key to store once.",
        tags=["organisations"],
        request=OrganisationInputSerializer,
        responses={201: OrganisationDetailSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can_create_organisations(request.user):
            raise PermissionDenied
        may_change_sector = can_change_peer_group(request.user)

        def create() -> Response:
            form, problems = api_forms.bind(OrganisationForm, request.data, may_change_sector=may_change_sector)
            return _form_answer(form, problems, OrganisationDetailSerializer, created=True)

        return idempotency.once(request, create)


class OrganisationDetail(OrganisationMixin, generics.RetrieveAPIView[Organisation]):
    serializer_class = OrganisationDetailSerializer

    @extend_schema(summary="One organisation, with its facilities", tags=["organisations"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Organisation:
        return self.organisation()

    @extend_schema(
        summary="Change an organisation (its admins, coordinators)",
        description="Fields left out keep their values. Only a coordinator may change the sector.",
        tags=["organisations"],
        request=OrganisationInputSerializer,
        responses={200: OrganisationDetailSerializer},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.organisation(Access.MANAGE)
        form, problems = api_forms.bind(
            OrganisationForm, request.data, instance=organisation, may_change_sector=can_change_peer_group(request.user)
        )
        return _form_answer(form, problems, OrganisationDetailSerializer, created=False)


class FacilityList(OrganisationMixin, generics.ListAPIView[Facility]):
    serializer_class = FacilitySerializer

    @extend_schema(summary="An organisation's facilities", tags=["organisations"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Facility]:
        return self.organisation().facilities.order_by("name", "pk")

    @extend_schema(
        summary="Add a facility (the organisation's admins, coordinators)",
        tags=["organisations"],
        request=FacilitySerializer,
        responses={201: FacilitySerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.organisation(Access.MANAGE)

        def create() -> Response:
            form, problems = api_forms.bind(FacilityForm, request.data, organisation=organisation)
            return _form_answer(form, problems, FacilitySerializer, created=True)

        return idempotency.once(request, create)


class FacilityDetail(OrganisationMixin, generics.RetrieveAPIView[Facility]):
    serializer_class = FacilitySerializer

    @extend_schema(summary="One facility", tags=["organisations"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Facility:
        return generics.get_object_or_404(Facility, pk=self.kwargs["facility_pk"], organisation=self.organisation())

    @extend_schema(
        summary="Rename a facility (the organisation's admins, coordinators)",
        tags=["organisations"],
        request=FacilitySerializer,
        responses={200: FacilitySerializer},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.organisation(Access.MANAGE)
        facility = generics.get_object_or_404(Facility, pk=self.kwargs["facility_pk"], organisation=organisation)
        form, problems = api_forms.bind(FacilityForm, request.data, instance=facility, organisation=organisation)
        return _form_answer(form, problems, FacilitySerializer, created=False)


# --- measurements -------------------------------------------------------------------------------------


def _date(request: Request, name: str) -> dt.date | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [_("Write the date as YYYY-MM-DD.")]}) from None


MEASUREMENT_FILTERS = [
    OpenApiParameter("facility", OpenApiTypes.INT, description="Only this facility's measurements."),
    OpenApiParameter("measured_from", OpenApiTypes.DATE, description="On or after this date."),
    OpenApiParameter("measured_to", OpenApiTypes.DATE, description="On or before this date."),
    OpenApiParameter("label", OpenApiTypes.STR, description="Exactly this label."),
    OpenApiParameter("instrument", OpenApiTypes.STR, description='Instrument code, e.g. "vie".'),
]


class MeasurementList(OrganisationMixin, generics.ListAPIView[Measurement]):
    serializer_class = MeasurementSummarySerializer

    @extend_schema(summary="An organisation's measurements", tags=["measurements"], parameters=MEASUREMENT_FILTERS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Measurement]:
        params = self.request.query_params
        measurements = Measurement.objects.filter(organisation=self.organisation()).select_related(
            "instrument_version", "facility"
        )
        if params.get("facility"):
            try:
                measurements = measurements.filter(facility_id=int(params["facility"]))
            except ValueError:
                raise ValidationError({"facility": [_("A facility is given by its id, a number.")]}) from None
        if (start := _date(self.request, "measured_from")) is not None:
            measurements = measurements.filter(measured_on__gte=start)
        if (end := _date(self.request, "measured_to")) is not None:
            measurements = measurements.filter(measured_on__lte=end)
        if "label" in params:
            measurements = measurements.filter(label=params["label"])
        if params.get("instrument"):
            measurements = measurements.filter(instrument_version__code=params["instrument"].lower())
        return measurements.order_by("measured_on", "pk")

    @extend_schema(
        summary="Record a new VIE measurement",
        description=(
            "Checked exactly as the measurement form checks it; bad input answers 400 with the problems per "
            "field and stores nothing. Send an Idempotency-Key header to make a retried request store once."
        ),
        tags=["measurements"],
        request=MeasurementInputSerializer,
        responses={201: MeasurementSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.organisation(Access.RECORD)
        given = MeasurementInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        version = current_version("vie")

        def create() -> Response:
            form, problems = measurement_input.check(organisation, version, given.validated_data)
            if form is None:
                return Response(problems, status=status.HTTP_400_BAD_REQUEST)
            assert form.inp is not None
            measurement, _result = record_measurement(
                organisation=organisation,
                instrument_version=version,
                measured_on=form.cleaned_data["measured_on"],
                label=form.cleaned_data["label"],
                facility=form.cleaned_data.get("facility"),
                inp=form.inp,
                notes=form.notes(),
                user=request.user,
                origin=Measurement.Origin.API,
            )
            stored = Measurement.objects.with_responses().get(pk=measurement.pk)
            return Response(MeasurementSerializer(stored).data, status=status.HTTP_201_CREATED)

        return idempotency.once(request, create)


@extend_schema(summary="One measurement whole", tags=["measurements"])
class MeasurementDetail(OrganisationMixin, generics.RetrieveAPIView[Measurement]):
    serializer_class = MeasurementSerializer

    def get_object(self) -> Measurement:
        return generics.get_object_or_404(
            Measurement.objects.with_responses(), pk=self.kwargs["measurement_pk"], organisation=self.organisation()
        )


# --- the description of the API -----------------------------------------------------------------------


class Schema(SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; ``?format=json`` for JSON): for a token, or a logged-in browser."""

    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


class Docs(SpectacularSwaggerSplitView):
    """The schema as a readable page (Swagger UI from our own static files: no inline script)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    url_name = "api_schema"


# --- HL7 FHIR R4 ------------------------------------------------------------------------------------------


class FhirResponse(Response):
    """A FHIR resource as JSON, with FHIR's own media type."""

    def __init__(self, resource: dict[str, Any]) -> None:
        super().__init__(resource, content_type="application/fhir+json")


@extend_schema(
    summary="An instrument version as a FHIR R4 Questionnaire",
    description='The id is the version\'s key, e.g. "vie-2012.2" or "mie-2026.3".',
    tags=["fhir"],
    responses={200: OpenApiTypes.OBJECT},
)
class FhirQuestionnaire(TokenOnly, generics.GenericAPIView[Any]):
    def get(self, request: Request, resource_id: str) -> Response:
        if resource_id not in available_definitions():
            raise NotFound(_("No questionnaire has this id."))
        return FhirResponse(fhir.questionnaire(load_any(resource_id)))


@extend_schema(
    summary="A measurement as a FHIR R4 QuestionnaireResponse",
    description='The id is "measurement-" and the measurement\'s id, as the measurement\'s "id" in this API.',
    tags=["fhir"],
    responses={200: OpenApiTypes.OBJECT},
)
class FhirQuestionnaireResponse(TokenOnly, generics.GenericAPIView[Any]):
    def get(self, request: Request, resource_id: str) -> Response:
        number = resource_id.removeprefix(RESPONSE_ID_PREFIX)
        if not resource_id.startswith(RESPONSE_ID_PREFIX) or not number.isdigit() or len(number) > 18:
            raise NotFound(_("No questionnaire response has this id."))
        organisation_id = Measurement.objects.filter(pk=int(number)).values_list("organisation_id", flat=True).first()
        if organisation_id is None:
            raise NotFound(_("No questionnaire response has this id."))
        organisation = organisation_for(request.user, organisation_id, Access.VIEW)  # 404 when not visible
        measurement = Measurement.objects.with_responses().select_related("organisation").get(pk=int(number))
        response = FhirResponse(questionnaire_response(measurement))
        access_log.record(
            request, action=AccessAction.VIEW, kind="api_fhir_questionnaire_response",
            organisation=organisation, object_id=measurement.pk,
        )  # fmt: skip
        setattr(response, access_log.LOGGED_ATTRIBUTE, True)
        return response
