"""The report charts: accessible, deterministic SVG that shows what it claims to show.

The SVG is parsed and its geometry checked against the data (bars, lines, bands and
markers carry ids for that); at the end every kind is printed to PDF by WeasyPrint and
rasterised with pdftoppm, the way the PDF reports will show them. Every text is measured
with the checked-in DejaVu Sans widths (themselves checked against the font files) to show
that nothing is cut off and nothing overlaps. No Django needed.

Set EDMONITOR_CHART_PNGS=/some/dir to keep the rasterised pages for a look by eye.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from edmonitor.core import charts
from edmonitor.core.charts import LEVEL_BANDS, Band, format_value, svg_data_uri

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
ITEMS = [f"{i}a" for i in range(1, 11)]
BASELINE = [2, 2, 1, 2, 1, 2, 3, 2, 3, 1]
FOLLOW_UP = [2.5, 2, None, 1, 1, 3, 4, 2, 3, 4.5]
# Totals of 18 institutions: long names, ties, a missing one.
ORGANISATIONS = [
    "RIBW Kennemerland/Amstelland en de Meerlanden",
    "Brijder",
    "GGZ Drenthe",
    "HVO Querido",
    "Yulius",
    "Dijk en Duin",
    "Dimence",
    "Emergis",
    "GGZ inGeest",
    "GGZ Noord-Holland-Noord",
    "GGZ Oost Brabant",
    "Kwintes",
    "Mediant",
    "RIBW Arnhem & Veluwe Vallei",
    "Pameijer",
    "Mensana",
    "Mondriaan",
    "RIBW Nijmegen & Rivierenland",
]
TOTALS = [2.0, 2.8, 3.0, 1.7, 1.9, 3.1, 2.7, 3.5, 2.6, 3.1, 2.9, 3.4, 3.3, 1.5, 3.9, 2.9, 2.2, 3.2]
CHANGES = [0.1, 1.3, 1.0, 0.2, 0.2, 0.7, -0.2, 0.7, 0.3, -0.1, 0.8, 0.5, 0.5, 0.5, 0.7, 0.8, 0.4, 0.9]


def item_chart(**options) -> str:
    return charts.item_bars(
        ITEMS,
        [("beginmeting", BASELINE), ("eindmeting", FOLLOW_UP)],
        title="Score per item",
        y_label="score (1–5)",
        **options,
    )


def ranked_chart(**options) -> str:
    options.setdefault("highlight", "Brijder")
    return charts.ranked_bars(ORGANISATIONS, TOTALS, title="Totaalscore per instelling", x_label="totaal", **options)


def change_chart(**options) -> str:
    return charts.change_bars(ORGANISATIONS, CHANGES, title="Verschil begin-eindmeting", x_label="verschil", **options)


def trend_chart(**options) -> str:
    return charts.trend_lines(
        ["2011", "2012", "2013", "2014", "2015"],
        [("totaal", [1.5, 2.8, None, 3.4, 3.5])],
        title="Totaal door de tijd",
        y_label="totaal (1–5)",
        **options,
    )


def benchmark_chart(**options) -> str:
    return charts.benchmark_ranges(
        ["1a", "2a", "3a", "4a"],
        own=[3, None, 1, 4.5],
        median=[2, 3, None, 3],
        q1=[2, 2, None, 2.5],
        q3=[3, 4, None, 4],
        title="Naast de andere instellingen",
        own_label="GGZ Voorbeeldstad",
        peer_label="andere instellingen: mediaan en middelste helft",
        **options,
    )


CHARTS: dict[str, Callable[..., str]] = {
    "item_bars": item_chart,
    "ranked_bars": ranked_chart,
    "change_bars": change_chart,
    "trend_lines": trend_chart,
    "benchmark_ranges": benchmark_chart,
}
TITLES = {
    "item_bars": "Score per item",
    "ranked_bars": "Totaalscore per instelling",
    "change_bars": "Verschil begin-eindmeting",
    "trend_lines": "Totaal door de tijd",
    "benchmark_ranges": "Naast de andere instellingen",
}
every_chart = pytest.mark.parametrize("kind", list(CHARTS))


# --- Reading the SVG -------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    """Every text element's content; a wrapped label gives one text per line."""
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def with_id(root: ET.Element, prefix: str) -> dict[str, ET.Element]:
    return {el.get("id", ""): el for el in root.iter() if el.get("id", "").startswith(prefix)}


def points(group: ET.Element) -> list[tuple[float, float]]:
    """The coordinates of the first path inside a group (a bar, a line)."""
    path = next(group.iter(f"{SVG}path"))
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def text_y(text: ET.Element) -> float:
    """The baseline of a text, given as y or (for multi-line labels) as a translation."""
    if "y" in text.attrib:
        return float(text.attrib["y"])
    found = re.match(r"translate\((-?[\d.]+)[ ,](-?[\d.]+)\)", text.get("transform", ""))
    assert found, text.attrib
    return float(found.group(2))


def text_of(group: ET.Element) -> str:
    return "".join(next(group.iter(f"{SVG}text")).itertext())


