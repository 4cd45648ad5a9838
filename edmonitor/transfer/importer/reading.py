"""The reading and checking machinery: the reader that collects every problem with its JSON path, the limits.

:class:`_Reader` checks one value at a time (an object's keys, texts, numbers, dates, times,
choices, user names, instrument versions) and records each problem as ``path: message``; a value
that failed is :data:`BAD`, which the cross-checks skip. :func:`at` builds the paths.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from edmonitor.measurements.models import InstrumentVersion

_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SMALL_MAX = 32767  # PositiveSmallIntegerField
_INT_MAX = 2147483647  # PositiveIntegerField
_BATCH = 500  # rows per INSERT in the bulk writes (well under SQLite's limit of variables per statement)


class _Bad:
    """A value that failed its check (already reported); cross-checks skip it."""

    def __repr__(self) -> str:
        return "BAD"


BAD: Any = _Bad()


def at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class _Reader:
    """Checks the document part by part, collecting every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.user_refs: dict[str, list[str]] = {}  # user name -> paths where it is used
        self.versions: dict[tuple[str, str], InstrumentVersion | None] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    # basic values

    def obj(self, value: Any, path: str, keys: tuple[str, ...]) -> dict[str, Any] | None:
        """An object with exactly these keys (a missing or an unknown key is a problem)."""
        if not isinstance(value, dict):
            self.problem(path, _("expected an object, found %(found)s") % {"found": _kind(value)})
            return None
        for key in keys:
            if key not in value:
                self.problem(at(path, key), _("this field is missing"))
        for key in value:
            if key not in keys:
                self.problem(at(path, str(key)), _("unknown field"))
        return value

    def get(self, d: dict[str, Any], key: str, path: str, check: Callable[[Any, str], Any]) -> Any:
        if key not in d:
            return BAD  # reported by obj()
        return check(d[key], at(path, key))

    def text(
        self, value: Any, path: str, *, nullable: bool = False, blank: bool = True, max_length: int | None = None
    ) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            return self._type(value, path, _("a text"), nullable)
        if not blank and not value.strip():
            self.problem(path, _("may not be empty"))
            return BAD
        if max_length is not None and len(value) > max_length:
            self.problem(path, _("is longer than %(max)s characters") % {"max": max_length})
            return BAD
        return value

    def integer(
        self, value: Any, path: str, *, nullable: bool = False, minimum: int = 0, maximum: int = _INT_MAX
    ) -> Any:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return self._type(value, path, _("a whole number"), nullable)
        if not minimum <= value <= maximum:
            self.problem(
                path, _("%(value)s is outside %(min)s–%(max)s") % {"value": value, "min": minimum, "max": maximum}
            )
            return BAD
        return value

    def boolean(self, value: Any, path: str) -> Any:
        if not isinstance(value, bool):
            return self._type(value, path, _("true or false"), False)
        return value

    def decimal(
        self, value: Any, path: str, *, places: int, digits: int, nullable: bool = True, minimum: int | None = None
    ) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            return self._type(value, path, _('a number written as text, such as "2.5"'), nullable)
        if not _DECIMAL.fullmatch(value):
            self.problem(path, _("'%(value)s' is not a number such as \"2.5\"") % {"value": value})
            return BAD
        number = Decimal(value)
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)  # finite: the pattern admits no NaN or Infinity
        if -exponent > places:
            self.problem(path, _("'%(value)s' has more than %(places)s decimals") % {"value": value, "places": places})
            return BAD
        if number.adjusted() + 1 > digits - places:
            self.problem(path, _("'%(value)s' is too large") % {"value": value})
            return BAD
        if minimum is not None and number < minimum:
            self.problem(path, _("'%(value)s' is less than %(min)s") % {"value": value, "min": minimum})
            return BAD
        return number

    def fact(self, value: Any, path: str) -> Any:
        """A fact's value: any finite decimal written as text (kept as written, e.g. ``"12.50"``)."""
        if not isinstance(value, str):
            return self._type(value, path, _('a number written as text, such as "2.5"'), False)
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.problem(path, _("'%(value)s' is not a number such as \"2.5\"") % {"value": value})
            return BAD
        return number

    def date(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            return self._type(value, path, _("a date (YYYY-MM-DD)"), False)
        try:
            if not _DATE.fullmatch(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(path, _("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": value})
            return BAD

    def time(self, value: Any, path: str, *, nullable: bool = False) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            return self._type(value, path, _("a time (ISO 8601 with time zone)"), nullable)
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None or not _DATE.match(value):
            self.problem(path, _("'%(value)s' is not a time in ISO 8601 with a time zone") % {"value": value})
            return BAD
        return parsed.astimezone(dt.UTC)

    def choice(self, value: Any, path: str, choices: list[str], *, nullable: bool = False) -> Any:
        if value is None and nullable:
            return None
        if value not in choices or not isinstance(value, str):
            self.problem(
                path, _("%(value)s is not one of %(choices)s") % {"value": _show(value), "choices": ", ".join(choices)}
            )
            return BAD
        return value

    def array(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            self._type(value, path, _("a list"), False)
            return []
        return value

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self._type(value, path, _("an object"), False)
            return {}
        return value

    def user(self, value: Any, path: str, *, nullable: bool = False) -> Any:
        name = self.text(value, path, nullable=nullable, blank=False)
        if isinstance(name, str):
            self.user_refs.setdefault(name, []).append(path)
        return name

    def _type(self, value: Any, path: str, expected: str, nullable: bool) -> Any:
        if nullable:
            expected = _("%(expected)s or null") % {"expected": expected}
        self.problem(path, _("expected %(expected)s, found %(found)s") % {"expected": expected, "found": _kind(value)})
        return BAD

    # instrument versions

    def version(self, value: Any, path: str, *, audit: bool) -> InstrumentVersion | None:
        d = self.obj(value, path, ("code", "version", "checksum"))
        if d is None:
            return None
        code = self.get(d, "code", path, self.text)
        number = self.get(d, "version", path, self.text)
        checksum = self.get(d, "checksum", path, self.text)
        if BAD in (code, number, checksum):
            return None
        key = (code, number)
        if key not in self.versions:
            self.versions[key] = InstrumentVersion.objects.filter(code=code, version=number).first()
        stored = self.versions[key]
        if stored is None:
            self.problem(
                path,
                _("the instrument version %(code)s %(version)s is not known in this database")
                % {"code": code, "version": number},
            )
            return None
        if stored.checksum != checksum:
            self.problem(
                at(path, "checksum"),
                _(
                    "this was recorded with a different definition of %(code)s %(version)s than the one stored here "
                    "(checksum %(theirs)s…, here %(ours)s…); it cannot be imported"
                )
                % {"code": code, "version": number, "theirs": checksum[:12], "ours": stored.checksum[:12]},
            )
            return None
        if (stored.definition.get("kind") == "audit") != audit:
            expected = _("an audit instrument") if audit else _("a questionnaire")
            self.problem(
                path,
                _("%(code)s %(version)s is not %(expected)s") % {"code": code, "version": number, "expected": expected},
            )
            return None
        return stored


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("the number %(value)s") % {"value": value}
    if isinstance(value, str):
        return _("the text '%(value)s'") % {"value": value[:40]}
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else _kind(value)
