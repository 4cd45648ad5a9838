"""Report figures through the API: an organisation's report, its benchmark, a programme's comparison.

Each endpoint reads its figures from the very function that builds the page and its CSV and Excel tables
(:func:`edmonitor.reports.organisation.organisation_report`, the benchmark page's peer choice and
:func:`edmonitor.reports.benchmark.benchmark`, :func:`edmonitor.programmes.report.programme_report`); the
serializers below only name and arrange what those give, they compute no figure of their own. Access is
the pages': VIEW on the organisation (:func:`~edmonitor.organisations.permissions.organisation_for`), and
for a programme :func:`~edmonitor.programmes.permissions.programme_for` with the report's anonymity.

In the benchmark, what the rule of :mod:`edmonitor.instruments.peers` withholds is null here too, with
``withheld`` and ``withheld_reason`` saying why: a token learns no more of the peers than the page shows.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from edmonitor.audits.models import Audit
from edmonitor.core.tables import in_language
from edmonitor.instruments.peers import Withheld
from edmonitor.measurements.models import Measurement
from edmonitor.programmes.models import Programme
from edmonitor.programmes.permissions import programme_for
from edmonitor.programmes.report import ProgrammeReport, programme_report
from edmonitor.reports.benchmark import DEFAULT_WINDOW_YEARS, WINDOW_YEARS, Benchmark, BenchmarkRow
from edmonitor.reports.organisation import MieSection, organisation_report
from edmonitor.reports.views import chosen_benchmark, window_years

from .serializers import FacilitySerializer, InstrumentRefSerializer, OrganisationSerializer
from .views import OrganisationMixin, TokenOnly


class LanguageText(serializers.CharField):
    """A text of an instrument definition ({nl, en}) in the request's language, as the CSV writes it."""

    def to_representation(self, value: Any) -> str:
        return in_language(value)


def _figure(**kwargs: Any) -> serializers.DecimalField:
    """A computed figure, exactly as the report holds it (as text, the API's way with decimals); null if none."""
    return serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True, **kwargs)


# --- the organisation report ---------------------------------------------------------------------------


