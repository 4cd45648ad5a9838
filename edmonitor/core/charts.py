"""Report charts as self-contained, accessible SVG strings.

The report pages and their PDFs (WeasyPrint) show a chart and, beside it, a table with
the same numbers; the page builds the table, this module only draws. Every function is
pure: plain data in, an SVG string out, no Django, no files, no global state.

Rules the charts follow, and why:

- **Readable by people with colour blindness and in greyscale print.** Colours come from
  the Okabe–Ito palette, and nothing is told by colour alone: bar series also differ by
  hatching (an SVG ``<pattern>`` in ``<defs>``), line series by marker and dash style, a
  highlighted bar by its hatch and a bold label, gains and losses by side, colour and hatch.
- **Text stays text** (``<text>`` elements, never outlines) in DejaVu Sans, the font of the
  machines and of WeasyPrint, with Verdana and the generic sans-serif as fallbacks in
  browsers without it. No text is smaller than 9 pt at the natural size (16 cm wide).
- **Nothing is cut off and nothing overlaps.** The layout measures every text with the
  advance widths of DejaVu Sans and DejaVu Sans Bold (``data/dejavu_widths.json``, written
  by ``scripts/font_widths.py`` from the font files; a character outside the table counts
  as wide as "M"). Long labels (organisation names) are wrapped and the plot area is sized
  from the measured label widths, rows grow with their label's lines, and category labels
  under the bars are wrapped or, if a word still does not fit, slanted.
- **Missing values are not zero.** ``None`` (or NaN) is not drawn; bar charts put a dash
  "–" where the bar would start, so an empty place never reads as a score.
- **Bars start at 0**, not at the scale's minimum 1: a score of 1 is still a visible bar
  and bar lengths stay proportional to the scores. The ticks show the scale (1–5).
- **Level bands** (optional) are light grey background bands labelled beside the plot,
  with dashed lines at the boundaries. The VIE levels are 1.0–2.3 laag, 2.4–3.6 midden,
  3.7–5.0 hoog for a total rounded to one decimal; the bands are drawn up to the midpoints
  2.35 and 3.65 between those published bounds, so every rounded total falls inside its
  own band (seed ``003_a8d87148f8c5ac85.txt`` appendix 1, via the instrument definition
  ``vie-2012.1.json``).
- **Safe to embed.** The SVG root has ``role="img"``, ``aria-label`` and a ``<title>``
  with the chart title; there are no scripts, no external references, no ``<style>``
  elements and no ``style`` attributes (every style is a presentation attribute, so a
  strict ``style-src 'self'`` CSP does not block it when inlined). The pages embed the
  chart as ``<img src="{{ svg_data_uri(svg) }}" alt="...">``; that needs ``img-src data:``
  in the CSP. Element ids are unique within one chart, not across charts, which is
  another reason to embed charts as images rather than inline.
- **Deterministic.** Same input, same bytes, in any process: the SVG is written here as
  text, with numbers rounded to 1/100 pt, no date, no creator and no counter.

Elements a test or a style sheet may want to find carry fixed ids:
``bar-<series>-<category>`` (``item_bars``), ``bar-<index>`` (``ranked_bars`` and
``change_bars``, index into the caller's sequence), ``value-…`` for value labels,
``missing-…`` for the dash of a missing value, ``line-<series>`` (``trend_lines``),
``range-<i>``, ``median-<i>``, ``own-<i>`` (``benchmark_ranges``), ``band-<i>`` and
``band-boundary-<i>`` for level bands, ``zero-line`` for the axis of ``change_bars``,
``tick-<i>`` for the value axis's ticks (a mark and its number), ``label-<i>`` for the
label of a category or row (index into the caller's sequence), ``axis-left`` and
``axis-bottom`` for the plot's axis lines (``change_bars`` has no left one), ``legend``,
``hatch-<kind>-<colour>`` for hatch patterns and ``marker-<series>`` (``marker-own``)
for marker shapes.

Value labels are rounded half up (2.25 → "2,3") and written with a decimal comma by
default (``decimal_comma=False`` for English) and the minus sign U+2212 ("−0,3").
Charts of item scores (``item_bars``, ``benchmark_ranges``) show one decimal only where
the value is not whole ("4", "3,5"); charts of totals, means and changes
(``ranked_bars``, ``change_bars``, ``trend_lines``) always show one ("3,0"), as the
totals are published; ``decimals=`` overrides either. ``format_value`` is the one
formatter, for a page's table as well.

Drawing is cheap: about 0.2–0.7 ms per chart (median of 200 calls with distinct data),
where matplotlib took 60–120 ms under a process-wide lock and was most of a report's time
under load (``bench/README.md``). Charts are therefore drawn on every request and not
kept. A memo of drawn charts was measured and dropped: a hit (a key built from all
arguments, then the lookup) takes under 20 µs for 18 organisations, so it would save at most
about half a millisecond per chart, and only when the same data are shown again, at the
cost of memory and a lock in every worker process.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from importlib import resources

from edmonitor.instruments.definition import Level, load_definition

__all__ = [
    "LEVEL_BANDS",
    "OKABE_ITO",
    "Band",
    "Value",
    "benchmark_ranges",
    "change_bars",
    "format_value",
    "item_bars",
    "level_bands",
    "ranked_bars",
    "svg_data_uri",
    "trend_lines",
]

#: A number as the rest of edmonitor produces it: float, exact Fraction or Decimal.
Value = float | Decimal | Fraction

# --- Bands -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A labelled stretch of the value axis, drawn as a light background band."""

    label: str
    low: float
    high: float

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"band {self.label!r}: low {self.low} must be below high {self.high}")


def level_bands(levels: Iterable[Level], language: str = "nl") -> tuple[Band, ...]:
    """Bands for an instrument's levels (inclusive bounds of a rounded total).

    Adjacent levels meet at the midpoint between one level's maximum and the next one's
    minimum (2.3 and 2.4 → 2.35), so a rounded total always lies inside its own band.
    """
    ordered = sorted(levels, key=lambda level: level.minimum)
    bands = []
    for i, level in enumerate(ordered):
        low = level.minimum if i == 0 else (ordered[i - 1].maximum + level.minimum) / 2
        high = level.maximum if i == len(ordered) - 1 else (level.maximum + ordered[i + 1].minimum) / 2
        bands.append(Band(level.label.get(language), float(low), float(high)))
    return tuple(bands)


#: The VIE levels as drawn: laag 1.0–2.35, midden 2.35–3.65, hoog 3.65–5.0.
LEVEL_BANDS: tuple[Band, ...] = level_bands(load_definition("vie-2012.1").levels)

# --- Style -----------------------------------------------------------------------------

