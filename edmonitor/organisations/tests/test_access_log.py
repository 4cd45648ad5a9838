"""The access log (NEN 7513, issue 17 part 6): what is recorded, that nothing changes it, who reads it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from io import StringIO
from unittest import skipUnless
from urllib.parse import urlencode

from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from edmonitor.organisations.access_log import (
    API_ORGANISATION_ROUTE,
    NOT_LOGGED,
    ORGANISATION_ROUTE,
    SPANNING_ROUTES,
    category_of,
    purge,
    record,
)
from edmonitor.organisations.models import (
    AccessAction,
    AccessCategory,
    AccessEvent,
    AppendOnly,
    Membership,
    Organisation,
    Role,
)
from edmonitor.programmes.models import Programme
from edmonitor.testing import PASSWORD, BaseTestCase, make_measurement, make_user


def routes(resolvers=None, prefix=""):
    """(URL name, full route) of every named URL of the site, except the admin site (staff only; see access_log)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) == "beheer/":
                continue
            yield from routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, prefix + str(entry.pattern)


def not_sign_ins():
    return AccessEvent.objects.exclude(category=AccessCategory.SIGN_IN)


class WhatIsRecordedTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.measurement = make_measurement(cls.org_a, {"1a": 3})

    def test_every_page_of_the_site_is_logged_or_listed_with_a_reason(self):
        names = dict(routes())
        unlisted = [
            name
            for name, route in names.items()
            if name not in NOT_LOGGED
            and not route.startswith((ORGANISATION_ROUTE, API_ORGANISATION_ROUTE, *SPANNING_ROUTES))
        ]
        self.assertEqual(unlisted, [], "pages that are neither logged nor listed in NOT_LOGGED")
        self.assertEqual(sorted(set(NOT_LOGGED) - set(names)), [], "NOT_LOGGED names pages that do not exist")
        organisation_pages_left_out = [n for n in NOT_LOGGED if names[n].startswith(ORGANISATION_ROUTE)]
        self.assertEqual(organisation_pages_left_out, [], "an organisation's page must be logged")
        self.assertTrue(all(reason.strip() for reason in NOT_LOGGED.values()))

    def test_opening_the_organisation_page_records_who_what_which_organisation_when_and_from_where(self):
        self.login(self.lex)
        before = timezone.now()
        self.assertEqual(self.client.get(reverse("organisation", args=[self.org_a.pk])).status_code, 200)
        event = not_sign_ins().get()
        self.assertEqual((event.user, event.username), (self.lex, "lex"))
        self.assertEqual((event.organisation, event.action), (self.org_a, AccessAction.VIEW))
        self.assertEqual((event.category, event.kind, event.object_id), ("organisation", "organisation", self.org_a.pk))
        self.assertEqual(event.path, f"/organisaties/{self.org_a.pk}/")
        self.assertEqual(event.client, "127.0.0.1")
        self.assertGreaterEqual(event.at, before)

    def test_a_measurement_is_recorded_with_its_own_id(self):
        self.login(self.lex)
        url = reverse("measurement", kwargs={"pk": self.org_a.pk, "measurement_pk": self.measurement.pk})
        self.assertEqual(self.client.get(url).status_code, 200)
        event = not_sign_ins().get()
        self.assertEqual(
            (event.category, event.kind, event.object_id), ("measurement", "measurement", self.measurement.pk)
        )

    def test_a_saved_form_is_a_change_and_a_refused_form_records_nothing(self):
        self.login(self.alice)
        url = reverse("facility_create", args=[self.org_a.pk])
        response = self.client.post(url, {"name": ""})  # refused: a name is needed
        self.assertEqual(response.status_code, 200)
        self.assertFalse(not_sign_ins().filter(action=AccessAction.CHANGE).exists())
        self.assertEqual(self.client.post(url, {"name": "Kliniek Noord"}).status_code, 302)
        change = not_sign_ins().get(action=AccessAction.CHANGE)
        self.assertEqual(
            (change.organisation, change.category, change.kind), (self.org_a, "organisation", "facility_create")
        )

    def test_a_page_someone_may_not_open_records_nothing(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("organisation", args=[self.org_a.pk])).status_code, 404)
        self.login(self.lex)
        self.assertEqual(self.client.get(reverse("members", args=[self.org_a.pk])).status_code, 403)
        self.assertFalse(not_sign_ins().exists())

    def test_pages_without_an_organisations_data_record_nothing(self):
        self.login(self.lex)
        for url in (reverse("dashboard"), reverse("knowledge"), reverse("knowledge_methods")):
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.assertFalse(not_sign_ins().exists())

    def test_a_download_is_one_export_with_its_file_not_also_a_view(self):
        self.login(self.alice)
        response = self.client.get(reverse("organisation_export", args=[self.org_a.pk]))
        self.assertEqual(response.status_code, 200)
        event = not_sign_ins().get()
        self.assertEqual((event.action, event.organisation, event.file_format), ("export", self.org_a, "json"))
        self.assertEqual(event.kind, "organisation_export")
        self.assertTrue(event.filename.endswith(".json"))

    def test_a_programme_page_is_recorded_without_an_organisation(self):
        programme = Programme.objects.create(name="Landelijk")
        self.login(self.carol)
        self.assertEqual(self.client.get(reverse("programme", args=[programme.pk])).status_code, 200)
        event = not_sign_ins().get()
        self.assertEqual((event.organisation, event.category, event.object_id), (None, "programme", programme.pk))

    @override_settings(EDMONITOR_PROXY_COUNT=1)
    def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_saw(self):
        self.login(self.lex)
        self.client.get(reverse("organisation", args=[self.org_a.pk]), HTTP_X_FORWARDED_FOR="203.0.113.9")
        self.assertEqual(not_sign_ins().get().client, "203.0.113.9")


