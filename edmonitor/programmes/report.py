"""The programme report: the LIVE evaluation's comparison (seed 003, ch. 4 and appendices 2–4) for any
programme, computed from the stored measurements by :mod:`edmonitor.instruments.cohort`.

Organisations the user may not view are anonymous ("Deelnemer 3", numbered by the order in which
they joined the programme, which says nothing about their scores). Where a measurement carries a
printed total from its source that its item scores do not give, the report shows the computed value
and notes the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from edmonitor.core import charts
from edmonitor.core.types import User
from edmonitor.instruments.cohort import CohortError, CohortResult, CohortRow, OrganisationChange, compare_cohort
from edmonitor.instruments.definition import Instrument
from edmonitor.measurements.live import check_live
from edmonitor.measurements.models import ItemResponse, Measurement
from edmonitor.organisations.permissions import may_name

from .live import LIVE_PROGRAMME
from .models import Participation, Programme


@dataclass
class Participant:
    label: str
    named: bool
    participation: Participation
    own: bool  # an organisation the user belongs to (highlighted)


@dataclass
class ProgrammeReport:
    programme: Programme
    participants: list[Participant]
    instrument: Instrument | None = None
    result: CohortResult | None = None
    labels: dict[str, Participant] = field(default_factory=dict)
    incomplete: list[Participant] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


Answer = tuple[str, int | None, str]  # item id, score, goal code


def _answers(measurements: list[Measurement]) -> dict[int, list[Answer]]:
    """The answers of these measurements in one query, as plain tuples: a national programme has
    20,000 of them, and building a model instance for each took most of the report's time
    (bench/README.md)."""
    found: dict[int, list[Answer]] = {m.pk: [] for m in measurements}
    rows = ItemResponse.objects.filter(measurement__in=[m.pk for m in measurements]).order_by("measurement", "id")
    for measurement_id, item_id, score, goal_code in rows.values_list("measurement", "item_id", "score", "goal_code"):
        found[measurement_id].append((item_id, score, goal_code))
    return found


def _row(instrument: Instrument, label: str, answers: list[Answer]) -> CohortRow:
    items = {item_id: score for item_id, score, _code in answers if score is not None}
    goal_ids = {item.id: item.goal_id for item in instrument.items}
    goals = {goal_ids[item_id]: code for item_id, _score, code in answers if code and item_id in goal_ids}
    return CohortRow.from_items(instrument, label, items, goals)


def programme_report(programme: Programme, user: User) -> ProgrammeReport:
    participations = list(
        programme.participations.select_related("organisation", "baseline", "followup")
        # The instrument version is prefetched, not joined: joined, its JSON definition was decoded
        # once per measurement, half the time of a national programme's report (bench/README.md).
        .prefetch_related("baseline__instrument_version", "followup__instrument_version")
        .order_by("pk")
    )
    member_of = set()
    if user.is_authenticated:
        member_of = set(user.memberships.values_list("organisation_id", flat=True))
    participants = []
    for number, participation in enumerate(participations, start=1):
        organisation = participation.organisation
        named = may_name(user, organisation)
        label = organisation.name if named else _("Participant %(n)s") % {"n": number}
        participants.append(Participant(label, named, participation, organisation.pk in member_of))
    report = ProgrammeReport(programme=programme, participants=participants, labels={p.label: p for p in participants})

    complete = [p for p in participants if p.participation.baseline and p.participation.followup]
    report.incomplete = [p for p in participants if not (p.participation.baseline and p.participation.followup)]
    if not complete:
        return report
    instrument = complete[0].participation.baseline.instrument  # type: ignore[union-attr]
    report.instrument = instrument
    answers = _answers([m for p in complete for m in (p.participation.baseline, p.participation.followup)])  # type: ignore[misc]
    baseline = [_row(instrument, p.label, answers[p.participation.baseline_id]) for p in complete]  # type: ignore[index]
    followup = [_row(instrument, p.label, answers[p.participation.followup_id]) for p in complete]  # type: ignore[index]
    try:
        result = compare_cohort(instrument, baseline, followup)
    except CohortError as error:
        report.problems = [problem.text(_) for problem in error.problems]
        return report
    report.result = result
    report.notes = _printed_notes(programme, complete)
    _draw(report, result)
    return report


def _printed_notes(programme: Programme, participants: list[Participant]) -> list[str]:
    notes = []
    for p in participants:
        moments = ((_("baseline"), p.participation.baseline), (_("follow-up"), p.participation.followup))
        for moment, measurement in moments:
            if measurement and measurement.printed_total is not None and measurement.printed_total != measurement.total:
                notes.append(
                    _(
                        "%(who)s, %(moment)s: the source prints the total %(printed)s; "
                        "the item scores give %(computed)s."
                    )
                    % {
                        "who": p.label,
                        "moment": moment,
                        "printed": str(measurement.printed_total).replace(".", ","),
                        "computed": str(measurement.total).replace(".", ","),
                    }
                )
            if (
                measurement
                and measurement.printed_level
                and measurement.printed_level.strip().lower() != measurement.level
            ):
                notes.append(
                    _(
                        "%(who)s, %(moment)s: the source prints the level “%(printed)s”; "
                        "the item scores give “%(computed)s”."
                    )
                    % {
                        "who": p.label,
                        "moment": moment,
                        "printed": measurement.printed_level,
                        "computed": measurement.level or "–",
                    }
                )
    if programme.name == LIVE_PROGRAMME:
        for d in check_live():
            if d.organisation is None:
                what = d.field.removeprefix("mean_")
                notes.append(
                    _(
                        "Average of all institutions (%(moment)s), %(what)s: the report prints %(printed)s; "
                        "its item scores give %(computed)s."
                    )
                    % {
                        "moment": _("baseline") if d.moment == "baseline" else _("follow-up"),
                        "what": _("item %(item)s") % {"item": what} if d.field.startswith("mean_") else d.field,
                        "printed": d.printed.replace(".", ","),
                        "computed": d.computed.replace(".", ","),
                    }
                )
    return notes


#: Most organisations a chart with a bar per organisation shows. LIVE had 18; with hundreds the bars are
#: thinner than a line and the names unreadable, and the page grew to megabytes of chart (bench/README.md).
#: Above this the table (sorted, with levels) is the view per organisation; the item charts stay.
CHART_MAX_ORGANISATIONS = 40


def _draw(report: ProgrammeReport, result: CohortResult) -> None:
    own = next((p.label for p in report.participants if p.own), None)
    organisations = result.organisations
    if len(organisations) <= CHART_MAX_ORGANISATIONS:
        _draw_per_organisation(report, organisations, own)
    _draw_items(report, result)


def _draw_per_organisation(
    report: ProgrammeReport, organisations: tuple[OrganisationChange, ...], own: str | None
) -> None:
    report.charts["baseline"] = charts.ranked_bars(
        [o.organisation for o in organisations],
        [o.baseline for o in organisations],
        title=_("Total per organisation at the baseline"),
        x_label=_("total (1–5)"),
        highlight=own,
    )
    report.charts["followup"] = charts.ranked_bars(
        [o.organisation for o in organisations],
        [o.followup for o in organisations],
        title=_("Total per organisation at the follow-up"),
        x_label=_("total (1–5)"),
        highlight=own,
    )
    report.charts["change"] = charts.change_bars(
        [o.organisation for o in organisations],
        [o.change for o in organisations],
        title=_("Change of the total per organisation"),
        x_label=_("change (points)"),
        sort=True,
    )


def _draw_items(report: ProgrammeReport, result: CohortResult) -> None:
    report.charts["items"] = charts.change_bars(
        list(result.items),
        [i.change for i in result.items.values()],
        title=_("Change of the mean per item"),
        x_label=_("change (points)"),
    )
    report.charts["item_means"] = charts.item_bars(
        list(result.items),
        [
            (_("baseline"), [i.baseline for i in result.items.values()]),
            (_("follow-up"), [i.followup for i in result.items.values()]),
        ],
        title=_("Mean per item"),
        y_label=_("mean (1–5)"),
    )
