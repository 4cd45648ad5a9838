"""Report tables as data, for the CSV and Excel downloads.

Each report (organisation, programme, benchmark) can give its tables as :class:`Table`
objects: the same numbers as the tables on the page. One table downloads as CSV or as
an Excel sheet; a whole report downloads as one workbook with a sheet per table.
Text cells are neutralised against formula injection in both formats (an Excel cell
starting with ``=`` would otherwise be stored as a formula).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edmonitor.core.downloads import csv_bytes, csv_cell

from .benchmark import Benchmark
from .organisation import OrganisationReport

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    name: str  # slug: in URLs and file names
    caption: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    sheet: str = ""  # the Excel sheet's name in the user's language (at most 31 characters); else the caption


def find(tables: Sequence[Table], name: str) -> Table | None:
    return next((t for t in tables if t.name == name), None)


def as_csv(table: Table) -> bytes:
    return csv_bytes([list(table.columns), *[list(r) for r in table.rows]])


def as_workbook(tables: Sequence[Table], title: str) -> bytes:
    """One Excel workbook, a sheet per table: caption in the first row, then the header and the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.sheet or table.caption, used)
        sheet = book.create_sheet(name)
        sheet.append([csv_cell(table.caption)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([csv_cell(c) for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xlsx_cell(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # openpyxl takes any text starting with "=" for a formula
                    cell.data_type = "s"
                elif cell.is_date:
                    cell.number_format = "DD-MM-YYYY"  # a real date, shown the Dutch way
        for column in sheet.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in list(column)[1:]) if column else 8
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    book.properties.title = title
    book.properties.creator = "edmonitor"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value
    return csv_cell(value)


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name: no []:*?/\\, no apostrophe at either end, at most 31 characters."""
    base = _NOT_IN_SHEET_NAMES.sub("", name)[:31].strip(" '") or "tabel"
    candidate, n = base, 2
    while candidate in used:
        suffix = f"-{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _text(value: Any) -> str:
    get = getattr(value, "get", None)
    return str(get(get_language())) if callable(get) else str(value)


def organisation_tables(report: OrganisationReport) -> list[Table]:
    tables = []
    vie = report.vie
    if vie is not None:
        tables.append(
            Table(
                "vie-items",
                _("Score per item"),
                [_("Item"), _("Title"), _("Previous"), _("Score"), _("Change"), _("Goal attainment")],
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
                [_("Theme"), _("Title"), _("Previous"), _("Consensus"), _("Change")],
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
            [_("Organisation"), _("Baseline"), _("Level"), _("Follow-up"), _("Level"), _("Change")],
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
            [_("Item"), _("Title"), _("Organisations"), _("Baseline"), _("Follow-up"), _("Change")],
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
                [_("Change"), result.overall.change],
                [_("Wilcoxon: pairs with a change"), w.n],
                [_("Wilcoxon: pairs without change (left out)"), w.zeros],
                [_("Wilcoxon: test statistic"), w.statistic],
                [_("Wilcoxon: two-sided p-value"), w.p_value],
            ],
            sheet=_("Overall"),
        ),
    ]