def tick_positions(root: ET.Element, axis: str) -> dict[float, float]:
    """Scale value -> SVG coordinate, from the numeric labels of the value axis's ticks and their marks.

    A chart has one value axis, its ticks ``tick-<i>``: a mark (a short path across the x or
    y axis) and its number.
    """
    result = {}
    for group in root.iter(f"{SVG}g"):
        if not re.fullmatch(r"tick-\d+", group.get("id", "")):
            continue
        label = text_of(group).replace("\u2212", "-").replace(",", ".")
        if re.fullmatch(r"[+-]?\d+(\.\d+)?", label):
            (x0, y0), (x1, y1) = points(group)
            assert (x0 == x1) if axis == "x" else (y0 == y1), "a mark across the axis"
            result[float(label)] = x0 if axis == "x" else y0
    return result


def row_labels(root: ET.Element) -> list[str]:
    """The labels of the rows (``label-<i>``) from top to bottom, the lines of a wrapped one joined."""
    rows = []
    for group in root.iter(f"{SVG}g"):
        if re.fullmatch(r"label-\d+", group.get("id", "")):
            lines = list(group.iter(f"{SVG}text"))
            rows.append((text_y(lines[0]), " ".join("".join(t.itertext()) for t in lines)))
    return [label for _, label in sorted(rows)]


def to_value(ticks: dict[float, float], coordinate: float) -> float:
    """Invert the linear scale given by two ticks."""
    (v0, c0), (v1, c1) = sorted(ticks.items())[0], sorted(ticks.items())[-1]
    return v0 + (coordinate - c0) * (v1 - v0) / (c1 - c0)


# --- Every chart -----------------------------------------------------------------------


@every_chart
def test_it_is_an_accessible_svg_image_with_the_chart_title(kind):
    root = parse(CHARTS[kind]())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == TITLES[kind]
    assert root[0].tag == f"{SVG}title" and root[0].text == TITLES[kind]
    assert TITLES[kind] in texts(root)  # and the title is drawn


@every_chart
def test_it_has_no_scripts_styles_or_external_references(kind):
    svg = CHARTS[kind]()
    root = parse(svg)
    tags = {el.tag for el in root.iter()}
    assert not {f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject", f"{SVG}image"} & tags
    for el in root.iter():
        assert "style" not in el.attrib, el.attrib
        assert not any(name.startswith("on") for name in el.attrib)
        for attribute in ("href", XLINK_HREF):
            assert el.get(attribute, "#").startswith("#"), el.attrib
        for value in el.attrib.values():
            assert "url(" not in value or value.startswith("url(#"), value
    assert "http://" not in svg.replace('"http://www.w3.org/2000/svg"', "").replace(
        '"http://www.w3.org/1999/xlink"', ""
    )
    assert "https://" not in svg
    assert not svg.startswith("<?xml")  # ready to inline as well


@every_chart
def test_the_same_input_gives_the_same_bytes(kind):
    assert CHARTS[kind]() == CHARTS[kind]()


# In a fresh process: no other code has touched ElementTree's process-wide namespace prefixes yet.
FRESH_PROCESS = """
import json, sys
from edmonitor.reports.tests.test_charts import CHARTS
json.dump({kind: chart() for kind, chart in CHARTS.items()}, sys.stdout)
"""


def test_every_chart_has_the_same_bytes_in_a_fresh_process_and_after_other_xml_work():
    fresh = json.loads(
        subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, check=True).stdout
    )
    saved = dict(ET._namespace_map)  # process-wide: put back for the tests after this one
    try:
        import weasyprint.pdf.metadata  # noqa: F401 - registers "" for "" (no namespace) on import

        ET.register_namespace("", "")  # what that import does, in case it ran before
        ET.register_namespace("svg", "http://www.w3.org/2000/svg")
        ET.register_namespace("xl", "http://www.w3.org/1999/xlink")
        ET.tostring(ET.fromstring('<a xmlns="urn:x"><b/></a>'))
        charts.item_bars(["x"], [("y", [1])], title="eerst een andere grafiek", y_label="score")
        for kind, chart in CHARTS.items():
            svg = chart()
            assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"'), svg[:80]
            assert svg == fresh[kind], kind
    finally:
        ET._namespace_map.clear()
        ET._namespace_map.update(saved)


@every_chart
def test_text_stays_text_in_dejavu_sans_at_least_9_pt_on_a_16_cm_chart(kind):
    root = parse(CHARTS[kind]())
    width_pt = float(root.get("width", "").removesuffix("pt"))
    assert width_pt / 72 * 2.54 == pytest.approx(16, abs=0.01)
    assert float(root.get("viewBox", "").split()[2]) == pytest.approx(width_pt)  # 1 user unit = 1 pt
    assert root.get("font-family", "").startswith("'DejaVu Sans', 'Verdana'")  # inherited by every text
    assert len(texts(root)) > 10  # the labels are text elements, not glyph outlines
    for text in root.iter(f"{SVG}text"):
        assert "font-family" not in text.attrib
        assert float(text.get("font-size", "0").removesuffix("px")) >= 9


@every_chart
def test_it_stays_under_60_kb(kind):
    assert len(CHARTS[kind]().encode()) < 60_000


