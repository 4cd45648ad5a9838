"""Goals and improvement actions in the API: read them; set and change them as the improvement plan's pages do.

Access is the pages' (:mod:`edmonitor.improvement.views`): every role of the organisation reads
(VIEW), project members and admins set goals and keep actions (RECORD). A create or change is
checked by the page's own form (:class:`~edmonitor.improvement.forms.GoalForm`,
:class:`~edmonitor.improvement.forms.ActionForm`) and stored by the service the page's view
calls (``set_goal``, ``update_goal``, ``create_action``, ``update_action``), whose refusals come
back per field as on the page. The API names an item by ``instrument`` and ``item`` (as it shows
them) where the forms have one field (``"vie:2a"``); the form's problems with it are given under
``item``.

Reads of these routes are in the access log by the middleware (they lie under
``api/v1/organisations/<pk>/``), and so are creates (201); a change (PATCH, 200) is recorded
here, as a change of the goal or action.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from edmonitor.audits.models import Recommendation
from edmonitor.improvement import services
from edmonitor.improvement.forms import ActionForm, GoalForm
from edmonitor.improvement.items import InstrumentCode
from edmonitor.improvement.models import Action, ActionStatus, Goal, GoalType, SessionOutcome
from edmonitor.improvement.overview import GoalState, goal_state
from edmonitor.organisations import access_log
from edmonitor.organisations.models import AccessAction, Organisation
from edmonitor.organisations.permissions import Access

from . import idempotency
from .serializers import FacilitySerializer, StrictSerializer
from .views import OrganisationMixin

NON_FIELD = "non_field_errors"

IDEMPOTENCY = OpenApiParameter(
    idempotency.HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique text of at most 255 characters; a retry with the same key and body stores once.",
)


# --- what the API shows ---------------------------------------------------------------------------


class GoalSerializer(serializers.ModelSerializer[Goal]):
    """A goal as its page shows it: what is aimed at, the baseline, and how it turned out."""

    facility = FacilitySerializer(read_only=True, allow_null=True)
    item_label = serializers.CharField(read_only=True)
    goal_type_label = serializers.CharField(source="get_goal_type_display", read_only=True)
    summary = serializers.CharField(read_only=True, help_text="The goal in one line, as the pages say it.")
    state = serializers.SerializerMethodField(
        help_text="As the plan says it: judged, awaiting (a follow-up exists: judge it there), past_due or open."
    )
    state_label = serializers.SerializerMethodField()
    # the same codes as "code" (B, C, D), described in words: one enum in the schema, not two names for it
    proposed_code = serializers.CharField(
        read_only=True, help_text="What edmonitor proposed at the follow-up: B, C or D; empty when it proposed nothing."
    )
    code_label = serializers.CharField(source="get_code_display", read_only=True)
    page = serializers.SerializerMethodField(help_text="The goal's page in edmonitor.")

    class Meta:
        model = Goal
        fields = [
            "id", "organisation", "facility", "instrument", "item", "item_label", "goal_type", "goal_type_label",
            "target", "description", "summary", "baseline_score", "baseline_measurement", "baseline_audit",
            "set_on", "due_by", "state", "state_label", "follow_up", "follow_up_audit", "new_score",
            "proposed_code", "code", "code_label", "override_reason", "evaluated_at", "created_at", "updated_at",
            "page",
        ]  # fmt: skip

    @extend_schema_field(serializers.ChoiceField(choices=list(GoalState.LABELS)))
    def get_state(self, goal: Goal) -> str:
        return goal_state(goal, timezone.localdate())

    def get_state_label(self, goal: Goal) -> str:
        return str(GoalState.LABELS[goal_state(goal, timezone.localdate())])

    def get_page(self, goal: Goal) -> str:
        return _absolute(self.context, goal.get_absolute_url())


class ActionSerializer(serializers.ModelSerializer[Action]):
    """An improvement action as the plan lists it, with where it came from."""

    facility = FacilitySerializer(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    item_label = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Open or in progress after its due date.")
    page = serializers.SerializerMethodField(help_text="Its page in edmonitor (the edit page: who may change it).")

    class Meta:
        model = Action
        fields = [
            "id", "organisation", "facility", "title", "owner", "due_on", "status", "status_label", "overdue",
            "instrument", "item", "item_label", "notes", "source_recommendation", "source_outcome",
            "created_at", "updated_at", "page",
        ]  # fmt: skip

    def get_overdue(self, action: Action) -> bool:
        return action.is_overdue(timezone.localdate())

    def get_page(self, action: Action) -> str:
        path = reverse("action_edit", kwargs={"pk": action.organisation_id, "action_pk": action.pk})
        return _absolute(self.context, path)


def _absolute(context: Mapping[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# --- what the API accepts ---------------------------------------------------------------------------


class GoalInputSerializer(StrictSerializer):
    """A goal to set, or (PATCH) what to change of it. Checked afterwards by the goal form of the pages."""

    instrument = serializers.ChoiceField(choices=InstrumentCode.choices)
    item = serializers.CharField(allow_blank=True, help_text='A VIE item ("2a") or an MIE theme ("3").')
    facility = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A facility id; leave out for the whole organisation."
    )
    goal_type = serializers.ChoiceField(choices=GoalType.choices)
    target = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For at_least: the score to reach (1–5); for improve: by how many points. Else null.",
    )
    description = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required for descriptive."
    )
    set_on = serializers.DateField(required=False, help_text="Today or earlier; today when left out (as the form).")
    due_by = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="When the follow-up should show the outcome."
    )


class ActionChangeSerializer(StrictSerializer):
    """What the action's edit page lets change (its sources stay as they were)."""

    title = serializers.CharField(allow_blank=True, help_text="What is to be done.")
    owner = serializers.CharField(allow_blank=True, help_text="The person or team responsible.")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False, default=ActionStatus.OPEN)
    instrument = serializers.ChoiceField(
        choices=InstrumentCode.choices, required=False, allow_blank=True, default="", help_text="With item, or neither."
    )
    item = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The VIE item or MIE theme it concerns."
    )
    facility = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A facility id; leave out for the whole organisation."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ActionInputSerializer(ActionChangeSerializer):
    """A new action, by hand or from a recommendation of a finalised audit or a dialogue session's outcome."""

    recommendation = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The recommendation (of a finalised audit) it is from."
    )
    outcome = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The dialogue session's outcome it is from."
    )