class ReportMeasurementSerializer(serializers.ModelSerializer[Measurement]):
    facility = FacilitySerializer(read_only=True, allow_null=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Measurement
        fields = ["id", "measured_on", "label", "facility", "total", "level", "level_label"]


class ReportAuditSerializer(serializers.ModelSerializer[Audit]):
    facility = FacilitySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Audit
        fields = ["id", "held_on", "facility"]


class LatestAuditSerializer(ReportAuditSerializer):
    """The audit the report shows, with its conclusion."""

    class Meta(ReportAuditSerializer.Meta):
        fields = [*ReportAuditSerializer.Meta.fields, "strengths", "improvements"]


class ReportLevelSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = LanguageText()  # type: ignore[assignment]  # a field named "label": mypy sees Field.label


class ReportVieItemSerializer(serializers.Serializer[Any]):
    item = serializers.CharField(source="item.id")
    title = LanguageText(source="item.title")
    previous = serializers.IntegerField(allow_null=True, help_text="The score in the measurement before.")
    score = serializers.IntegerField(allow_null=True)
    change = serializers.IntegerField(allow_null=True)
    goal = serializers.CharField(allow_blank=True, help_text="The goal-attainment code, if one was given.")
    goal_label = LanguageText(allow_null=True)


class ReportVieGoalSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = LanguageText()  # type: ignore[assignment]  # a field named "label": mypy sees Field.label
    count = serializers.IntegerField(help_text="Items with this code in the latest measurement.")


class ReportVieSerializer(serializers.Serializer[Any]):
    instrument = InstrumentRefSerializer(source="latest.instrument_version")
    latest = ReportMeasurementSerializer()
    previous = ReportMeasurementSerializer(allow_null=True)
    level = ReportLevelSerializer(allow_null=True, help_text="null when fewer than all items are scored (003 §5.2).")
    total_change = _figure()
    scored = serializers.IntegerField(help_text="Items scored in the latest measurement.")
    scored_before = serializers.IntegerField(allow_null=True)
    common = serializers.IntegerField(help_text="Items scored in both measurements.")
    common_change = _figure(help_text="The change of the total over the items scored both times.")
    items_differ = serializers.BooleanField(help_text="The two totals are means over different items.")
    item_count = serializers.IntegerField()
    coded = serializers.IntegerField(help_text="Items with a goal-attainment code.")
    items = ReportVieItemSerializer(source="rows", many=True)
    goals = ReportVieGoalSerializer(many=True)
    trend = ReportMeasurementSerializer(source="series", many=True, help_text="Every measurement of the scope.")


class ReportMieThemeSerializer(serializers.Serializer[Any]):
    theme = serializers.CharField(source="theme.id")
    title = LanguageText(source="theme.title")
    previous = serializers.IntegerField(allow_null=True, help_text="The consensus in the audit before.")
    score = serializers.IntegerField(allow_null=True, help_text="The consensus score.")
    change = serializers.IntegerField(allow_null=True)
    explanation = serializers.CharField(allow_blank=True)


class ReportThemeScoreSerializer(serializers.Serializer[Any]):
    theme = serializers.CharField()
    consensus = serializers.IntegerField(allow_null=True)


class ReportMieTrendSerializer(serializers.Serializer[Any]):
    audit = ReportAuditSerializer()
    themes = ReportThemeScoreSerializer(many=True)
    summary = _figure(help_text="The mean over the themes, to follow the trend only: not an MIE score (004 §2.13).")


class ReportRecommendationSerializer(serializers.Serializer[Any]):
    theme = serializers.CharField(source="theme_id")
    text = serializers.CharField()


class ReportMieSerializer(serializers.Serializer[Any]):
    instrument = InstrumentRefSerializer(source="latest.instrument_version")
    latest = LatestAuditSerializer()
    previous = ReportAuditSerializer(allow_null=True)
    themes = ReportMieThemeSerializer(source="rows", many=True)
    trend = serializers.SerializerMethodField()
    recommendations = ReportRecommendationSerializer(many=True)

    @extend_schema_field(ReportMieTrendSerializer(many=True))
    def get_trend(self, mie: MieSection) -> Any:
        # the series holds the consensus per theme in the instrument's order, the order of the rows
        themes = [row["theme"].id for row in mie.rows]
        trend = [
            {
                "audit": s["audit"],
                "themes": [{"theme": t, "consensus": v} for t, v in zip(themes, s["themes"], strict=True)],
                "summary": s["summary"],
            }
            for s in mie.series
        ]
        return ReportMieTrendSerializer(trend, many=True).data


class OrganisationReportSerializer(serializers.Serializer[Any]):
    """The organisation report: the newest VIE measurement and finalised MIE audit, each with its history."""

    organisation = OrganisationSerializer()
    vie = ReportVieSerializer(allow_null=True, help_text="null: no VIE measurement yet.")
    mie = ReportMieSerializer(allow_null=True, help_text="null: no finalised MIE audit yet.")


@extend_schema(
    summary="An organisation's report",
    description=(
        "The figures of the report page and of its CSV and Excel tables: the newest VIE measurement beside the "
        "one before, with the trend of its scope (the whole organisation or one facility, that of the newest "
        "measurement), and likewise the newest finalised MIE audit. Only finalised audits appear."
    ),
    tags=["reports"],
    responses=OrganisationReportSerializer,
)
class OrganisationReport(OrganisationMixin, generics.GenericAPIView[Any]):
    serializer_class = OrganisationReportSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(OrganisationReportSerializer(organisation_report(self.organisation())).data)


# --- the benchmark ----------------------------------------------------------------------------------------


class BenchmarkBandSerializer(serializers.Serializer[Any]):
    low = serializers.IntegerField()
    high = serializers.IntegerField(allow_null=True, help_text="null: this many or more.")


class BenchmarkRowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="The VIE item or MIE theme.")
    title = LanguageText()
    own = serializers.IntegerField(allow_null=True, help_text="Your score (VIE) or consensus score (MIE).")
    peers_text = serializers.CharField(help_text="How many peers have a score here, as a band in words.")
    band = BenchmarkBandSerializer(
        source="peers.band", allow_null=True, help_text="The same band; null below the minimum."
    )
    median = _figure(source="peers.median")
    q1 = _figure(source="peers.q1", help_text="The first quartile (inclusive method).")
    q3 = _figure(source="peers.q3", help_text="The third quartile (inclusive method).")
    withheld = serializers.ChoiceField(
        choices=[w.value for w in Withheld],
        source="peers.withheld",
        allow_null=True,
        help_text=(
            '"too_few_peers": nothing of the peers is shown; "too_few_for_quartiles": the median only; '
            "null: all is shown."
        ),
    )
    withheld_reason = serializers.SerializerMethodField()

    def get_withheld_reason(self, row: BenchmarkRow) -> str | None:
        """The page's words for what it leaves out."""
        if row.peers.withheld == Withheld.TOO_FEW_PEERS:
            return _("Too few other organisations: we show nothing, so nobody can work out their scores.")
        if row.peers.withheld == Withheld.TOO_FEW_FOR_QUARTILES:
            return _("Only from %(q)s organisations.") % {"q": self.context["quartiles_from"]}
        return None