#: The Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008).
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
# Series order: the first two differ strongly in lightness too (dark blue, light orange),
# so the common baseline/follow-up pair stays apart in greyscale even without the hatch.
_SERIES_COLOURS = tuple(
    OKABE_ITO[name]
    for name in ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "vermillion", "yellow", "black")
)
# Hatches by name: (spacing of the lines in pt, their directions). A tile is 72 pt square,
# as matplotlib drew them: small tiles leave visible seams in some PDF viewers.
_HATCHES = {
    "diagonal": (6, "/"),
    "cross": (6, "/\\"),
    "backslash": (6, "\\"),
    "vertical": (4, "|"),
    "horizontal": (4, "-"),
    "grid": (5, "|-"),
    "wide-diagonal": (10, "/"),
}
_TILE = 72
_SERIES_HATCHES = ("", "diagonal", "cross", "backslash", "vertical", "horizontal", "grid", "wide-diagonal")
# Dash patterns of 2 pt lines: solid, dashed, dotted, dash-dot and four more.
_DASHES = ("", "7.4 3.2", "2 3.3", "12.8 3.2 2 3.2", "10 2 2 2 2 2", "16 4", "2 6", "6 2 6 6")
_BAND_GREYS = ("#e4e4e4", "#eeeeee", "#f7f7f7")
_EDGE = "#1a1a1a"
_MUTED_TEXT = "#404040"
_GRID = "#c8c8c8"
_WHITE = "#ffffff"

_WIDTH_CM = 16.0
#: The chart's natural width in pt; one user unit of the SVG is one pt.
_WIDTH = _WIDTH_CM / 2.54 * 72
_FONT_SIZE = 10
_SMALL_FONT_SIZE = 9  # the smallest text: value labels and band labels
_TITLE_FONT_SIZE = 12
_FONT_FAMILY = "'DejaVu Sans', 'Verdana', sans-serif"
_LINE_SPACING = 1.2  # the distance between baselines, in font sizes
_MARGIN = 4.0  # around the whole chart
_GAP = 6.0  # between blocks: title, legend, plot
_TICK = 3.5  # length of a tick mark
_PLOT_HEIGHT = 165.0  # of the vertical charts
_ROW = 17.6  # the least height of a row of the horizontal charts
_BENCHMARK_ROW = 22.0
_LABEL_SHARE = 0.42  # of the width, at most, for the labels of the rows

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"

# --- Text metrics ----------------------------------------------------------------------


def _load_widths() -> tuple[dict[str, float], dict[str, float], float, float]:
    """Advance widths (in em) of DejaVu Sans and its bold face, and the ascent and descent (em)."""
    text = resources.files("edmonitor.core").joinpath("data").joinpath("dejavu_widths.json").read_text("utf-8")
    table = json.loads(text)
    em = float(table["units_per_em"])
    fonts = table["fonts"]
    regular = {c: w / em for c, w in fonts["regular"]["widths"].items()}
    bold = {c: w / em for c, w in fonts["bold"]["widths"].items()}
    return regular, bold, table["ascent"] / em, table["descent"] / em


_REGULAR, _BOLD, _ASCENT, _DESCENT = _load_widths()


def _width(text: str, size: float, bold: bool = False) -> float:
    """The advance width of a text in pt; a character outside the table counts as an "M"."""
    table = _BOLD if bold else _REGULAR
    wide = table["M"]
    return size * sum(table.get(c, wide) for c in text)


def _box(size: float) -> float:
    """The height of a line of text, from the top of its tallest glyph to its lowest."""
    return (_ASCENT + _DESCENT) * size


def _lines_height(lines: int, size: float) -> float:
    return (lines - 1) * _LINE_SPACING * size + _box(size)


def _baseline_for_centre(centre: float, size: float) -> float:
    """The baseline that centres one line's box on ``centre``."""
    return centre + (_ASCENT - _DESCENT) / 2 * size


def _wrap(text: str, width: float, size: float, bold: bool = False, *, break_words: bool = True) -> list[str]:
    """The words of a text in lines no wider than ``width`` pt.

    A word wider than a line is split after a hyphen or slash where one fits, else between
    characters, unless ``break_words`` is false (then it stands on a line of its own).
    """
    words = text.split()
    if not words:
        return [""]
    if break_words:
        words = [piece for word in words for piece in _split_word(word, width, size, bold)]
    lines = [words[0]]
    for word in words[1:]:
        trial = f"{lines[-1]} {word}"
        if _width(trial, size, bold) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def _wrap_evenly(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Wrapped as ``_wrap`` does, in as few lines, but each as short as that allows: no lone word."""
    lines = _wrap(text, width, size, bold)
    if len(lines) == 1:
        return lines
    low, high = 0.0, width
    for _step in range(12):  # to within width / 4096
        middle = (low + high) / 2
        if len(_wrap(text, middle, size, bold)) <= len(lines):
            high = middle
        else:
            low = middle
    return _wrap(text, high, size, bold)


def _split_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    pieces = []
    while _width(word, size, bold) > width and len(word) > 1:
        fits = 1
        while fits < len(word) and _width(word[: fits + 1], size, bold) <= width:
            fits += 1
        breaks = [i + 1 for i in range(fits) if word[i] in "-/"]
        cut = breaks[-1] if breaks and breaks[-1] < len(word) else fits
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


# --- Public helpers --------------------------------------------------------------------


def format_value(value: Value, *, decimals: int | None = None, decimal_comma: bool = True, signed: bool = False) -> str:
    """A value label, rounded half up.

    ``decimals=None`` shows whole numbers without decimals and others with one ("4",
    "3,5"); a number fixes the decimals ("4,0"). ``signed`` adds "+" to positive numbers
    (changes); negative numbers get the minus sign U+2212, zero no sign.
    ``format_value(0.4, signed=True)`` → "+0,4".
    """
    exact = _to_decimal(value)
    if decimals is None:
        decimals = 0 if exact == exact.to_integral_value() else 1
    shown = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = str(abs(shown))
    if decimal_comma:
        text = text.replace(".", ",")
    if shown < 0:
        return "\u2212" + text
    if signed and shown > 0:
        return "+" + text
    return text


def svg_data_uri(svg: str) -> str:
    """The SVG as a ``data:`` URI for ``<img src="...">`` (base64, UTF-8)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# --- Charts ----------------------------------------------------------------------------


def item_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value | None]]],
    *,
    title: str,
    y_label: str,
    scale: tuple[float, float] = (1, 5),
    bands: Sequence[Band] | None = None,
    decimals: int | None = None,
    decimal_comma: bool = True,
    show_title: bool = True,
) -> str:
    """Grouped vertical bars per category, e.g. baseline and follow-up per VIE item.

    ``series`` is a list of (name, values), one value per category; ``None`` draws no
    bar but a dash. Each bar has its value on top; a legend above the plot names the
    series when there is more than one. ``bands`` (e.g. ``LEVEL_BANDS``) adds background
    bands. Keep category labels short (item codes such as "1a"): long ones are wrapped
    and, if a word still does not fit, slanted.
    """
    _require_labels(categories, "categories")
    _require_series(series, "item_bars")
    rows = [_values(values, len(categories), f"series {name!r}", scale) for name, values in series]
    low, high = _scale(scale)
    k = len(series)
    texts = [
        [None if v is None else format_value(v, decimals=decimals, decimal_comma=decimal_comma) for v in row]
        for row in rows
    ]
    svg = _Svg()
    keys = [_Key(name, _patch_handle(_bar_fill(svg, j))) for j, (name, _values_) in enumerate(series)]
    ticks = _integer_ticks(low, high, decimal_comma)
    frame = _VerticalFrame(svg, title, show_title, keys if k > 1 else [], y_label, categories, bands, ticks)
    step = frame.slot * 0.84 / k  # from one bar of a group to the next
    widest = max((_width(t, _SMALL_FONT_SIZE) for row in texts for t in row if t), default=0)
    upright = widest + 1.5 > step  # when labels would touch, turn them a quarter
    room = (widest if upright else _box(_SMALL_FONT_SIZE)) + 3 + 2
    y = frame.value_scale(0, high, bottom_room=0, top_room=room)
    frame.background()
    labels: list[str] = []
    for j, values in enumerate(rows):
        fill = _bar_fill(svg, j)
        for i, value in enumerate(values):
            x = frame.centres[i] + (j - (k - 1) / 2) * step
            text = texts[j][i]
            if value is None or text is None:
                baseline = y(0) - 2 - _DESCENT * _TITLE_FONT_SIZE
                svg.add(_text(x, baseline, "\u2013", _TITLE_FONT_SIZE, "middle", bold=True, id_=f"missing-{j}-{i}"))
                continue
            half = step * 0.9 / 2
            svg.add(_group(f"bar-{j}-{i}", _rect_path(x - half, y(float(value)), x + half, y(0), fill)))
            if upright:  # running upwards from above the bar, centred on it
                baseline_x = x + (_ASCENT - _DESCENT) / 2 * _SMALL_FONT_SIZE
                labels.append(_value_label(text, baseline_x, y(float(value)) - 3, "start", f"value-{j}-{i}", turn=90))
            else:
                baseline = y(float(value)) - 3 - _DESCENT * _SMALL_FONT_SIZE
                labels.append(_value_label(text, x, baseline, "middle", f"value-{j}-{i}"))
    svg.extend(labels)
    frame.foreground()
    return svg.finish(title, frame.height)