# --- the page's form decides ------------------------------------------------------------------------


def _link(instrument: str, item: str) -> str:
    """The form's value for an item ("vie:2a"); a half link is left for the form to refuse."""
    return f"{instrument}:{item}" if instrument or item else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _post(values: Mapping[str, Any]) -> QueryDict:
    post = QueryDict(mutable=True)
    for name, value in values.items():
        post[name] = _text(value)
    return post


def _problems(errors: Mapping[Any, Any], names: Mapping[str, str]) -> dict[str, list[str]]:
    """A form's (or a refusal's) problems under the API's field names."""
    problems: dict[str, list[str]] = {}
    for field, messages in errors.items():
        name = NON_FIELD if field in (None, "__all__") else names.get(field, field)
        problems.setdefault(name, []).extend(str(m) for m in messages)
    return problems


def _refusal(refused: services.ImprovementRefused, names: Mapping[str, str]) -> Response:
    grouped: dict[str | None, list[str]] = {}
    for field, message in refused.problems:
        grouped.setdefault(field, []).append(message)
    return Response(_problems(grouped, names), status=status.HTTP_400_BAD_REQUEST)


def _check(form: forms.Form, facility: int | None, names: Mapping[str, str]) -> dict[str, list[str]]:
    """The form's problems (none: valid), under the API's field names."""
    if facility is not None and "facility" not in form.fields:
        return {"facility": [_("This organisation has no facilities: leave the facility out.")]}
    if form.is_valid():
        return {}
    return _problems(form.errors, names)


GOAL_NAMES = {"item": "item"}  # the form's one item field ("vie:2a") answers for instrument and item
ACTION_NAMES = {"link": "item"}


