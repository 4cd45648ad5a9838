"""Compile the translation catalogues with polib, or check them (--check).

--check fails when a Dutch msgid lacks a translation, an entry is fuzzy, or a
committed .mo file is not the compilation of its .po file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "edmonitor" / "locale"


def compiled(po_path: Path) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "django.mo"
        polib.pofile(str(po_path)).save_as_mofile(str(out))
        return out.read_bytes()


def main(check: bool) -> int:
    failures = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        if po_path.parts[-3] == "nl":
            for entry in po:
                if entry.obsolete:
                    continue
                if not entry.translated():
                    failures.append(f"{po_path}: untranslated or fuzzy: {entry.msgid!r}")
        if check:
            if not mo_path.exists() or mo_path.read_bytes() != compiled(po_path):
                failures.append(f"{mo_path} is out of date: run `make messages`")
        else:
            mo_path.write_bytes(compiled(po_path))
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
