"""The sector chooses an organisation's benchmark peers, so only coordinators change it.

An organisation admin who could move their organisation into a sector with few members
would choose a small peer group (see edmonitor/instruments/peers.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from edmonitor.organisations.models import Organisation, Sector
from edmonitor.testing import BaseTestCase


class SectorTests(BaseTestCase):
    def url(self):
        return reverse("organisation_edit", args=[self.org_a.pk])

    def post(self, user, **changes):
        self.login(user)
        data = {"name": "GGZ Alfa", "sector": Sector.MENTAL_HEALTH, "clients": 5000, "staff_fte": "1000"}
        return self.client.post(self.url(), data | changes)

    def test_an_organisation_admin_sees_the_sector_read_only_with_the_reason(self):
        self.login(self.alice)
        response = self.client.get(self.url())
        self.assertTrue(response.context["form"].fields["sector"].disabled)
        self.assertInHTML(
            "Alleen een coördinator kan de sector wijzigen. "
            "De sector bepaalt met welke organisaties uw organisatie wordt vergeleken.",
            response.content.decode(),
        )
        self.assertRegex(response.content.decode(), r'<select name="sector"[^>]* disabled')

    def test_a_forged_post_by_the_organisation_admin_does_not_change_the_sector(self):
        response = self.post(self.alice, name="GGZ Alfa Nieuw", sector=Sector.SOCIAL_SHELTER)
        self.assertRedirects(response, reverse("organisation", args=[self.org_a.pk]))
        organisation = Organisation.objects.get(pk=self.org_a.pk)
        self.assertEqual(organisation.sector, Sector.MENTAL_HEALTH)
        self.assertEqual(organisation.name, "GGZ Alfa Nieuw")  # the rest of the form is saved as before

    def test_a_forged_post_with_an_unknown_sector_keeps_the_sector_too(self):
        self.post(self.alice, sector="bestaat-niet", clients=1)
        organisation = Organisation.objects.get(pk=self.org_a.pk)
        self.assertEqual((organisation.sector, organisation.clients), (Sector.MENTAL_HEALTH, 1))

    def test_a_coordinator_changes_the_sector(self):
        self.login(self.carol)
        self.assertFalse(self.client.get(self.url()).context["form"].fields["sector"].disabled)
        self.post(self.carol, sector=Sector.ADDICTION)
        organisation = Organisation.objects.get(pk=self.org_a.pk)
        self.assertEqual((organisation.sector, organisation.staff_fte), (Sector.ADDICTION, Decimal("1000")))
