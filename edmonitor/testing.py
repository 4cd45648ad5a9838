"""Shared test fixtures: named users and small factory helpers.

- alice: admin of organisation A ("GGZ Alfa")
- mia: project member of A; lex: viewer of A
- bob: admin of organisation B ("RIBW Beta")
- carol: staff coordinator (sees everything)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import TestCase

from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.services import record_measurement
from edmonitor.organisations.models import Facility, Membership, Organisation, Role, Sector

PASSWORD = "correct horse battery"


def make_user(username: str, *, staff: bool = False, **fields: str):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=staff, is_superuser=staff, **fields
    )


def make_measurement(organisation, scores: dict[str, int], *, on=dt.date(2025, 1, 1), label="", goals=None, facts=None):
    measurement, _result = record_measurement(
        organisation=organisation,
        instrument_version=current_version("vie"),
        measured_on=on,
        label=label,
        inp=MeasurementInput(direct=scores, goals=goals or {}, facts={k: Decimal(v) for k, v in (facts or {}).items()}),
    )
    return measurement


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org_a = Organisation.objects.create(
            name="GGZ Alfa", sector=Sector.MENTAL_HEALTH, clients=5000, staff_fte=Decimal("1000")
        )
        cls.org_b = Organisation.objects.create(name="RIBW Beta", sector=Sector.SHELTERED_HOUSING, clients=800)
        cls.facility_a = Facility.objects.create(organisation=cls.org_a, name="Kliniek Oost")
        cls.facility_b = Facility.objects.create(organisation=cls.org_b, name="Woonvorm West")
        cls.alice = make_user("alice")
        cls.mia = make_user("mia")
        cls.lex = make_user("lex")
        cls.bob = make_user("bob")
        cls.carol = make_user("carol", staff=True)
        Membership.objects.create(user=cls.alice, organisation=cls.org_a, role=Role.ADMIN)
        Membership.objects.create(user=cls.mia, organisation=cls.org_a, role=Role.MEMBER)
        Membership.objects.create(user=cls.lex, organisation=cls.org_a, role=Role.VIEWER)
        Membership.objects.create(user=cls.bob, organisation=cls.org_b, role=Role.ADMIN)

    def login(self, user) -> None:
        self.client.force_login(user)
