"""The report charts: accessible, deterministic SVG that shows what it claims to show.

The SVG is parsed and its geometry checked against the data (bars, lines, bands and
markers carry ids for that); at the end every kind is printed to PDF by WeasyPrint and
rasterised with pdftoppm, the way the PDF reports will show them. No Django needed.

Set EDMONITOR_CHART_PNGS=/some/dir to keep the rasterised pages for a look by eye.
"""

from __future__ import annotations

import base64
import json
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
        (
            lambda: charts.benchmark_ranges(["1a"], [2], [2], [3], [5], title="t", own_label="o", peer_label="p"),
            "q1 ≤ median ≤ q3",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call()


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