def goal_form(organisation: Organisation, values: Mapping[str, Any]) -> tuple[GoalForm, dict[str, list[str]]]:
    """The page's goal form for the API's values, and its problems."""
    form = GoalForm(
        _post(
            {
                "item": _link(values["instrument"], values["item"]),
                "goal_type": values["goal_type"],
                "target": values.get("target"),
                "description": values.get("description", ""),
                "set_on": values.get("set_on") or timezone.localdate(),  # the form's initial value
                "due_by": values.get("due_by"),
                "facility": values.get("facility"),
            }
        ),
        organisation=organisation,
    )
    return form, _check(form, values.get("facility"), GOAL_NAMES)


def action_form(
    organisation: Organisation, values: Mapping[str, Any], *, with_sources: bool
) -> tuple[ActionForm, dict[str, list[str]]]:
    """The page's action form for the API's values (as on the edit page without the sources), and its problems."""
    data = {
        "title": values["title"],
        "owner": values["owner"],
        "due_on": values.get("due_on"),
        "status": values.get("status") or ActionStatus.OPEN,
        "link": _link(values.get("instrument", ""), values.get("item", "")),
        "facility": values.get("facility"),
        "notes": values.get("notes", ""),
    }
    if with_sources:
        data |= {"recommendation": values.get("recommendation"), "outcome": values.get("outcome")}
    form = ActionForm(_post(data), organisation=organisation)
    if not with_sources:
        del form.fields["recommendation"], form.fields["outcome"]  # as the edit page: the sources stay
    return form, _check(form, values.get("facility"), ACTION_NAMES)


def _record_change(request: Request, response: Response, kind: str, organisation: Organisation, pk: int) -> Response:
    """A change answered 200 is not logged by the middleware (it logs creates): record it here."""
    access_log.record(request, action=AccessAction.CHANGE, kind=kind, organisation=organisation, object_id=pk)
    setattr(response, access_log.LOGGED_ATTRIBUTE, True)
    return response


def _boolean(request: Request, name: str) -> bool | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if value in ("true", "false"):
        return value == "true"
    raise ValidationError({name: [_("Write true or false.")]})


# --- goals -----------------------------------------------------------------------------------------------


def _goals(organisation: Organisation) -> QuerySet[Goal]:
    return Goal.objects.filter(organisation=organisation).with_follow_up_available().select_related("facility")


