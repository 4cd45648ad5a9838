"""A command's output, to stdout or to a file written whole (``export_organisation``, ``backup``).

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

from django.core.management.base import CommandError, OutputWrapper
from django.utils.translation import gettext as _

EXIT_BAD_INPUT = 2


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