def test_eighteen_organisations_with_bands_highlight_and_long_names_stay_under_60_kb():
    assert len(ranked_chart().encode()) < 60_000
    assert len(change_chart(sort=True).encode()) < 60_000


def test_many_series_with_every_hatch_stay_under_60_kb():
    series = [(f"meting {j}", [1 + (i + j) % 5 for i in range(10)]) for j in range(8)]
    svg = charts.item_bars(ITEMS, series, title="Acht metingen", y_label="score", bands=LEVEL_BANDS)
    assert len(with_id(parse(svg), "bar-")) == 80
    assert len(svg.encode()) < 60_000


def test_the_data_uri_holds_the_svg():
    svg = item_chart()
    uri = svg_data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg


# --- Values and labels -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        (4, {}, "4"),
        (4.0, {}, "4"),
        (3.5, {}, "3,5"),
        (2.25, {}, "2,3"),  # half up
        (2.35, {}, "2,4"),  # the decimal 2.35, not the float just below it
        (Fraction(47, 20), {}, "2,4"),
        (Decimal("3.0"), {"decimals": 1}, "3,0"),
        (3, {"decimals": 1}, "3,0"),
        (0.4, {"signed": True}, "+0,4"),
        (-0.3, {"signed": True}, "\u22120,3"),
        (-0.04, {"signed": True}, "0,0"),  # no "−0,0"
        (0, {"signed": True}, "0"),
        (3.5, {"decimal_comma": False}, "3.5"),
    ],
)
def test_values_are_formatted_the_dutch_way(value, options, expected):
    assert format_value(value, **options) == expected


def test_item_bars_label_every_category_and_every_bar_with_its_value():
    found = texts(parse(item_chart()))
    for item in ITEMS:
        assert item in found
    assert "2,5" in found and "4,5" in found  # decimal comma
    assert "3" in found
    assert {"beginmeting", "eindmeting"} <= set(found)  # legend


def test_item_bars_draw_one_bar_per_value_and_none_for_a_missing_value():
    root = parse(item_chart())
    bars = with_id(root, "bar-")
    present = sum(v is not None for v in BASELINE) + sum(v is not None for v in FOLLOW_UP)
    assert len(bars) == present == 19
    assert "bar-1-2" not in bars  # eindmeting 3a is missing
    missing = with_id(root, "missing-")
    assert list(missing) == ["missing-1-2"]
    assert text_of(missing["missing-1-2"]) == "\u2013"
    values = with_id(root, "value-")
    assert len(values) == 19 and "value-1-2" not in values


def test_item_bars_have_heights_that_match_their_values_from_zero():
    root = parse(item_chart())
    ticks = tick_positions(root, "y")
    for i, value in enumerate(FOLLOW_UP):
        if value is None:
            continue
        ys = [y for _, y in points(with_id(root, f"bar-1-{i}")[f"bar-1-{i}"])]
        assert to_value(ticks, max(ys)) == pytest.approx(0, abs=0.01)  # every bar starts at 0
        assert to_value(ticks, min(ys)) == pytest.approx(value, abs=0.01)


def test_bar_series_differ_by_hatch_as_well_as_colour():
    root = parse(item_chart())
    first = with_id(root, "bar-0-0")["bar-0-0"].find(f"{SVG}path")
    second = with_id(root, "bar-1-0")["bar-1-0"].find(f"{SVG}path")
    assert first is not None and second is not None
    assert not first.get("fill", "").startswith("url(")  # solid
    pattern_id = second.get("fill", "")[len("url(#") : -1]
    pattern = with_id(root, pattern_id)[pattern_id]
    assert pattern.tag == f"{SVG}pattern" and pattern.find(f"{SVG}path") is not None  # hatched


def test_bands_are_drawn_only_when_asked():
    assert not with_id(parse(item_chart()), "band-")
    assert not {"laag", "midden", "hoog"} & set(texts(parse(item_chart())))
    with_bands = parse(item_chart(bands=LEVEL_BANDS))
    assert set(with_id(with_bands, "band-")) == {"band-0", "band-1", "band-2", "band-boundary-0", "band-boundary-1"}
    assert {"laag", "midden", "hoog"} <= set(texts(with_bands))
    assert with_id(parse(ranked_chart()), "band-")  # ranked_bars draws them by default
    assert not with_id(parse(ranked_chart(bands=None)), "band-")


def test_the_level_bands_meet_halfway_between_the_published_levels():
    assert LEVEL_BANDS == (Band("laag", 1.0, 2.35), Band("midden", 2.35, 3.65), Band("hoog", 3.65, 5.0))
    root = parse(item_chart(bands=LEVEL_BANDS))
    ticks = tick_positions(root, "y")
    boundaries = with_id(root, "band-boundary-")
    drawn = sorted(to_value(ticks, points(line)[0][1]) for line in boundaries.values())
    assert drawn == pytest.approx([2.35, 3.65], abs=0.005)
    dashes = [next(line.iter(f"{SVG}path")).get("stroke-dasharray") for line in boundaries.values()]
    assert all(dashes)


