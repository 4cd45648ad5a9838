"""Report charts as self-contained, accessible SVG strings.

The report pages and their PDFs (WeasyPrint) show a chart and, beside it, a table with
the same numbers; the page builds the table, this module only draws. Every function is
pure: plain data in, an SVG string out, no Django, no files, no global state left behind.

Rules the charts follow, and why:

- **Readable by people with colour blindness and in greyscale print.** Colours come from
  the Okabe–Ito palette, and nothing is told by colour alone: bar series also differ by
  hatching, line series by marker and line style, a highlighted bar by its hatch and a
  bold label, gains and losses by side, colour and hatch.
- **Text stays text** (``svg.fonttype = "none"``) in DejaVu Sans, the font of the
  machines and of WeasyPrint, with Verdana and the generic sans-serif as fallbacks in
  browsers without it. No text is smaller than 9 pt at the natural size (16 cm wide).
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
- **Deterministic.** Same input, same bytes (fixed hash salt, no date, no creator, and
  namespace prefixes written here rather than taken from ElementTree's process-wide table,
  which other libraries change), in any process, so tests and caches can compare output.

Elements a test or a style sheet may want to find carry fixed ids (``gid``):
``bar-<series>-<category>`` (``item_bars``), ``bar-<index>`` (``ranked_bars`` and
``change_bars``, index into the caller's sequence), ``value-…`` for value labels,
``missing-…`` for the dash of a missing value, ``line-<series>`` (``trend_lines``),
``range-<i>``, ``median-<i>``, ``own-<i>`` (``benchmark_ranges``), ``band-<i>`` and
``band-boundary-<i>`` for level bands and ``zero-line`` for the axis of ``change_bars``.

Value labels are rounded half up (2.25 → "2,3") and written with a decimal comma by
default (``decimal_comma=False`` for English) and the minus sign U+2212 ("−0,3").
Charts of item scores (``item_bars``, ``benchmark_ranges``) show one decimal only where
the value is not whole ("4", "3,5"); charts of totals, means and changes
(``ranked_bars``, ``change_bars``, ``trend_lines``) always show one ("3,0"), as the
totals are published; ``decimals=`` overrides either. ``format_value`` is the one
formatter, for a page's table as well.

matplotlib changes process-wide settings while it draws (``rc_context``), so drawing is
serialised with a lock; a chart takes a few tenths of a second. Because every chart is a
pure function of its arguments, the last :data:`MEMO_SIZE` charts drawn are kept in memory
and the same arguments give the stored SVG at once: a report opened again, or a programme
page opened by many people, does not draw again, and changed data (other values, other
arguments) can never get a stale chart. The national-scale benchmark found drawing to be
most of a report's time (``bench/README.md``).
"""

from __future__ import annotations

import base64
import functools
import io
import math
import re
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation
from matplotlib.typing import RcKeyType

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

# --- Memo of drawn charts -----------------------------------------------------------------

