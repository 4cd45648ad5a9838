"""A full organisation to export: every kind of data the format carries, built through the real services.

Rows are deliberately created out of date order (a later measurement and audit first), so an
export that followed database ids instead of dates would not survive the round trip.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.apps import apps

from edmonitor.audits import services
from edmonitor.audits.tests.factories import agree, finalised, plan, rate, unchanged
from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import Measurement
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations.models import Facility, Organisation
from edmonitor.testing import make_user

TRANSFER_APPS = ("organisations", "measurements", "audits", "auth")

# Theme scores of the finalised audits; an amendment later moves theme 4's consensus outside 2–3, with a reason.
A = {"1": 2, "2": 3, "3": 4, "4": 2, "5": 3}
B = {"1": 4, "2": 3, "3": 2, "4": 3, "5": 5}
CONSENSUS = {"1": 3, "2": 3, "3": 3, "4": 2, "5": 4}


def build_organisation(test) -> None:
    """Fill ``test.org_a`` (BaseTestCase's "GGZ Alfa") with facilities, measurements and audits in every phase."""
    org = test.org_a
    test.eva = getattr(test, "eva", None) or _user("eva", "Eva", "Extern")
    test.mia.first_name, test.mia.last_name = "Mia", "Medewerker"
    test.mia.save()
    south = Facility.objects.create(organisation=org, name="Ambulant Team Zuid – één")

    # Measurements: the follow-up first (ids out of date order); derived items from facts and criteria.
    record_measurement(
        organisation=org,
        instrument_version=current_version("vie"),
        measured_on=dt.date(2025, 1, 10),
        label="nameting",
        facility=test.facility_a,
        inp=MeasurementInput(
            direct={"2a": 4, "6a": 3, "8a": 4, "9a": 2, "10a": 3},
            facts={
                "staff_fte": Decimal("1000"),
                "ed_fte": Decimal("3.50"),
                "ed_policy_count": Decimal("2"),
                "clients": Decimal("5000"),
                "ed_recovery_coach_count": Decimal("4"),
            },
            criteria={"7a": frozenset({"regular_actions", "several_departments", "structural_attention"})},
            goals={"1b": "C", "2b": "D", "7b": "B"},
            printed_total=Decimal("3.0"),
            printed_level="midden",
        ),
        notes={"1a": "Drie ervaringsdeskundigen, samen 3,5 fte.", "9a": "Nog geen herstelgroepen.\nWel plannen."},
        user=test.mia,
    )
    record_measurement(
        organisation=org,
        instrument_version=current_version("vie"),
        measured_on=dt.date(2024, 1, 10),
        label="beginmeting",
        inp=MeasurementInput(
            direct={"1a": 1, "2a": 2, "3a": 1, "4a": 2, "5a": 1, "6a": 2, "7a": 3, "8a": 2, "9a": 1, "10a": 2},
            goals={"1b": "A", "4b": "B"},
        ),
        notes={"4a": "Eén herstelcoach, in opleiding."},
        user=test.alice,
    )
    # Two measurements on one day with the same label, one per facility: ordered by content, not id.
    for facility, score in ((south, 4), (test.facility_a, 2)):
        record_measurement(
            organisation=org,
            instrument_version=current_version("vie"),
            measured_on=dt.date(2024, 6, 1),
            label="tussenmeting",
            facility=facility,
            inp=MeasurementInput(direct={"2a": score, "6a": 3}),
            origin=Measurement.Origin.IMPORT,
        )
    record_measurement(
        organisation=org,
        instrument_version=current_version("vie"),
        measured_on=dt.date(2011, 5, 1),
        inp=MeasurementInput(direct={"1a": 1, "2a": 1}, printed_total=Decimal("1.5"), printed_level="laag"),
        origin=Measurement.Origin.EXAMPLE,
    )

    # Audits: one still blind (one submitted, one draft), then a finalised one with an amendment,
    # a second finalised one at a facility, and one in the consensus phase.
    test.audit_scoring = plan(org, test.mia, test.eva, on=dt.date(2026, 3, 2), by=test.alice)
    rate(test.audit_scoring, test.mia, {"1": 5, "2": 1, "3": 5, "4": 1, "5": 5}, rationale="GEHEIM-MIA")
    rate(test.audit_scoring, test.eva, {"1": 2, "2": 2}, rationale="GEHEIM-EVA", submit=False)
    notes = services.note_values(test.audit_scoring)
    services.save_notes(
        test.audit_scoring,
        values={**notes, "notes:1": "Gesprek met de cliëntenraad."},
        original=unchanged(notes),
        user=test.eva,
    )

    test.audit_finalised = finalised(org, test.mia, test.eva, A, B, CONSENSUS, on=dt.date(2025, 3, 1), by=test.alice)
    current = services.amendable_values(test.audit_finalised)
    services.amend(
        test.audit_finalised,
        values={
            **current,
            "consensus:4": 5,
            "consensus_reason:4": "Na het gesprek bleek het beleid al vastgesteld.",
            "explanation:1": "Toelichting thema 1, aangevuld.",
            "recommendations": [*current["recommendations"], ["5", "Betrek de cliëntenraad bij de evaluatie."]],
        },
        original=unchanged(current),
        reason="Aanvulling na het terugkoppelgesprek",
        user=test.eva,
    )

    test.audit_facility = finalised(
        org, test.eva, test.mia, B, A, CONSENSUS, on=dt.date(2025, 3, 1), facility=test.facility_a, by=test.alice
    )

    test.audit_consensus = plan(org, test.mia, test.eva, on=dt.date(2025, 9, 15), by=test.alice)
    rate(test.audit_consensus, test.mia, A)
    rate(test.audit_consensus, test.eva, B, rationale="want")
    agree(test.audit_consensus, test.mia, {"1": 3})


def _user(username: str, first: str, last: str):
    user = make_user(username)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def row_counts() -> dict[str, int]:
    """Rows per model of the apps an import writes to (history tables included): to prove nothing was stored."""
    return {
        model._meta.label: model._base_manager.count()
        for app in TRANSFER_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }


def delete_organisation(organisation) -> None:
    """Remove an organisation and everything of it (its facilities protect measurements and audits)."""

    organisation = Organisation.objects.get(pk=organisation.pk)
    organisation.audits.all().delete()
    organisation.measurements.all().delete()
    organisation.delete()
