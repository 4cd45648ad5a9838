"""The ``edmonitor`` command line.

``edmonitor score vie INPUT.csv [--format json|table]`` scores a CSV file without
any database or Django settings (the pure core does the work). Every other
subcommand is handed to Django's management commands, so ``edmonitor migrate`` or
``edmonitor load_live`` work like ``python manage.py ...``.

Exit status: 0 on success, 2 on bad input (every problem on stderr, nothing on
stdout), as the contract in the README requires.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from edmonitor.instruments.csvio import InvalidFile, ScoredRow, read_measurements
from edmonitor.instruments.definition import Instrument, latest_version

EXIT_BAD_INPUT = 2


def _row_json(row: ScoredRow) -> dict[str, object]:
    r = row.result
    return {
        "organisation": row.organisation,
        "items": dict(r.items),
        "derived": list(r.derived),
        "total": None if r.total is None else float(r.total),
        "level": r.level,
        "goals": dict(r.goals),
        "warnings": [w.text() for w in r.warnings],
    }


def _table(instrument: Instrument, rows: list[ScoredRow]) -> str:
    item_ids = [item.id for item in instrument.items]
    header = ["organisation", *item_ids, "total", "level"]
    body = []
    for row in rows:
        r = row.result
        cells = [row.organisation]
        cells += [f"{r.items[i]}{'*' if i in r.derived else ''}" if i in r.items else "-" for i in item_ids]
        cells += ["-" if r.total is None else str(r.total), r.level or "-"]
        body.append(cells)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *body, strict=True)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() for cells in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = ["", "* = derived from facts"]
    for row in rows:
        for w in row.result.warnings:
            notes.append(f"row {row.row} ({row.organisation}): {w.text()}")
    return "\n".join(lines + notes)


def score_command(args: argparse.Namespace) -> int:
    instrument = latest_version(args.instrument)
    try:
        data = Path(args.input).read_bytes()
    except OSError as exc:
        print(f"{args.input}: cannot read the file: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        rows = read_measurements(instrument, data)
    except InvalidFile as exc:
        for problem in exc.problems:
            print(f"{args.input}: {problem.text()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        json.dump([_row_json(r) for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(_table(instrument, rows))
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits with 2 too; keep stdout empty
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="edmonitor", description="edmonitor command line")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    score = sub.add_parser("score", help="score a CSV file of measurements (no database needed)")
    score.add_argument("instrument", choices=["vie"], help="instrument code")
    score.add_argument("input", help="CSV file in the 'score vie' format")
    score.add_argument("--format", choices=["json", "table"], default="table")
    score.set_defaults(func=score_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in ("score", "-h", "--help"):
        # Everything else is a Django management command.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edmonitor.settings")
        from django.core.management import execute_from_command_line  # type: ignore[import-untyped]

        execute_from_command_line(["edmonitor", *argv])
        return 0
    args = build_parser().parse_args(argv)
    if not getattr(args, "func", None):
        build_parser().print_help()
        return 0
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
