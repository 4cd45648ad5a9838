"""MIE audits in the API, read-only: an organisation's audits as its page lists them, and one audit as its
page shows it to the token's person in its phase.

Who sees which audit is :func:`edmonitor.audits.permissions.visible_audits` / ``audit_for``, and which
individual ratings is :func:`~edmonitor.audits.permissions.visible_ratings` (the blind-scoring rule):
nothing here reads ratings any other way. The list is :func:`edmonitor.audits.overview.audit_history`,
the rows of the organisation page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from edmonitor.audits.models import Audit, Auditor, Phase, Position, Rating
from edmonitor.audits.overview import audit_history
from edmonitor.audits.permissions import AuditAction, audit_for, visible_audits, visible_ratings
from edmonitor.core.templatetags.edmonitor import person  # a name as the pages show it
from edmonitor.core.types import User
from edmonitor.instruments.audit import compare_theme
from edmonitor.measurements.models import InstrumentVersion
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, can, organisation_for

from .serializers import FacilitySerializer, InstrumentRefSerializer
from .views import TokenOnly

# --- what the API answers ---------------------------------------------------------------------------


class AuditorSerializer(serializers.Serializer[Any]):
    place = serializers.IntegerField(help_text="1 or 2: the auditor's place on the audit; ratings name it.")
    position = serializers.ChoiceField(choices=Position.choices)
    position_label = serializers.CharField()
    name = serializers.CharField(help_text="As the audit page shows it: the full name, else the user name.")
    submitted = serializers.BooleanField(help_text="Their own scores are submitted (and final).")
    you = serializers.BooleanField(help_text="This auditor is the token's person.")


class AuditSummarySerializer(serializers.Serializer[Any]):
    """What an audit is, as a list shows it."""

    id = serializers.IntegerField()
    held_on = serializers.DateField()
    facility = FacilitySerializer(allow_null=True, help_text="Null for an audit of the whole organisation.")
    instrument = InstrumentRefSerializer()
    phase = serializers.ChoiceField(choices=Phase.choices)
    phase_label = serializers.CharField()
    auditors = AuditorSerializer(many=True)
    finalised_at = serializers.DateTimeField(allow_null=True)


class AuditConsensusSerializer(serializers.Serializer[Any]):
    theme = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    change = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "Against the previous finalised audit of the same facility (or of the whole organisation), as the "
            "organisation page shows it; null without one, or for an auditor who does not see the organisation."
        ),
    )


class AuditListItemSerializer(AuditSummarySerializer):
    consensus = AuditConsensusSerializer(
        many=True,
        allow_null=True,
        help_text="The result per theme, once the audit is finalised (null before). The MIE has no total score.",
    )


class AuditRatingSerializer(serializers.Serializer[Any]):
    auditor = serializers.IntegerField(help_text="The auditor's place (1 or 2).")
    score = serializers.IntegerField(allow_null=True)
    rationale = serializers.CharField(allow_blank=True)


class AuditThemeSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    title = serializers.CharField()
    notes = serializers.CharField(allow_blank=True, help_text="The auditors' shared notes.")
    explanation = serializers.CharField(allow_blank=True)
    consensus = serializers.IntegerField(allow_null=True)
    consensus_text = serializers.CharField(allow_null=True, help_text="What the consensus score means.")
    consensus_reason = serializers.CharField(allow_blank=True, help_text="Why a consensus lies outside both scores.")
    ratings = AuditRatingSerializer(
        many=True,
        help_text=(
            "The individual ratings you may see: until both auditors have submitted, only your own "
            "(none unless you are an auditor); then both."
        ),
    )
    difference = serializers.IntegerField(allow_null=True, help_text="Between the two scores, once both are shown.")
    discuss = serializers.BooleanField(allow_null=True, help_text="The difference is large enough to discuss.")
    consensus_outside_range = serializers.BooleanField(allow_null=True)
    recommendations = serializers.ListField(child=serializers.CharField())


class AuditConclusionSerializer(serializers.Serializer[Any]):
    strengths = serializers.CharField(allow_blank=True)
    improvements = serializers.CharField(allow_blank=True)


class AuditAmendmentSerializer(serializers.Serializer[Any]):
    made_at = serializers.DateTimeField()
    author = serializers.CharField()
    reason = serializers.CharField()


class AuditSerializer(AuditSummarySerializer):
    """One audit as its page shows it to the token's person."""

    participants = serializers.CharField(allow_blank=True)
    blind = serializers.BooleanField(
        help_text="The individual scores are still hidden: not both auditors have submitted."
    )
    themes = AuditThemeSerializer(many=True)
    conclusion = AuditConclusionSerializer()
    amendments = AuditAmendmentSerializer(many=True)