def ranked_bars(
    labels: Sequence[str],
    values: Sequence[Value | None],
    *,
    title: str,
    x_label: str,
    scale: tuple[float, float] = (1, 5),
    bands: Sequence[Band] | None = LEVEL_BANDS,
    highlight: str | None = None,
    decimals: int | None = 1,
    decimal_comma: bool = True,
    show_title: bool = True,
) -> str:
    """Horizontal bars sorted from the highest value (top) to the lowest, e.g. the total
    per organisation (LIVE figures 1 and 2).

    Ties keep the given order; missing values come last, with a dash. ``highlight`` names
    the one label (e.g. the reader's own organisation) whose bar is drawn in orange with
    a hatch and whose labels are bold. The VIE level bands are drawn unless
    ``bands=None``. Values are shown with one decimal ("3,0"), as totals are published.
    """
    _require_labels(labels, "labels")
    numbers = _values(values, len(labels), "values", scale)
    if highlight is not None and highlight not in labels:
        raise ValueError(f"highlight {highlight!r} is not one of the labels")
    low, high = _scale(scale)
    order = sorted(range(len(labels)), key=lambda i: (numbers[i] is None, -_float(numbers[i])))
    marked = {i for i, label in enumerate(labels) if label == highlight}
    texts = {
        i: format_value(v, decimals=decimals, decimal_comma=decimal_comma)
        for i, v in enumerate(numbers)
        if v is not None
    }
    room = max((_width(t, _SMALL_FONT_SIZE, i in marked) for i, t in texts.items()), default=0) + 3 + 4
    svg = _Svg()
    frame = _HorizontalFrame(svg, title, show_title, [], labels, order, marked, bands, x_label, _ROW)
    x = frame.value_scale(0, high, left_room=0, right_room=room)
    frame.background(_integer_ticks(low, high, decimal_comma))
    plain, highlighted = _bar_fill(svg, 0), _fill(svg, OKABE_ITO["orange"], "diagonal")
    fills = {i: highlighted if i in marked else plain for i in order}
    svg.extend(_bar_rows(svg, frame, x, order, numbers, texts, fills, dash_gap=3, marked=marked))
    frame.foreground(left_axis=True)
    return svg.finish(title, frame.height)


def change_bars(
    labels: Sequence[str],
    changes: Sequence[Value | None],
    *,
    title: str,
    x_label: str,
    sort: bool = False,
    decimals: int | None = 1,
    decimal_comma: bool = True,
    show_title: bool = True,
) -> str:
    """Diverging horizontal bars around 0, e.g. the change per organisation or per item
    between baseline and follow-up (LIVE figures 3 and 4).

    Gains go right in solid blue, losses left in hatched vermillion; each bar has its
    signed value ("+0,4", "−0,3", "0,0") at its end. ``sort`` orders from the largest gain
    (top) to the largest loss; otherwise the given order is kept.
    """
    _require_labels(labels, "labels")
    numbers = _values(changes, len(labels), "changes", None)
    order = list(range(len(labels)))
    if sort:
        order.sort(key=lambda i: (numbers[i] is None, -_float(numbers[i])))
    texts = {
        i: format_value(v, decimals=decimals, decimal_comma=decimal_comma, signed=True)
        for i, v in enumerate(numbers)
        if v is not None
    }
    present = [float(v) for v in numbers if v is not None]
    least, most = min([*present, 0.0]), max([*present, 0.0])
    if most - least < 0.2:  # all (nearly) equal: a readable stretch around them
        middle = (most + least) / 2
        least, most = middle - 0.1, middle + 0.1
    gains = [_width(t, _SMALL_FONT_SIZE) for i, t in texts.items() if float(numbers[i] or 0) >= 0]
    losses = [_width(t, _SMALL_FONT_SIZE) for i, t in texts.items() if float(numbers[i] or 0) < 0]
    svg = _Svg()
    frame = _HorizontalFrame(svg, title, show_title, [], labels, order, set(), None, x_label, _ROW)
    # Room for the value labels beyond the longest bars, and for the dash of a missing value.
    x = frame.value_scale(least, most, left_room=max(losses, default=0) + 8, right_room=max([*gains, 12]) + 8)
    frame.background(_nice_ticks(x.value(frame.x0), x.value(frame.x1), decimal_comma))
    gain_fill, loss_fill = _fill(svg, OKABE_ITO["blue"], ""), _fill(svg, OKABE_ITO["vermillion"], "diagonal")
    fills = {i: gain_fill if float(numbers[i] or 0) >= 0 else loss_fill for i in order}
    value_labels = _bar_rows(svg, frame, x, order, numbers, texts, fills, dash_gap=4, marked=set())
    svg.add(_group("zero-line", _line_path([(x(0), frame.top), (x(0), frame.bottom)], _EDGE, 1.2)))
    svg.extend(value_labels)
    frame.foreground(left_axis=False)
    return svg.finish(title, frame.height)


def _bar_rows(
    svg: _Svg,
    frame: _HorizontalFrame,
    x: _Scale,
    order: Sequence[int],
    numbers: Sequence[Value | None],
    texts: dict[int, str],
    fills: dict[int, str],
    *,
    dash_gap: float,
    marked: set[int],
) -> list[str]:
    """The horizontal bars of ``ranked_bars`` and ``change_bars``, one per row from 0 to its value (a dash
    for a missing one), added to ``svg``; their value labels are returned, for the caller to draw on top."""
    value_labels = []
    for i in order:
        centre = frame.centres[i]
        value = numbers[i]
        if value is None:
            baseline = _baseline_for_centre(centre, _TITLE_FONT_SIZE)
            svg.add(_text(x(0) + dash_gap, baseline, "\u2013", _TITLE_FONT_SIZE, bold=True, id_=f"missing-{i}"))
            continue
        gain = float(value) >= 0
        half = 0.35 * _ROW
        svg.add(_group(f"bar-{i}", _rect_path(x(0), centre - half, x(float(value)), centre + half, fills[i])))
        baseline = _baseline_for_centre(centre, _SMALL_FONT_SIZE)
        end = x(float(value)) + (3 if gain else -3)
        anchor = "start" if gain else "end"
        value_labels.append(_value_label(texts[i], end, baseline, anchor, f"value-{i}", i in marked))
    return value_labels


