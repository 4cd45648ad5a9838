"""How each page's time and query count grow with history: the benchmark at several scales (issue 18 part 5).

``python -m bench.series [--scales 0.1,0.3,1.0] [--db sqlite|postgresql] [--run]`` (or ``make bench-series``)

With ``--run`` it first runs the benchmark (``bench.run``) at each scale, with a short load test
(the series is about single pages; the sustained-load figures come from a full run). Then it
reads the newest result of each scale from ``bench/results/`` and writes
``bench/results/<stamp>-series-<db>.md`` with a chart beside it (``.svg``): per page the median
time and the query count at each scale, the growth of the time from the smallest scale to the
largest, and whether the query count stayed the same. Exit status 1 when a query count grew.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from edmonitor.core import charts  # plain SVG: no Django needed

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SHORT_RUN = ["--clients", "5", "--load-seconds", "10", "--cli-rows", "1000"]


def newest_result(db: str, scale: float) -> dict[str, Any] | None:
    """The newest full benchmark result (not a series) of this database and scale, if any."""
    for path in sorted(RESULTS.glob(f"*-{db}.json"), reverse=True):
        result = json.loads(path.read_text())
        if result.get("meta", {}).get("scale") == scale and "pages" in result:
            return result | {"_file": path.name}
    return None


def growth_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per page (in the order of the first result): median ms and queries per scale, time growth, queries constant."""
    rows = []
    for page in results[0]["pages"]:
        times = [r["pages"].get(page, {}).get("median_ms") for r in results]
        queries = [r.get("queries", {}).get(page) for r in results]
        known = [t for t in times if t is not None]
        growth = round(known[-1] / known[0], 2) if len(known) == len(times) and known[0] else None
        counted = [q for q in queries if q is not None]
        constant = None if not counted else len(set(counted)) == 1
        rows.append({"page": page, "times": times, "queries": queries, "growth": growth, "constant": constant})
    return rows


def markdown(db: str, scales: list[float], results: list[dict[str, Any]], rows: list[dict[str, Any]]) -> str:
    sizes = [r["data"].get("totals", {}).get("organisations", "?") for r in results]
    head = " | ".join(f"ms at {s}" for s in scales)
    qhead = " | ".join(f"queries at {s}" for s in scales)
    lines = [
        f"# How pages grow with history — {db}, scales {', '.join(map(str, scales))}",
        "",
        "Each scale is a full benchmark run (`bench/results/`: "
        + ", ".join(r["_file"] for r in results)
        + f"); organisations per scale: {', '.join(map(str, sizes))}. Median of sequential requests, ms.",
        "Growth is the median time at the largest scale divided by that at the smallest.",
        "",
        f"| page | {head} | growth | {qhead} | queries constant |",
        "| --- |" + " ---: |" * len(scales) + " ---: |" + " ---: |" * len(scales) + " --- |",
    ]
    for row in rows:
        times = " | ".join("" if t is None else f"{t:.1f}" for t in row["times"])
        queries = " | ".join("" if q is None else str(q) for q in row["queries"])
        growth = "" if row["growth"] is None else f"×{row['growth']}"
        constant = {True: "yes", False: "**no**", None: ""}[row["constant"]]
        lines.append(f"| {row['page']} | {times} | {growth} | {queries} | {constant} |")
    return "\n".join(lines) + "\n"


def chart(scales: list[float], rows: list[dict[str, Any]]) -> str:
    """The time of each page relative to the smallest scale, as an SVG line chart (edmonitor's own charts)."""
    series = []
    for row in rows:
        if row["growth"] is None or row["page"].startswith("ping"):
            continue
        base = row["times"][0]
        series.append((row["page"], [Decimal(str(round(t / base, 2))) for t in row["times"]]))
    top = max((float(v) for _name, values in series for v in values), default=2.0)
    return charts.trend_lines(
        [f"{s}" for s in scales], series, title="Time relative to the smallest scale",
        y_label="× the time at the smallest scale", scale=(0, max(2, int(top) + 1)), show_values=False,
        decimal_comma=False,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the benchmark at several scales: how pages grow with history")
    parser.add_argument("--scales", default="0.1,0.3,1.0", help="comma-separated, smallest first")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--run", action="store_true", help="run the benchmark at each scale first (short load test)")
    args = parser.parse_args(argv)
    try:
        scales = sorted(float(s) for s in args.scales.split(","))
    except ValueError:
        parser.error("--scales: numbers separated by commas, such as 0.1,0.3,1.0")
    if len(scales) < 2 or len(scales) > 6 or not all(0 < s <= 10 for s in scales):
        parser.error("--scales: two to six scales, each above 0 and at most 10")
    if args.run:
        for scale in scales:
            command = [sys.executable, "-m", "bench.run", "--scale", str(scale), "--db", args.db, *SHORT_RUN]
            subprocess.run(command, cwd=ROOT, check=False)  # a missed target is reported there, not here
    results = [newest_result(args.db, s) for s in scales]
    missing = [s for s, r in zip(scales, results, strict=True) if r is None]
    if missing:
        print(f"no benchmark result for scale(s) {missing} on {args.db}: run with --run", file=sys.stderr)
        return 2
    found = [r for r in results if r is not None]
    rows = growth_rows(found)
    stem = RESULTS / f"{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}-series-{args.db}"
    text = markdown(args.db, scales, found, rows) + f"\n![Time relative to the smallest scale]({stem.name}.svg)\n"
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".svg").write_text(chart(scales, rows))
    print(text)
    grown = [row["page"] for row in rows if row["constant"] is False]
    if grown:
        print(f"query counts grew with history: {', '.join(grown)}", file=sys.stderr)
    return 1 if grown else 0


if __name__ == "__main__":
    sys.exit(main())
