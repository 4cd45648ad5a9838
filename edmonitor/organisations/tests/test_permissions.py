"""Who sees and changes what: members of one organisation never reach another's data."""

from __future__ import annotations

from django.urls import reverse

from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Facility, Membership, Organisation
from edmonitor.testing import BaseTestCase, make_measurement


class OrganisationIsolationTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.measurement_a = make_measurement(cls.org_a, {"1a": 2, "2a": 3}, label="A1")
        cls.measurement_b = make_measurement(cls.org_b, {"1a": 4, "2a": 4}, label="B1")
        cls.membership_b = Membership.objects.get(organisation=cls.org_b, user=cls.bob)

    def urls_of_b(self):
        b, m, f = self.org_b.pk, self.measurement_b.pk, self.facility_b.pk
        return [
            reverse("organisation", args=[b]),
            reverse("organisation_edit", args=[b]),
            reverse("facility_create", args=[b]),
            reverse("facility_edit", args=[b, f]),
            reverse("members", args=[b]),
            reverse("member_remove", args=[b, self.membership_b.pk]),
            reverse("measurement_create", args=[b]),
            reverse("measurement", args=[b, m]),
            reverse("measurement_edit", args=[b, m]),
            reverse("measurement_delete", args=[b, m]),
        ]

    def test_the_dashboard_lists_only_the_users_own_organisations(self):
        self.login(self.alice)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "GGZ Alfa")
        self.assertNotContains(response, "RIBW Beta")

    def test_staff_see_every_organisation(self):
        self.login(self.carol)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "GGZ Alfa")
        self.assertContains(response, "RIBW Beta")

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        for url in [reverse("dashboard"), *self.urls_of_b()]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith(reverse("login")), url)

    def test_guessing_another_organisations_urls_finds_nothing(self):
        self.login(self.alice)
        for url in self.urls_of_b():
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_posting_to_another_organisations_urls_changes_nothing(self):
        self.login(self.alice)
        for url in self.urls_of_b():
            response = self.client.post(
                url,
                {
                    "name": "Overgenomen",
                    "measured_on": "2025-02-02",
                    "item_1a": "1",
                    "username": "alice",
                    "role": "admin",
                },
            )
            self.assertEqual(response.status_code, 404, url)
        self.org_b.refresh_from_db()
        self.assertEqual(self.org_b.name, "RIBW Beta")
        self.assertTrue(Measurement.objects.filter(pk=self.measurement_b.pk).exists())
        self.assertEqual(self.org_b.measurements.count(), 1)
        self.assertTrue(Membership.objects.filter(pk=self.membership_b.pk).exists())
        self.assertFalse(Membership.objects.filter(organisation=self.org_b, user=self.alice).exists())
        self.assertEqual(Facility.objects.filter(organisation=self.org_b).count(), 1)

    def test_a_measurement_of_b_cannot_be_reached_through_a_url_of_a(self):
        self.login(self.alice)
        for name in ("measurement", "measurement_edit", "measurement_delete"):
            url = reverse(name, args=[self.org_a.pk, self.measurement_b.pk])
            self.assertEqual(self.client.get(url).status_code, 404, url)
        url = reverse("facility_edit", args=[self.org_a.pk, self.facility_b.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_measurement_form_offers_only_the_organisations_own_facilities(self):
        self.login(self.alice)
        response = self.client.get(reverse("measurement_create", args=[self.org_a.pk]))
        self.assertContains(response, "Kliniek Oost")
        self.assertNotContains(response, "Woonvorm West")
        response = self.client.post(
            reverse("measurement_create", args=[self.org_a.pk]),
            {"measured_on": "2025-05-05", "facility": self.facility_b.pk, "item_1a": "2"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.org_a.measurements.count(), 1)


class RoleTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.measurement = make_measurement(cls.org_a, {"1a": 2})

    def status(self, user, name, *args, method="get", data=None):
        self.client.force_login(user)
        url = reverse(name, args=args)
        return getattr(self.client, method)(url, data or {}).status_code

    def test_each_role_gets_what_it_may_and_is_refused_the_rest(self):
        a, m = self.org_a.pk, self.measurement.pk
        expected = {
            # page: (viewer lex, member mia, admin alice, staff carol)
            ("organisation", (a,)): (200, 200, 200, 200),
            ("measurement", (a, m)): (200, 200, 200, 200),
            ("measurement_create", (a,)): (403, 200, 200, 200),
            ("measurement_edit", (a, m)): (403, 200, 200, 200),
            ("measurement_delete", (a, m)): (403, 403, 200, 200),
            ("organisation_edit", (a,)): (403, 403, 200, 200),
            ("members", (a,)): (403, 403, 200, 200),
            ("facility_create", (a,)): (403, 403, 200, 200),
            ("organisation_create", ()): (403, 403, 403, 200),
        }
        users = (self.lex, self.mia, self.alice, self.carol)
        for (name, args), statuses in expected.items():
            for user, status in zip(users, statuses, strict=True):
                self.assertEqual(self.status(user, name, *args), status, f"{user} {name}")

    def test_a_viewer_cannot_save_a_measurement(self):
        status = self.status(
            self.lex,
            "measurement_create",
            self.org_a.pk,
            method="post",
            data={"measured_on": "2025-01-02", "item_1a": "3"},
        )
        self.assertEqual(status, 403)
        self.assertEqual(self.org_a.measurements.count(), 1)

    def test_a_member_cannot_delete_a_measurement(self):
        status = self.status(self.mia, "measurement_delete", self.org_a.pk, self.measurement.pk, method="post")
        self.assertEqual(status, 403)
        self.assertTrue(Measurement.objects.filter(pk=self.measurement.pk).exists())

    def test_a_coordinator_gives_a_user_a_role_and_that_user_then_sees_the_organisation(self):
        self.client.force_login(self.carol)
        response = self.client.post(reverse("members", args=[self.org_a.pk]), {"username": "bob", "role": "viewer"})
        self.assertEqual(response.status_code, 302)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("organisation", args=[self.org_a.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("measurement_create", args=[self.org_a.pk])).status_code, 403)

    def test_an_admin_changes_the_role_of_a_member(self):
        self.client.force_login(self.alice)
        response = self.client.post(reverse("members", args=[self.org_a.pk]), {"username": "lex", "role": "member"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.org_a.memberships.get(user=self.lex).role, "member")

    def test_an_admin_cannot_tell_whether_an_account_outside_the_organisation_exists(self):
        self.client.force_login(self.alice)
        answers = {}
        for name in ("bob", "nobody"):  # bob has an account (admin of B), nobody has none
            response = self.client.post(reverse("members", args=[self.org_a.pk]), {"username": name, "role": "admin"})
            self.assertEqual(response.status_code, 200)
            answers[name] = [str(e).replace(name, "NAME") for e in response.context["form"].errors["username"]]
        self.assertEqual(answers["bob"], answers["nobody"])
        self.assertFalse(self.org_a.memberships.filter(user=self.bob).exists())

    def test_an_unknown_username_gets_a_clear_message_and_no_role(self):
        self.client.force_login(self.alice)
        response = self.client.post(reverse("members", args=[self.org_a.pk]), {"username": "nobody", "role": "admin"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["username"])
        self.assertEqual(self.org_a.memberships.count(), 3)

    def test_staff_create_an_organisation_and_bad_values_are_refused(self):
        self.client.force_login(self.carol)
        response = self.client.post(
            reverse("organisation_create"), {"name": "Nieuw", "sector": "addiction", "clients": "-4", "staff_fte": "x"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("clients", response.context["form"].errors)
        self.assertIn("staff_fte", response.context["form"].errors)
        self.assertFalse(Organisation.objects.filter(name="Nieuw").exists())
        response = self.client.post(
            reverse("organisation_create"),
            {"name": "Nieuw", "sector": "addiction", "clients": "400", "staff_fte": "55.5"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Organisation.objects.filter(name="Nieuw", clients=400).exists())


class FacilityTests(BaseTestCase):
    def test_an_admin_adds_a_facility_and_a_duplicate_name_is_refused(self):
        self.login(self.alice)
        url = reverse("facility_create", args=[self.org_a.pk])
        self.assertEqual(self.client.post(url, {"name": "Ambulant team Zuid"}).status_code, 302)
        response = self.client.post(url, {"name": "kliniek oost"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("name", response.context["form"].errors)
        self.assertEqual(
            sorted(self.org_a.facilities.values_list("name", flat=True)), ["Ambulant team Zuid", "Kliniek Oost"]
        )

    def test_the_same_facility_name_may_exist_in_another_organisation(self):
        self.login(self.bob)
        url = reverse("facility_create", args=[self.org_b.pk])
        self.assertEqual(self.client.post(url, {"name": "Kliniek Oost"}).status_code, 302)