class SignInTests(BaseTestCase):
    def test_a_login_a_failed_login_and_a_logout_are_recorded_without_the_password(self):
        login = reverse("login")
        self.client.post(login, {"username": "lex", "password": "not the password"})
        self.client.post(login, {"username": "lex", "password": PASSWORD})
        self.client.post(reverse("logout"))
        events = list(AccessEvent.objects.order_by("at", "id"))
        self.assertEqual(
            [(e.action, e.username, e.user) for e in events],
            [("login_failed", "lex", None), ("login", "lex", self.lex), ("logout", "lex", self.lex)],
        )
        self.assertTrue(all(e.client == "127.0.0.1" and e.category == "sign_in" for e in events))
        stored = " ".join(str(value) for e in events for value in vars(e).values())
        self.assertNotIn("not the password", stored)
        self.assertNotIn(PASSWORD, stored)

    def test_a_failed_login_for_a_name_that_does_not_exist_is_recorded_as_typed(self):
        self.client.post(reverse("login"), {"username": "nobody-here", "password": "x"})
        event = AccessEvent.objects.get()
        self.assertEqual((event.action, event.username, event.user), ("login_failed", "nobody-here", None))


class AppendOnlyTests(BaseTestCase):
    org_a: Organisation  # set by BaseTestCase.setUpTestData

    def event(self) -> AccessEvent:
        return record(None, action=AccessAction.VIEW, kind="organisation", organisation=self.org_a, username="x")

    def test_the_application_cannot_change_or_remove_an_entry(self):
        event = self.event()
        event.username = "someone else"
        with self.assertRaises(AppendOnly):
            event.save()
        with self.assertRaises(AppendOnly):
            event.delete()
        with self.assertRaises(AppendOnly):
            AccessEvent.objects.filter(pk=event.pk).update(username="y")
        with self.assertRaises(AppendOnly):
            AccessEvent.objects.all().delete()
        self.assertEqual(AccessEvent.objects.get().username, "x")

    @skipUnless(connection.vendor == "postgresql", "the trigger is PostgreSQL's")
    def test_on_postgresql_the_database_refuses_an_update_or_a_delete(self):
        event = self.event()
        table = AccessEvent._meta.db_table
        for sql in (f"UPDATE {table} SET username = 'y'", f"DELETE FROM {table}"):
            with self.subTest(sql=sql), self.assertRaisesMessage(DatabaseError, "append-only"):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql)
        self.assertEqual(AccessEvent.objects.get(pk=event.pk).username, "x")

    def test_the_entries_outlive_a_deleted_organisation_and_a_deleted_account(self):
        gone = Organisation.objects.create(name="GGZ Weg")
        person = make_user("tijdelijk")
        Membership.objects.create(user=person, organisation=gone, role=Role.ADMIN)
        record(None, action=AccessAction.VIEW, kind="organisation", organisation=gone, user=person)
        ids = (gone.pk, person.pk)
        gone.delete()
        person.delete()
        event = AccessEvent.objects.get()
        self.assertEqual((event.username, event.organisation_id, event.user_id), ("tijdelijk", *ids))


