"""Read an ``edmonitor-organisation`` export (``FORMAT.md``) back into the database, all or nothing.

:func:`import_organisation` first checks the whole document — structure, types, every
value against its instrument, the audit rules, and what must already exist here (the
instrument versions with the same definition checksum, the user accounts; no other
organisation of the same name) — and reports every problem with its JSON path, e.g.
``measurements[3].items.4a.score: 7 is outside 1–5``. Only a document without problems
is written, in one transaction: a failure half-way (or a killed process) leaves nothing.

Measurements are recreated through :func:`~edmonitor.measurements.services.record_measurement`,
so scores of derived items, totals and levels come from the scoring engine; a total,
level or derived score in the file that the engine does not reproduce is a problem.
Audits are written in bulk, each row with its state (submitted, consensus, finalised,
amendments) as exported; the rules of :mod:`edmonitor.audits.services` are checked on
the data as a whole, since the steps that led to it are history. The simple-history
trail of the source database does not travel: the imported rows start a new trail,
recorded as made by "system" at the time of the import.

Test hook: every object written is counted by :class:`~edmonitor.core.killpoint.WriteCounter`,
which can pause the import inside its transaction (``EDMONITOR_IMPORT_PAUSE_AFTER=N``) so a
test can kill the process there. Unset (always, outside tests), it does nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from edmonitor.audits.models import Amendment, Audit, Auditor, Phase, Position, Rating, Recommendation, ThemeRecord
from edmonitor.core.killpoint import WriteCounter
from edmonitor.instruments.audit import consensus_outside
from edmonitor.instruments.definition import AuditInstrument, Instrument
from edmonitor.instruments.scoring import MeasurementInput, score
from edmonitor.measurements.models import InstrumentVersion, Level, Measurement
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations.models import Facility, Membership, Organisation, Role, Sector

from .export import FORMAT, FORMAT_VERSION, decimal_text

_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SMALL_MAX = 32767  # PositiveSmallIntegerField
_INT_MAX = 2147483647  # PositiveIntegerField
_BATCH = 500  # rows per INSERT in the bulk writes (well under SQLite's limit of variables per statement)


@dataclass
class ImportReport:
    """The outcome: either ``problems`` (nothing stored) or what was (or, in a dry run, would be) stored."""

    dry_run: bool
    problems: list[str] = field(default_factory=list)
    name: str = ""
    organisation: Organisation | None = None  # None when refused, and in a dry run
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Bad:
    """A value that failed its check (already reported); cross-checks skip it."""

    def __repr__(self) -> str:
        return "BAD"


BAD: Any = _Bad()


def at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# --- the plan: validated values, ready to write --------------------------------------------


@dataclass
class _MeasurementPlan:
    version: InstrumentVersion
    measured_on: dt.date
    label: str
    facility: str | None
    inp: MeasurementInput
    notes: dict[str, str]
    origin: str
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass
class _AuditPlan:
    version: InstrumentVersion
    held_on: dt.date
    facility: str | None
    participants: str
    auditors: list[tuple[int, str, str, dt.datetime | None]]  # order, user name, position, submitted_at
    themes: dict[str, dict[str, Any]]
    ratings: list[tuple[int, str, int | None, str]]  # auditor order, theme, score, rationale
    strengths: str
    improvements: str
    recommendations: list[tuple[str, str, int]]  # theme, text, order
    finalised_at: dt.datetime | None
    finalised_by: str | None
    amendments: list[tuple[str, dt.datetime, str, list[dict[str, str]]]]
    created_by: str | None
    created_at: dt.datetime


@dataclass
class _Plan:
    name: str
    sector: str
    clients: int | None
    staff_fte: Decimal | None
    created_at: dt.datetime
    facilities: list[str]
    roles: list[tuple[str, str]]
    measurements: list[_MeasurementPlan]
    audits: list[_AuditPlan]


# --- reading and checking ------------------------------------------------------------------


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


TOP_KEYS = ("format", "format_version", "organisation", "facilities", "roles", "measurements", "audits")
ORGANISATION_KEYS = ("name", "sector", "clients", "staff_fte", "created_at")
MEASUREMENT_KEYS = (
    "instrument",
    "measured_on",
    "label",
    "facility",
    "facts",
    "criteria",
    "items",
    "total",
    "level",
    "printed_total",
    "printed_level",
    "origin",
    "created_by",
    "created_at",
    "updated_at",
)
ITEM_KEYS = ("score", "derived", "goal", "note")
AUDIT_KEYS = (
    "instrument",
    "held_on",
    "facility",
    "phase",
    "ratings_withheld",
    "participants",
    "auditors",
    "themes",
    "conclusion",
    "recommendations",
    "finalised_at",
    "finalised_by",
    "amendments",
    "created_by",
    "created_at",
)
AUDITOR_KEYS = ("order", "user", "full_name", "position", "submitted_at")
THEME_KEYS = ("notes", "explanation", "consensus", "consensus_reason", "ratings")
RATING_KEYS = ("auditor", "score", "rationale")


def _validate(data: Any, r: _Reader) -> _Plan | None:
    if not isinstance(data, dict):
        r.problem("(file)", _("an export is a JSON object, found %(found)s") % {"found": _kind(data)})
        return None
    if data.get("format") != FORMAT:
        r.problem(
            "format",
            _("%(value)s is not an edmonitor organisation export (expected '%(format)s')")
            % {"value": _show(data.get("format")), "format": FORMAT},
        )
        return None
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version != FORMAT_VERSION:
        r.problem(
            "format_version",
            _("version %(found)s is not supported; this edmonitor reads version %(version)s")
            % {"found": _show(version), "version": FORMAT_VERSION},
        )
        return None
    top = r.obj(data, "", TOP_KEYS) or {}

    org = (r.obj(top["organisation"], "organisation", ORGANISATION_KEYS) if "organisation" in top else None) or {}
    name = r.get(org, "name", "organisation", lambda v, p: r.text(v, p, blank=False, max_length=200))
    if isinstance(name, str) and Organisation.objects.filter(name__iexact=name).exists():
        r.problem("organisation.name", _("an organisation with this name exists: '%(name)s'") % {"name": name})
    sector = r.get(org, "sector", "organisation", lambda v, p: r.choice(v, p, Sector.values))
    clients = r.get(org, "clients", "organisation", lambda v, p: r.integer(v, p, nullable=True))
    staff_fte = r.get(org, "staff_fte", "organisation", lambda v, p: r.decimal(v, p, places=2, digits=10, minimum=0))
    created_at = r.get(org, "created_at", "organisation", r.time)

    # In file order, and as a set for the lookups: every measurement and audit names its facility,
    # and a list scanned per lookup made a file with many facilities take quadratic time.
    facilities: list[str] = []
    facility_names: set[str] = set()
    for i, entry in enumerate(r.array(top.get("facilities", []), "facilities")):
        path = at("facilities", i)
        d = r.obj(entry, path, ("name",))
        if d is None:
            continue
        facility = r.get(d, "name", path, lambda v, p: r.text(v, p, blank=False, max_length=200))
        if isinstance(facility, str):
            if facility in facility_names:
                r.problem(at(path, "name"), _("the facility '%(name)s' is listed twice") % {"name": facility})
            facilities.append(facility)
            facility_names.add(facility)

    roles: list[tuple[str, str]] = []
    role_users: set[str] = set()
    for i, entry in enumerate(r.array(top.get("roles", []), "roles")):
        path = at("roles", i)
        d = r.obj(entry, path, ("user", "full_name", "role"))
        if d is None:
            continue
        user = r.get(d, "user", path, r.user)
        r.get(d, "full_name", path, r.text)  # for the reader only: accounts are matched by user name
        role = r.get(d, "role", path, lambda v, p: r.choice(v, p, Role.values))
        if isinstance(user, str) and user in role_users:
            r.problem(at(path, "user"), _("'%(user)s' has a role twice") % {"user": user})
        if BAD not in (user, role):
            roles.append((user, role))
            role_users.add(user)

    def facility_ref(value: Any, path: str) -> Any:
        if value is None:
            return None
        name = r.text(value, path, nullable=True)
        if isinstance(name, str) and name not in facility_names:
            r.problem(path, _("there is no facility '%(name)s' in facilities") % {"name": name})
            return BAD
        return name

    measurements = []
    for i, entry in enumerate(r.array(top.get("measurements", []), "measurements")):
        plan = _measurement(r, entry, at("measurements", i), facility_ref)
        if plan is not None:
            measurements.append(plan)
    audits = []
    for i, entry in enumerate(r.array(top.get("audits", []), "audits")):
        audit_plan = _audit(r, entry, at("audits", i), facility_ref)
        if audit_plan is not None:
            audits.append(audit_plan)

    _check_users(r)
    if r.problems:
        return None
    return _Plan(
        name=name,
        sector=sector,
        clients=clients,
        staff_fte=staff_fte,
        created_at=created_at,
        facilities=facilities,
        roles=roles,
        measurements=measurements,
        audits=audits,
    )


def _users_named(names: set[str]) -> list[Any]:
    """The user accounts with these names, a few hundred names per query.

    A file may name tens of thousands of users; one ``IN`` with a parameter each runs past
    SQLite's and PostgreSQL's limits of parameters per statement (a database error, not a
    problem report).
    """
    User = get_user_model()
    ordered = sorted(names)
    found: list[Any] = []
    for start in range(0, len(ordered), _BATCH):
        found += User.objects.filter(**{f"{User.USERNAME_FIELD}__in": ordered[start : start + _BATCH]})
    return found


def _check_users(r: _Reader) -> None:
    names = set(r.user_refs)
    present = {user.get_username() for user in _users_named(names)}
    missing = sorted(names - present)
    for name in missing:
        paths = r.user_refs[name]
        more = len(paths) - 1
        message = _("there is no user '%(user)s' in this database") % {"user": name}
        if more:
            message += " " + _("(used in %(n)s more places)") % {"n": more}
        r.problem(paths[0], message)
    if missing:
        r.problem(
            "(users)",
            _("missing user accounts: %(users)s. An import creates no users: create these accounts first.")
            % {"users": ", ".join(missing)},
        )


def _measurement(r: _Reader, entry: Any, path: str, facility_ref: Callable[[Any, str], Any]) -> _MeasurementPlan | None:
    d = r.obj(entry, path, MEASUREMENT_KEYS)
    if d is None:
        return None
    before = len(r.problems)
    version = r.get(d, "instrument", path, lambda v, p: r.version(v, p, audit=False))
    measured_on = r.get(d, "measured_on", path, r.date)
    label = r.get(d, "label", path, lambda v, p: r.text(v, p, max_length=120))
    facility = r.get(d, "facility", path, facility_ref)
    origin = r.get(d, "origin", path, lambda v, p: r.choice(v, p, Measurement.Origin.values))
    created_by = r.get(d, "created_by", path, lambda v, p: r.user(v, p, nullable=True))
    created_at = r.get(d, "created_at", path, r.time)
    updated_at = r.get(d, "updated_at", path, r.time)
    total = r.get(d, "total", path, lambda v, p: r.decimal(v, p, places=1, digits=3))
    level = r.get(d, "level", path, lambda v, p: r.choice(v, p, Level.values, nullable=True))
    printed_total = r.get(d, "printed_total", path, lambda v, p: r.decimal(v, p, places=1, digits=3))
    printed_level = r.get(d, "printed_level", path, lambda v, p: r.text(v, p, nullable=True, max_length=32))
    facts_raw = r.get(d, "facts", path, r.mapping)
    criteria_raw = r.get(d, "criteria", path, r.mapping)
    items_raw = r.get(d, "items", path, r.mapping)
    if version in (None, BAD):
        return None  # items, facts and criteria are checked against the instrument
    instrument = version.instrument

    facts: dict[str, Decimal] = {}
    for fact_id, text in (facts_raw if facts_raw is not BAD else {}).items():
        fpath = at(at(path, "facts"), fact_id)
        try:
            fact = instrument.fact(fact_id)
        except KeyError:
            r.problem(fpath, _("%(code)s has no fact '%(fact)s'") % {"code": instrument.key, "fact": fact_id})
            continue
        value = r.fact(text, fpath)
        if value is BAD:
            continue
        if fact.kind == "integer" and value != value.to_integral_value():
            r.problem(fpath, _("'%(value)s' must be a whole number") % {"value": text})
        elif value < fact.minimum or (fact.maximum is not None and value > fact.maximum):
            r.problem(fpath, _("%(value)s is outside the range of this fact") % {"value": text})
        else:
            facts[fact_id] = value

    criteria: dict[str, frozenset[str]] = {}
    for item_id, ticked in (criteria_raw if criteria_raw is not BAD else {}).items():
        cpath = at(at(path, "criteria"), item_id)
        item = _item(instrument, item_id)
        known = {c.id for c in item.derivation.criteria} if item and item.derivation else set()
        if not known:
            r.problem(
                cpath, _("%(code)s has no criteria for item '%(item)s'") % {"code": instrument.key, "item": item_id}
            )
            continue
        ids = r.array(ticked, cpath)
        for j, criterion in enumerate(ids):
            if criterion not in known:
                r.problem(
                    at(cpath, j),
                    _("%(value)s is not a criterion of item %(item)s") % {"value": _show(criterion), "item": item_id},
                )
        if len(set(map(str, ids))) != len(ids):
            r.problem(cpath, _("a criterion is listed twice"))
        criteria[item_id] = frozenset(str(c) for c in ids)

    direct: dict[str, int] = {}
    goals: dict[str, str] = {}
    notes: dict[str, str] = {}
    claimed: dict[str, tuple[int, bool]] = {}
    codes = [g.code for g in instrument.goal_codes]
    scale = {"minimum": instrument.scale_min, "maximum": instrument.scale_max, "nullable": True}
    for item_id, raw in (items_raw if items_raw is not BAD else {}).items():
        ipath = at(at(path, "items"), item_id)
        item = _item(instrument, item_id)
        if item is None:
            r.problem(ipath, _("%(code)s has no item '%(item)s'") % {"code": instrument.key, "item": item_id})
            continue
        i = r.obj(raw, ipath, ITEM_KEYS)
        if i is None:
            continue
        value = r.get(i, "score", ipath, lambda v, p: r.integer(v, p, **scale))
        derived = r.get(i, "derived", ipath, r.boolean)
        goal = r.get(i, "goal", ipath, lambda v, p: r.choice(v, p, codes, nullable=True))
        note = r.get(i, "note", ipath, r.text)
        if goal not in (None, BAD) and not item.goal_id:
            r.problem(at(ipath, "goal"), _("item %(item)s has no goal question") % {"item": item_id})
        if derived is True and value is None:
            r.problem(ipath, _("a derived item needs its score"))
        if value is None and goal is None and isinstance(note, str) and not note.strip():
            r.problem(ipath, _("holds nothing: give a score, a goal code or a note"))
        if BAD in (value, derived, goal, note):
            continue
        if value is not None:
            claimed[item_id] = (value, derived)
            if not derived:
                direct[item_id] = value
        if goal is not None:
            goals[item.goal_id] = goal
        if note.strip():
            notes[item_id] = note

    if len(r.problems) > before or BAD in (printed_total, printed_level):
        return None
    inp = MeasurementInput(
        direct=direct,
        facts=facts,
        criteria=criteria,
        goals=goals,
        printed_total=printed_total,
        printed_level=printed_level,
    )
    result, errors = score(instrument, inp)
    for error in errors:
        r.problem(_engine_path(path, error.field), error.text(_))
    if result is None:
        return None
    for item_id in sorted(set(claimed) | set(result.items), key=_item_order(instrument)):
        theirs = claimed.get(item_id)
        ours = (result.items[item_id], item_id in result.derived) if item_id in result.items else None
        if theirs != ours:
            r.problem(
                at(at(path, "items"), item_id),
                _("the file says %(theirs)s, the scoring engine gives %(ours)s")
                % {"theirs": _scored(theirs), "ours": _scored(ours)},
            )
    if BAD not in (total, level) and (total, level) != (result.total, result.level):
        r.problem(
            at(path, "total"),
            _("the file says %(theirs)s, the scoring engine gives %(ours)s")
            % {
                "theirs": f"{decimal_text(total, 1) or '—'} ({level or '—'})",
                "ours": f"{decimal_text(result.total, 1) or '—'} ({result.level or '—'})",
            },
        )
    if len(r.problems) > before:
        return None
    return _MeasurementPlan(
        version=version,
        measured_on=measured_on,
        label=label,
        facility=facility,
        inp=inp,
        notes=notes,
        origin=origin,
        created_by=created_by,
        created_at=created_at,
        updated_at=updated_at,
    )


def _item(instrument: Instrument, item_id: str) -> Any:
    try:
        return instrument.item(item_id)
    except KeyError:
        return None


def _item_order(instrument: Instrument) -> Callable[[str], int]:
    order = {item.id: n for n, item in enumerate(instrument.items)}
    return lambda item_id: order.get(item_id, len(order))


def _scored(value: tuple[int, bool] | None) -> str:
    if value is None:
        return _("no score")
    score_, derived = value
    how = _("derived from the facts") if derived else _("entered")
    return f"{score_} ({how})"


def _engine_path(path: str, name: str | None) -> str:
    """The JSON path of a field the scoring engine names (``item_1a``, a fact id, ``criteria_7a``)."""
    if name is None:
        return path
    if name.startswith("item_"):
        return at(at(path, "items"), name.removeprefix("item_"))
    if name.startswith("criteria_"):
        return at(at(path, "criteria"), name.removeprefix("criteria_"))
    if name in ("printed_total", "printed_level"):
        return at(path, name)
    return at(at(path, "facts"), name)


def _audit(r: _Reader, entry: Any, path: str, facility_ref: Callable[[Any, str], Any]) -> _AuditPlan | None:
    d = r.obj(entry, path, AUDIT_KEYS)
    if d is None:
        return None
    before = len(r.problems)
    version = r.get(d, "instrument", path, lambda v, p: r.version(v, p, audit=True))
    held_on = r.get(d, "held_on", path, r.date)
    facility = r.get(d, "facility", path, facility_ref)
    phase = r.get(d, "phase", path, lambda v, p: r.choice(v, p, Phase.values))
    withheld = r.get(d, "ratings_withheld", path, r.boolean)
    participants = r.get(d, "participants", path, r.text)
    finalised_at = r.get(d, "finalised_at", path, lambda v, p: r.time(v, p, nullable=True))
    finalised_by = r.get(d, "finalised_by", path, lambda v, p: r.user(v, p, nullable=True))
    created_by = r.get(d, "created_by", path, lambda v, p: r.user(v, p, nullable=True))
    created_at = r.get(d, "created_at", path, r.time)
    conclusion = (
        r.obj(d["conclusion"], at(path, "conclusion"), ("strengths", "improvements")) if "conclusion" in d else None
    ) or {}
    strengths = r.get(conclusion, "strengths", at(path, "conclusion"), r.text)
    improvements = r.get(conclusion, "improvements", at(path, "conclusion"), r.text)
    instrument: AuditInstrument | None = version.audit_instrument if version not in (None, BAD) else None
    scale = {"minimum": instrument.scale_min, "maximum": instrument.scale_max} if instrument else {}

    # the two auditors
    auditors: list[tuple[int, str, str, dt.datetime | None]] = []
    auditor_list = r.get(d, "auditors", path, r.array) if "auditors" in d else []
    if "auditors" in d and len(auditor_list) != 2:
        r.problem(at(path, "auditors"), _("an audit has exactly two auditors, found %(n)s") % {"n": len(auditor_list)})
    for i, raw in enumerate(auditor_list):
        apath = at(at(path, "auditors"), i)
        a = r.obj(raw, apath, AUDITOR_KEYS)
        if a is None:
            continue
        order = r.get(a, "order", apath, lambda v, p: r.integer(v, p, minimum=1, maximum=2))
        user = r.get(a, "user", apath, r.user)
        r.get(a, "full_name", apath, r.text)  # for the reader only
        position = r.get(a, "position", apath, lambda v, p: r.choice(v, p, Position.values))
        submitted_at = r.get(a, "submitted_at", apath, lambda v, p: r.time(v, p, nullable=True))
        if BAD not in (order, user, position, submitted_at):
            auditors.append((order, user, position, submitted_at))
    if len(auditors) == 2:
        if auditors[0][0] == auditors[1][0]:
            r.problem(at(path, "auditors"), _("the auditors' order must be 1 and 2"))
        if auditors[0][1] == auditors[1][1]:
            r.problem(at(path, "auditors"), _("the two auditors must be two different people"))
    # Whether both have submitted decides what the rest may hold; with a broken auditor entry
    # (reported above) it is unknown, and the checks that depend on it are skipped.
    known = len(auditors) == 2 == len(auditor_list)
    submitted = [a[3] is not None for a in auditors]
    both = known and all(submitted)
    if known and any(submitted) and not both:
        r.problem(
            at(path, "auditors"),
            _("only one auditor has a submission time: an export gives both or, while scoring is blind, neither"),
        )
    finalised = finalised_at not in (None, BAD)
    if (finalised_at is None) != (finalised_by is None) and BAD not in (finalised_at, finalised_by):
        r.problem(at(path, "finalised_by"), _("finalised_at and finalised_by are given together or not at all"))
    if known and withheld is not BAD and withheld == both:
        r.problem(
            at(path, "ratings_withheld"),
            _("must be true exactly when the auditors have not both submitted (their scores are blind)"),
        )
    expected_phase = Phase.FINALISED if finalised else Phase.CONSENSUS if both else Phase.SCORING
    if known and phase is not BAD and phase != expected_phase:
        r.problem(at(path, "phase"), _("the data make this audit '%(phase)s'") % {"phase": expected_phase})

    # themes, ratings and consensus
    themes: dict[str, dict[str, Any]] = {}
    ratings: list[tuple[int, str, int | None, str]] = []
    themes_raw = r.get(d, "themes", path, r.mapping)
    tpath_all = at(path, "themes")
    if instrument is not None and themes_raw is not BAD:
        for theme_id in instrument.theme_ids:
            if theme_id not in themes_raw:
                r.problem(at(tpath_all, theme_id), _("this theme is missing"))
        for theme_id, raw in themes_raw.items():
            tpath = at(tpath_all, theme_id)
            if theme_id not in instrument.theme_ids:
                r.problem(tpath, _("%(code)s has no theme '%(theme)s'") % {"code": instrument.key, "theme": theme_id})
                continue
            t = r.obj(raw, tpath, THEME_KEYS)
            if t is None:
                continue
            record = {
                "notes": r.get(t, "notes", tpath, r.text),
                "explanation": r.get(t, "explanation", tpath, r.text),
                "consensus": r.get(t, "consensus", tpath, lambda v, p: r.integer(v, p, nullable=True, **scale)),
                "consensus_reason": r.get(t, "consensus_reason", tpath, r.text),
            }
            themes[theme_id] = record
            pair: dict[int, int | None] = {}
            rating_list = r.get(t, "ratings", tpath, r.array) if "ratings" in t else []
            if known and rating_list and not both:
                r.problem(
                    at(tpath, "ratings"),
                    _("an audit whose auditors have not both submitted carries no ratings (blind scoring)"),
                )
                rating_list = []
            for j, raw_rating in enumerate(rating_list):
                rpath = at(at(tpath, "ratings"), j)
                g = r.obj(raw_rating, rpath, RATING_KEYS)
                if g is None:
                    continue
                who = r.get(g, "auditor", rpath, lambda v, p: r.integer(v, p, minimum=1, maximum=2))
                value = r.get(g, "score", rpath, lambda v, p: r.integer(v, p, nullable=True, **scale))
                rationale = r.get(g, "rationale", rpath, r.text)
                if who in pair:
                    r.problem(at(rpath, "auditor"), _("auditor %(n)s has two ratings of this theme") % {"n": who})
                    continue
                if BAD not in (who, value, rationale):
                    pair[who] = value
                    ratings.append((who, theme_id, value, rationale))
            if both:
                for order in (1, 2):
                    if pair.get(order) is None:
                        r.problem(
                            at(tpath, "ratings"),
                            _("auditor %(n)s has submitted, so this theme needs their score") % {"n": order},
                        )
            consensus = record["consensus"]
            if consensus not in (None, BAD):
                scores = [s for s in pair.values() if s is not None]
                if known and not both:
                    r.problem(at(tpath, "consensus"), _("a consensus needs both auditors' submitted scores"))
                elif consensus_outside(scores, consensus) and not record["consensus_reason"]:
                    r.problem(
                        at(tpath, "consensus_reason"),
                        _("the consensus %(value)s lies outside the two scores (%(low)s–%(high)s): a reason is needed")
                        % {"value": consensus, "low": min(scores), "high": max(scores)},
                    )

    # report and recommendations
    recommendations: list[tuple[str, str, int]] = []
    theme_ids = list(instrument.theme_ids) if instrument else []
    for i, raw in enumerate(r.get(d, "recommendations", path, r.array) if "recommendations" in d else []):
        rpath = at(at(path, "recommendations"), i)
        g = r.obj(raw, rpath, ("theme", "text", "order"))
        if g is None:
            continue
        theme = r.get(g, "theme", rpath, lambda v, p: r.choice(v, p, theme_ids) if instrument else r.text(v, p))
        text = r.get(g, "text", rpath, lambda v, p: r.text(v, p, blank=False))
        order = r.get(g, "order", rpath, lambda v, p: r.integer(v, p, maximum=_SMALL_MAX))
        if BAD not in (theme, text, order):
            recommendations.append((theme, text, order))

    # finalised: what finalise_problems() demands; amendments only after finalising
    if finalised and instrument is not None and len(r.problems) == before:
        for theme_id, record in themes.items():
            if record["consensus"] is None:
                r.problem(
                    at(at(tpath_all, theme_id), "consensus"), _("a finalised audit has a consensus on every theme")
                )
            if not record["explanation"].strip():
                r.problem(
                    at(at(tpath_all, theme_id), "explanation"), _("a finalised audit has an explanation on every theme")
                )
        if not strengths.strip() or not improvements.strip():
            r.problem(at(path, "conclusion"), _("a finalised audit has both parts of the conclusion"))
        if not recommendations:
            r.problem(at(path, "recommendations"), _("a finalised audit has at least one recommendation"))
    amendments: list[tuple[str, dt.datetime, str, list[dict[str, str]]]] = []
    amendment_list = r.get(d, "amendments", path, r.array) if "amendments" in d else []
    if amendment_list and finalised_at is None:
        r.problem(at(path, "amendments"), _("only a finalised audit has amendments"))
    for i, raw in enumerate(amendment_list):
        mpath = at(at(path, "amendments"), i)
        g = r.obj(raw, mpath, ("author", "made_at", "reason", "changes"))
        if g is None:
            continue
        author = r.get(g, "author", mpath, r.user)
        made_at = r.get(g, "made_at", mpath, r.time)
        reason = r.get(g, "reason", mpath, lambda v, p: r.text(v, p, blank=False))
        changes = []
        for j, change in enumerate(r.get(g, "changes", mpath, r.array) if "changes" in g else []):
            cpath = at(at(mpath, "changes"), j)
            c = r.obj(change, cpath, ("field", "old", "new"))
            if c is not None:
                changes.append({key: r.get(c, key, cpath, r.text) for key in ("field", "old", "new")})
        if finalised and made_at is not BAD and made_at < finalised_at:
            r.problem(at(mpath, "made_at"), _("an amendment is made after the audit was finalised"))
        if BAD not in (author, made_at, reason):
            amendments.append((author, made_at, reason, changes))

    if len(r.problems) > before or version in (None, BAD):
        return None
    return _AuditPlan(
        version=version,
        held_on=held_on,
        facility=facility,
        participants=participants,
        auditors=sorted(auditors),
        themes=themes,
        ratings=ratings,
        strengths=strengths,
        improvements=improvements,
        recommendations=recommendations,
        finalised_at=finalised_at,
        finalised_by=finalised_by,
        amendments=amendments,
        created_by=created_by,
        created_at=created_at,
    )


# --- writing -------------------------------------------------------------------------------


class _Writer:
    """Writes a checked plan; counts the objects written (for the test hook)."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        names = _plan_users(plan)
        self.users = {u.get_username(): u for u in _users_named(names)}
        self.counter = WriteCounter()

    def wrote(self) -> None:
        self.counter.wrote()

    def user(self, name: str | None) -> Any:
        return None if name is None else self.users[name]

    def write(self) -> tuple[Organisation, dict[str, int]]:
        plan = self.plan
        organisation = Organisation.objects.create(
            name=plan.name, sector=plan.sector, clients=plan.clients, staff_fte=plan.staff_fte
        )
        Organisation.objects.filter(pk=organisation.pk).update(created_at=plan.created_at)
        self.wrote()
        facilities = {name: Facility(organisation=organisation, name=name) for name in plan.facilities}
        self.bulk_plain(Facility, list(facilities.values()))
        self.bulk_plain(
            Membership,
            [Membership(organisation=organisation, user=self.user(user), role=role) for user, role in plan.roles],
        )
        for m in plan.measurements:
            measurement, _result = record_measurement(
                organisation=organisation,
                instrument_version=m.version,
                measured_on=m.measured_on,
                inp=m.inp,
                label=m.label,
                facility=facilities[m.facility] if m.facility else None,
                notes=m.notes,
                user=self.user(m.created_by),
                origin=m.origin,
            )
            Measurement.objects.filter(pk=measurement.pk).update(created_at=m.created_at, updated_at=m.updated_at)
            self.wrote()
        self.write_audits(organisation, facilities, plan.audits)
        amendments = sum(len(a.amendments) for a in plan.audits)
        counts = {
            "facilities": len(plan.facilities),
            "roles": len(plan.roles),
            "measurements": len(plan.measurements),
            "audits": len(plan.audits),
            "amendments": amendments,
        }
        return organisation, counts

    def write_audits(
        self, organisation: Organisation, facilities: dict[str, Facility], plans: list[_AuditPlan]
    ) -> None:
        # In bulk, each kind of row with its simple-history rows (bulk_create_with_history), so every
        # row still starts its trail: an organisation with ten years of audits holds about a thousand
        # audit rows, and saving them one by one made an import of it take seconds (bench/README.md).
        audits = [
            Audit(
                organisation=organisation,
                facility=facilities[a.facility] if a.facility else None,
                instrument_version=a.version,
                held_on=a.held_on,
                participants=a.participants,
                strengths=a.strengths,
                improvements=a.improvements,
                finalised_at=a.finalised_at,
                finalised_by=self.user(a.finalised_by),
                created_by=self.user(a.created_by),
            )
            for a in plans
        ]
        self.bulk(Audit, audits)
        for audit, a in zip(audits, plans, strict=True):
            audit.created_at = a.created_at
        Audit.objects.bulk_update(audits, ["created_at"], batch_size=_BATCH)
        auditors: list[dict[int, Auditor]] = [
            {
                order: Auditor(
                    audit=audit, user=self.user(user), position=position, order=order, submitted_at=submitted_at
                )
                for order, user, position, submitted_at in a.auditors
            }
            for audit, a in zip(audits, plans, strict=True)
        ]
        self.bulk(Auditor, [auditor for by_order in auditors for auditor in by_order.values()])
        self.bulk(
            ThemeRecord,
            [
                ThemeRecord(audit=audit, theme_id=theme_id, **record)
                for audit, a in zip(audits, plans, strict=True)
                for theme_id, record in a.themes.items()
            ],
        )
        self.bulk(
            Rating,
            [
                Rating(auditor=by_order[order], theme_id=theme_id, score=value, rationale=rationale)
                for by_order, a in zip(auditors, plans, strict=True)
                for order, theme_id, value, rationale in a.ratings
            ],
        )
        self.bulk(
            Recommendation,
            [
                Recommendation(audit=audit, theme_id=theme_id, text=text, order=order)
                for audit, a in zip(audits, plans, strict=True)
                for theme_id, text, order in a.recommendations
            ],
        )
        for audit, a in zip(audits, plans, strict=True):
            for author, made_at, reason, changes in a.amendments:
                amendment = Amendment.objects.create(
                    audit=audit, author=self.user(author), reason=reason, changes=changes
                )
                Amendment.objects.filter(pk=amendment.pk).update(made_at=made_at)
                self.wrote()

    def bulk(self, model: Any, rows: list[Any]) -> None:
        bulk_create_with_history(rows, model, batch_size=_BATCH)
        for _row in rows:
            self.wrote()

    def bulk_plain(self, model: Any, rows: list[Any]) -> None:
        """Rows of a model without history (facilities, memberships), a batch per INSERT."""
        model.objects.bulk_create(rows, batch_size=_BATCH)
        for _row in rows:
            self.wrote()


def _plan_users(plan: _Plan) -> set[str]:
    names = {user for user, _role in plan.roles}
    names |= {m.created_by for m in plan.measurements if m.created_by}
    for a in plan.audits:
        names |= {user for _o, user, _p, _s in a.auditors}
        names |= {name for name in (a.finalised_by, a.created_by) if name}
        names |= {author for author, _m, _r, _c in a.amendments}
    return names


def import_organisation(data: dict[str, Any], *, dry_run: bool = False) -> ImportReport:
    """Check the whole document, then store it in one transaction — or store nothing and report why.

    With ``dry_run`` everything is checked and written, then rolled back.
    """
    report = ImportReport(dry_run=dry_run)
    reader = _Reader()
    plan = _validate(data, reader)
    if plan is None:
        report.problems = reader.problems
        return report
    report.name = plan.name
    try:
        with transaction.atomic():
            organisation, report.counts = _Writer(plan).write()
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        # A constraint the checks above do not know of, or a concurrent change (the name taken meanwhile).
        report.counts = {}
        report.problems = [
            _("(database): the database refused the import, nothing was stored: %(error)s") % {"error": exc}
        ]
        return report
    report.organisation = None if dry_run else organisation
    return report