class BenchmarkMeasurementSerializer(serializers.ModelSerializer[Measurement]):
    class Meta:
        model = Measurement
        fields = ["id", "measured_on"]


class BenchmarkAuditSerializer(serializers.ModelSerializer[Audit]):
    class Meta:
        model = Audit
        fields = ["id", "held_on"]


class BenchmarkVieSerializer(serializers.Serializer[Any]):
    own = BenchmarkMeasurementSerializer(allow_null=True, help_text="Your newest VIE measurement, whatever its date.")
    own_before_window = serializers.BooleanField(help_text="Your measurement is older than the period.")
    peers_text = serializers.CharField(help_text="Peers with a VIE measurement in the period, as a band in words.")
    rows = BenchmarkRowSerializer(many=True)


class BenchmarkMieSerializer(serializers.Serializer[Any]):
    own = BenchmarkAuditSerializer(allow_null=True, help_text="Your newest finalised MIE audit, whatever its date.")
    own_before_window = serializers.BooleanField(help_text="Your audit is older than the period.")
    peers_text = serializers.CharField(help_text="Peers with a finalised MIE audit in the period, as a band in words.")
    rows = BenchmarkRowSerializer(many=True)


class BenchmarkGroupSerializer(serializers.Serializer[Any]):
    value = serializers.CharField(help_text="The value of ?groep= that chooses this group.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label": mypy sees Field.label


class BenchmarkWindowSerializer(serializers.Serializer[Any]):
    years = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="Today.")


class BenchmarkSerializer(serializers.Serializer[Any]):
    """What the benchmark page shows: your scores beside what may be shown of your anonymous peers."""

    organisation = OrganisationSerializer()
    group = serializers.CharField(help_text="The peer group compared with (a value of groups).")
    group_label = serializers.CharField()
    groups = BenchmarkGroupSerializer(many=True, help_text="The peer groups you may choose.")
    window = BenchmarkWindowSerializer(help_text="Peers count with data dated in this period.")
    window_years = serializers.ListField(child=serializers.IntegerField(), help_text="The periods you may choose.")
    min_peers = serializers.IntegerField(help_text="Below this many peers with a score nothing of them is shown.")
    quartiles_from = serializers.IntegerField(help_text="Quartiles are shown from this many peers with a score.")
    vie = BenchmarkVieSerializer()
    mie = BenchmarkMieSerializer()


@extend_schema(
    summary="An organisation beside its anonymous peers",
    description=(
        "The benchmark page's figures, chosen with the page's own parameters. Peers are never named. "
        "Below the minimum number of peers with a score nothing of them is given, and below the number for "
        "quartiles the median only: a figure withheld is null, and withheld and withheld_reason say why."
    ),
    tags=["reports"],
    parameters=[
        OpenApiParameter(
            "groep",
            OpenApiTypes.STR,
            description='The peer group, as on the page: "sector" (the default) or "programma-<id>" for one of '
            "the organisation's programmes (see groups in the answer).",
        ),
        OpenApiParameter(
            "jaren",
            OpenApiTypes.INT,
            enum=list(WINDOW_YEARS),
            description=(
                "The period in years up to today in which peers count, as on the page "
                f"({DEFAULT_WINDOW_YEARS} unless asked)."
            ),
        ),
    ],
    responses=BenchmarkSerializer,
)
class OrganisationBenchmark(TokenOnly, generics.GenericAPIView[Any]):
    serializer_class = BenchmarkSerializer

    def get(self, request: Request, pk: int) -> Response:
        # the page's own choice of peers and period, and its access check (VIEW)
        organisation, programmes, group, group_label, result = chosen_benchmark(request._request, pk)
        groups = [
            {
                "value": "sector",
                "label": _("all organisations in the sector %(sector)s")
                % {"sector": organisation.get_sector_display()},
            },
            *(
                {"value": f"programma-{p.pk}", "label": _("the programme %(name)s") % {"name": p.name}}
                for p in programmes
            ),
        ]
        # the page falls back to the default for a choice it does not know; a program is told instead
        asked = request.query_params.get("groep", "")
        if asked and asked != group:
            raise ValidationError(
                {"groep": [_("Choose one of: %(values)s.") % {"values": ", ".join(g["value"] for g in groups)}]}
            )
        if not window_years(request._request)[1]:
            raise ValidationError(
                {
                    "jaren": [
                        _("Choose a period of %(first)s or %(last)s years.")
                        % {"first": ", ".join(str(y) for y in WINDOW_YEARS[:-1]), "last": WINDOW_YEARS[-1]}
                    ]
                }
            )
        data = _benchmark_data(result, group, group_label, groups)
        return Response(BenchmarkSerializer(data, context={"quartiles_from": result.quartiles_from}).data)


