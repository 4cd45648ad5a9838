"""Write edmonitor/core/data/dejavu_widths.json: advance widths of DejaVu Sans and DejaVu Sans Bold.

The report charts (``edmonitor/core/charts.py``) lay out their text without a font engine:
they add up these advance widths to size label columns, wrap long labels and keep every text
inside the chart. The table covers the characters the charts meet (Latin-1, Latin
Extended-A, general punctuation and a few signs such as the minus U+2212); the charts give
any other character the width of "M", which is wider than almost every glyph.

    python scripts/font_widths.py [--fonts /usr/share/fonts/truetype/dejavu]

The fonts are Debian's fonts-dejavu-core (``scripts/ensure-system-packages.sh``); the test
``edmonitor/reports/tests/test_charts.py`` checks the table against the installed files.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "edmonitor" / "core" / "data" / "dejavu_widths.json"
FONTS = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
# Basic Latin and Latin-1, Latin Extended-A, general punctuation, then single signs:
# € ™ − ≈ ≤ ≥.
RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F)]
SIGNS = [0x20AC, 0x2122, 0x2212, 0x2248, 0x2264, 0x2265]


def characters() -> Iterator[str]:
    for first, last in RANGES:
        for code in range(first, last + 1):
            yield chr(code)
    yield from map(chr, SIGNS)


def shown(character: str) -> bool:
    """A character that takes room on a line: no controls, format characters or line separators."""
    return unicodedata.category(character) not in {"Cc", "Cf", "Zl", "Zp", "Cn"}


def widths(font: TTFont, wanted: list[str]) -> dict[str, int]:
    cmap = font.getBestCmap()
    metrics = font["hmtx"]
    return {c: metrics[cmap[ord(c)]][0] for c in wanted if ord(c) in cmap}


def table(folder: Path) -> dict[str, object]:
    fonts = {name: TTFont(folder / file) for name, file in FONTS.items()}
    regular = fonts["regular"]
    wanted = [c for c in characters() if shown(c)]
    # Only characters both faces have, so a text measures the same way in either.
    per_font = {name: widths(font, wanted) for name, font in fonts.items()}
    common = [c for c in wanted if all(c in w for w in per_font.values())]
    return {
        "about": "Advance widths in font units of DejaVu Sans, written by scripts/font_widths.py; do not edit.",
        "units_per_em": regular["head"].unitsPerEm,
        "ascent": regular["hhea"].ascent,
        "descent": -regular["hhea"].descent,
        "fonts": {
            name: {
                "file": FONTS[name],
                "version": fonts[name]["name"].getDebugName(5),
                "widths": {c: per_font[name][c] for c in common},
            }
            for name in FONTS
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fonts", type=Path, default=Path("/usr/share/fonts/truetype/dejavu"))
    args = parser.parse_args(argv)
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(json.dumps(table(args.fonts), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
