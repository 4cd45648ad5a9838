"""Ending access (issue 17 part 7): a removed member or a deactivated account is logged out everywhere at once."""

from __future__ import annotations

import re
import uuid

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from edmonitor.core.sessions import end_sessions
from edmonitor.organisations.models import Membership, Organisation, Role
from edmonitor.programmes.models import Participation, Programme
from edmonitor.testing import PASSWORD, BaseTestCase, make_measurement

from .test_access_log import routes


def signed_in(user, password: str = PASSWORD) -> Client:
    """A browser of its own where ``user`` logged in through the login page."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302, response.content
    return client


class EndingAccessTests(BaseTestCase):
    org_a: Organisation

    def organisation_page(self, client: Client) -> int:
        return client.get(reverse("organisation", args=[self.org_a.pk])).status_code

    def test_removing_a_member_logs_them_out_in_every_browser_at_once(self):
        Membership.objects.create(user=self.mia, organisation=self.org_b, role=Role.VIEWER)
        phone, laptop, bystander = signed_in(self.mia), signed_in(self.mia), signed_in(self.lex)
        self.assertEqual((self.organisation_page(phone), self.organisation_page(laptop)), (200, 200))
        admin = signed_in(self.alice)
        membership = Membership.objects.get(user=self.mia, organisation=self.org_a)
        response = admin.post(reverse("member_remove", args=[self.org_a.pk, membership.pk]), follow=True)
        self.assertContains(response, "overal uitgelogd")
        for browser in (phone, laptop):
            response = browser.get(reverse("organisation", args=[self.org_b.pk]))
            self.assertRedirects(response, f"{reverse('login')}?next=/organisaties/{self.org_b.pk}/")
        self.assertEqual(self.organisation_page(bystander), 200)  # nobody else is logged out
        self.assertEqual(self.organisation_page(admin), 200)
        again = signed_in(self.mia)  # her other role counts again at her next login
        self.assertEqual(again.get(reverse("organisation", args=[self.org_b.pk])).status_code, 200)
        self.assertEqual(self.organisation_page(again), 404)

    def test_removing_a_membership_in_the_admin_logs_the_person_out_too(self):
        browser = signed_in(self.lex)
        staff = signed_in(self.carol)
        membership = Membership.objects.get(user=self.lex, organisation=self.org_a)
        url = reverse("admin:organisations_membership_delete", args=[membership.pk])
        self.assertEqual(staff.post(url, {"post": "yes"}).status_code, 302)
        self.assertFalse(Membership.objects.filter(pk=membership.pk).exists())
        self.assertEqual(browser.get(reverse("dashboard")).status_code, 302)

    def test_deactivating_an_account_logs_it_out_everywhere(self):
        browsers = [signed_in(self.lex), signed_in(self.lex)]
        self.lex.is_active = False
        self.lex.save()
        for browser in browsers:
            self.assertEqual(browser.get(reverse("dashboard")).status_code, 302)
        self.assertEqual(Client().post(reverse("login"), {"username": "lex", "password": PASSWORD}).status_code, 200)

    def test_saving_an_active_account_or_a_new_one_ends_no_session(self):
        browser = signed_in(self.lex)
        self.lex.first_name = "Lex"
        self.lex.save()
        self.assertEqual(browser.get(reverse("dashboard")).status_code, 200)

    def test_end_sessions_removes_only_that_accounts_sessions_and_counts_them(self):
        signed_in(self.lex), signed_in(self.lex), signed_in(self.mia)
        self.assertEqual(end_sessions(self.lex.pk), 2)
        self.assertEqual(Session.objects.count(), 1)
        self.assertEqual(end_sessions(self.lex.pk), 0)

    def test_a_person_removed_from_every_organisation_reaches_none_of_its_data(self):
        measurement = make_measurement(self.org_a, {"1a": 3})
        programme = Programme.objects.create(name="Landelijk")
        Participation.objects.create(programme=programme, organisation=self.org_a, baseline=measurement)
        Membership.objects.filter(user=self.mia).delete()
        browser = signed_in(self.mia)
        self.assertNotContains(browser.get(reverse("dashboard")), self.org_a.name)
        self.assertNotContains(browser.get(reverse("programmes")), "Landelijk")
        values = {"pk": self.org_a.pk, "measurement_pk": measurement.pk, "name": "alle", "fmt": "xlsx"}
        reached = []
        for name, route in routes():
            if not route.startswith("organisaties/<int:pk>/"):
                continue
            kwargs = {
                key: uuid.UUID(int=1) if kind == "uuid" else values.get(key, 1)
                for kind, key in re.findall(r"<(\w+):(\w+)>", route)
            }
            status = browser.get(reverse(name, kwargs=kwargs)).status_code
            if status not in (403, 404):
                reached.append((name, status))
        self.assertEqual(reached, [])
        programme_page = browser.get(reverse("programme", args=[programme.pk]))
        self.assertEqual(programme_page.status_code, 404)
