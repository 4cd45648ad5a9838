"""The organisation report's and the benchmark's tables (:class:`edmonitor.core.tables.Table`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from edmonitor.core.tables import Table
from edmonitor.core.tables import in_language as _text

from .benchmark import Benchmark
from .organisation import OrganisationReport


def organisation_tables(report: OrganisationReport) -> list[Table]:
    tables = []
    vie = report.vie
    if vie is not None:
        tables.append(
            Table(
                "vie-items",
                _("Score per item"),
                [
                    _("Item"),
                    _("Title"),
                    _("Previous"),
                    _("Score"),
                    pgettext("difference", "Change"),
                    _("Goal attainment"),
                ],
                [
                    [r["item"].id, _text(r["item"].title), r["previous"], r["score"], r["change"], r["goal"]]
                    for r in vie.rows
                ],
                sheet=_("VIE items"),
            )
        )
        tables.append(
            Table(
                "vie-goals",
                _("Goal attainment per item"),
                [_("Code"), _("Meaning"), _("Items")],
                [[g["code"], _text(g["label"]), g["count"]] for g in vie.goals],
                sheet=_("VIE goal attainment"),
            )
        )
        tables.append(
            Table(
                "vie-trend",
                _("Total over time"),
                [_("Date"), _("Label"), _("Total"), _("Level")],
                [[m.measured_on, m.label, m.total, m.level] for m in vie.series],
                sheet=_("VIE over time"),
            )
        )
    mie = report.mie
    if mie is not None:
        tables.append(
            Table(
                "mie-themes",
                _("Consensus score per theme"),
                [_("Theme"), _("Title"), _("Previous"), _("Consensus"), pgettext("difference", "Change")],
                [[r["theme"].id, _text(r["theme"].title), r["previous"], r["score"], r["change"]] for r in mie.rows],
                sheet=_("MIE themes"),
            )
        )
        tables.append(
            Table(
                "mie-trend",
                _("Consensus score per theme over time"),
                [
                    _("Date"),
                    *[_("Theme %(n)s") % {"n": r["theme"].id} for r in mie.rows],
                    _("Summary: mean over the themes (not an MIE score)"),
                ],
                [[s["audit"].held_on, *s["themes"], s["summary"]] for s in mie.series],
                sheet=_("MIE over time"),
            )
        )
        tables.append(
            Table(
                "mie-recommendations",
                _("Recommendations"),
                [_("Theme"), _("Recommendation")],
                [[r.theme_id, r.text] for r in mie.recommendations],
                sheet=_("MIE recommendations"),
            )
        )
    return tables


def benchmark_tables(result: Benchmark) -> list[Table]:
    columns = [
        _("Item"),
        _("Title"),
        _("Your score"),
        _("Peers with a score"),
        _("Median"),
        _("First quartile"),
        _("Third quartile"),
    ]
    return [
        Table(
            name,
            caption,
            columns,
            # what may be shown of the peers, as on the page: None (an empty cell) where it is withheld
            [[r.key, _text(r.title), r.own, r.peers_text, r.peers.median, r.peers.q1, r.peers.q3] for r in rows],
        )
        for name, caption, rows in (
            ("benchmark-vie", _("VIE items: your score and the peers"), result.vie),
            ("benchmark-mie", _("MIE themes: your consensus score and the peers"), result.mie),
        )
    ]
