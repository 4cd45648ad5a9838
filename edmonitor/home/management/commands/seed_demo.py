"""Load demo data: users with each role, a demo organisation with measurements, and the LIVE study.

Meant for trying edmonitor out on a laptop; it refuses to run in production.
Running it again changes nothing that is already there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from edmonitor.audits.models import Position
from edmonitor.audits.services import (
    as_shown,
    confirm_report,
    consensus_values,
    note_values,
    plan_audit,
    rating_values,
    report_values,
    save_consensus,
    save_notes,
    save_ratings,
    save_report,
)
from edmonitor.development import record, register, sharing
from edmonitor.development import services as development
from edmonitor.development.models import ConsentUse
from edmonitor.improvement import services as improvement
from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.models import DialogueMethod
from edmonitor.knowledge.services import load as load_knowledge
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import Measurement
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations.models import Facility, Membership, Organisation, Role, Sector
from edmonitor.programmes.live import load_live

DEMO_PASSWORD = "edmonitor-demo"

USERS = [
    # username, full name, staff, role in the demo organisation
    ("coordinator", "Coördinator Kenniscentrum", True, None),
    ("projectleider", "Pim Projectleider", False, Role.ADMIN),
    ("medewerker", "Mia Medewerker", False, Role.MEMBER),
    ("lezer", "Lex Lezer", False, Role.VIEWER),
    ("auditor", "Anna Auditor", False, None),  # external MIE auditor from another organisation
]


class Command(BaseCommand):
    help = (
        "Load the knowledge base, create demo users, a demo organisation with VIE measurements and MIE audits, "
        "and load the LIVE study data."
    )

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("seed_demo creates users with a known password; it does not run in production.")
        self._knowledge()
        with transaction.atomic():
            users = self._users()
            organisation = self._organisation(users)
            self._measurements(organisation, users["projectleider"])
            self._audits(organisation, users)
            self._improvement(organisation, users)
            self._development(users)
        self._live()
        self.stdout.write("")
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        self.stdout.write(
            "  coordinator    – staff: sees and manages every organisation, including the 18 LIVE institutions"
        )
        self.stdout.write(
            "  projectleider  – organisation admin of 'GGZ Voorbeeldstad'; sees what medewerker shares with her"
        )
        self.stdout.write(
            "  medewerker     – project member of 'GGZ Voorbeeldstad' (records measurements); keeps a development space"
        )
        self.stdout.write("  lezer          – read-only viewer of 'GGZ Voorbeeldstad'")
        self.stdout.write(
            "  auditor        – external MIE auditor: one finalised audit, and one audit waiting for her scores"
        )

    def _users(self):
        User = get_user_model()
        users = {}
        for username, full_name, staff, _role in USERS:
            first, _, last = full_name.partition(" ")
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "is_staff": staff, "is_superuser": staff},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            users[username] = user
        return users

    def _organisation(self, users):
        organisation, _ = Organisation.objects.get_or_create(
            name="GGZ Voorbeeldstad",
            defaults={"sector": Sector.MENTAL_HEALTH, "clients": 6400, "staff_fte": Decimal("850")},
        )
        for name in ("Kliniek De Linde", "FACT-team Noord"):
            Facility.objects.get_or_create(organisation=organisation, name=name)
        for username, _full, _staff, role in USERS:
            if role is not None:
                Membership.objects.get_or_create(
                    user=users[username], organisation=organisation, defaults={"role": role}
                )
        return organisation

    def _measurements(self, organisation, user):
        if organisation.measurements.exists():
            return
        version = current_version("vie")
        baseline = MeasurementInput(
            direct={"2a": 2, "6a": 3, "8a": 2, "9a": 2, "10a": 2},
            facts={
                "staff_fte": Decimal("850"),
                "clients": Decimal("6400"),
                "ed_fte": Decimal("1.5"),
                "ed_policy_count": Decimal("0"),
                "ed_recovery_coach_count": Decimal("3"),
                "ed_group_facilitator_count": Decimal("2"),
            },
            criteria={"7a": frozenset({"regular_actions", "several_target_groups"})},
            goals={},
        )
        record_measurement(
            organisation=organisation,
            instrument_version=version,
            measured_on=dt.date(2025, 3, 15),
            label="beginmeting",
            inp=baseline,
            notes={
                "2a": "Twee leerwerkplekken bij het herstelcentrum, verder nog weinig.",
                "9a": "Scholing alleen op aanvraag.",
            },
            user=user,
            origin=Measurement.Origin.FORM,
        )
        followup = MeasurementInput(
            direct={"2a": 3, "6a": 4, "8a": 3, "9a": 3, "10a": 4},
            facts={
                "staff_fte": Decimal("860"),
                "clients": Decimal("6500"),
                "ed_hours_per_week": Decimal("180"),
                "ed_policy_count": Decimal("1"),
                "ed_recovery_coach_count": Decimal("6"),
                "ed_group_facilitator_count": Decimal("4"),
            },
            criteria={"7a": frozenset({"regular_actions", "several_target_groups", "several_action_types"})},
            goals={"1b": "C", "2b": "D", "3b": "B", "4b": "D", "6b": "C", "7b": "C", "9b": "A", "10b": "D"},
        )
        record_measurement(
            organisation=organisation,
            instrument_version=version,
            measured_on=dt.date(2026, 3, 20),
            label="meting 2026",
            inp=followup,
            notes={"10a": "Intervisie door een ervaringsdeskundige coach, maandelijks."},
            user=user,
            origin=Measurement.Origin.FORM,
        )

    def _audits(self, organisation, users):
        """A finalised MIE audit of 2025 and one of 2026 in which only the internal auditor has scored."""
        if organisation.audits.exists():
            return
        internal, external, admin = users["medewerker"], users["auditor"], users["projectleider"]
        first = plan_audit(
            organisation=organisation,
            held_on=dt.date(2025, 4, 10),
            auditors=[(internal, Position.INTERNAL), (external, Position.EXTERNAL)],
            participants="Pim Projectleider (projectleider)\nSara de Vries (ervaringsdeskundige)\nTeamleider FACT",
            user=admin,
        )
        scores = {
            internal: ({"1": 3, "2": 2, "3": 2, "4": 3, "5": 2}, "Zo besproken in het gesprek."),
            external: ({"1": 2, "2": 2, "3": 3, "4": 3, "5": 4}, "Mijn indruk na het gesprek."),
        }
        for user, (theme_scores, rationale) in scores.items():
            me = first.auditors.get(user=user)
            values = {f"score:{t}": v for t, v in theme_scores.items()}
            values |= {f"rationale:{t}": rationale for t in theme_scores}
            save_ratings(first, me, values=values, original=as_shown(rating_values(me)), submit=True, user=user)
        notes = note_values(first)
        explanations = {
            "1": "Er is een visie op herstel, maar die is nog niet in alle teams bekend.",
            "2": "Vier ervaringsdeskundigen, vooral in de FACT-teams; nog niemand op beleidsniveau.",
            "3": "Intervisie is er, scholing is nog op aanvraag.",
            "4": "Herstelgroepen draaien op twee locaties.",
            "5": "Ervaringsdeskundigen signaleren drempels, maar dit leidt nog zelden tot aanpassingen.",
        }
        save_notes(
            first,
            values={**notes, **{f"explanation:{t}": text for t, text in explanations.items()}},
            original=as_shown(notes),
            user=internal,
        )
        save_consensus(
            first,
            values={
                **{f"consensus:{t}": v for t, v in {"1": 3, "2": 2, "3": 2, "4": 3, "5": 3}.items()},
                **{f"consensus_reason:{t}": "" for t in explanations},
            },
            original=as_shown(consensus_values(first)),
            user=external,
        )
        save_report(
            first,
            values={
                "strengths": "Betrokken projectteam; herstelgroepen zijn goed ingebed.",
                "improvements": "Ervaringsdeskundigheid op beleidsniveau en een vast scholingsaanbod ontbreken.",
                "recommendations": [
                    ["2", "Stel een ervaringsdeskundige aan in de beleidsstaf."],
                    ["3", "Maak een jaarlijks scholingsplan voor ervaringsdeskundigen en teams."],
                ],
            },
            original=as_shown(report_values(first)),
            user=internal,
        )
        confirm_report(first, user=internal)
        confirm_report(first, user=external)
        second = plan_audit(
            organisation=organisation,
            held_on=dt.date(2026, 4, 8),
            auditors=[(internal, Position.INTERNAL), (external, Position.EXTERNAL)],
            participants="Pim Projectleider (projectleider)",
            user=admin,
        )
        me = second.auditors.get(user=internal)
        values = {f"score:{t}": v for t, v in {"1": 3, "2": 3, "3": 3, "4": 4, "5": 3}.items()}
        values |= {f"rationale:{t}": "Duidelijke vooruitgang sinds vorig jaar." for t in explanations}
        save_ratings(second, me, values=values, original=as_shown(rating_values(me)), submit=True, user=internal)

    def _improvement(self, organisation, users):
        """Goals set after the 2025 baseline (three await judgement at the 2026 measurement, one MIE goal
        waits for the 2026 audit), actions from the 2025 audit's recommendations (one overdue), and a
        dialogue session with an outcome turned into an action. The session needs the dialogue methods
        of the knowledge base (load_knowledge); without them it is skipped with a message."""
        user = users["medewerker"]
        today = dt.date.today()
        if not organisation.goals.exists():
            for item, goal_type, target, description in [
                ("2a", "at_least", 3, "Leerwerkplekken ook buiten het herstelcentrum."),
                ("6a", "improve", 2, ""),
                ("3a", "descriptive", None, "Een ervaringsdeskundige neemt deel aan het beleidsoverleg."),
            ]:
                improvement.set_goal(
                    organisation=organisation, instrument="vie", item=item, goal_type=goal_type, target=target,
                    description=description, set_on=dt.date(2025, 4, 1), due_by=dt.date(2026, 4, 1), user=user,
                )  # fmt: skip
            improvement.set_goal(
                organisation=organisation, instrument="mie", item="2", goal_type="at_least", target=3,
                set_on=dt.date(2025, 5, 1), due_by=dt.date(2026, 6, 30), user=users["projectleider"],
            )  # fmt: skip
            audit = organisation.audits.filter(finalised_at__isnull=False).order_by("held_on").first()
            if audit is not None:
                first, second = list(audit.recommendations.all())[:2]
                improvement.action_from_recommendation(
                    first, owner="Pim Projectleider", due_on=today - dt.timedelta(days=14), status="in_progress",
                    notes="Functieprofiel is in de maak.", user=users["projectleider"],
                )  # fmt: skip
                improvement.action_from_recommendation(
                    second, owner="HR-adviseur opleidingen", due_on=today + dt.timedelta(days=60), user=user
                )
        if organisation.dialogue_sessions.exists():
            return
        method = DialogueMethod.objects.filter(slug="kampvuurgesprek").first() or DialogueMethod.objects.first()
        if method is None:
            self.stdout.write(
                "No dialogue methods loaded (run load_knowledge first): the demo dialogue session is skipped."
            )
            return
        session, _warnings = improvement.plan_session(
            organisation=organisation, method=method, held_on=dt.date(2026, 2, 10),
            question="Waar vinden ervaringsdeskundigen (en wie het vak in wil) elkaar?",
            counts={"clients": 2, "relatives": 1, "experts": 2, "professionals": 2, "managers": 1}, user=user,
        )  # fmt: skip
        improvement.record_session(
            session, held_on=session.held_on, question=session.question, counts=session.counts(),
            notes="Open gesprek; iedereen kwam aan het woord.",
        )  # fmt: skip
        improvement.tick_steps(session, [step.number for step in method.steps.all()[:2]])
        outcome = improvement.add_outcome(
            session, text="Een maandelijkse vrijplaats, ook open voor wie het vak in wil.", instrument="vie", item="6a"
        )
        improvement.action_from_outcome(outcome, owner="Sara de Vries", due_on=today + dt.timedelta(days=30), user=user)

    def _development(self, users):
        """The example register rules, and a development space for 'medewerker' with a reflection shared with
        'projectleider' for a week and an intervision she asked 'projectleider' to confirm."""
        rule_set, _created = register.load(register.read(register.EXAMPLE))
        person = users["medewerker"]
        if development.existing_space(person) is not None:
            return  # the demo ran before: her space is hers, not rebuilt
        today = dt.date.today()
        space = development.space_of(person)
        development.give_consent(space)
        development.give_use_consent(space, ConsentUse.SHARING)
        space.rule_set = rule_set
        space.save(update_fields=["rule_set"])
        competences = [e.slug for e in development.map_items() if e.kind == "competence"][:2]
        reflection = development.save_evidence(
            space, kind="reflection", title="Mijn verhaal verteld in het wijkteam", occurred_on=today,
            text="Ik vertelde over mijn werk en mijn herstel, niet over de opname. Dat voelde goed.",
            items=competences,
        )  # fmt: skip
        sharing.share(space, what=f"evidence:{reflection.pk}", person=users["projectleider"],
                      ends_on=today + dt.timedelta(days=7))  # fmt: skip
        record.save_activity(
            space, kind="intervision", title="Intervisie regio Noord", occurred_on=today - dt.timedelta(days=3),
            hours=Decimal(2), participants="Vier ervaringsdeskundigen uit drie organisaties",
            confirm_by=users["projectleider"],
        )  # fmt: skip
        record.save_activity(space, kind="training", title="Training WRAP", occurred_on=today - dt.timedelta(days=40),
                             hours=Decimal(12))  # fmt: skip
        self.stdout.write("Development: a space for medewerker, sharing one reflection with projectleider.")

    def _knowledge(self):
        report = load_knowledge(read_content())
        self.stdout.write(
            f"Knowledge base: {len(report.created)} entries and methods added, {len(report.updated)} updated, "
            f"{report.links} suggestions."
        )

    def _live(self):
        report = load_live()
        self.stdout.write(
            f"LIVE study: {report.measurements_created} measurement(s) loaded, "
            f"{report.measurements_skipped} already present, {len(report.discrepancies)} printed figure(s) "
            "in the source that do not follow from its item scores (see the measurement pages)."
        )