# --- building the answers --------------------------------------------------------------------------


def _auditors(auditors: Iterable[Auditor], user: User) -> list[dict[str, Any]]:
    return [
        {
            "place": a.order,
            "position": a.position,
            "position_label": a.get_position_display(),
            "name": person(a.user),
            "submitted": a.submitted_at is not None,
            "you": a.user_id == user.pk,
        }
        for a in auditors
    ]


def _summary(
    pk: int,
    held_on: dt.date,
    facility: dict[str, Any] | None,
    version: InstrumentVersion,
    finalised_at: dt.datetime | None,
    auditors: Sequence[Auditor],
    user: User,
) -> dict[str, Any]:
    phase = Audit.phase_of(finalised_at is not None, [a.submitted_at is not None for a in auditors])
    return {
        "id": pk,
        "held_on": held_on,
        "facility": facility,
        "instrument": {"code": version.code, "version": version.version},
        "phase": phase,
        "phase_label": str(Phase(phase).label),
        "auditors": _auditors(auditors, user),
        "finalised_at": finalised_at,
    }


def audit_rows(user: User, organisation_pk: int) -> tuple[list[dict[str, Any]], bool]:
    """The organisation page's audit rows of the audits the user may see, and whether the user sees that page.

    Whoever may view the organisation sees all its audits; an auditor without a role in it only the
    audits they audit (``visible_audits``); anyone else gets 404, as for the organisation page.
    """
    audits = visible_audits(user).filter(organisation_id=organisation_pk)
    organisation: Organisation
    try:
        organisation = organisation_for(user, organisation_pk, Access.VIEW)
    except Http404:
        first = audits.select_related("organisation").first()
        if first is None:
            raise
        organisation = first.organisation
    shown = set(audits.values_list("pk", flat=True))
    rows = [row for row in audit_history(organisation) if row["audit"].pk in shown]
    return rows, can(user, Access.VIEW, organisation)


def list_items(rows: Sequence[dict[str, Any]], user: User, sees_organisation: bool) -> list[dict[str, Any]]:
    """One page of :func:`audit_rows` as the API lists them (their auditors and instruments read at once)."""
    ids = [row["audit"].pk for row in rows]
    auditors: dict[int, list[Auditor]] = {}
    for auditor in Auditor.objects.filter(audit_id__in=ids).select_related("user").order_by("audit_id", "order"):
        auditors.setdefault(auditor.audit_id, []).append(auditor)
    versions = InstrumentVersion.objects.only("code", "version").in_bulk(
        {row["audit"].instrument_version_id for row in rows}
    )
    items = []
    for row in rows:
        audit = row["audit"]
        facility = {"id": audit.facility_id, "name": audit.facility_name} if audit.facility_id else None
        item = _summary(
            audit.pk,
            audit.held_on,
            facility,
            versions[audit.instrument_version_id],
            audit.finalised_at,
            auditors.get(audit.pk, []),
            user,
        )
        item["consensus"] = (
            [
                {"theme": t["id"], "score": t["consensus"], "change": t["change"] if sees_organisation else None}
                for t in row["themes"]
            ]
            if audit.is_finalised
            else None
        )
        items.append(item)
    return items