def trend_lines(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value | None]]],
    *,
    title: str,
    y_label: str,
    scale: tuple[float, float] = (1, 5),
    bands: Sequence[Band] | None = None,
    show_values: bool | None = None,
    decimals: int | None = 1,
    decimal_comma: bool = True,
    show_title: bool = True,
) -> str:
    """Lines with markers over time, e.g. an organisation's total or MIE themes over its
    measurements; ``None`` leaves a gap in the line.

    Series differ by colour, marker and line style. Values are written above the points
    when ``show_values`` is true; by default only when there is a single series (with
    several, the labels would collide). Values get one decimal, as totals and means do.
    """
    _require_labels(x_labels, "x_labels")
    _require_series(series, "trend_lines")
    rows = [_values(values, len(x_labels), f"series {name!r}", scale) for name, values in series]
    low, high = _scale(scale)
    k = len(series)
    labelled = (k == 1) if show_values is None else show_values
    svg = _Svg()
    keys = [_Key(name, _line_handle(svg, j), _LINE_HANDLE) for j, (name, _values_) in enumerate(series)]
    ticks = _integer_ticks(low, high, decimal_comma)
    frame = _VerticalFrame(svg, title, show_title, keys if k > 1 else [], y_label, x_labels, bands, ticks)
    top_room = 7 + _box(_SMALL_FONT_SIZE) + 2 if labelled else 8
    y = frame.value_scale(low, high, bottom_room=10, top_room=top_room)
    frame.background()
    frame.foreground()
    value_labels = []
    for j, values in enumerate(rows):
        points = [None if v is None else (frame.centres[i], y(float(v))) for i, v in enumerate(values)]
        marker = svg.marker(f"marker-{j}", _MARKERS[j])
        colour = _SERIES_COLOURS[j]
        parts = [_line_path(points, colour, 2, _DASHES[j])]
        parts += [_use(marker, p[0], p[1], colour, 0.7) for p in points if p is not None]
        svg.add(_group(f"line-{j}", *parts))
        if not labelled:
            continue
        for i, value in enumerate(values):
            if value is not None:
                text = format_value(value, decimals=decimals, decimal_comma=decimal_comma)
                baseline = y(float(value)) - 7 - _DESCENT * _SMALL_FONT_SIZE
                value_labels.append(_value_label(text, frame.centres[i], baseline, "middle", f"value-{j}-{i}"))
    svg.extend(value_labels)
    return svg.finish(title, frame.height)


def benchmark_ranges(
    categories: Sequence[str],
    own: Sequence[Value | None],
    median: Sequence[Value | None],
    q1: Sequence[Value | None],
    q3: Sequence[Value | None],
    *,
    title: str,
    own_label: str,
    peer_label: str,
    missing_label: str = "\u2013",
    scale: tuple[float, float] = (1, 5),
    bands: Sequence[Band] | None = None,
    decimals: int | None = None,
    decimal_comma: bool = True,
    show_title: bool = True,
) -> str:
    """Per category (row) the peers' interquartile range as a box from Q1 to Q3 with a
    black tick at the median, and the organisation's own score as a diamond with its
    value beside it.

    ``peer_label`` names the box-and-tick in the legend (e.g. "andere organisaties:
    mediaan en middelste helft"), ``own_label`` the diamond. A missing own score is said
    in words (``missing_label``, e.g. "geen eigen score") in italics at the start of the
    row, so it cannot pass for a score near the bottom of the scale; a missing range or
    median is not drawn. The median tick is drawn over the diamond and reaches beyond it,
    so it stays visible where the organisation's score equals the median.
    """
    _require_labels(categories, "categories")
    n = len(categories)
    owns = _values(own, n, "own", scale)
    medians = _values(median, n, "median", scale)
    lows = _values(q1, n, "q1", scale)
    highs = _values(q3, n, "q3", scale)
    for i in range(n):
        present = [float(v) for v in (lows[i], medians[i], highs[i]) if v is not None]
        if present != sorted(present):
            raise ValueError(f"category {categories[i]!r}: expected q1 ≤ median ≤ q3")
    low, high = _scale(scale)
    texts = {
        i: format_value(v, decimals=decimals, decimal_comma=decimal_comma) for i, v in enumerate(owns) if v is not None
    }
    svg = _Svg()
    box_fill = _fill(svg, OKABE_ITO["sky_blue"], "")
    diamond = svg.marker("marker-own", _diamond(5.5))
    keys = [_Key(peer_label, _range_handle(box_fill)), _Key(own_label, _marker_handle(diamond, _OWN_FILL))]
    frame = _HorizontalFrame(svg, title, show_title, keys, categories, range(n), set(), bands, "", _BENCHMARK_ROW)
    room = max((_width(t, _SMALL_FONT_SIZE, True) for t in texts.values()), default=0) + 8 + 4
    x = frame.value_scale(low, high, left_room=8, right_room=room)
    frame.background(_integer_ticks(low, high, decimal_comma))
    value_labels = []
    for row in range(n):
        centre = frame.centres[row]
        a, b, mid, mine = lows[row], highs[row], medians[row], owns[row]
        if a is not None and b is not None:
            svg.add(_group(f"range-{row}", _rect_path(x(float(a)), centre - 6, x(float(b)), centre + 6, box_fill)))
        if mine is None:
            baseline = _baseline_for_centre(centre, _FONT_SIZE)
            svg.add(_text(x(low) + 2, baseline, missing_label, italic=True, id_=f"missing-own-{row}"))
        else:
            svg.add(_group(f"own-{row}", _use(diamond, x(float(mine)), centre, _OWN_FILL, 0.8)))
            baseline = _baseline_for_centre(centre, _SMALL_FONT_SIZE)
            label_x = x(float(mine)) + 8
            value_labels.append(_value_label(texts[row], label_x, baseline, "start", f"value-own-{row}", True, False))
        if mid is not None:  # after the diamond: SVG paints in document order
            svg.add(_group(f"median-{row}", _line_path([(x(float(mid)), centre - 8), (x(float(mid)), centre + 8)])))
    svg.extend(value_labels)
    frame.foreground(left_axis=True)
    return svg.finish(title, frame.height)


# --- Writing SVG -----------------------------------------------------------------------