class GoalList(OrganisationMixin, generics.ListAPIView[Goal]):
    serializer_class = GoalSerializer

    @extend_schema(
        summary="An organisation's goals",
        description="In the order they were set. Everyone with a role in the organisation reads them.",
        tags=["improvement"],
        parameters=[
            OpenApiParameter("judged", OpenApiTypes.BOOL, description="true: only judged goals; false: only open ones.")
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Goal]:
        goals = _goals(self.organisation())
        judged = _boolean(self.request, "judged")
        if judged is not None:
            goals = goals.filter(evaluated_at__isnull=not judged)
        return goals.order_by("set_on", "id")

    @extend_schema(
        summary="Set a goal",
        description=(
            "Project members and admins. Checked by the goal form of the pages and set by the same service: the "
            "baseline is captured, one open goal per item and scope. Bad input answers 400 with the problems "
            "per field and stores nothing. Send an Idempotency-Key header to make a retried request store once."
        ),
        tags=["improvement"],
        request=GoalInputSerializer,
        responses={201: GoalSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.organisation(Access.RECORD)
        given = GoalInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)

        def create() -> Response:
            form, problems = goal_form(organisation, given.validated_data)
            if problems:
                return Response(problems, status=status.HTTP_400_BAD_REQUEST)
            try:
                goal = services.set_goal(organisation=organisation, user=request.user, **form.service_values())
            except services.ImprovementRefused as refused:
                return _refusal(refused, GOAL_NAMES)
            stored = _goals(organisation).get(pk=goal.pk)
            return Response(self.get_serializer(stored).data, status=status.HTTP_201_CREATED)

        return idempotency.once(request, create)


class GoalDetail(OrganisationMixin, generics.RetrieveAPIView[Goal]):
    """One goal; PATCH changes it as the goal's edit page does.

    Concurrency: the goal's edit page keeps no fingerprints of the values it showed
    (``edmonitor.core.concurrency`` is used by the measurement and audit forms, not by the
    improvement plan): a save there writes every field, and the last save wins. PATCH follows
    the page and asks for no ``If-Match``; it is gentler than the page, though: a field left out
    keeps the value the goal has when the request arrives (not when some form was opened), so a
    client only overwrites what it sends. A judged goal is refused (409), as its edit page
    refuses it; the service checks that again under its lock.
    """

    serializer_class = GoalSerializer

    def get_object(self) -> Goal:
        return get_object_or_404(_goals(self.organisation()), pk=self.kwargs["goal_pk"])

    @extend_schema(summary="One goal", tags=["improvement"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Change a goal that has not been judged",
        description=(
            "Project members and admins; what the goal's edit page lets change. Fields left out keep their "
            "values; the baseline is captured again. No If-Match: as on the page, the last change wins. A judged "
            "goal can no longer be changed (409). Bad input answers 400 with the problems per field."
        ),
        tags=["improvement"],
        request=GoalInputSerializer,
        responses={200: GoalSerializer, 409: OpenApiTypes.OBJECT},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.organisation(Access.RECORD)
        goal = get_object_or_404(Goal, pk=self.kwargs["goal_pk"], organisation=organisation)
        if goal.is_evaluated:
            return Response(
                {"detail": _("This goal has been judged; it can no longer be changed.")},
                status=status.HTTP_409_CONFLICT,
            )
        given = GoalInputSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        current = {
            "instrument": goal.instrument,
            "item": goal.item,
            "goal_type": goal.goal_type,
            "target": goal.target,
            "description": goal.description,
            "set_on": goal.set_on,
            "due_by": goal.due_by,
            "facility": goal.facility_id,
        }
        form, problems = goal_form(organisation, {**current, **given.validated_data})
        if problems:
            return Response(problems, status=status.HTTP_400_BAD_REQUEST)
        try:
            services.update_goal(goal, user=request.user, **form.service_values())
        except services.ImprovementRefused as refused:
            return _refusal(refused, GOAL_NAMES)
        response = Response(self.get_serializer(_goals(organisation).get(pk=goal.pk)).data)
        return _record_change(request, response, "api_goal", organisation, goal.pk)


# --- actions -----------------------------------------------------------------------------------------


def _actions(organisation: Organisation) -> QuerySet[Action]:
    return Action.objects.filter(organisation=organisation).select_related("facility")


def _sources(organisation: Organisation, values: Mapping[str, Any]) -> tuple[Any, Any, dict[str, list[str]]]:
    """The recommendation or session outcome a new action is from, looked up as the create page does.

    Only this organisation's (and for a recommendation: of a finalised audit), so an id of
    another organisation's, or of an audit still being scored, answers as one that does not exist.
    """
    recommendation = outcome = None
    problems: dict[str, list[str]] = {}
    if values.get("recommendation") is not None and values.get("outcome") is not None:
        return None, None, {NON_FIELD: [_("Give a recommendation or a session outcome, not both.")]}
    if values.get("recommendation") is not None:
        recommendation = (
            Recommendation.objects.select_related("audit__facility", "audit__organisation")
            .filter(pk=values["recommendation"], audit__organisation=organisation, audit__finalised_at__isnull=False)
            .first()
        )
        if recommendation is None:
            problems["recommendation"] = [
                _("No finalised audit of this organisation has a recommendation with this id.")
            ]
    if values.get("outcome") is not None:
        outcome = (
            SessionOutcome.objects.select_related("session__facility", "session__organisation")
            .filter(pk=values["outcome"], session__organisation=organisation)
            .first()
        )
        if outcome is None:
            problems["outcome"] = [_("No dialogue session of this organisation has an outcome with this id.")]
    return recommendation, outcome, problems


class ActionList(OrganisationMixin, generics.ListAPIView[Action]):
    serializer_class = ActionSerializer

    @extend_schema(
        summary="An organisation's improvement actions",
        description="By due date (those without one last). Everyone with a role in the organisation reads them.",
        tags=["improvement"],
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=ActionStatus.values, description="Only these.")],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Action]:
        actions = _actions(self.organisation())
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in ActionStatus.values:
                raise ValidationError({"status": [_("Choose a status.")]})
            actions = actions.filter(status=wanted)
        return actions.order_by(F("due_on").asc(nulls_last=True), "id")

    @extend_schema(
        summary="Add an improvement action",
        description=(
            "Project members and admins. Checked by the action form of the pages and stored by the same service. "
            "An action may come from a recommendation of a finalised audit or from a dialogue session's outcome "
            "(one of them). Bad input answers 400 with the problems per field and stores nothing. Send an "
            "Idempotency-Key header to make a retried request store once."
        ),
        tags=["improvement"],
        request=ActionInputSerializer,
        responses={201: ActionSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.organisation(Access.RECORD)
        given = ActionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)

        def create() -> Response:
            recommendation, outcome, problems = _sources(organisation, given.validated_data)
            form, form_problems = action_form(organisation, given.validated_data, with_sources=True)
            problems = {**form_problems, **problems}
            if problems:
                return Response(problems, status=status.HTTP_400_BAD_REQUEST)
            try:
                action = services.create_action(
                    organisation=organisation,
                    user=request.user,
                    source_recommendation=recommendation,
                    source_outcome=outcome,
                    **form.service_values(),
                )
            except services.ImprovementRefused as refused:
                return _refusal(refused, ACTION_NAMES)
            stored = _actions(organisation).get(pk=action.pk)
            return Response(self.get_serializer(stored).data, status=status.HTTP_201_CREATED)

        return idempotency.once(request, create)


class ActionDetail(OrganisationMixin, generics.RetrieveAPIView[Action]):
    """One improvement action; PATCH changes it as the action's edit page does.

    Concurrency: the action's edit page keeps no fingerprints of what it showed (the improvement
    plan does not use ``edmonitor.core.concurrency``); the last save wins. PATCH follows the page
    and asks for no ``If-Match``. Only the fields sent are handed to ``update_action``, which lays
    them over the action as it is under its row lock: a field left out is never overwritten, not
    even by a change someone made a moment before. The sources of an action stay as they were.
    """

    serializer_class = ActionSerializer

    def get_object(self) -> Action:
        return get_object_or_404(_actions(self.organisation()), pk=self.kwargs["action_pk"])

    @extend_schema(summary="One improvement action", tags=["improvement"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Change an improvement action",
        description=(
            "Project members and admins; what the action's edit page lets change. Fields left out keep their "
            "values. No If-Match: as on the page, the last change wins. Bad input answers 400 with the problems "
            "per field and changes nothing."
        ),
        tags=["improvement"],
        request=ActionChangeSerializer,
        responses={200: ActionSerializer},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.organisation(Access.RECORD)
        action = get_object_or_404(Action, pk=self.kwargs["action_pk"], organisation=organisation)
        given = ActionChangeSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        current = {
            "title": action.title,
            "owner": action.owner,
            "due_on": action.due_on,
            "status": action.status,
            "instrument": action.instrument,
            "item": action.item,
            "facility": action.facility_id,
            "notes": action.notes,
        }
        form, problems = action_form(organisation, {**current, **given.validated_data}, with_sources=False)
        if problems:
            return Response(problems, status=status.HTTP_400_BAD_REQUEST)
        sent = set(given.validated_data)
        if sent & {"instrument", "item"}:
            sent |= {"instrument", "item"}  # one link: both halves go together
        values = {name: value for name, value in form.service_values().items() if name in sent}
        try:
            services.update_action(action, user=request.user, **values)
        except services.ImprovementRefused as refused:
            return _refusal(refused, ACTION_NAMES)
        response = Response(self.get_serializer(_actions(organisation).get(pk=action.pk)).data)
        return _record_change(request, response, "api_action", organisation, action.pk)