#: How many drawn charts each process keeps (an SVG is 10–60 kB: a few MB at most).
MEMO_SIZE = 512
_MEMO: OrderedDict[Any, str] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def _frozen(value: Any) -> Any:
    """A hashable key for chart arguments: sequences become tuples, anything else unknown its text."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if value is None or isinstance(value, (str, int, float, Decimal, Fraction, Band)):
        return (type(value).__name__, value)
    return (type(value).__name__, str(value))  # e.g. a lazily translated text


def _memoised(chart: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(chart)
    def memoised(*args: Any, **kwargs: Any) -> str:
        key = (chart.__name__, _frozen(args), _frozen(sorted(kwargs.items())))
        with _MEMO_LOCK:
            svg = _MEMO.get(key)
            if svg is not None:
                _MEMO.move_to_end(key)
                return svg
        svg = chart(*args, **kwargs)
        with _MEMO_LOCK:
            _MEMO[key] = svg
            while len(_MEMO) > MEMO_SIZE:
                _MEMO.popitem(last=False)
        return svg

    return memoised


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
# Line hatches only: dot and circle hatches cost over 100 KB of SVG per pattern.
_SERIES_HATCHES = ("", "///", "xxx", "\\\\\\", "|||", "---", "+++", "//")
_LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 3)), (0, (3, 1, 3, 3)))
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_BAND_GREYS = ("#e4e4e4", "#eeeeee", "#f7f7f7")
_EDGE = "#1a1a1a"
_MUTED_TEXT = "#404040"
_GRID = "#c8c8c8"

_WIDTH_CM = 16.0
_CM = 1 / 2.54
_FONT_SIZE = 10
_SMALL_FONT_SIZE = 9  # the smallest text: value labels and band labels
_TITLE_FONT_SIZE = 12

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Verdana"],
    "font.size": _FONT_SIZE,
    "axes.titlesize": _TITLE_FONT_SIZE,
    "axes.labelsize": _FONT_SIZE,
    "xtick.labelsize": _FONT_SIZE,
    "ytick.labelsize": _FONT_SIZE,
    "legend.fontsize": _FONT_SIZE,
    "figure.titlesize": _TITLE_FONT_SIZE,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "axes.edgecolor": _EDGE,
    "axes.labelcolor": _EDGE,
    "xtick.color": _EDGE,
    "ytick.color": _EDGE,
    "text.color": _EDGE,
    "hatch.linewidth": 0.8,
    "axes.unicode_minus": True,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
}
# No date, no creator, no RDF block: nothing that changes between runs or points outside.
_NO_METADATA: dict[str, Any] = {"Date": None, "Creator": None, "Type": None, "Format": None}

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
# CSS properties matplotlib writes in style="" that SVG also accepts as attributes.
_PRESENTATION_ATTRIBUTES = frozenset(
    {
        "clip-path",
        "clip-rule",
        "color",
        "display",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "visibility",
        "word-spacing",
    }
)

_LOCK = threading.Lock()

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


@_memoised
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
    n, k = len(categories), len(series)
    texts = [
        [None if v is None else format_value(v, decimals=decimals, decimal_comma=decimal_comma) for v in row]
        for row in rows
    ]

    plot_width_pt = _WIDTH_CM * _CM * 72 - 70 - (45 if bands else 0)
    chars = max(3, int(plot_width_pt / n / (0.62 * _FONT_SIZE)))
    labels = [_wrap(c, chars) for c in categories]
    slant = any(len(line) > chars for label in labels for line in label.split("\n"))
    if slant:  # a word does not fit under its group: slant the labels, on fewer lines
        labels = [_wrap(c, 40) for c in categories]
        longest = max(len(line) for label in labels for line in label.split("\n"))
        label_cm = (longest * 0.62 * _FONT_SIZE * 0.5 + 12) / 72 * 2.54  # sin 30° = 0.5
    else:
        label_cm = 0.42 * max(label.count("\n") for label in labels)
    width = 0.84 / k
    slot_pt = plot_width_pt / n * width  # the distance between neighbouring value labels
    widest = max((_text_width(t, _SMALL_FONT_SIZE) for row in texts for t in row if t), default=0)
    upright = widest + 1.5 > slot_pt  # when labels would touch, turn them a quarter

    height = 8.0 + label_cm + (0.8 if k > 1 else 0)
    height += _title_height(title, show_title)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        _title(fig, title, show_title)
        ax.set_ylim(0, high * (1.2 if upright else 1.12))
        ax.set_xlim(-0.5, n - 0.5)
        _value_axis(ax, "y", low, high)
        ax.set_ylabel(_plain(y_label))
        if bands:
            _draw_bands(ax, bands, "y")
        for j, values in enumerate(rows):
            for i, value in enumerate(values):
                x = i + (j - (k - 1) / 2) * width
                text = texts[j][i]
                if value is None or text is None:
                    _missing(ax, (x, 0), f"missing-{j}-{i}", "center", "bottom", (0, 2))
                    continue
                (bar,) = ax.bar(x, float(value), width * 0.9, **_bar_style(j))
                bar.set_gid(f"bar-{j}-{i}")
                _value_label(ax, text, (x, float(value)), (0, 3), "center", "bottom", f"value-{j}-{i}", upright=upright)
        ax.set_xticks(range(n), [_plain(label) for label in labels])
        ax.tick_params(axis="x", length=0)
        if slant:
            for tick in ax.get_xticklabels():
                tick.set(rotation=30, horizontalalignment="right", rotation_mode="anchor")
        if k > 1:
            handles = [Patch(**_bar_style(j)) for j in range(k)]
            _legend(ax, handles, [name for name, _ in series])

    return _render("item_bars", title, height, draw)


@_memoised
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
    wrapped = [_wrap(labels[i], 30) for i in order]

    def draw(fig: Figure, ax: Axes) -> None:
        ax.set_xlim(0, high * 1.12)
        _value_axis(ax, "x", low, high)
        ax.set_xlabel(_plain(x_label))
        if bands:
            _draw_bands(ax, bands, "x")
        for row, i in enumerate(order):
            mark = labels[i] == highlight
            value = numbers[i]
            if value is None:
                _missing(ax, (0, row), f"missing-{i}", "left", "center", (3, 0))
                continue
            (bar,) = ax.barh(row, float(value), 0.7, **(_highlight_style() if mark else _bar_style(0)))
            bar.set_gid(f"bar-{i}")
            text = format_value(value, decimals=decimals, decimal_comma=decimal_comma)
            _value_label(ax, text, (float(value), row), (3, 0), "left", "center", f"value-{i}", bold=mark)
        for tick, i in zip(ax.get_yticklabels(), order, strict=True):
            if labels[i] == highlight:
                tick.set_fontweight("bold")

    return _horizontal("ranked_bars", title, wrapped, draw, show_title)


@_memoised
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
    wrapped = [_wrap(labels[i], 30) for i in order]
    present = [float(v) for v in numbers if v is not None]
    least, most = min([*present, 0.0]), max([*present, 0.0])
    pad = max(most - least, 0.2) * 0.22  # room for the value labels on both sides

    def draw(fig: Figure, ax: Axes) -> None:
        ax.set_xlim(least - pad, most + pad)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 5, 10]))
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _: format_value(round(x, 6), decimal_comma=decimal_comma, signed=True))
        )
        ax.grid(axis="x", color=_GRID, linewidth=0.6)
        ax.set_xlabel(_plain(x_label))
        ax.axvline(0, color=_EDGE, linewidth=1.2, gid="zero-line", zorder=3)
        ax.spines["left"].set_visible(False)
        for row, i in enumerate(order):
            value = numbers[i]
            if value is None:
                _missing(ax, (0, row), f"missing-{i}", "left", "center", (4, 0))
                continue
            gain = float(value) >= 0
            (bar,) = ax.barh(row, float(value), 0.7, **(_gain_style() if gain else _loss_style()))
            bar.set_gid(f"bar-{i}")
            text = format_value(value, decimals=decimals, decimal_comma=decimal_comma, signed=True)
            offset, ha = ((3, 0), "left") if gain else ((-3, 0), "right")
            _value_label(ax, text, (float(value), row), offset, ha, "center", f"value-{i}")

    return _horizontal("change_bars", title, wrapped, draw, show_title)


@_memoised
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
    m, k = len(x_labels), len(series)
    labelled = (k == 1) if show_values is None else show_values
    plot_width_pt = _WIDTH_CM * _CM * 72 - 70 - (45 if bands else 0)
    labels = [_wrap(x, max(6, int(plot_width_pt / m / (0.62 * _FONT_SIZE)))) for x in x_labels]
    label_lines = max(label.count("\n") + 1 for label in labels)
    height = 8.0 + 0.42 * (label_lines - 1) + 0.5 * math.ceil(k / 4) * (k > 1) + _title_height(title, show_title)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        _title(fig, title, show_title)
        ax.set_ylim(low - 0.25, high + 0.35)
        ax.set_xlim(-0.4, m - 0.6)
        _value_axis(ax, "y", low, high)
        ax.set_ylabel(_plain(y_label))
        if bands:
            _draw_bands(ax, bands, "y")
        handles = []
        for j, values in enumerate(rows):
            ys = [math.nan if v is None else float(v) for v in values]
            (line,) = ax.plot(range(m), ys, gid=f"line-{j}", zorder=4, **_line_style(j))
            handles.append(line)
            if not labelled:
                continue
            for i, value in enumerate(values):
                if value is not None:
                    text = format_value(value, decimals=decimals, decimal_comma=decimal_comma)
                    _value_label(ax, text, (i, float(value)), (0, 7), "center", "bottom", f"value-{j}-{i}")
        ax.set_xticks(range(m), [_plain(label) for label in labels])
        if k > 1:
            _legend(ax, handles, [name for name, _ in series], handlelength=3.2)

    return _render("trend_lines", title, height, draw)


@_memoised
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
    wrapped = [_wrap(c, 30) for c in categories]

    def draw(fig: Figure, ax: Axes) -> None:
        ax.set_xlim(low - 0.3, high + 0.45)
        _value_axis(ax, "x", low, high)
        if bands:
            _draw_bands(ax, bands, "x")
        for row in range(n):
            a, b, mid, mine = lows[row], highs[row], medians[row], owns[row]
            if a is not None and b is not None:
                (box,) = ax.barh(row, float(b) - float(a), 0.56, left=float(a), **_range_style())
                box.set_gid(f"range-{row}")
            if mid is not None:
                style = {**_median_style(), "zorder": 6}  # over the own diamond (zorder 5)
                ax.plot([float(mid)] * 2, [row - 0.36, row + 0.36], gid=f"median-{row}", **style)
            if mine is None:
                ax.annotate(
                    missing_label,
                    (low, row),
                    xytext=(2, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    fontstyle="italic",
                    color=_EDGE,
                    gid=f"missing-own-{row}",
                    zorder=7,
                    annotation_clip=False,
                )
                continue
            ax.plot([float(mine)], [row], gid=f"own-{row}", zorder=5, **_own_style())
            text = format_value(mine, decimals=decimals, decimal_comma=decimal_comma)
            _value_label(
                ax, text, (float(mine), row), (8, 0), "left", "center", f"value-own-{row}", bold=True, ground=False
            )
        tick = Line2D([], [], color=_EDGE, marker="|", markersize=13, markeredgewidth=2.5, linestyle="none")
        peer = (Patch(**_range_style()), tick)
        _legend(ax, [peer, Line2D([], [], **_own_style())], [peer_label, own_label], above_bands=bool(bands))

    return _horizontal("benchmark_ranges", title, wrapped, draw, show_title, legend=True)


# --- Drawing helpers -------------------------------------------------------------------


def _horizontal(
    kind: str,
    title: str,
    wrapped: Sequence[str],
    draw: Callable[[Figure, Axes], None],
    show_title: bool,
    legend: bool = False,
) -> str:
    """A chart with one row per label, top to bottom; height grows with the rows."""
    rows_cm = sum(max(0.62, 0.2 + 0.42 * (label.count("\n") + 1)) for label in wrapped)
    height = 2.6 + rows_cm + (0.7 if legend else 0) + _title_height(title, show_title)

    def build(fig: Figure) -> None:
        ax = fig.add_subplot()
        _title(fig, title, show_title)
        ax.set_ylim(len(wrapped) - 0.5, -0.5)  # first row on top
        ax.set_yticks(range(len(wrapped)), [_plain(label) for label in wrapped])
        ax.tick_params(axis="y", length=0)
        draw(fig, ax)

    return _render(kind, title, height, build)


def _render(kind: str, title: str, height_cm: float, draw: Callable[[Figure], None]) -> str:
    rc = dict(_RC)
    # Ids of hatch patterns and clip paths derive from this salt: fixed, so the output is
    # deterministic, and different per chart, so two charts on one page rarely share ids.
    rc["svg.hashsalt"] = f"edmonitor:{kind}:{title}"
    buffer = io.StringIO()
    with _LOCK, matplotlib.rc_context(rc):
        # A bare Figure, never pyplot: nothing is registered globally, nothing to close.
        layout = ConstrainedLayoutEngine(w_pad=4 / 72, h_pad=4 / 72)
        fig = Figure(figsize=(_WIDTH_CM * _CM, height_cm * _CM), layout=layout)
        draw(fig)
        fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    return _finish_svg(buffer.getvalue(), title)


def _title(fig: Figure, title: str, show: bool) -> None:
    if show:
        fig.suptitle(_plain(_wrap(title, 68)), x=0.01, ha="left", fontweight="bold")


def _title_height(title: str, show: bool) -> float:
    return 0.55 * (_wrap(title, 68).count("\n") + 1) if show else 0.0


def _legend(
    ax: Axes, handles: Sequence[Any], labels: Sequence[str], *, above_bands: bool = False, handlelength: float = 2.0
) -> None:
    """The legend in rows of at most four, read left to right, between title and plot."""
    count = len(handles)
    columns = count if count <= 4 else math.ceil(count / math.ceil(count / 4))
    # matplotlib fills a legend column by column; this order makes it read row by row.
    order = [i for column in range(columns) for i in range(column, count, columns)]
    # Anchored to the axes, so constrained layout makes room for it below the title;
    # lifted over the band labels when those are on top.
    lift = ScaledTranslation(0, (16 if above_bands else 4) / 72, ax.figure.dpi_scale_trans)
    ax.legend(
        [handles[i] for i in order],
        [_plain(labels[i]) for i in order],
        loc="lower left",
        bbox_to_anchor=(0, 1),
        bbox_transform=ax.transAxes + lift,
        borderaxespad=0,
        ncols=columns,
        frameon=False,
        handlelength=handlelength,
        # A tuple of handles is drawn on top of each other (the peers' box and median).
        handler_map={tuple: HandlerTuple(ndivide=1)},
    )


def _value_axis(ax: Axes, axis: Literal["x", "y"], low: float, high: float) -> None:
    """Integer ticks over the scale only, light grid lines at them."""
    ticks = list(range(math.ceil(low), math.floor(high) + 1))
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(FuncFormatter(lambda v, _: str(round(v))))
    ax.grid(axis=axis, color=_GRID, linewidth=0.6)


def _draw_bands(ax: Axes, bands: Sequence[Band], axis: Literal["x", "y"]) -> None:
    """Grey background bands, dashed lines where two bands meet, labels beside the plot."""
    ordered = sorted(bands, key=lambda band: band.low)
    span = ax.axhspan if axis == "y" else ax.axvspan
    line = ax.axhline if axis == "y" else ax.axvline
    for i, band in enumerate(ordered):
        span(band.low, band.high, color=_BAND_GREYS[i % len(_BAND_GREYS)], zorder=0, linewidth=0, gid=f"band-{i}")
    edges = {band.low for band in ordered} | {band.high for band in ordered}
    inner = sorted(edges - {ordered[0].low, ordered[-1].high})
    for i, edge in enumerate(inner):
        line(edge, color=_MUTED_TEXT, linewidth=0.9, linestyle=(0, (4, 3)), zorder=1, gid=f"band-boundary-{i}")
    # The labels are the ticks of a second axis, so constrained layout makes room for them.
    side = ax.secondary_yaxis("right") if axis == "y" else ax.secondary_xaxis("top")
    side.set_ticks([(band.low + band.high) / 2 for band in ordered], labels=[_plain(b.label) for b in ordered])
    side.tick_params(length=0, labelsize=_SMALL_FONT_SIZE, labelcolor=_MUTED_TEXT)
    for spine in side.spines.values():
        spine.set_visible(False)


def _value_label(
    ax: Axes,
    text: str,
    xy: tuple[float, float],
    offset: tuple[float, float],
    ha: str,
    va: str,
    gid: str,
    *,
    bold: bool = False,
    upright: bool = False,
    ground: bool = True,
) -> None:
    ax.annotate(
        text,
        xy,
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        rotation=90 if upright else 0,
        fontsize=_SMALL_FONT_SIZE,
        fontweight="bold" if bold else "normal",
        gid=gid,
        zorder=6,
        # A white ground keeps the number legible where a band boundary or grid line runs.
        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"} if ground else None,
    )


def _missing(ax: Axes, xy: tuple[float, float], gid: str, ha: str, va: str, offset: tuple[float, float]) -> None:
    """The dash that stands where a missing value would be drawn."""
    ax.annotate(
        "\u2013",
        xy,
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=_TITLE_FONT_SIZE,
        fontweight="bold",
        color=_EDGE,
        gid=gid,
        zorder=6,
        annotation_clip=False,
    )


def _bar_style(series: int) -> dict[str, Any]:
    return {
        "facecolor": _SERIES_COLOURS[series],
        "hatch": _SERIES_HATCHES[series] or None,
        "edgecolor": _EDGE,
        "linewidth": 0.6,
        "zorder": 2,
    }


def _highlight_style() -> dict[str, Any]:
    return {"facecolor": OKABE_ITO["orange"], "hatch": "///", "edgecolor": _EDGE, "linewidth": 0.6, "zorder": 2}


def _gain_style() -> dict[str, Any]:
    return {"facecolor": OKABE_ITO["blue"], "edgecolor": _EDGE, "linewidth": 0.6, "zorder": 2}


def _loss_style() -> dict[str, Any]:
    return {"facecolor": OKABE_ITO["vermillion"], "hatch": "///", "edgecolor": _EDGE, "linewidth": 0.6, "zorder": 2}


def _range_style() -> dict[str, Any]:
    return {"facecolor": OKABE_ITO["sky_blue"], "edgecolor": _EDGE, "linewidth": 0.6, "zorder": 2}


def _median_style() -> dict[str, Any]:
    return {"color": _EDGE, "linewidth": 2.5, "solid_capstyle": "butt", "zorder": 3}


def _own_style() -> dict[str, Any]:
    return {
        "marker": "D",
        "markersize": 9,
        "markerfacecolor": OKABE_ITO["vermillion"],
        "markeredgecolor": _EDGE,
        "markeredgewidth": 0.8,
        "linestyle": "none",
    }


def _line_style(series: int) -> dict[str, Any]:
    return {
        "color": _SERIES_COLOURS[series],
        "linestyle": _LINE_STYLES[series],
        "linewidth": 2,
        "marker": _MARKERS[series],
        "markersize": 8,
        "markeredgecolor": _EDGE,
        "markeredgewidth": 0.7,
    }


# --- Input checks and text -------------------------------------------------------------


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
    """The values with NaN as None, checked for length and, given a scale, range."""
    if len(values) != count:
        raise ValueError(f"{what}: {len(values)} values for {count} labels")
    result: list[Value | None] = []
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            result.append(None)
            continue
        if scale is not None and not float(scale[0]) <= float(value) <= float(scale[1]):
            raise ValueError(f"{what}: {value} lies outside the scale {scale[0]}–{scale[1]}")
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


# Advance widths in DejaVu Sans (em) of the characters of value labels.
_DIGIT_EM, _NARROW_EM, _SIGN_EM = 0.636, 0.318, 0.838


def _text_width(text: str, size: float) -> float:
    """The width in pt of a value label such as "−0,4"."""
    ems = sum(_DIGIT_EM if c.isdigit() else _NARROW_EM if c in ",." else _SIGN_EM for c in text)
    return ems * size


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=True)


def _plain(text: str) -> str:
    """Caller text shown literally: a pair of "$" would otherwise start mathtext."""
    return text.replace("$", r"\$")


# --- SVG post-processing ---------------------------------------------------------------


def _finish_svg(raw: str, title: str) -> str:
    """Accessible, CSP-friendly SVG: role, title, no <style>, no style attributes."""
    root = ET.fromstring(raw)
    # matplotlib's only style sheet is "*{stroke-linejoin: round; stroke-linecap: butt}";
    # both properties inherit, so attributes on the root do the same.
    for defs in root.findall(f"{{{_SVG_NS}}}defs"):
        for style in defs.findall(f"{{{_SVG_NS}}}style"):
            defs.remove(style)
        if len(defs) == 0:
            root.remove(defs)
    for metadata in root.findall(f"{{{_SVG_NS}}}metadata"):
        root.remove(metadata)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for element in root.iter():
        declarations = element.attrib.pop("style", None)
        if declarations is None:
            continue
        kept = []
        for declaration in declarations.split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if not name:
                continue
            if name in _PRESENTATION_ATTRIBUTES:
                element.set(name, value)
            else:
                kept.append(f"{name}: {value}")
        if kept:
            element.set("style", "; ".join(kept))
    for element in root.iter():
        if element is root:
            continue
        for name in _GEOMETRY_ATTRIBUTES & element.attrib.keys():
            element.set(name, _compact_numbers(element.attrib[name]))
        if _NO_ROTATION.fullmatch(element.get("transform", "x")):
            del element.attrib["transform"]
    # One font for all text: say it once on the root (it inherits) instead of per text.
    text_elements = list(root.iter(f"{{{_SVG_NS}}}text"))
    families = {element.get("font-family") for element in text_elements}
    if len(families) == 1 and None not in families:
        root.set("font-family", families.pop() or "")
        for element in text_elements:
            del element.attrib["font-family"]
    root.set("role", "img")
    root.set("aria-label", title)
    title_element = ET.Element(f"{{{_SVG_NS}}}title")
    title_element.text = title
    root.insert(0, title_element)
    return _serialise(root)


def _serialise(root: ET.Element) -> str:
    """The SVG as text with its usual prefixes (``<svg xmlns=...>``, ``xlink:href``), whatever ran before.

    ElementTree picks prefixes from one process-wide table that any library may change
    (``ET.register_namespace``; WeasyPrint, for one, maps "" to no namespace when it writes PDF
    metadata, after which every chart came out as ``<ns0:svg ...>``). So names are written
    without namespaces and the two declarations are set as plain attributes: the table is never
    consulted and the same chart gives the same bytes in any process.
    """
    uses_xlink = False
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{_SVG_NS}}}")
        if any(name.startswith(f"{{{_XLINK_NS}}}") for name in element.attrib):
            uses_xlink = True
            renamed = {name.replace(f"{{{_XLINK_NS}}}", "xlink:"): value for name, value in element.attrib.items()}
            element.attrib.clear()
            element.attrib.update(renamed)  # in the same order
    unexpected = {el.tag for el in root.iter() if "{" in el.tag} | {
        name for el in root.iter() for name in el.attrib if "{" in name
    }
    if unexpected:
        raise ValueError(f"SVG names in an unexpected namespace: {sorted(unexpected)}")
    declarations = {"xmlns": _SVG_NS} | ({"xmlns:xlink": _XLINK_NS} if uses_xlink else {})
    attributes = declarations | dict(root.attrib)
    root.attrib.clear()
    root.attrib.update(attributes)
    return ET.tostring(root, encoding="unicode")


# Coordinates to 1/100 pt (about 4 µm) are exact enough and keep the file small.
_GEOMETRY_ATTRIBUTES = frozenset({"d", "x", "y", "transform", "width", "height"})
_LONG_NUMBER = re.compile(r"-?\d+\.\d{3,}")
_NO_ROTATION = re.compile(r"rotate\(-?0 [-\d. ]+\)")


def _compact_numbers(value: str) -> str:
    value = _LONG_NUMBER.sub(lambda m: f"{float(m.group()):.2f}".rstrip("0").rstrip("."), value)
    return " ".join(value.split())