class _Svg:
    """A chart being written: its definitions (patterns, markers) and its body, in order."""

    def __init__(self) -> None:
        self.defs: dict[str, str] = {}
        self.body: list[str] = []

    def add(self, markup: str) -> None:
        self.body.append(markup)

    def extend(self, markup: Iterable[str]) -> None:
        self.body.extend(markup)

    def define(self, id_: str, markup: Callable[[], str]) -> str:
        if id_ not in self.defs:
            self.defs[id_] = markup()
        return id_

    def marker(self, id_: str, path: str) -> str:
        return self.define(id_, lambda: f'<path id="{id_}" d="{path}"/>')

    def finish(self, title: str, height: float) -> str:
        head = (
            f'<svg xmlns="{_SVG_NS}" xmlns:xlink="{_XLINK_NS}" width="{_n(_WIDTH)}pt" height="{_n(height)}pt"'
            f' viewBox="0 0 {_n(_WIDTH)} {_n(height)}" version="1.1" stroke-linejoin="round" stroke-linecap="butt"'
            f' font-family="{_FONT_FAMILY}" role="img" aria-label="{_attr(title)}">'
        )
        parts = [head, f"<title>{_escape(title)}</title>"]
        if self.defs:
            parts += ["<defs>", *self.defs.values(), "</defs>"]
        parts.append(f'<rect width="{_n(_WIDTH)}" height="{_n(height)}" fill="{_WHITE}"/>')
        parts += self.body
        parts.append("</svg>")
        return "\n".join(parts) + "\n"


def _n(value: float) -> str:
    """A coordinate: to 1/100 pt (about 4 µm), exact enough and short."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# Characters XML 1.0 does not allow, which a label from outside could hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(text: str) -> str:
    return _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _group(id_: str, *parts: str) -> str:
    return f'<g id="{id_}">' + "".join(parts) + "</g>"


def _text(
    x: float,
    y: float,
    text: str,
    size: float = _FONT_SIZE,
    anchor: str = "start",
    *,
    bold: bool = False,
    italic: bool = False,
    fill: str = _EDGE,
    turn: float = 0,
    id_: str | None = None,
) -> str:
    """A line of text; ``turn`` rotates it anticlockwise (degrees) about its anchor."""
    attributes = f' id="{id_}"' if id_ else ""
    attributes += f' x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"'
    if bold:
        attributes += ' font-weight="700"'
    if italic:
        attributes += ' font-style="italic"'
    if anchor != "start":
        attributes += f' text-anchor="{anchor}"'
    attributes += f' fill="{fill}"'
    if turn:
        attributes += f' transform="rotate({_n(-turn)} {_n(x)} {_n(y)})"'
    return f"<text{attributes}>{_escape(text)}</text>"


def _value_label(
    text: str,
    x: float,
    baseline: float,
    anchor: str,
    id_: str,
    bold: bool = False,
    ground: bool = True,
    turn: float = 0,
) -> str:
    """A value beside its bar or point, on a white ground where a grid or band line may run."""
    size = _SMALL_FONT_SIZE
    label = _text(x, baseline, text, size, anchor, bold=bold, turn=turn)
    if not ground:
        return _group(id_, label)
    left, top, right, bottom = _turned_box(x, baseline, _width(text, size, bold), size, anchor, turn)
    pad = 0.1 * size
    return _group(id_, _plain_rect(left - pad, top - pad, right + pad, bottom + pad, _WHITE), label)


def _plain_rect(left: float, top: float, right: float, bottom: float, fill: str) -> str:
    return f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" height="{_n(bottom - top)}" fill="{fill}"/>'


def _rect_path(x0: float, y0: float, x1: float, y1: float, fill: str, stroke_width: float = 0.6) -> str:
    """A bar as a path of its four corners, so its geometry reads the same as a line's.

    A hatched bar gets its colour underneath as well: where a PDF viewer joins the pattern's
    tiles with a hairline gap, the same colour shows through instead of white.
    """
    left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    d = f"M {_n(left)} {_n(bottom)} L {_n(right)} {_n(bottom)} L {_n(right)} {_n(top)} L {_n(left)} {_n(top)} z"
    ground = _HATCH_GROUND.fullmatch(fill)
    under = _plain_rect(left, top, right, bottom, f"#{ground.group(1)}") if ground else ""
    return f'{under}<path d="{d}" fill="{fill}" stroke="{_EDGE}" stroke-width="{_n(stroke_width)}"/>'


def _line_path(
    points: Sequence[tuple[float, float] | None], colour: str = _EDGE, width: float = 2.5, dashes: str = ""
) -> str:
    """A line through the points; ``None`` breaks it (a new "M")."""
    commands = []
    pen_down = False
    for point in points:
        if point is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'} {_n(point[0])} {_n(point[1])}")
        pen_down = True
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    return f'<path d="{" ".join(commands)}" fill="none" stroke="{colour}" stroke-width="{_n(width)}"{dash}/>'


def _thin_line(x0: float, y0: float, x1: float, y1: float, colour: str, width: float, dashes: str = "") -> str:
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    d = f"M {_n(x0)} {_n(y0)} L {_n(x1)} {_n(y1)}"
    return f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{_n(width)}"{dash}/>'


def _use(id_: str, x: float, y: float, fill: str, stroke_width: float) -> str:
    return (
        f'<use xlink:href="#{id_}" x="{_n(x)}" y="{_n(y)}" fill="{fill}" stroke="{_EDGE}"'
        f' stroke-width="{_n(stroke_width)}"/>'
    )


def _fill(svg: _Svg, colour: str, hatch: str) -> str:
    """A fill: the colour itself, or a hatch pattern over it."""
    if not hatch:
        return colour
    spacing, directions = _HATCHES[hatch]
    lines = " ".join(_hatch_lines(direction, spacing) for direction in directions)
    id_ = f"hatch-{hatch}-{colour.removeprefix('#').lower()}"
    ink = _WHITE if colour == OKABE_ITO["black"] else _EDGE  # black lines would vanish on black
    svg.define(
        id_,
        lambda: (
            f'<pattern id="{id_}" patternUnits="userSpaceOnUse" width="{_TILE}" height="{_TILE}">'
            f'<rect width="{_TILE}" height="{_TILE}" fill="{colour}"/>'
            f'<path d="{lines}" fill="none" stroke="{ink}" stroke-width="0.8"/></pattern>'
        ),
    )
    return f"url(#{id_})"


# A hatch's fill names its ground colour: url(#hatch-<kind>-<colour>).
_HATCH_GROUND = re.compile(r"url\(#hatch-[a-z-]+-([0-9a-f]{6})\)")


def _hatch_lines(direction: str, spacing: int) -> str:
    """The lines of one tile; diagonals run on past its edges, so they meet the next tile's."""
    t = _TILE
    if direction == "|":
        return " ".join(f"M {_n(x + spacing / 2)} 0 L {_n(x + spacing / 2)} {t}" for x in range(0, t, spacing))
    if direction == "-":
        return " ".join(f"M 0 {_n(y + spacing / 2)} L {t} {_n(y + spacing / 2)}" for y in range(0, t, spacing))
    if direction == "/":
        return " ".join(f"M {x - 1} {t + 1} L {x + t + 1} -1" for x in range(-t, t + 1, spacing))
    return " ".join(f"M {x - 1} -1 L {x + t + 1} {t + 1}" for x in range(-t, t + 1, spacing))


def _bar_fill(svg: _Svg, series: int) -> str:
    return _fill(svg, _SERIES_COLOURS[series], _SERIES_HATCHES[series])


# --- Markers ---------------------------------------------------------------------------


def _shape(points: Sequence[tuple[float, float]]) -> str:
    return "M " + " L ".join(f"{_n(x)} {_n(y)}" for x, y in points) + " z"


