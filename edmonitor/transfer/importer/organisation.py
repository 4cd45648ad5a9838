"""The document as a whole: its format, the organisation, its facilities and roles, and the user accounts it names.

:func:`_validate` reads the top level and hands each measurement and audit to
:mod:`.measurements` and :mod:`.audits`; the user names collected on the way must all exist here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from edmonitor.organisations.models import Organisation, Role, Sector
from edmonitor.transfer.export import FORMAT, FORMAT_VERSION

from .audits import _audit, _AuditPlan
from .measurements import _measurement, _MeasurementPlan
from .reading import _BATCH, BAD, _kind, _Reader, _show, at

TOP_KEYS = ("format", "format_version", "organisation", "facilities", "roles", "measurements", "audits")
ORGANISATION_KEYS = ("name", "sector", "clients", "staff_fte", "created_at")


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
