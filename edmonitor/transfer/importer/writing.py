"""Writing a checked plan in one transaction, and :func:`import_organisation`, which checks and then writes.

Test hook: every object written is counted by :class:`~edmonitor.core.killpoint.WriteCounter`,
which can pause the import inside its transaction (``EDMONITOR_IMPORT_PAUSE_AFTER=N``) so a
test can kill the process there. Unset (always, outside tests), it does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from edmonitor.audits.models import Amendment, Audit, Auditor, Rating, Recommendation, ThemeRecord
from edmonitor.core import figures
from edmonitor.core.killpoint import WriteCounter
from edmonitor.measurements.models import Measurement
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations.models import Facility, Membership, Organisation

from .audits import _AuditPlan
from .organisation import _Plan, _users_named, _validate
from .reading import _BATCH, _Reader


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
        figures.changed()  # bulk_create sends no signals
        bulk_create_with_history(rows, model, batch_size=_BATCH)
        for _row in rows:
            self.wrote()

    def bulk_plain(self, model: Any, rows: list[Any]) -> None:
        """Rows of a model without history (facilities, memberships), a batch per INSERT."""
        figures.changed()
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