class PurgeTests(BaseTestCase):
    def old_and_new(self, now):
        for days in (4000, 1826, 1824, 1):
            with self.subTest(days=days):
                AccessEvent.objects.create(
                    at=now - dt.timedelta(days=days), username=f"{days}", action="view", category="other", kind="x"
                )

    @override_settings(EDMONITOR_ACCESS_LOG_RETENTION_DAYS=1825)
    def test_the_purge_removes_what_is_older_than_the_retention_and_records_its_run(self):
        now = timezone.now()
        self.old_and_new(now)
        removed, cutoff = purge(now=now, by="test")
        self.assertEqual(removed, 2)
        self.assertEqual(cutoff, now - dt.timedelta(days=1825))
        kept = set(AccessEvent.objects.exclude(action="purge").values_list("username", flat=True))
        self.assertEqual(kept, {"1824", "1"})
        run = AccessEvent.objects.get(action="purge")
        self.assertEqual((run.username, run.category), ("test", "access_log"))
        self.assertIn("2 entries", run.description)

    @override_settings(EDMONITOR_ACCESS_LOG_RETENTION_DAYS=1825)
    def test_the_command_with_dry_run_counts_and_removes_nothing(self):
        self.old_and_new(timezone.now())
        out = StringIO()
        call_command("purge_access_log", "--dry-run", stdout=out)
        self.assertIn("Dry run: 2 entries", out.getvalue())
        self.assertEqual(AccessEvent.objects.count(), 4)
        call_command("purge_access_log", stdout=out)
        self.assertIn("Removed 2 access log entries", out.getvalue())
        self.assertEqual(AccessEvent.objects.count(), 3)  # two left, and the run

    def test_after_a_purge_the_log_is_append_only_again(self):
        purge()
        with self.assertRaises(AppendOnly):
            AccessEvent.objects.all().delete()
        if connection.vendor == "postgresql":
            with self.assertRaisesMessage(DatabaseError, "append-only"):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {AccessEvent._meta.db_table}")


class LogPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        at = timezone.make_aware(dt.datetime(2026, 3, 10, 12, 0))
        rows = [
            (cls.lex, cls.org_a, "view", "measurement", at),
            (cls.mia, cls.org_a, "change", "goal_edit", at + dt.timedelta(days=5)),
            (cls.alice, cls.org_a, "export", "organisation_report_pdf", at + dt.timedelta(days=20)),
            (cls.bob, cls.org_b, "view", "organisation", at),
            (cls.lex, None, "login", "login", at - dt.timedelta(hours=1)),  # a member's sign-in: the admins see it
            (cls.bob, None, "login", "login", at - dt.timedelta(hours=1)),  # not a member of org_a: they do not
        ]
        for user, organisation, action, kind, when in rows:
            AccessEvent.objects.create(
                at=when,
                user=user,
                username=user.username,
                organisation=organisation,
                action=action,
                category=category_of(kind),
                kind=kind,
                path=f"/{kind}/",
                client="192.0.2.1",
            )

    def url(self, organisation=None, **query):
        base = reverse("access_log", args=[(organisation or self.org_a).pk])
        return f"{base}?{urlencode(query)}" if query else base

    def shown(self, response) -> list[str]:
        """The page column of the rows shown (the paths of the fixtures are /<kind>/)."""
        return re.findall(r"<code>/([a-z_]+)/</code>", response.content.decode())

    def test_an_admin_reads_their_organisations_entries_and_their_members_sign_ins(self):
        self.login(self.alice)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.shown(response), ["organisation_report_pdf", "goal_edit", "measurement", "login"])
        self.assertContains(response, "Toegangslogboek van GGZ Alfa")

    def test_reading_the_log_is_itself_recorded(self):
        self.login(self.alice)
        self.client.get(self.url())
        event = AccessEvent.objects.filter(kind="access_log").get()
        self.assertEqual((event.user, event.organisation, event.action), (self.alice, self.org_a, "view"))
        self.assertEqual(event.category, AccessCategory.ACCESS_LOG)

    def test_filters_by_person_period_kind_and_action(self):
        self.login(self.alice)
        cases = {
            "persoon=lex": ["measurement", "login"],
            "van=2026-03-15": ["organisation_report_pdf", "goal_edit"],
            "tot=2026-03-15": ["goal_edit", "measurement", "login"],
            "van=2026-03-11&tot=2026-03-29": ["goal_edit"],
            "soort=measurement": ["measurement"],
            "actie=export": ["organisation_report_pdf"],
            "persoon=lex&actie=login": ["login"],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                response = self.client.get(f"{self.url()}?{query}")
                self.assertEqual(self.shown(response), expected)

    def test_a_period_that_ends_before_it_starts_is_explained_and_shows_nothing(self):
        self.login(self.alice)
        response = self.client.get(self.url(van="2026-03-20", tot="2026-03-01"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Het einde van de periode ligt voor het begin.")
        self.assertEqual(self.shown(response), [])

    def test_a_person_not_in_the_log_cannot_be_chosen(self):
        self.login(self.alice)
        response = self.client.get(self.url(persoon="bob"))
        self.assertEqual(self.shown(response), [])
        self.assertContains(response, "aria-invalid")

    def test_the_export_holds_the_filtered_entries_and_is_recorded(self):
        self.login(self.alice)
        response = self.client.get(self.url(persoon="lex", formaat="csv"))
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual([row[4] for row in rows[1:]], ["measurement", "login"])
        self.assertEqual({row[1] for row in rows[1:]}, {"lex"})
        export = AccessEvent.objects.get(kind="access_log", action="export")
        self.assertEqual((export.organisation, export.file_format), (self.org_a, "csv"))
        workbook = self.client.get(self.url(formaat="xlsx"))
        self.assertEqual(workbook.status_code, 200)
        self.assertTrue(workbook["Content-Disposition"].endswith('.xlsx"'))

    def test_who_may_read_it(self):
        for user, status in ((self.alice, 200), (self.carol, 200), (self.mia, 403), (self.lex, 403), (self.bob, 404)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url()).status_code, status)

    def test_the_former_download_log_address_leads_to_the_exports(self):
        self.login(self.alice)
        response = self.client.get(reverse("download_log", args=[self.org_a.pk]))
        self.assertRedirects(response, self.url(actie="export"), status_code=301)

    def test_the_organisation_page_links_to_the_log_for_admins_only(self):
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("organisation", args=[self.org_a.pk])), self.url())
        self.login(self.lex)
        self.assertNotContains(self.client.get(reverse("organisation", args=[self.org_a.pk])), self.url())