def _benchmark_data(result: Benchmark, group: str, group_label: str, groups: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "organisation": result.organisation,
        "group": group,
        "group_label": group_label,
        "groups": groups,
        "window": result.window,
        "window_years": list(WINDOW_YEARS),
        "min_peers": result.min_peers,
        "quartiles_from": result.quartiles_from,
        "vie": {
            "own": result.own_measurement,
            "own_before_window": result.own_measurement_before_window,
            "peers_text": result.vie_peers_text,
            "rows": result.vie,
        },
        "mie": {
            "own": result.own_audit,
            "own_before_window": result.own_audit_before_window,
            "peers_text": result.mie_peers_text,
            "rows": result.mie,
        },
    }


# --- a programme's comparison ---------------------------------------------------------------------------


class ProgrammeRefSerializer(serializers.ModelSerializer[Programme]):
    class Meta:
        model = Programme
        fields = ["id", "name", "description", "starts_on", "ends_on"]


class ProgrammeMomentSerializer(serializers.Serializer[Any]):
    """A participant's baseline or follow-up measurement: its date and total, as the page shows them."""

    measured_on = serializers.DateField()
    total = _figure()


class ProgrammeParticipantSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(  # type: ignore[assignment]  # a field named "label": mypy sees Field.label
        help_text='The organisation\'s name, or "Participant 3" if you may not see it.'
    )
    named = serializers.BooleanField()
    organisation = serializers.SerializerMethodField()
    own = serializers.BooleanField(help_text="An organisation you belong to.")
    baseline = ProgrammeMomentSerializer(source="participation.baseline", allow_null=True)
    followup = ProgrammeMomentSerializer(source="participation.followup", allow_null=True)

    def get_organisation(self, participant: Any) -> int | None:
        """The organisation's id where it is named (the page links to it); null where it is anonymous."""
        return participant.participation.organisation_id if participant.named else None


class ProgrammeOrganisationChangeSerializer(serializers.Serializer[Any]):
    organisation = serializers.CharField(help_text="The participant's label.")
    baseline = _figure()
    baseline_level = serializers.CharField(allow_null=True)
    followup = _figure()
    followup_level = serializers.CharField(allow_null=True)
    change = _figure()


class ProgrammeOverallSerializer(serializers.Serializer[Any]):
    n = serializers.IntegerField(help_text="Organisations compared.")
    baseline = _figure(help_text="Mean total at the baseline.")
    followup = _figure(help_text="Mean total at the follow-up.")
    change = _figure()
    baseline_level = serializers.CharField(allow_null=True)
    followup_level = serializers.CharField(allow_null=True)


class ProgrammeLevelCountSerializer(serializers.Serializer[Any]):
    level = serializers.CharField()
    label = LanguageText()  # type: ignore[assignment]  # a field named "label": mypy sees Field.label
    baseline = serializers.IntegerField()
    followup = serializers.IntegerField()


class ProgrammeMomentCountSerializer(serializers.Serializer[Any]):
    baseline = serializers.IntegerField()
    followup = serializers.IntegerField()


class ProgrammeItemMeanSerializer(serializers.Serializer[Any]):
    item = serializers.CharField()
    title = LanguageText()
    n = serializers.IntegerField(help_text="Organisations that scored the item at both moments.")
    baseline = _figure()
    followup = _figure()
    change = _figure()


