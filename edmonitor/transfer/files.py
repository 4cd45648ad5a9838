"""A command's files: its output, to stdout or written whole (``export_organisation``, ``backup``), and
its input, read within a size limit and refused when it nests deeper than its format (``import_organisation``,
``restore``).

A file is written beside its target under a temporary name, flushed to disk and renamed
into place: a reader never sees half a file, and an interrupted run leaves the previous
file as it was. The temporary file is created readable by its owner only
(:func:`tempfile.mkstemp`), and so stays the result: exports and backups hold personal data.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from edmonitor.core.uploads import json_depth

EXIT_BAD_INPUT = 2


class InputRefused(Exception):
    """A command's input file refused before it is parsed: too large, or nested too deeply."""


def add_max_bytes(parser: CommandParser) -> None:
    """The ``--max-bytes N`` option of a command that reads a file (default: the import limit of the web)."""
    parser.add_argument(
        "--max-bytes",
        type=_byte_count,
        default=None,
        metavar="N",
        help="Refuse a file larger than N bytes (default: EDMONITOR_MAX_IMPORT_BYTES, %(limit)s)."
        % {"limit": settings.EDMONITOR_MAX_IMPORT_BYTES},
    )


def _byte_count(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) < 1:
        raise ValueError(text)  # argparse: "invalid _byte_count value"; exit status 2 on the command line
    return int(text)


def read_input(path: Path, *, max_bytes: int | None, max_depth: int) -> str:
    """The text of a JSON file a command reads, checked before anything parses it.

    Raises :class:`InputRefused` when it is larger than ``max_bytes`` (default: the setting
    ``EDMONITOR_MAX_IMPORT_BYTES``; read no further than the limit) or its arrays and objects
    nest deeper than ``max_depth`` (``json.loads`` would end in a ``RecursionError``), and
    ``OSError`` / ``UnicodeDecodeError`` when it cannot be read as UTF-8 text.
    """
    limit = settings.EDMONITOR_MAX_IMPORT_BYTES if max_bytes is None else max_bytes
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputRefused(
            _(
                "the file is larger than %(limit)s bytes, the limit for imports. "
                "To read a larger file, give --max-bytes with its size or more."
            )
            % {"limit": limit}
        )
    text = data.decode("utf-8")
    depth = json_depth(text)
    if depth > max_depth:
        raise InputRefused(
            _("the JSON nests %(depth)s levels deep, and this format has at most %(max)s.")
            % {"depth": depth, "max": max_depth}
        )
    return text


class _Unterminated:
    """Command stdout as a plain text stream: ``write`` adds no line ending."""

    def __init__(self, stdout: OutputWrapper) -> None:
        self.stdout = stdout

    def write(self, text: str) -> None:
        self.stdout.write(text, ending="")


def write_output(stdout: OutputWrapper, output: str | None, write: Callable[[TextIO], Any]) -> None:
    """Call ``write`` with stdout, or, when ``output`` names a file, with that file opened for writing whole."""
    if not output:
        write(_Unterminated(stdout))  # type: ignore[arg-type]
        return
    target = Path(output)
    try:
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise cannot_write(target, exc) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(target, exc) from exc
        raise


def cannot_write(target: Path, exc: OSError) -> CommandError:
    return CommandError(
        _("%(file)s: cannot write: %(error)s") % {"file": target, "error": exc.strerror or exc},
        returncode=EXIT_BAD_INPUT,
    )
