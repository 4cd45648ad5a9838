"""The organisation report: the latest VIE measurement and the latest finalised MIE audit, with their
history, as one structure that the web page and the PDF both render.

Everything is read in a fixed number of queries whatever the history length:
measurements (1), their instrument version (1), the item responses of the two measurements
shown (1); finalised audits (1), their instrument version (1), their theme records without the
shared notes (1), the recommendations of the audit shown (1). Only the two
measurements and audits compared carry their answers and texts: an organisation with ten
years of measurements and audits per facility has hundreds of them, and reading every
answer and note made the report slow (``bench/README.md``). The instrument version is
prefetched, not joined, so its definition is decoded once instead of once per row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from edmonitor.audits.models import Audit, ThemeRecord
from edmonitor.core import charts
from edmonitor.core.dates import long_date
from edmonitor.instruments.audit import consensus_mean
from edmonitor.instruments.scoring import total_of
from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Organisation


def _decimal(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass
class VieSection:
    latest: Measurement
    previous: Measurement | None
    series: list[Measurement]
    rows: list[dict[str, Any]]
    goals: list[dict[str, Any]]
    level: Any
    total_change: Decimal | None
    item_chart: str
    trend_chart: str | None
    # Totals are means over the items scored; when the two measurements scored different
    # items, the change of the totals compares unlike things, so the report also gives the
    # change over the items both scored.
    scored: int = 0  # items scored in the latest measurement
    scored_before: int | None = None
    common: int = 0  # items scored in both
    common_change: Decimal | None = None
    item_count: int = 0
    coded: int = 0  # items with a goal-attainment code

    @property
    def items_differ(self) -> bool:
        return self.previous is not None and not (self.scored == self.scored_before == self.common)


@dataclass
class MieSection:
    latest: Audit
    previous: Audit | None
    # per finalised audit of the same scope: its consensus per theme and a summary (the mean over
    # the themes), which the MIE itself does not define: 004 §2.13 gives a score per theme and no
    # total, so the summary is shown only in the trend table, labelled as such
    series: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    recommendations: list[Any]
    theme_chart: str
    trend_chart: str | None


@dataclass
class OrganisationReport:
    organisation: Organisation
    vie: VieSection | None = None
    mie: MieSection | None = None
    notes: list[str] = field(default_factory=list)


def _vie_section(organisation: Organisation) -> VieSection | None:
    vie = Measurement.objects.filter(organisation=organisation, instrument_version__code="vie")
    newest = vie.order_by("-measured_on", "-id").values("facility_id").first()
    if newest is None:
        return None
    # only the newest measurement's scope (the whole organisation or its facility): a decade of five facilities
    # is fifty measurements, of which the report shows ten (bench/README.md, fix 23)
    series = list(
        vie.filter(facility_id=newest["facility_id"])
        .select_related("facility")
        .prefetch_related("instrument_version")
        .order_by("measured_on", "id")
    )
    latest = series[-1]
    previous = series[-2] if len(series) >= 2 else None
    prefetch_related_objects([m for m in (latest, previous) if m is not None], "responses")
    instrument = latest.instrument
    now = {r.item_id: r for r in latest.responses.all()}
    before = {r.item_id: r for r in previous.responses.all()} if previous else {}
    goal_labels = {g.code: g.label for g in instrument.goal_codes}
    rows: list[dict[str, Any]] = []
    for item in instrument.items:
        score = now[item.id].score if item.id in now else None
        old = before[item.id].score if item.id in before else None
        goal = now[item.id].goal_code if item.id in now else ""
        rows.append(
            {
                "item": item,
                "score": score,
                "anchor": item.anchors.get(score) if score else None,
                "previous": old,
                "change": score - old if score is not None and old is not None else None,
                "goal": goal,
                "goal_label": goal_labels.get(goal),
            }
        )
    scores_now = {r["item"].id: r["score"] for r in rows if r["score"] is not None}
    scores_before = {r["item"].id: r["previous"] for r in rows if r["previous"] is not None}
    common = scores_now.keys() & scores_before.keys()
    common_now, _mean = total_of(instrument, {k: scores_now[k] for k in common})
    common_before, _mean = total_of(instrument, {k: scores_before[k] for k in common})
    counts = Counter(r["goal"] for r in rows if r["goal"])
    goals = [{"code": g.code, "label": g.label, "count": counts.get(g.code, 0)} for g in instrument.goal_codes]
    categories = [r["item"].id for r in rows]
    series_values = []
    if previous:
        series_values.append((long_date(previous.measured_on), [r["previous"] for r in rows]))
    series_values.append((long_date(latest.measured_on), [r["score"] for r in rows]))
    item_chart = charts.item_bars(
        categories,
        series_values,
        title=_("Score per item"),
        y_label=_("score (1–5)"),
    )
    trend_chart = None
    if len(series) >= 2:
        trend_chart = charts.trend_lines(
            [long_date(m.measured_on) for m in series],
            [(_("total"), [_decimal(m.total) for m in series])],
            title=_("Total over time"),
            y_label=_("total (1–5)"),
            bands=charts.LEVEL_BANDS,
        )
    return VieSection(
        latest=latest,
        previous=previous,
        series=series,
        rows=rows,
        goals=goals,
        level=instrument.level(latest.level) if latest.level else None,
        total_change=(
            latest.total - previous.total
            if previous is not None and latest.total is not None and previous.total is not None
            else None
        ),
        item_chart=item_chart,
        trend_chart=trend_chart,
        scored=len(scores_now),
        scored_before=len(scores_before) if previous is not None else None,
        common=len(common),
        common_change=common_now - common_before if common_now is not None and common_before is not None else None,
        item_count=len(instrument.items),
        coded=sum(counts.values()),
    )


def _mie_section(organisation: Organisation) -> MieSection | None:
    finalised = Audit.objects.filter(organisation=organisation).finalised()
    newest = finalised.order_by("-held_on", "-id").values("facility_id").first()
    if newest is None:
        return None
    scope = list(
        finalised.filter(facility_id=newest["facility_id"])  # the newest audit's scope, as for the VIE
        .select_related("facility")
        .prefetch_related(
            "instrument_version",
            # every audit's consensus for the trend; the shared notes (the longest text) are not shown
            Prefetch("themes", queryset=ThemeRecord.objects.defer("notes")),
        )
        .order_by("held_on", "id")
    )
    latest = scope[-1]
    previous = scope[-2] if len(scope) >= 2 else None
    instrument = latest.instrument
    now = {t.theme_id: t for t in latest.themes.all()}
    prefetch_related_objects([latest], "recommendations")
    before = {t.theme_id: t for t in previous.themes.all()} if previous else {}
    rows: list[dict[str, Any]] = []
    for theme in instrument.themes:
        record = now.get(theme.id)
        score = record.consensus if record else None
        old = before[theme.id].consensus if theme.id in before else None
        rows.append(
            {
                "theme": theme,
                "score": score,
                "scale_text": theme.scale.get(score) if score else None,
                "previous": old,
                "change": score - old if score is not None and old is not None else None,
                "explanation": record.explanation if record else "",
                "recommendations": [r for r in latest.recommendations.all() if r.theme_id == theme.id],
            }
        )
    series: list[dict[str, Any]] = []
    for audit in scope:
        consensus = {t.theme_id: t.consensus for t in audit.themes.all()}
        scores = [consensus.get(theme_id) for theme_id in instrument.theme_ids]
        series.append({"audit": audit, "themes": scores, "summary": consensus_mean(scores)})
    categories = [theme.id for theme in instrument.themes]
    values = []
    if previous:
        values.append((long_date(previous.held_on), [r["previous"] for r in rows]))
    values.append((long_date(latest.held_on), [r["score"] for r in rows]))
    theme_chart = charts.item_bars(
        [_("theme %(n)s") % {"n": c} for c in categories],
        values,
        title=_("Consensus score per theme"),
        y_label=_("score (1–5)"),
    )
    trend_chart = None
    if len(series) >= 2:
        trend_chart = charts.trend_lines(
            [long_date(s["audit"].held_on) for s in series],
            [
                (_("theme %(n)s") % {"n": theme_id}, [_decimal(s["themes"][i]) for s in series])
                for i, theme_id in enumerate(instrument.theme_ids)
            ],
            title=_("Consensus score per theme over time"),
            y_label=_("score (1–5)"),
        )
    return MieSection(
        latest=latest,
        previous=previous,
        series=series,
        rows=rows,
        recommendations=list(latest.recommendations.all()),
        theme_chart=theme_chart,
        trend_chart=trend_chart,
    )


def organisation_report(organisation: Organisation) -> OrganisationReport:
    return OrganisationReport(organisation=organisation, vie=_vie_section(organisation), mie=_mie_section(organisation))