class ProgrammeGoalCountsSerializer(serializers.Serializer[Any]):
    goal = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Organisations per code.")


class ProgrammeWilcoxonSerializer(serializers.Serializer[Any]):
    n = serializers.IntegerField(help_text="Pairs with a change.")
    zeros = serializers.IntegerField(help_text="Pairs without change, left out.")
    statistic = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True, help_text="Two-sided.")
    method = serializers.CharField(allow_null=True)


class ProgrammeCohortSerializer(serializers.Serializer[Any]):
    overall = ProgrammeOverallSerializer()
    organisations = ProgrammeOrganisationChangeSerializer(many=True, help_text="Largest improvement first.")
    levels = ProgrammeLevelCountSerializer(many=True)
    without_level = ProgrammeMomentCountSerializer(help_text="Organisations without a level: items missing (003 §5.2).")
    items = ProgrammeItemMeanSerializer(many=True)
    goals = ProgrammeGoalCountsSerializer(many=True, help_text="Per goal question, recorded at the follow-up.")
    wilcoxon = ProgrammeWilcoxonSerializer()
    warnings = serializers.ListField(child=serializers.CharField())


class ProgrammeFiguresSerializer(serializers.Serializer[Any]):
    """A programme's comparison: every participant, and the cohort figures of those with both measurements."""

    programme = ProgrammeRefSerializer()
    participants = ProgrammeParticipantSerializer(many=True)
    incomplete = serializers.ListField(
        child=serializers.CharField(), help_text="Participants without a baseline and a follow-up: left out."
    )
    problems = serializers.ListField(child=serializers.CharField(), help_text="Why no comparison could be made.")
    notes = serializers.ListField(child=serializers.CharField(), help_text="Printed figures that the data do not give.")
    instrument = serializers.CharField(allow_null=True)
    result = ProgrammeCohortSerializer(allow_null=True, help_text="null: no participant has both measurements.")


def _programme_data(report: ProgrammeReport) -> dict[str, Any]:
    """The report arranged as the programme's tables arrange it (edmonitor/programmes/tables.py)."""
    result, instrument = report.result, report.instrument
    cohort = None
    if result is not None and instrument is not None:
        codes = [g.code for g in instrument.goal_codes]
        cohort = {
            "overall": result.overall,
            "organisations": result.changes_sorted,
            "levels": [
                {
                    "level": lv.code,
                    "label": lv.label,
                    "baseline": result.levels["baseline"].get(lv.code, 0),
                    "followup": result.levels["followup"].get(lv.code, 0),
                }
                for lv in instrument.levels
            ],
            "without_level": result.without_level,
            "items": [
                {
                    "item": item.id,
                    "title": item.title,
                    "n": result.items[item.id].n,
                    "baseline": result.items[item.id].baseline,
                    "followup": result.items[item.id].followup,
                    "change": result.items[item.id].change,
                }
                for item in instrument.items
            ],
            "goals": [
                {"goal": item.goal_id, "counts": {c: result.goals.get(item.goal_id, {}).get(c, 0) for c in codes}}
                for item in instrument.items
            ],
            "wilcoxon": result.wilcoxon,
            "warnings": [warning.text(_) for warning in result.warnings],
        }
    return {
        "programme": report.programme,
        "participants": report.participants,
        "incomplete": [p.label for p in report.incomplete],
        "problems": report.problems,
        "notes": report.notes,
        "instrument": instrument.key if instrument is not None else None,
        "result": cohort,
    }


@extend_schema(
    summary="A programme's comparison figures",
    description=(
        "The figures of the programme page and its tables: each participant's baseline and follow-up, and for "
        "those with both the totals, levels, item means, goal attainment and the Wilcoxon test. An organisation "
        'you may not see is anonymous ("Participant 3"), as on the page.'
    ),
    tags=["reports"],
    responses=ProgrammeFiguresSerializer,
)
class ProgrammeFigures(TokenOnly, generics.GenericAPIView[Any]):
    serializer_class = ProgrammeFiguresSerializer

    def get(self, request: Request, pk: int) -> Response:
        programme = programme_for(request.user, pk)  # the page's rule: 404 unless visible
        data = _programme_data(programme_report(programme, request.user))
        return Response(ProgrammeFiguresSerializer(data).data)