def _circle(r: float) -> str:
    k = 0.5523 * r  # cubic Bézier arcs: a quarter circle each
    quarters = [(r, k, k, r, 0, r), (-k, r, -r, k, -r, 0), (-r, -k, -k, -r, 0, -r), (k, -r, r, -k, r, 0)]
    return f"M {_n(r)} 0 " + " ".join("C " + " ".join(_n(v) for v in q) for q in quarters) + " z"


def _diamond(r: float) -> str:
    return _shape([(0, -r), (r * 0.8, 0), (0, r), (-r * 0.8, 0)])


def _star(outer: float, inner: float) -> str:
    corners = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi * i / 5
        corners.append((radius * math.sin(angle), -radius * math.cos(angle)))
    return _shape(corners)


def _plus(r: float, arm: float, turned: bool = False) -> str:
    corners = [(arm, -r), (arm, -arm), (r, -arm), (r, arm), (arm, arm), (arm, r)]
    corners += [(-x, -y) for x, y in corners]
    if turned:
        c = math.sqrt(0.5)
        corners = [((x - y) * c, (x + y) * c) for x, y in corners]
    return _shape(corners)


# Circle, square, triangle up, diamond, triangle down, plus, cross, star: about 8 pt across.
_MARKERS = (
    _circle(4),
    _shape([(-3.5, -3.5), (3.5, -3.5), (3.5, 3.5), (-3.5, 3.5)]),
    _shape([(0, -4.6), (4.3, 3), (-4.3, 3)]),
    _diamond(4.6),
    _shape([(0, 4.6), (4.3, -3), (-4.3, -3)]),
    _plus(4.3, 1.5),
    _plus(4.6, 1.5, turned=True),
    _star(5, 2.1),
)
_OWN_FILL = OKABE_ITO["vermillion"]

# --- Legends ---------------------------------------------------------------------------


_HANDLE = 20.0  # width of a legend's handle for bars and ranges
_LINE_HANDLE = 32.0


@dataclass(frozen=True)
class _Key:
    """A legend entry: its text, how to draw its handle at (left, centre), and the handle's width."""

    label: str
    handle: Callable[[float, float], str]
    width: float = _HANDLE


def _patch_handle(fill: str) -> Callable[[float, float], str]:
    return lambda x, y: _rect_path(x, y - 3.5, x + _HANDLE, y + 3.5, fill)


def _line_handle(svg: _Svg, series: int) -> Callable[[float, float], str]:
    marker = svg.marker(f"marker-{series}", _MARKERS[series])
    colour = _SERIES_COLOURS[series]

    def handle(x: float, y: float) -> str:
        line = _line_path([(x, y), (x + _LINE_HANDLE, y)], colour, 2, _DASHES[series])
        return line + _use(marker, x + _LINE_HANDLE / 2, y, colour, 0.7)

    return handle


def _range_handle(fill: str) -> Callable[[float, float], str]:
    def handle(x: float, y: float) -> str:
        middle = x + _HANDLE / 2
        return _rect_path(x, y - 3.5, x + _HANDLE, y + 3.5, fill) + _line_path([(middle, y - 6), (middle, y + 6)])

    return handle


def _marker_handle(marker: str, fill: str) -> Callable[[float, float], str]:
    return lambda x, y: _use(marker, x + _HANDLE / 2, y, fill, 0.8)


def _legend(svg: _Svg, keys: Sequence[_Key], top: float) -> float:
    """The legend between title and plot, in rows read left to right; returns its bottom."""
    if not keys:
        return top
    handle = max(key.width for key in keys)
    available = _WIDTH - 2 * _MARGIN
    lines = [_wrap(key.label, available - handle - 5, _FONT_SIZE) for key in keys]
    widths = [handle + 5 + max(_width(line, _FONT_SIZE) for line in label) for label in lines]
    count, gap = len(keys), 16.0
    columns = min(4, count)
    while columns > 1:
        column_widths = [max(widths[c::columns]) for c in range(columns)]
        if sum(column_widths) + gap * (columns - 1) <= available:
            break
        columns -= 1
    column_widths = [max(widths[c::columns]) for c in range(columns)]
    parts = []
    y = top
    for first in range(0, count, columns):
        row = range(first, min(count, first + columns))
        x = _MARGIN
        for column, i in enumerate(row):
            parts.append(keys[i].handle(x, y + _box(_FONT_SIZE) / 2))
            for number, line in enumerate(lines[i]):
                baseline = y + _ASCENT * _FONT_SIZE + number * _LINE_SPACING * _FONT_SIZE
                parts.append(_text(x + handle + 5, baseline, line))
            x += column_widths[column] + gap
        y += _lines_height(max(len(lines[i]) for i in row), _FONT_SIZE) + 4
    svg.add(_group("legend", *parts))
    return y - 4 + _GAP


def _title(svg: _Svg, title: str, show: bool) -> float:
    """The chart's title at the top left; returns the bottom of what is drawn so far."""
    if not show:
        return _MARGIN
    lines = _wrap(title, _WIDTH - 2 * _MARGIN, _TITLE_FONT_SIZE, True)
    for i, line in enumerate(lines):
        baseline = _MARGIN + _ASCENT * _TITLE_FONT_SIZE + i * _LINE_SPACING * _TITLE_FONT_SIZE
        svg.add(_text(_MARGIN, baseline, line, _TITLE_FONT_SIZE, bold=True))
    return _MARGIN + _lines_height(len(lines), _TITLE_FONT_SIZE) + _GAP


# --- Scales and ticks ------------------------------------------------------------------


@dataclass(frozen=True)
class _Scale:
    """A linear map from values to pt: value ``v0`` lies at ``p0``, ``v1`` at ``p1``."""

    v0: float
    v1: float
    p0: float
    p1: float

    def __call__(self, value: float) -> float:
        return self.p0 + (value - self.v0) * (self.p1 - self.p0) / (self.v1 - self.v0)

    def value(self, position: float) -> float:
        return self.v0 + (position - self.p0) * (self.v1 - self.v0) / (self.p1 - self.p0)


def _integer_ticks(low: float, high: float, decimal_comma: bool) -> list[tuple[float, str]]:
    """Ticks over the scale only: every whole number, or fewer when there are over eleven."""
    first, last = math.ceil(low), math.floor(high)
    if last - first > 10:
        return _nice_ticks(low, high, decimal_comma, signed=False)
    return [(float(v), str(v)) for v in range(first, last + 1)]


def _nice_ticks(low: float, high: float, decimal_comma: bool, signed: bool = True) -> list[tuple[float, str]]:
    """At most nine ticks at a step of 1, 2 or 5 times a power of ten, within low–high."""
    span = max(high - low, 1e-9)
    power = 10 ** math.floor(math.log10(span / 8))
    step = next(s * power for s in (1, 2, 5, 10, 20) if span / (s * power) <= 8)
    exact = Decimal(repr(step))
    ticks = []
    for k in range(math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9) + 1):
        value = k * exact
        ticks.append((float(value), format_value(value.normalize(), decimal_comma=decimal_comma, signed=signed)))
    return ticks


# --- Frames ----------------------------------------------------------------------------