def test_ranked_bars_are_sorted_from_the_highest_value_down():
    root = parse(ranked_chart())
    shown = row_labels(root)  # top to bottom
    expected = [ORGANISATIONS[i] for i in sorted(range(18), key=lambda i: -TOTALS[i])]
    assert shown == expected
    # and the bars in the same order
    bar_tops = {
        i: min(y for _, y in points(g)) for i, g in enumerate(with_id(root, f"bar-{i}")[f"bar-{i}"] for i in range(18))
    }
    assert sorted(bar_tops, key=bar_tops.__getitem__) == sorted(range(18), key=lambda i: -TOTALS[i])


def test_ranked_bars_show_totals_with_one_decimal():
    found = [text_of(group) for group in with_id(parse(ranked_chart()), "value-").values()]
    assert len(found) == 18
    assert "3,0" in found and "3,9" in found and "1,5" in found
    assert all(re.fullmatch(r"\d,\d", value) for value in found)


def test_the_highlighted_bar_has_its_own_hatch_and_a_bold_label():
    root = parse(ranked_chart())
    fills = {
        i: next(g.iter(f"{SVG}path")).get("fill")
        for i, g in enumerate(with_id(root, f"bar-{i}")[f"bar-{i}"] for i in range(18))
    }
    brijder = ORGANISATIONS.index("Brijder")
    assert fills[brijder].startswith("url(#")
    assert all(fill == fills[0] and not fill.startswith("url(") for i, fill in fills.items() if i != brijder)
    bold = [t for t in texts_with_weight(root) if t[1] == "700"]
    assert ("Brijder", "700") in bold and ("2,8", "700") in bold


def texts_with_weight(root: ET.Element) -> list[tuple[str, str]]:
    return [("".join(t.itertext()), t.get("font-weight", "400")) for t in root.iter(f"{SVG}text")]


def test_ranked_bars_put_a_missing_value_last_with_a_dash():
    values = [*TOTALS[:17], None]
    root = parse(charts.ranked_bars(ORGANISATIONS, values, title="t", x_label="x"))
    assert len(with_id(root, "bar-")) == 17
    assert "bar-17" not in with_id(root, "bar-")
    dash = with_id(root, "missing-17")["missing-17"]
    lowest_bar = max(min(y for _, y in points(g)) for g in with_id(root, "bar-").values())
    assert text_y(next(dash.iter(f"{SVG}text"))) > lowest_bar


def test_an_unknown_highlight_is_an_error():
    with pytest.raises(ValueError, match="highlight"):
        ranked_chart(highlight="Nergens")


def test_change_bars_draw_losses_left_of_zero_and_gains_right():
    root = parse(change_chart())
    zero_x = points(with_id(root, "zero-line")["zero-line"])[0][0]
    for i, change in enumerate(CHANGES):
        xs = [x for x, _ in points(with_id(root, f"bar-{i}")[f"bar-{i}"])]
        if change < 0:
            assert max(xs) == pytest.approx(zero_x, abs=0.01) and min(xs) < zero_x - 1
        else:
            assert min(xs) == pytest.approx(zero_x, abs=0.01) and max(xs) > zero_x + 1


def test_change_bars_label_values_with_their_sign_and_differ_by_colour_and_hatch():
    root = parse(change_chart())
    found = texts(root)
    assert "+1,3" in found and "+0,1" in found and "\u22120,2" in found and "\u22120,1" in found
    gain = next(with_id(root, "bar-1")["bar-1"].iter(f"{SVG}path")).get("fill", "")
    loss = next(with_id(root, "bar-6")["bar-6"].iter(f"{SVG}path")).get("fill", "")
    assert not gain.startswith("url(") and loss.startswith("url(#")
    loss_pattern = with_id(root, loss[5:-1])[loss[5:-1]]
    assert next(loss_pattern.iter(f"{SVG}rect")).get("fill", "").lower() != gain.lower()


def test_a_decimal_point_can_replace_the_comma():
    found = texts(parse(change_chart(decimal_comma=False)))
    assert "+0.7" in found and "\u22120.2" in found
    assert not any("," in t for t in found if re.fullmatch(r"[+\u2212]?\d+[.,]\d", t))


def test_change_bars_keep_the_given_order_unless_sorted():
    def order(svg: str) -> list[int]:
        bars = with_id(parse(svg), "bar-")
        return sorted(range(18), key=lambda i: min(y for _, y in points(bars[f"bar-{i}"])))

    assert order(change_chart()) == list(range(18))
    assert order(change_chart(sort=True)) == sorted(range(18), key=lambda i: -CHANGES[i])


def test_trend_lines_break_at_a_missing_value_and_mark_every_other_one():
    root = parse(trend_chart())
    line = with_id(root, "line-0")["line-0"]
    path = next(line.iter(f"{SVG}path"))
    assert path.get("d", "").count("M") == 2  # a gap, not a line through the missing point
    markers = [u for u in line.iter(f"{SVG}use")]
    assert len(markers) == 4
    found = texts(root)
    assert {"1,5", "2,8", "3,4", "3,5"} <= set(found)  # one series: its values are written


