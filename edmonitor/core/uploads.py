"""Checks for uploaded and imported files: a size limit and UTF-8 text, and how deeply JSON nests.

Every upload and CSV import (web forms, ``load_live``) reads its file through
:func:`check_upload`, so a huge or binary file is refused with a clear message before
anything parses it. The limit is the setting ``EDMONITOR_MAX_IMPORT_BYTES`` (1 MB by
default, environment variable of the same name); ``import_organisation`` and ``restore``
apply it too, or their ``--max-bytes`` (``edmonitor/transfer/files.py``), and check
:func:`json_depth` before they parse.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


def check_upload(file: IO[bytes] | Any, *, max_bytes: int | None = None) -> bytes:
    """The file's content, if it is at most ``max_bytes`` (default: the setting) and UTF-8 text.

    ``file`` is a Django ``UploadedFile`` or any binary file object (an open file from the
    command line). Reads no more than the limit plus one byte. Raises ``ValidationError``
    with code ``too_large`` or ``not_text``.
    """
    limit = settings.EDMONITOR_MAX_IMPORT_BYTES if max_bytes is None else max_bytes
    name = getattr(file, "name", None) or _("the file")
    too_large = ValidationError(
        _("%(name)s is too large: at most %(limit)s can be imported."),
        code="too_large",
        params={"name": name, "limit": filesizeformat(limit)},
    )
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > limit:
        raise too_large
    if hasattr(file, "seek"):
        file.seek(0)
    parts: list[bytes] = []
    read = 0
    while read <= limit:
        chunk = file.read(min(CHUNK, limit + 1 - read))
        if not chunk:
            break
        parts.append(chunk)
        read += len(chunk)
    if read > limit:  # the reported size was missing or wrong
        raise too_large
    content = b"".join(parts)
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        valid = False
    else:
        valid = b"\x00" not in content  # text never holds NUL bytes; binary files (Excel, zip) do
    if not valid:
        raise ValidationError(
            _("%(name)s is not a text file in UTF-8. Save it as “CSV UTF-8” (or JSON) and try again."),
            code="not_text",
            params={"name": name},
        )
    return content


# A JSON string, escapes included: brackets inside strings do not nest anything. A string the
# text never closes runs to its end (as it does for a JSON parser): so every match attempt at a
# quote succeeds and the scan stays linear (a pattern that fails there would start again at every
# following quote: '"' followed by 40,000 '\\"' took 24 s).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\(?:.|\Z)[^"\\]*)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (``[]`` is 1, ``{"a": [1]}`` is 2).

    A linear scan that needs no parsing: strings are taken out, then the brackets are counted
    (unclosed ones too, since a parser would recurse into them before finding the error).
    ``json.loads`` has no depth limit of its own: 100,000 nested brackets end in a
    ``RecursionError``, so a reader checks this first.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)