class _VerticalFrame:
    """The layout of a chart with categories along the bottom and values upwards.

    From the top: title, legend, the plot with its value axis on the left (axis label,
    numbers) and band labels on the right, the category labels below.
    """

    def __init__(
        self,
        svg: _Svg,
        title: str,
        show_title: bool,
        keys: Sequence[_Key],
        y_label: str,
        categories: Sequence[str],
        bands: Sequence[Band] | None,
        ticks: list[tuple[float, str]],
    ) -> None:
        self.svg = svg
        self.bands = sorted(bands or (), key=lambda band: band.low)
        self.ticks = ticks
        y = _legend(svg, keys, _title(svg, title, show_title))
        self.top = y + 2
        self.bottom = self.top + _PLOT_HEIGHT
        self.axis_lines = _wrap(y_label, _PLOT_HEIGHT, _FONT_SIZE)
        self.axis_width = len(self.axis_lines) * _LINE_SPACING * _FONT_SIZE if y_label.strip() else 0.0
        self.band_width = max((_width(b.label, _SMALL_FONT_SIZE) for b in self.bands), default=-6) + 6
        self.x1 = _WIDTH - _MARGIN - (self.band_width + 2 if self.bands else 2)
        self.tick_width = max(_width(label, _FONT_SIZE) for _v, label in ticks)
        self.x0 = _MARGIN + self.axis_width + 4 + self.tick_width + 2 + _TICK
        self.categories = categories
        self._categories()

    def value_scale(self, low: float, high: float, *, bottom_room: float, top_room: float) -> _Scale:
        """Values from ``low`` (``bottom_room`` pt above the plot's bottom) to ``high``."""
        self.y = _Scale(low, high, self.bottom - bottom_room, self.top + top_room)
        return self.y

    def background(self) -> None:
        """Bands, grid lines and band boundaries: what the data are drawn over."""
        y, svg = self.y, self.svg
        for i, band in enumerate(self.bands):
            top, bottom = max(self.top, y(band.high)), min(self.bottom, y(band.low))
            grey = _BAND_GREYS[i % len(_BAND_GREYS)]
            if top < bottom:
                svg.add(_group(f"band-{i}", _plain_rect(self.x0, top, self.x1, bottom, grey)))
        svg.add(_group("grid", *(_thin_line(self.x0, y(v), self.x1, y(v), _GRID, 0.6) for v, _l in self.ticks)))
        for i, edge in enumerate(_inner_edges(self.bands)):
            line = _thin_line(self.x0, y(edge), self.x1, y(edge), _MUTED_TEXT, 0.9, "3.6 2.7")
            svg.add(_group(f"band-boundary-{i}", line))

    def _categories(self) -> None:
        """Where the categories go, and their labels: wrapped, or slanted when a word does not fit."""
        n = len(self.categories)
        size = _FONT_SIZE
        self.turn = 0.0
        for _attempt in range(8):
            self.slot = (self.x1 - self.x0) / n
            self.centres = [self.x0 + (i + 0.5) * self.slot for i in range(n)]
            room = self.slot - 4
            self.labels = [_wrap(c, room, size, break_words=False) for c in self.categories]
            if all(_width(line, size) <= room for lines in self.labels for line in lines):
                self.turn = 0.0
                self.label_height = max(_lines_height(len(lines), size) for lines in self.labels)
                return
            # Slanted, one line each: steep enough that neighbouring labels keep apart.
            self.labels = [[" ".join(c.split())] for c in self.categories]
            self.turn = next((a for a in (30, 45, 60) if self.slot * math.sin(math.radians(a)) >= 13), 90)
            boxes = [self._slanted_box(i) for i in range(n)]
            overshoot = _MARGIN - min(box[0] for box in boxes)
            if overshoot <= 0.01:
                self.label_height = max(box[3] for box in boxes) - (self.bottom + 4)
                return
            self.x0 += overshoot
        self.label_height = max(box[3] for box in boxes) - (self.bottom + 4)

    def _slanted_anchor(self, i: int) -> tuple[float, float]:
        sine, cosine = math.sin(math.radians(self.turn)), math.cos(math.radians(self.turn))
        # The text ends at the tick, centred across its line, and its top touches the gap below the plot.
        x = self.centres[i] + (_ASCENT - _DESCENT) / 2 * _FONT_SIZE * sine
        return x, self.bottom + 4 + _ASCENT * _FONT_SIZE * cosine

    def _slanted_box(self, i: int) -> tuple[float, float, float, float]:
        x, y = self._slanted_anchor(i)
        return _turned_box(x, y, _width(self.labels[i][0], _FONT_SIZE), _FONT_SIZE, "end", self.turn)

    @property
    def height(self) -> float:
        return self.bottom + 4 + self.label_height + _MARGIN

    def foreground(self) -> None:
        """The axes, the ticks with their numbers, the labels of axis, categories and bands."""
        svg, y = self.svg, self.y
        svg.add(_group("axis-left", _thin_line(self.x0, self.top, self.x0, self.bottom, _EDGE, 0.8)))
        svg.add(_group("axis-bottom", _thin_line(self.x0, self.bottom, self.x1, self.bottom, _EDGE, 0.8)))
        for i, (value, label) in enumerate(self.ticks):
            mark = _thin_line(self.x0, y(value), self.x0 - _TICK, y(value), _EDGE, 0.8)
            baseline = _baseline_for_centre(y(value), _FONT_SIZE)
            svg.add(_group(f"tick-{i}", mark, _text(self.x0 - _TICK - 2, baseline, label, anchor="end")))
        for i, lines in enumerate(self.labels):
            if self.turn:
                x, baseline = self._slanted_anchor(i)
                texts = [_text(x, baseline, lines[0], anchor="end", turn=self.turn)]
            else:
                texts = [
                    _text(
                        self.centres[i],
                        self.bottom + 4 + (_ASCENT + n * _LINE_SPACING) * _FONT_SIZE,
                        line,
                        anchor="middle",
                    )
                    for n, line in enumerate(lines)
                ]
            svg.add(_group(f"label-{i}", *texts))
        if self.axis_width:
            middle = (self.top + self.bottom) / 2
            left = self.x0 - _TICK - 2 - self.tick_width - 4 - self.axis_width
            for n, line in enumerate(self.axis_lines):
                x = left + _ASCENT * _FONT_SIZE + n * _LINE_SPACING * _FONT_SIZE
                svg.add(_text(x, middle, line, anchor="middle", turn=90))
        for band in self.bands:
            top, bottom = max(self.top, y(band.high)), min(self.bottom, y(band.low))
            if top < bottom:
                baseline = _baseline_for_centre((top + bottom) / 2, _SMALL_FONT_SIZE)
                svg.add(_text(self.x1 + 6, baseline, band.label, _SMALL_FONT_SIZE, fill=_MUTED_TEXT))