def test_trend_series_differ_by_marker_and_line_style():
    root = parse(
        charts.trend_lines(
            ["a", "b", "c"],
            [(f"thema {t}", [1, 2, 3]) for t in range(1, 6)],
            title="Thema's",
            y_label="score",
        )
    )
    lines = [with_id(root, f"line-{j}")[f"line-{j}"] for j in range(5)]
    dashes = {next(line.iter(f"{SVG}path")).get("stroke-dasharray") for line in lines}
    marker_shapes = {
        with_id(root, next(line.iter(f"{SVG}use")).get(XLINK_HREF, "")[1:]).popitem()[1].get("d") for line in lines
    }
    assert len(dashes) == 5 and len(marker_shapes) == 5
    assert not {"1,0", "2,0"} & set(texts(root))  # several series: no value labels
    assert {f"thema {t}" for t in range(1, 6)} <= set(texts(root))


def test_benchmark_ranges_span_the_quartiles_and_mark_the_own_score():
    root = parse(benchmark_chart())
    ticks = tick_positions(root, "x")
    box = [to_value(ticks, x) for x, _ in points(with_id(root, "range-0")["range-0"])]
    assert min(box) == pytest.approx(2, abs=0.01) and max(box) == pytest.approx(3, abs=0.01)
    box = [to_value(ticks, x) for x, _ in points(with_id(root, "range-3")["range-3"])]
    assert min(box) == pytest.approx(2.5, abs=0.01) and max(box) == pytest.approx(4, abs=0.01)
    median = points(with_id(root, "median-3")["median-3"])
    assert to_value(ticks, median[0][0]) == pytest.approx(3, abs=0.01)
    own = next(with_id(root, "own-3")["own-3"].iter(f"{SVG}use"))
    assert to_value(ticks, float(own.get("x", "0"))) == pytest.approx(4.5, abs=0.01)
    assert "4,5" in texts(root)


def test_benchmark_ranges_leave_out_what_is_missing():
    root = parse(benchmark_chart())
    assert set(with_id(root, "range-")) == {"range-0", "range-1", "range-3"}
    assert set(with_id(root, "median-")) == {"median-0", "median-1", "median-3"}
    assert set(with_id(root, "own-")) == {"own-0", "own-2", "own-3"}
    assert text_of(with_id(root, "missing-own-1")["missing-own-1"]) == "\u2013"
    assert {"GGZ Voorbeeldstad", "andere instellingen: mediaan en middelste helft"} <= set(texts(root))


def test_a_missing_own_score_is_said_in_words_not_drawn_like_a_low_score():
    root = parse(benchmark_chart(missing_label="geen eigen score"))
    assert text_of(with_id(root, "missing-own-1")["missing-own-1"]) == "geen eigen score"


def test_the_median_stays_visible_where_the_own_score_equals_it():
    root = parse(charts.benchmark_ranges(["1a"], [3], [3], [2], [4], title="t", own_label="o", peer_label="p"))
    ids = [el.get("id") for el in root.iter() if el.get("id") in {"own-0", "median-0"}]
    assert ids == ["own-0", "median-0"]  # SVG paints in document order: the median tick comes last
    ticks = tick_positions(root, "x")
    median = points(with_id(root, "median-0")["median-0"])
    own = next(with_id(root, "own-0")["own-0"].iter(f"{SVG}use"))
    assert to_value(ticks, median[0][0]) == pytest.approx(to_value(ticks, float(own.get("x", "0"))), abs=0.01)
    # The tick reaches beyond the diamond (9 pt high) above and below.
    heights = [y for _x, y in median]
    assert max(heights) - min(heights) > 9 * 1.5


def test_labels_with_dollar_signs_are_shown_literally():
    svg = charts.item_bars(["$1$", "b"], [("s", [1, 2])], title="Kosten $ en $ baten", y_label="$y$")
    found = texts(parse(svg))
    assert "$1$" in found and "Kosten $ en $ baten" in found and "$y$" in found