def audit_data(audit: Audit, user: User) -> dict[str, Any]:
    """The audit as its page (``audits.views.audit_detail``) shows it to ``user``: the ratings are
    :func:`visible_ratings`, the rest what the page shows to everyone who may view the audit."""
    language = get_language()
    instrument = audit.instrument
    auditors = list(audit.auditors.all())
    place = {a.pk: a.order for a in auditors}
    ratings: dict[str, list[Rating]] = {}
    for rating in visible_ratings(user, audit):
        ratings.setdefault(rating.theme_id, []).append(rating)
    records = {r.theme_id: r for r in audit.themes.all()}
    recommendations = list(audit.recommendations.all())
    themes = []
    for theme in instrument.themes:
        record = records.get(theme.id)
        shown = sorted(ratings.get(theme.id, []), key=lambda r: place[r.auditor_id])
        scores = [r.score for r in shown if r.score is not None]
        consensus = record.consensus if record else None
        # as the page: the two scores are compared once both may be seen
        comparison = (
            compare_theme(scores[0], scores[1], consensus, instrument.discuss_difference) if len(scores) == 2 else None
        )
        text = theme.scale.get(consensus) if consensus else None
        themes.append(
            {
                "id": theme.id,
                "title": theme.title.get(language),
                "notes": record.notes if record else "",
                "explanation": record.explanation if record else "",
                "consensus": consensus,
                "consensus_text": text.get(language) if text else None,
                "consensus_reason": record.consensus_reason if record else "",
                "ratings": [
                    {"auditor": place[r.auditor_id], "score": r.score, "rationale": r.rationale} for r in shown
                ],
                "difference": comparison.difference if comparison else None,
                "discuss": comparison.discuss if comparison else None,
                "consensus_outside_range": comparison.consensus_outside_range if comparison else None,
                "recommendations": [r.text for r in recommendations if r.theme_id == theme.id],
            }
        )
    facility = {"id": audit.facility.pk, "name": audit.facility.name} if audit.facility else None
    data = _summary(audit.pk, audit.held_on, facility, audit.instrument_version, audit.finalised_at, auditors, user)
    return data | {
        "participants": audit.participants,
        "blind": not audit.both_submitted,
        "themes": themes,
        "conclusion": {"strengths": audit.strengths, "improvements": audit.improvements},
        "amendments": [
            {"made_at": a.made_at, "author": person(a.author), "reason": a.reason}
            for a in audit.amendments.select_related("author")
        ],
    }


# --- the views ------------------------------------------------------------------------------------


@extend_schema(
    summary="An organisation's MIE audits",
    description=(
        "The audits as the organisation page lists them, oldest first: whoever may view the organisation sees "
        "all of them; an auditor without a role in the organisation only the audits they audit."
    ),
    tags=["audits"],
)
class AuditList(TokenOnly, generics.ListAPIView[Any]):
    serializer_class = AuditListItemSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows, sees_organisation = audit_rows(request.user, self.kwargs["pk"])
        page = self.paginate_queryset(rows)  # a list pages as a queryset does
        assert page is not None  # every list has pages (settings.REST_FRAMEWORK)
        data = AuditListItemSerializer(list_items(page, request.user, sees_organisation), many=True).data
        return self.get_paginated_response(data)


@extend_schema(
    summary="One MIE audit",
    description=(
        "The audit as its page shows it to you in its phase. Individual ratings are blind: until both auditors "
        "have submitted, an auditor sees only their own and nobody else sees any, staff included."
    ),
    tags=["audits"],
)
class AuditDetail(TokenOnly, generics.GenericAPIView[Any]):
    serializer_class = AuditSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audit = audit_for(request.user, self.kwargs["pk"], self.kwargs["audit_pk"], AuditAction.VIEW)
        return Response(AuditSerializer(audit_data(audit, request.user)).data)
