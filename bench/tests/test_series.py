"""The scale series of the benchmark (issue 18 part 5): growth worked out by hand from made-up results."""

from __future__ import annotations

from bench import series


def result(scale: float, organisations: int, pages: dict[str, float], queries: dict[str, int]) -> dict:
    return {
        "meta": {"scale": scale},
        "data": {"totals": {"organisations": organisations}},
        "pages": {name: {"median_ms": ms} for name, ms in pages.items()},
        "queries": queries,
        "_file": f"x{scale}-sqlite.json",
    }


SMALL = result(0.1, 100, {"ping (trivial endpoint)": 5.0, "report": 20.0, "list": 10.0}, {"report": 12, "list": 7})
LARGE = result(1.0, 1000, {"ping (trivial endpoint)": 5.0, "report": 30.0, "list": 40.0}, {"report": 12, "list": 9})


def test_growth_is_the_largest_scales_time_over_the_smallest_and_queries_must_stay_the_same():
    rows = {row["page"]: row for row in series.growth_rows([SMALL, LARGE])}
    assert rows["report"]["growth"] == 1.5  # 30 / 20
    assert rows["list"]["growth"] == 4.0  # 40 / 10
    assert rows["report"]["constant"] is True
    assert rows["list"]["constant"] is False  # 7 queries, then 9
    assert rows["ping (trivial endpoint)"]["constant"] is None  # no query count measured


def test_a_page_missing_at_one_scale_has_no_growth():
    partial = result(0.3, 300, {"report": 25.0}, {"report": 12})
    rows = {row["page"]: row for row in series.growth_rows([SMALL, partial, LARGE])}
    assert rows["list"]["growth"] is None
    assert rows["report"]["times"] == [20.0, 25.0, 30.0]


def test_the_table_names_its_sources_and_marks_a_growing_query_count():
    rows = series.growth_rows([SMALL, LARGE])
    text = series.markdown("sqlite", [0.1, 1.0], [SMALL, LARGE], rows)
    assert "x0.1-sqlite.json, x1.0-sqlite.json" in text
    assert "organisations per scale: 100, 1000" in text
    assert "| list | 10.0 | 40.0 | ×4.0 | 7 | 9 | **no** |" in text
    assert "| report | 20.0 | 30.0 | ×1.5 | 12 | 12 | yes |" in text


def test_the_chart_draws_one_line_per_page_but_the_ping():
    svg = series.chart([0.1, 1.0], series.growth_rows([SMALL, LARGE]))
    assert svg.startswith("<svg") or svg.lstrip().startswith("<?xml") or "<svg" in svg[:300]
    assert svg.count('id="line-') == 2  # report and list; the trivial endpoint is the yardstick, not a page