def test_numbers_may_be_fractions_and_decimals():
    svg = charts.trend_lines(["a", "b"], [("t", [Fraction(47, 20), Decimal("3.65")])], title="t", y_label="y")
    assert {"2,4", "3,7"} <= set(texts(parse(svg)))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: charts.item_bars(["1a", "2a"], [("s", [1])], title="t", y_label="y"), "1 values for 2 labels"),
        (lambda: charts.item_bars(["1a"], [("s", [6])], title="t", y_label="y"), "outside the scale"),
        (lambda: charts.item_bars(["1a"], [], title="t", y_label="y"), "at least one series"),
        (lambda: charts.ranked_bars([], [], title="t", x_label="x"), "must not be empty"),
        (lambda: charts.change_bars(["a"], [math.inf], title="t", x_label="x"), "not a finite number"),
        (
            lambda: charts.benchmark_ranges(["1a"], [2], [2], [3], [5], title="t", own_label="o", peer_label="p"),
            "q1 ≤ median ≤ q3",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- Layout: measured text ------------------------------------------------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
WIDTH_TABLE = Path(charts.__file__).parent / "data" / "dejavu_widths.json"
fonts_installed = pytest.mark.skipif(
    not (DEJAVU / "DejaVuSans.ttf").exists(),
    reason="fonts-dejavu-core is installed by scripts/ensure-system-packages.sh",
)


@functools.cache
def width_table() -> dict:
    return json.loads(WIDTH_TABLE.read_text(encoding="utf-8"))


@fonts_installed
def test_the_width_table_holds_the_advance_widths_and_heights_of_the_installed_dejavu_fonts():
    from fontTools.ttLib import TTFont

    table = width_table()
    for face, file in (("regular", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")):
        font = TTFont(DEJAVU / file)
        assert table["fonts"][face]["file"] == file
        assert table["units_per_em"] == font["head"].unitsPerEm
        assert (table["ascent"], -table["descent"]) == (font["hhea"].ascent, font["hhea"].descent)
        cmap, metrics = font.getBestCmap(), font["hmtx"]
        for character, width in table["fonts"][face]["widths"].items():
            assert metrics[cmap[ord(character)]][0] == width, (face, character)


def test_the_width_table_covers_the_characters_of_dutch_and_english_labels():
    wanted = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x180) if c != 0xAD]
    wanted += list("–—−‘’“”„…•€×≤≥\u2009\u202f")
    for face in ("regular", "bold"):
        widths = width_table()["fonts"][face]["widths"]
        assert [c for c in wanted if c not in widths] == [], face


def measure(text: str, size: float, bold: bool) -> float:
    """The advance width in pt from the table; a character outside it counts as wide as "M"."""
    table = width_table()
    widths = table["fonts"]["bold" if bold else "regular"]["widths"]
    return sum(widths.get(c, widths["M"]) for c in text) / table["units_per_em"] * size


def text_corners(text: ET.Element) -> list[tuple[float, float]]:
    """The four corners of a text's box (advance width × ascent to descent), turned as it is drawn."""
    table = width_table()
    x, y, size = float(text.get("x", "")), float(text.get("y", "")), float(text.get("font-size", ""))
    width = measure("".join(text.itertext()), size, text.get("font-weight") == "700")
    start = {"start": 0.0, "middle": -width / 2, "end": -width}[text.get("text-anchor", "start")]
    ascent, descent = (table[key] / table["units_per_em"] * size for key in ("ascent", "descent"))
    corners = [(x + start, y - ascent), (x + start + width, y - ascent), (x + start + width, y + descent)]
    corners.append((x + start, y + descent))
    if "transform" not in text.attrib:
        return corners
    turned = re.fullmatch(r"rotate\((-?[\d.]+) (-?[\d.]+) (-?[\d.]+)\)", text.get("transform", ""))
    assert turned, text.attrib  # the only transform the charts use
    angle, cx, cy = (float(v) for v in turned.groups())
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return [(cx + (px - cx) * cos - (py - cy) * sin, cy + (px - cx) * sin + (py - cy) * cos) for px, py in corners]


def overlap(a: list[tuple[float, float]], b: list[tuple[float, float]], slack: float = 0.3) -> bool:
    """Whether two convex quadrilaterals overlap by more than ``slack`` pt (separating axes)."""
    for shape in (a, b):
        for (x0, y0), (x1, y1) in zip(shape, shape[1:] + shape[:1], strict=True):
            length = math.hypot(x1 - x0, y1 - y0)
            if length == 0:
                continue
            normal = (-(y1 - y0) / length, (x1 - x0) / length)
            pa = [px * normal[0] + py * normal[1] for px, py in a]
            pb = [px * normal[0] + py * normal[1] for px, py in b]
            if max(pa) <= min(pb) + slack or max(pb) <= min(pa) + slack:
                return False
    return True


def view_box(root: ET.Element) -> tuple[float, float]:
    _x, _y, width, height = (float(v) for v in root.get("viewBox", "").split())
    return width, height


LONG_NAME = "Stichting Regionale Instelling voor Beschermd Wonen en Maatschappelijke Opvang Zuid-Holland Noord"
ONE_WORD = "Zorgverleningsorganisatiesamenwerkingsverbandcoördinatiecentrum"
LAYOUTS: dict[str, Callable[[], str]] = {
    **CHARTS,
    "ranked, long names, no bands, a missing one": lambda: charts.ranked_bars(
        [*ORGANISATIONS[:15], LONG_NAME, ONE_WORD, "Ŀüçé Ĳsselmonde – “Zorg” … ‘Welzijn’"],
        [*TOTALS[:15], 4.9, 1.0, None],
        title="Totaal per organisatie bij de eindmeting, met een titel die zo lang is dat hij over twee regels moet",
        x_label="totaal (1–5)",
        bands=None,
        highlight=LONG_NAME,
    ),
    "change, only losses": lambda: charts.change_bars(
        ORGANISATIONS[:6], [-0.3, -1.6, None, -0.1, -2.4, -0.05], title="Verlies", x_label="x"
    ),
    "change, large": lambda: charts.change_bars(
        ITEMS, [3.5, -4, 0, 1, None, 2, -1, 0.5, 0.1, -0.1], title="t", x_label="x"
    ),
    "item bars with bands and three series": lambda: charts.item_bars(
        ITEMS,
        [("begin", BASELINE), ("midden", FOLLOW_UP), ("eind", [5, 4, 3, 2, 1, 5, 4, 3, 2, 1])],  # turned labels
        title="Drie metingen",
        y_label="score (1–5)",
        bands=LEVEL_BANDS,
        decimals=1,
    ),
    "item bars, long categories slanted": lambda: charts.item_bars(
        ["Eigen regie en zelfbeschikking", "Sociale contacten", "Wonen", "Werk en dagbesteding", ONE_WORD, "Geld"],
        [("eind", [3, 4, 2, None, 5, 3.5])],
        title="Lange categorieën",
        y_label="een as-label dat zo lang is dat het over meer dan één regel naast de grafiek moet worden gezet",
    ),
    "item bars, many categories": lambda: charts.item_bars(
        [f"onderdeel {i}" for i in range(1, 25)], [("s", [1 + i % 5 for i in range(24)])], title="t", y_label="y"
    ),
    "trend lines with bands and dates": lambda: charts.trend_lines(
        ["12 maart 2021", "3 april 2022", "9 september 2023", "1 januari 2025"],
        [("totaal", [Decimal("2.3"), None, Decimal("3.65"), Decimal("4.1")])],
        title="Totaal door de tijd",
        y_label="totaal (1–5)",
        bands=LEVEL_BANDS,
    ),
    "trend lines, eight series and a wide scale": lambda: charts.trend_lines(
        ["0.1", "0.3", "1.0"],
        [(f"pagina met een lange naam {j}", [1, 1 + j, 1 + 2 * j]) for j in range(8)],
        title="Time relative to the smallest scale",
        y_label="× the time at the smallest scale",
        scale=(0, 15),
        show_values=False,
        decimal_comma=False,
    ),
    "trend lines at both ends of the scale": lambda: charts.trend_lines(
        ["2021", "2022", "2023"], [("totaal", [5, 1, 5])], title="Hoog en laag", y_label="totaal"
    ),
    "item bars at both ends of the scale, several series": lambda: charts.item_bars(
        ["1a", "2a", "3a"],
        [("a", [5, 1, 5]), ("b", [1, 5, 1]), ("c", [5, 5, 1])],
        title="Hoog en laag",
        y_label="score",
        decimals=1,
    ),
    "benchmark with bands and words for a missing score": lambda: benchmark_chart(
        bands=LEVEL_BANDS, missing_label="geen eigen score"
    ),
}
every_layout = pytest.mark.parametrize("layout", list(LAYOUTS))


@every_layout
def test_no_text_lies_outside_the_chart(layout):
    root = parse(LAYOUTS[layout]())
    width, height = view_box(root)
    for text in root.iter(f"{SVG}text"):
        for x, y in text_corners(text):
            assert 0 <= x <= width and 0 <= y <= height, ("".join(text.itertext()), x, y)


@every_layout
def test_no_two_texts_overlap(layout):
    root = parse(LAYOUTS[layout]())
    boxes = [("".join(t.itertext()), text_corners(t)) for t in root.iter(f"{SVG}text")]
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            assert not overlap(a, b), (first, second)


@every_layout
def test_no_text_lies_on_a_bar(layout):
    root = parse(LAYOUTS[layout]())
    bars = []
    for group in with_id(root, "bar-").values():
        xs, ys = zip(*points(group), strict=True)
        bars.append([(min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys))])
    for text in root.iter(f"{SVG}text"):
        assert not any(overlap(text_corners(text), bar) for bar in bars), "".join(text.itertext())


