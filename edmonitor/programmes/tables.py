"""The programme report's tables (:class:`edmonitor.core.tables.Table`), for its downloads."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from edmonitor.core.tables import Table
from edmonitor.core.tables import in_language as _text


def programme_tables(report: Any) -> list[Table]:
    """The programme report's tables (``report`` is a programmes.report.ProgrammeReport)."""
    result = report.result
    participants = Table(
        "organisations",
        _("Organisations"),
        [_("Organisation"), _("Baseline"), _("Total"), _("Follow-up"), _("Total")],
        [
            [
                p.label,
                p.participation.baseline.measured_on if p.participation.baseline else None,
                p.participation.baseline.total if p.participation.baseline else None,
                p.participation.followup.measured_on if p.participation.followup else None,
                p.participation.followup.total if p.participation.followup else None,
            ]
            for p in report.participants
        ],
    )
    if result is None:
        return [participants]
    instrument = report.instrument
    goal_codes = [g.code for g in instrument.goal_codes]
    w = result.wilcoxon
    return [
        participants,
        Table(
            "totals",
            _("Total and level per organisation"),
            [
                _("Organisation"),
                _("Baseline"),
                _("Level"),
                _("Follow-up"),
                _("Level"),
                pgettext("difference", "Change"),
            ],
            [
                [o.organisation, o.baseline, o.baseline_level, o.followup, o.followup_level, o.change]
                for o in result.changes_sorted
            ],
            sheet=_("Totals"),
        ),
        Table(
            "levels",
            _("Organisations per level"),
            [_("Level"), _("Baseline"), _("Follow-up")],
            [
                *(
                    [lv.code, result.levels["baseline"].get(lv.code, 0), result.levels["followup"].get(lv.code, 0)]
                    for lv in instrument.levels
                ),
                # a total over fewer than all items has no level (003 §5.2)
                [_("No level: items missing"), result.without_level["baseline"], result.without_level["followup"]],
            ],
            sheet=_("Levels"),
        ),
        Table(
            "items",
            _("Mean per item"),
            [
                _("Item"),
                _("Title"),
                _("Organisations"),
                _("Baseline"),
                _("Follow-up"),
                pgettext("difference", "Change"),
            ],
            [
                [
                    item.id,
                    _text(item.title),
                    result.items[item.id].n,
                    result.items[item.id].baseline,
                    result.items[item.id].followup,
                    result.items[item.id].change,
                ]
                for item in instrument.items
            ],
            sheet=_("Item means"),
        ),
        Table(
            "goals",
            _("Number of organisations per goal-attainment code (recorded at the follow-up)"),
            [_("Item"), *[f"{g.code}: {_text(g.label)}" for g in instrument.goal_codes]],
            [
                [item.goal_id, *[result.goals.get(item.goal_id, {}).get(c, 0) for c in goal_codes]]
                for item in instrument.items
            ],
            sheet=_("Goal attainment"),
        ),
        Table(
            "overall",
            _("Overall"),
            [_("Figure"), _("Value")],
            [
                [_("Organisations compared"), result.overall.n],
                [_("Mean total at the baseline"), result.overall.baseline],
                [_("Mean total at the follow-up"), result.overall.followup],
                [pgettext("difference", "Change"), result.overall.change],
                [_("Wilcoxon: pairs with a change"), w.n],
                [_("Wilcoxon: pairs without change (left out)"), w.zeros],
                [_("Wilcoxon: test statistic"), w.statistic],
                [_("Wilcoxon: two-sided p-value"), w.p_value],
            ],
            sheet=_("Overall"),
        ),
    ]
