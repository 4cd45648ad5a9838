"""The database of the browser tests: migrated, `seed_demo`, then the tests' own objects.

Run once per test run as `python -m e2e.data` with DATABASE_URL set (one process, so
Django starts once); prints one JSON object with the primary keys the tests need.

The demo data stays as `seed_demo` made it except where a journey changes it on purpose
(the 2026 demo audit). Pages that the accessibility tests must see in a given phase get
their own audits here, in their own organisation, so the order of the tests does not
matter.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edmonitor.settings")
    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from edmonitor.accounts import invitations
    from edmonitor.audits.models import Position
    from edmonitor.audits.services import as_shown, note_values, plan_audit, rating_values, save_notes, save_ratings
    from edmonitor.audits.tests.calibration_factories import published_case
    from edmonitor.development import courses, register
    from edmonitor.development import services as development
    from edmonitor.improvement import services as improvement
    from edmonitor.instruments.csvio import read_measurements
    from edmonitor.instruments.scoring import MeasurementInput
    from edmonitor.measurements import imports
    from edmonitor.measurements.instruments import current_version
    from edmonitor.measurements.services import import_measurements, record_measurement
    from edmonitor.organisations.models import EmailDomain, Membership, Organisation, Role, Sector
    from edmonitor.programmes.live import LIVE_PROGRAMME
    from edmonitor.programmes.models import Programme

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    demo = Organisation.objects.get(name="GGZ Voorbeeldstad")
    themes = ["1", "2", "3", "4", "5"]

    def submit(audit, username, scores, rationale):
        me = audit.auditors.get(user=users[username])
        values = {f"score:{t}": s for t, s in zip(themes, scores, strict=True)}
        values |= {f"rationale:{t}": rationale for t in themes}
        save_ratings(audit, me, values=values, original=as_shown(rating_values(me)), submit=True, user=users[username])

    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Zorggroep Testland", sector=Sector.MENTAL_HEALTH, clients=2500, staff_fte=400
        )
        Membership.objects.create(user=users["projectleider"], organisation=organisation, role=Role.ADMIN)
        Membership.objects.create(user=users["medewerker"], organisation=organisation, role=Role.MEMBER)
        # A baseline for the goal journey (test_improvement.py): item 2a scored 2.
        record_measurement(
            organisation=organisation,
            instrument_version=current_version("vie"),
            measured_on=dt.date(2026, 1, 10),
            label="beginmeting Testland",
            inp=MeasurementInput(direct={"2a": 2, "6a": 3}),
        )
        auditors = [(users["medewerker"], Position.INTERNAL), (users["auditor"], Position.EXTERNAL)]
        # Blind phase: the internal auditor has submitted, the external one has not.
        blind = plan_audit(organisation=organisation, held_on=dt.date(2026, 5, 12), auditors=auditors, user=None)
        submit(blind, "medewerker", [3, 2, 4, 3, 2], "Testland: rationale van de interne auditor.")
        # Consensus phase: both have submitted; theme 3 differs by 2 points (to discuss).
        agreeing = plan_audit(organisation=organisation, held_on=dt.date(2026, 5, 19), auditors=auditors, user=None)
        submit(agreeing, "medewerker", [3, 2, 4, 3, 2], "Zo besproken.")
        submit(agreeing, "auditor", [2, 2, 2, 3, 3], "Mijn indruk.")
        notes = note_values(agreeing)
        save_notes(
            agreeing,
            values={**notes, "notes:1": "Gesprek met het projectteam.", "explanation:1": "Visie is vastgesteld."},
            original=as_shown(notes),
            user=users["medewerker"],
        )

        # The journeys (test_journeys.py) run once on a desktop and once on a phone, each in an
        # organisation of its own, with a planned audit that nobody has scored yet.
        journeys = {}
        for device in ("desktop", "phone"):
            own = Organisation.objects.create(
                name=f"Stichting Onderweg ({device})", sector=Sector.MENTAL_HEALTH, clients=4000, staff_fte=500
            )
            Membership.objects.create(user=users["projectleider"], organisation=own, role=Role.ADMIN)
            Membership.objects.create(user=users["medewerker"], organisation=own, role=Role.MEMBER)
            audit = plan_audit(organisation=own, held_on=dt.date(2026, 6, 2), auditors=auditors, user=None)
            journeys |= {f"journey_organisation_{device}": own.pk, f"journey_audit_{device}": audit.pk}
    with transaction.atomic():
        # The import journey (test_imports.py) and the import pages of the accessibility tests:
        # a stored baseline (a row of the journey's file looks like it), an import with a goal
        # judged at its measurement (the undo page names it), an upload waiting for confirmation.
        importland = Organisation.objects.create(name="Stichting Importland", sector=Sector.ADDICTION, clients=900)
        Membership.objects.create(user=users["projectleider"], organisation=importland, role=Role.ADMIN)
        version = current_version("vie")
        record_measurement(
            organisation=importland,
            instrument_version=version,
            measured_on=dt.date(2025, 3, 1),
            label="Beginmeting",
            inp=MeasurementInput(direct={"2a": 2, "6a": 2}),
        )
        goal = improvement.set_goal(
            organisation=importland, instrument="vie", item="2a", goal_type="at_least", target=3,
            set_on=dt.date(2025, 4, 1), description="Meer leerwerkplekken",
        )  # fmt: skip
        csv = "organisatie;datum;omschrijving;item_2a;item_6a\nStichting Importland;01-09-2025;tussenmeting;3;3\n"
        rows = read_measurements(version.instrument, csv.encode(), require_date=True)
        import_measurements(
            organisation=importland,
            instrument_version=version,
            rows=rows,
            user=users["projectleider"],
            file_name="tussenmeting.xlsx",
        )
        imported = importland.import_batches.get()
        improvement.confirm_goal_codes(
            imported.measurements.get(), {goal.pk: improvement.Decision("D")}, user=users["projectleider"]
        )
        csv = (
            "organisatie;datum;omschrijving;item_2a\n"
            "Stichting Importland;01-03-2025;beginmeting;2\n"
            "Stichting Importland;01-03-2026;eindmeting;4\n"
        )
        pending = imports.start_import(
            organisation=importland,
            instrument_version=version,
            file_name="metingen 2026.csv",
            content=csv.encode(),
            rows=2,
            user=users["projectleider"],
        )

    # The pages of an invitation (test_accessibility.py): an audit nobody has scored, and an
    # invitation to it whose link the tests open but never accept.
    with transaction.atomic():
        to_invite = plan_audit(organisation=organisation, held_on=dt.date(2026, 7, 7), auditors=auditors, user=None)
        invitation = invitations.invite(
            email="extern@example.org",
            organisation=organisation,
            audit=to_invite,
            place=2,
            position=Position.EXTERNAL,
            by=users["projectleider"],
            base_url="http://127.0.0.1",
        )

    # Ending access (test_access_log.py): a member of Importland whom its admin removes.
    Membership.objects.create(
        user=get_user_model().objects.create_user(username="tijdelijk", password="edmonitor-demo"),
        organisation=importland,
        role=Role.VIEWER,
    )

    # Two-step verification (test_accounts.py): someone who switches it on, and a member of an
    # organisation that requires it.
    get_user_model().objects.create_user(username="tweestaps", password="edmonitor-demo", first_name="Tim")
    strict = Organisation.objects.create(
        name="Stichting Veilig", sector=Sector.SOCIAL_DOMAIN, require_second_factor=True, second_factor_by_sso=True
    )
    # Single sign-on (test_accounts.py): people at this domain log in with their own organisation account.
    EmailDomain.objects.create(organisation=strict, domain="veilig.example.nl")
    Membership.objects.create(
        user=get_user_model().objects.create_user(username="verplicht", password="edmonitor-demo"),
        organisation=strict,
        role=Role.VIEWER,
    )

    # Development spaces (test_development.py, test_accessibility.py): a learner who starts one in the
    # test, and one who keeps a space with a self-assessment and a piece of evidence.
    get_user_model().objects.create_user(username="lerende", password="edmonitor-demo", first_name="Lotte")
    keeper = get_user_model().objects.create_user(username="portfolio", password="edmonitor-demo")
    space = development.space_of(keeper)
    development.give_consent(space)
    first_item = development.map_items()[0].slug
    development.assess(space, item=first_item, level="partly", on=dt.date(2026, 3, 1), note="Gaat steeds beter.")
    kept = development.save_evidence(
        space, kind="practice", title="Herstelgroep begeleid", text="Twee keer samen met een collega.",
        occurred_on=dt.date(2026, 3, 2), items=[first_item],
    )  # fmt: skip

    # The walk of issue 21 (test_development.py): an expert by experience with a space, and her supervisor.
    noor = get_user_model().objects.create_user(username="ervaren", password="edmonitor-demo", first_name="Noor")
    development.give_consent(development.space_of(noor))
    get_user_model().objects.create_user(username="begeleider", password="edmonitor-demo", first_name="Sam")
    register.load(register.read(register.EXAMPLE))  # the example register rules, as make demo loads them

    # A course of the demo organisation, mapped to part of the basic curriculum (test_accessibility.py).
    demo_course = courses.create_course(demo, name="Interne opleiding", cohort="2026")
    courses.save_unit(demo_course, name="Dag 1", description="", items=[first_item])

    # The password-reset journey (test_accounts.py) changes this account's password: a user of its own.
    get_user_model().objects.create_user(
        username="vergeetachtig", email="vergeetachtig@example.org", password="edmonitor-demo", first_name="Vera"
    )

    # A published reference case for calibration (issue 20), scored by nobody yet (test_accessibility.py).
    calibration_case = published_case(users["coordinator"])

    demo_audits = {a.held_on.isoformat(): a.pk for a in demo.audits.all()}
    demo_measurements = {m.measured_on.isoformat(): m.pk for m in demo.measurements.all()}
    print(
        json.dumps(
            {
                "demo_organisation": demo.pk,
                "demo_audit_finalised": demo_audits["2025-04-10"],
                "demo_audit_scoring": demo_audits["2026-04-08"],
                "demo_measurement": demo_measurements["2026-03-20"],
                "test_organisation": organisation.pk,
                "blind_audit": blind.pk,
                "consensus_audit": agreeing.pk,
                "live_programme": Programme.objects.get(name=LIVE_PROGRAMME).pk,
                "demo_goal": demo.goals.order_by("pk").first().pk,
                "demo_action": demo.improvement_actions.order_by("pk").first().pk,
                "demo_session": demo.dialogue_sessions.order_by("pk").first().pk,
                "import_organisation": importland.pk,
                "imported_batch": imported.pk,
                "pending_import": pending.pk,
                "invite_audit": to_invite.pk,
                "kept_evidence": kept.pk,
                "first_map_item": first_item,
                "demo_course": demo_course.pk,
                "invitation_token": invitations.token(invitation),
                "calibration_case": calibration_case.pk,
            }
            | journeys
        )
    )


if __name__ == "__main__":
    main()