@every_layout
def test_nothing_is_drawn_outside_the_chart(layout):
    root = parse(LAYOUTS[layout]())
    width, height = view_box(root)
    defs = {id(el) for d in root.iter(f"{SVG}defs") for el in d.iter()}  # patterns and marker shapes: own units
    for el in root.iter():
        if id(el) in defs:
            continue
        if el.tag == f"{SVG}path":
            coordinates = points_of(el.get("d", ""))
        elif el.tag in (f"{SVG}use", f"{SVG}rect"):
            x, y = float(el.get("x", "0")), float(el.get("y", "0"))
            coordinates = [(x, y), (x + float(el.get("width", "0")), y + float(el.get("height", "0")))]
        else:
            continue
        for x, y in coordinates:
            assert -0.01 <= x <= width + 0.01 and -0.01 <= y <= height + 0.01, (el.attrib, x, y)


def points_of(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


@every_layout
def test_value_labels_and_dashes_stay_inside_the_plot(layout):
    root = parse(LAYOUTS[layout]())
    (left, bottom), (right, _) = points(with_id(root, "axis-bottom")["axis-bottom"])
    # The top of the plot: where its left axis or its (vertical) grid lines end.
    edges = [*with_id(root, "axis-left").values(), *with_id(root, "grid").values()]
    top = min(y for edge in edges for path in edge.iter(f"{SVG}path") for _, y in points_of(path.get("d", "")))
    labels = [*with_id(root, "value-").values(), *with_id(root, "missing-").values()]
    assert labels or layout == "trend lines, eight series and a wide scale"  # that one writes no values
    for label in labels:
        for text in label.iter(f"{SVG}text"):
            for x, y in text_corners(text):
                assert left <= x <= right and top <= y <= bottom, ("".join(text.itertext()), x, y)


def test_long_names_are_wrapped_into_their_column_and_read_whole():
    svg = LAYOUTS["ranked, long names, no bands, a missing one"]()
    root = parse(svg)
    width, _height = view_box(root)
    plot_left = min(min(x for x, _ in points(bar)) for bar in with_id(root, "bar-").values())
    labels = {int(key.removeprefix("label-")): group for key, group in with_id(root, "label-").items()}
    long_label = labels[15]
    lines = ["".join(t.itertext()) for t in long_label.iter(f"{SVG}text")]
    assert len(lines) >= 2 and " ".join(lines) == LONG_NAME  # wrapped between words, nothing lost
    assert "".join("".join(t.itertext()) for t in labels[16].iter(f"{SVG}text")) == ONE_WORD  # split, not cut
    for group in labels.values():
        for text in group.iter(f"{SVG}text"):
            left = min(x for x, _ in text_corners(text))
            right = max(x for x, _ in text_corners(text))
            assert 0 <= left and right <= plot_left - 2, "".join(text.itertext())
            assert right - left <= 0.42 * width  # the labels leave the plot most of the chart
    bold = [t for t in long_label.iter(f"{SVG}text")]
    assert all(t.get("font-weight") == "700" for t in bold)  # the highlighted name, every line


def test_a_wrapped_label_makes_its_row_taller_and_stays_beside_its_own_bar():
    root = parse(ranked_chart())
    wrapped = ORGANISATIONS.index("RIBW Kennemerland/Amstelland en de Meerlanden")
    lines = list(with_id(root, f"label-{wrapped}")[f"label-{wrapped}"].iter(f"{SVG}text"))
    assert len(lines) == 2
    ys = [y for _, y in points(with_id(root, f"bar-{wrapped}")[f"bar-{wrapped}"])]
    middle = (min(ys) + max(ys)) / 2
    label_top = min(y for t in lines for _, y in text_corners(t))
    label_bottom = max(y for t in lines for _, y in text_corners(t))
    assert label_top < middle < label_bottom  # the two lines straddle their bar
    tops = {i: min(y for _, y in points(with_id(root, f"bar-{i}")[f"bar-{i}"])) for i in range(18)}
    ordered = sorted(tops, key=tops.__getitem__)
    gaps = [tops[b] - tops[a] for a, b in zip(ordered, ordered[1:], strict=False)]
    at = ordered.index(wrapped)
    usual = min(gaps)
    assert gaps[at - 1] > usual + 2.5 and gaps[at] > usual + 2.5  # its row is taller: its neighbours further off


def test_category_labels_that_do_not_fit_are_slanted_and_keep_apart():
    root = parse(LAYOUTS["item bars, long categories slanted"]())
    labels = [next(g.iter(f"{SVG}text")) for g in with_id(root, "label-").values()]
    assert labels and all(t.get("transform", "").startswith("rotate(-") for t in labels)
    words = parse(item_chart())
    assert not any("transform" in t.attrib for g in with_id(words, "label-").values() for t in g.iter(f"{SVG}text"))


@every_layout
def test_every_reference_points_to_a_definition_in_the_chart(layout):
    root = parse(LAYOUTS[layout]())
    ids = [el.get("id") for el in root.iter() if "id" in el.attrib]
    assert len(ids) == len(set(ids)), "ids are unique within a chart"
    defined = {el.get("id"): el for d in root.iter(f"{SVG}defs") for el in d}
    used = set()
    for el in root.iter():
        for name, value in el.attrib.items():
            for target in re.findall(r"url\(#([^)]+)\)", value):
                assert target in defined and defined[target].tag == f"{SVG}pattern", (name, value)
                used.add(target)
        if XLINK_HREF in el.attrib:
            target = el.get(XLINK_HREF, "").removeprefix("#")
            assert target in defined and defined[target].tag == f"{SVG}path", el.attrib
            used.add(target)
    assert used == set(defined)  # and nothing is defined that is not used


# --- In a PDF --------------------------------------------------------------------------


@pytest.mark.skipif(
    not shutil.which("pdftoppm"), reason="poppler-utils is installed by scripts/ensure-system-packages.sh"
)
@every_chart
def test_weasyprint_prints_the_chart_with_its_text(kind, tmp_path):
    import weasyprint

    svg = CHARTS[kind]()
    html = (
        "<!doctype html><html><head><style>@page { size: A4; margin: 2cm } img { width: 16cm }</style></head>"
        f'<body><img src="{svg_data_uri(svg)}" alt="{TITLES[kind]}"></body></html>'
    )
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(weasyprint.HTML(string=html).write_pdf())
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "72", "-png", str(pdf), str(tmp_path / kind)], check=True)
    png = next(tmp_path.glob(f"{kind}*.png"))
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:128])
    assert 1_000 < dark < image.width * image.height // 4  # drawn, and not a black page
    if keep := os.environ.get("EDMONITOR_CHART_PNGS"):
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(keep) / f"{kind}.png")
    if shutil.which("pdftotext"):  # the labels are text in the PDF, not outlines
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert TITLES[kind] in text
