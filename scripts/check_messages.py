"""Compile the translation catalogues with polib, or check them (--check).

--check fails when a string in the code or templates is missing from a catalogue (or a
catalogue holds one the code no longer has), when a Dutch msgid lacks a translation, an
entry is fuzzy, or a committed .mo file is not the compilation of its .po file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "edmonitor" / "locale"
# Extracted messages listed before the check stops: one forgotten `make messages` can add hundreds.
MAX_LISTED = 20


def _keys(po_path: Path) -> set[tuple[str | None, str, str]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in polib.pofile(str(po_path)) if not e.obsolete}


def extraction_problems() -> list[str]:
    """Messages the catalogues lack or keep in vain: makemessages (GNU xgettext) run on a copy of the tree."""
    if shutil.which("xgettext") is None:
        return ["xgettext (Debian package gettext) is missing: scripts/ensure-system-packages.sh --browser installs it"]
    files = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
        )
        .stdout.decode()
        .split("\0")
    )
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        for name in filter(None, files):
            if (ROOT / name).is_file():
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, copy / name)
        subprocess.run(
            [sys.executable, "../manage.py", "makemessages", "-l", "nl", "-l", "en", "--no-obsolete", "--no-location"]
            + ["-v", "0"],
            cwd=copy / "edmonitor",
            check=True,
        )
        for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
            fresh = _keys(copy / po_path.relative_to(ROOT))
            kept = _keys(po_path)
            for verb, keys in (("lacks", fresh - kept), ("keeps a message no longer used", kept - fresh)):
                problems += [f"{po_path} {verb}: {key[1]!r}" for key in sorted(keys, key=str)[:MAX_LISTED]]
                if len(keys) > MAX_LISTED:
                    problems.append(f"{po_path} {verb}: ... and {len(keys) - MAX_LISTED} more")
    if problems:
        problems.append("run `make messages` and translate what is new")
    return problems


def compiled(po_path: Path) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "django.mo"
        polib.pofile(str(po_path)).save_as_mofile(str(out))
        return out.read_bytes()


def main(check: bool) -> int:
    failures = extraction_problems() if check else []
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
