"""``/api/v1/``: every route here is an API view, exempt from the pages' login redirect (a token logs in)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path

from . import views

organisation = "api/v1/organisations/<int:pk>/"

urlpatterns = [
    path("api/v1/schema/", login_not_required(views.Schema.as_view()), name="api_schema"),
    # a page for people: logging in as everywhere (DRF marks its views login_not_required; this one is not)
    path("api/v1/docs/", login_required(views.Docs.as_view()), name="api_docs"),
    path("api/v1/organisations/", login_not_required(views.OrganisationList.as_view()), name="api_organisations"),
    path(organisation, login_not_required(views.OrganisationDetail.as_view()), name="api_organisation"),
    path(organisation + "facilities/", login_not_required(views.FacilityList.as_view()), name="api_facilities"),
    path(
        organisation + "facilities/<int:facility_pk>/",
        login_not_required(views.FacilityDetail.as_view()),
        name="api_facility",
    ),
    path(organisation + "measurements/", login_not_required(views.MeasurementList.as_view()), name="api_measurements"),
    path(
        organisation + "measurements/<int:measurement_pk>/",
        login_not_required(views.MeasurementDetail.as_view()),
        name="api_measurement",
    ),
    path(
        "api/v1/fhir/Questionnaire/<str:resource_id>",
        login_not_required(views.FhirQuestionnaire.as_view()),
        name="api_fhir_questionnaire",
    ),
    path(
        "api/v1/fhir/QuestionnaireResponse/<str:resource_id>",
        login_not_required(views.FhirQuestionnaireResponse.as_view()),
        name="api_fhir_questionnaire_response",
    ),
    path("", include("edmonitor.api.urls_audits")),
    path("", include("edmonitor.api.urls_reports")),
    path("", include("edmonitor.api.urls_improvement")),
    path("", include("edmonitor.api.urls_knowledge")),
]