class _HorizontalFrame:
    """The layout of a chart with one row per label, top to bottom, and values to the right.

    From the top: title, legend, band labels, the rows with their labels on the left (as
    wide as the longest line, at most 42 % of the chart, longer names wrapped), the value
    axis with its numbers and label below.
    """

    def __init__(
        self,
        svg: _Svg,
        title: str,
        show_title: bool,
        keys: Sequence[_Key],
        labels: Sequence[str],
        order: Iterable[int],
        bold: set[int],
        bands: Sequence[Band] | None,
        x_label: str,
        row: float,
    ) -> None:
        self.svg = svg
        self.bands = sorted(bands or (), key=lambda band: band.low)
        self.bold = bold
        self.order = list(order)
        size = _FONT_SIZE
        cap = _LABEL_SHARE * (_WIDTH - 2 * _MARGIN)
        natural = max(_width(label, size, i in bold) for i, label in enumerate(labels))
        self.lines = [_wrap_evenly(label, min(natural, cap), size, i in bold) for i, label in enumerate(labels)]
        column = max(_width(line, size, i in bold) for i, lines in enumerate(self.lines) for line in lines)
        self.x0 = _MARGIN + column + 6
        self.x1 = _WIDTH - _MARGIN
        y = _legend(svg, keys, _title(svg, title, show_title))
        self.band_label_y = y + _ASCENT * _SMALL_FONT_SIZE
        if self.bands:
            y += _box(_SMALL_FONT_SIZE) + 3
        self.top = y + 2
        self.centres: dict[int, float] = {}
        y = self.top
        for i in self.order:
            height = max(row, _lines_height(len(self.lines[i]), size) + 6)
            self.centres[i] = y + height / 2
            y += height
        self.bottom = y
        self.axis_lines = _wrap(x_label, self.x1 - self.x0, size) if x_label.strip() else []
        self.height = self.bottom + _TICK + 2 + _box(size) + _MARGIN
        if self.axis_lines:
            self.height += 3 + _lines_height(len(self.axis_lines), size)

    def value_scale(self, low: float, high: float, *, left_room: float, right_room: float) -> _Scale:
        """Values from ``low`` (``left_room`` pt right of the axis) to ``high`` (``right_room`` pt from the right)."""
        self.x = _Scale(low, high, self.x0 + left_room, self.x1 - right_room)
        return self.x

    def background(self, ticks: list[tuple[float, str]]) -> None:
        x, svg = self.x, self.svg
        # A tick inside the plot whose number fits on the chart.
        self.ticks = ticks = [
            (v, label)
            for v, label in ticks
            if self.x0 - 0.01 <= x(v) <= self.x1 + 0.01 and x(v) + _width(label, _FONT_SIZE) / 2 <= _WIDTH - _MARGIN
        ]
        for i, band in enumerate(self.bands):
            left, right = max(self.x0, x(band.low)), min(self.x1, x(band.high))
            grey = _BAND_GREYS[i % len(_BAND_GREYS)]
            if left < right:
                svg.add(_group(f"band-{i}", _plain_rect(left, self.top, right, self.bottom, grey)))
        svg.add(_group("grid", *(_thin_line(x(v), self.top, x(v), self.bottom, _GRID, 0.6) for v, _l in ticks)))
        for i, edge in enumerate(_inner_edges(self.bands)):
            line = _thin_line(x(edge), self.top, x(edge), self.bottom, _MUTED_TEXT, 0.9, "3.6 2.7")
            svg.add(_group(f"band-boundary-{i}", line))

    def foreground(self, *, left_axis: bool) -> None:
        svg, x, size = self.svg, self.x, _FONT_SIZE
        if left_axis:
            svg.add(_group("axis-left", _thin_line(self.x0, self.top, self.x0, self.bottom, _EDGE, 0.8)))
        svg.add(_group("axis-bottom", _thin_line(self.x0, self.bottom, self.x1, self.bottom, _EDGE, 0.8)))
        baseline = self.bottom + _TICK + 2 + _ASCENT * size
        for i, (value, label) in enumerate(self.ticks):
            mark = _thin_line(x(value), self.bottom, x(value), self.bottom + _TICK, _EDGE, 0.8)
            svg.add(_group(f"tick-{i}", mark, _text(x(value), baseline, label, anchor="middle")))
        for n, line in enumerate(self.axis_lines):
            line_baseline = baseline + _DESCENT * size + 3 + _ASCENT * size + n * _LINE_SPACING * size
            svg.add(_text((self.x0 + self.x1) / 2, line_baseline, line, anchor="middle"))
        for i in self.order:
            lines = self.lines[i]
            first = self.centres[i] - _lines_height(len(lines), size) / 2 + _ASCENT * size
            texts = [
                _text(self.x0 - 5, first + n * _LINE_SPACING * size, line, anchor="end", bold=i in self.bold)
                for n, line in enumerate(lines)
            ]
            svg.add(_group(f"label-{i}", *texts))
        for band in self.bands:
            left, right = max(self.x0, x(band.low)), min(self.x1, x(band.high))
            if left < right:
                svg.add(
                    _text(
                        (left + right) / 2, self.band_label_y, band.label, _SMALL_FONT_SIZE, "middle", fill=_MUTED_TEXT
                    )
                )


def _inner_edges(bands: Sequence[Band]) -> list[float]:
    """Where two bands meet (or one ends inside the others' stretch): the dashed lines."""
    if not bands:
        return []
    edges = {band.low for band in bands} | {band.high for band in bands}
    return sorted(edges - {bands[0].low, bands[-1].high})


def _turned_box(
    x: float, y: float, width: float, size: float, anchor: str, turn: float
) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a line of text at (x, y) turned anticlockwise by ``turn`` degrees."""
    start = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
    sine, cosine = math.sin(math.radians(turn)), math.cos(math.radians(turn))
    corners = [(dx, dy) for dx in (start, start + width) for dy in (-_ASCENT * size, _DESCENT * size)]
    xs = [x + dx * cosine + dy * sine for dx, dy in corners]
    ys = [y - dx * sine + dy * cosine for dx, dy in corners]
    return min(xs), min(ys), max(xs), max(ys)


# --- Input checks and numbers ----------------------------------------------------------


def _require_labels(labels: Sequence[str], what: str) -> None:
    if not labels:
        raise ValueError(f"{what} must not be empty")


def _require_series(series: Sequence[tuple[str, Sequence[Value | None]]], chart: str) -> None:
    if not series:
        raise ValueError(f"{chart} needs at least one series")
    if len(series) > len(_SERIES_COLOURS):
        raise ValueError(f"{chart} draws at most {len(_SERIES_COLOURS)} series")


def _scale(scale: tuple[float, float]) -> tuple[float, float]:
    low, high = float(scale[0]), float(scale[1])
    if not low < high:
        raise ValueError(f"scale {scale!r}: the first number must be below the second")
    return low, high


def _values(
    values: Sequence[Value | None], count: int, what: str, scale: tuple[float, float] | None
) -> list[Value | None]:
    """The values with NaN as None, checked for length, finiteness and, given a scale, range."""
    if len(values) != count:
        raise ValueError(f"{what}: {len(values)} values for {count} labels")
    result: list[Value | None] = []
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            result.append(None)
            continue
        if scale is not None and not float(scale[0]) <= float(value) <= float(scale[1]):
            raise ValueError(f"{what}: {value} lies outside the scale {scale[0]}–{scale[1]}")
        if not math.isfinite(float(value)):  # an infinity, or Decimal("NaN"), where no scale caught it
            raise ValueError(f"{what}: {value} is not a finite number")
        result.append(value)
    return result


def _float(value: Value | None) -> float:
    return 0.0 if value is None else float(value)


def _to_decimal(value: Value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, int):
        return Decimal(value)
    # The shortest repr, so 2.35 is 2.35 (and rounds half up to 2.4), not 2.3499….
    return Decimal(repr(float(value)))
