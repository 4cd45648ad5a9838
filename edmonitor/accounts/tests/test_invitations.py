"""Invitations by e-mail (issue 17 part 2): a role in an organisation, or one place of one audit.

What must hold, from the issue: the link is signed, works once and for 7 days; the invitee sets a
password (the validators apply) or, with an account already, confirms after logging in; open
invitations are listed, sent again (the older link stops) and withdrawn; a command does the same
for bootstrapping; and nothing of this tells an outsider which accounts exist.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from unittest import mock
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from edmonitor.accounts import invitations
from edmonitor.accounts.models import Invitation, InvitationStatus
from edmonitor.audits.models import Position
from edmonitor.audits.tests.factories import THEMES, plan, rate
from edmonitor.organisations.models import AccessEvent, Membership, Role
from edmonitor.testing import PASSWORD, BaseTestCase, make_user

NEW_PASSWORD = "een lang en nieuw wachtwoord"
WEEK = 7 * 24 * 60 * 60


def link_in(message) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return found.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def new_account(client: Client, link: str, **extra):
    data = {"first_name": "Noor", "last_name": "Nieuw", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(path_of(link), data | extra)


class InvitingFromTheMembersPageTests(BaseTestCase):
    def invite(self, email="noor@example.org", role=Role.MEMBER, user=None):
        self.login(user or self.alice)
        url = reverse("member_invite", args=[self.org_a.pk])
        return self.client.post(url, {"invite-email": email, "invite-role": role})

    def test_an_admin_invites_and_the_invitee_makes_an_account_with_the_role(self):
        response = self.invite("Noor@Example.org ")
        self.assertRedirects(response, reverse("members", args=[self.org_a.pk]))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["noor@example.org"])
        link = link_in(mail.outbox[0])
        self.assertTrue(link.startswith("http://testserver/uitnodiging/"), link)
        page = Client().get(path_of(link))
        self.assertTemplateUsed(page, "accounts/invitation_new_account.html")
        self.assertContains(page, "noor@example.org")

        visitor = Client()
        done = new_account(visitor, link)
        self.assertRedirects(done, self.org_a.get_absolute_url())
        noor = get_user_model().objects.get(email="noor@example.org")
        self.assertEqual((noor.username, noor.first_name, noor.last_name), ("noor@example.org", "Noor", "Nieuw"))
        self.assertTrue(noor.check_password(NEW_PASSWORD))
        self.assertEqual(Membership.objects.get(user=noor, organisation=self.org_a).role, Role.MEMBER)
        self.assertEqual(visitor.get(self.org_a.get_absolute_url()).status_code, 200)  # signed in
        invitation = Invitation.objects.get()
        self.assertEqual(invitation.status, InvitationStatus.ACCEPTED)
        self.assertEqual(invitation.accepted_by, noor)
        self.assertTrue(
            AccessEvent.objects.filter(kind="invitation_accept", user=noor, organisation_id=self.org_a.pk).exists()
        )
        # the link works once
        again = Client().get(path_of(link))
        self.assertTemplateUsed(again, "accounts/invitation_invalid.html")
        self.assertEqual(get_user_model().objects.filter(email="noor@example.org").count(), 1)

    def test_the_password_validators_apply_and_a_refusal_makes_nothing(self):
        self.invite()
        link = link_in(mail.outbox[0])
        weak = new_account(Client(), link, password1="12345678901", password2="12345678901")
        self.assertEqual(weak.status_code, 200)
        self.assertContains(weak, "aria-invalid")
        different = new_account(Client(), link, password2=NEW_PASSWORD + "x")
        self.assertEqual(different.status_code, 200)
        like_name = new_account(Client(), link, password1="noor@example.org", password2="noor@example.org")
        self.assertEqual(like_name.status_code, 200)
        self.assertFalse(get_user_model().objects.filter(email="noor@example.org").exists())
        self.assertEqual(Invitation.objects.get().status, InvitationStatus.PENDING)

    def test_only_the_newest_link_works_after_sending_again_and_none_after_withdrawing(self):
        self.invite()
        first = link_in(mail.outbox[0])
        invitation = Invitation.objects.get()
        resend = reverse("member_invitation_resend", args=[self.org_a.pk, invitation.pk])
        self.assertRedirects(self.client.post(resend), reverse("members", args=[self.org_a.pk]))
        second = link_in(mail.outbox[1])
        self.assertNotEqual(first, second)
        self.assertTemplateUsed(Client().get(path_of(first)), "accounts/invitation_invalid.html")
        self.assertTemplateUsed(Client().get(path_of(second)), "accounts/invitation_new_account.html")
        self.assertEqual(Invitation.objects.get().times_sent, 2)

        withdraw = reverse("member_invitation_withdraw", args=[self.org_a.pk, invitation.pk])
        self.assertRedirects(self.client.post(withdraw), reverse("members", args=[self.org_a.pk]))
        self.assertTemplateUsed(Client().get(path_of(second)), "accounts/invitation_invalid.html")
        self.assertEqual(new_account(Client(), second).status_code, 200)  # the invalid page, nothing made
        self.assertFalse(get_user_model().objects.filter(email="noor@example.org").exists())
        # a withdrawn invitation leaves the list and can no longer be sent again
        self.assertNotContains(self.client.get(reverse("members", args=[self.org_a.pk])), "noor@example.org")
        self.assertEqual(self.client.post(resend).status_code, 404)

    def test_inviting_the_same_address_again_keeps_one_open_invitation(self):
        self.invite(role=Role.VIEWER)
        self.invite(role=Role.ADMIN)
        self.assertEqual(Invitation.objects.open().count(), 1)
        self.assertEqual(Invitation.objects.get().role, Role.ADMIN)
        self.assertTemplateUsed(Client().get(path_of(link_in(mail.outbox[0]))), "accounts/invitation_invalid.html")

    def test_the_link_expires_after_seven_days(self):
        self.invite()
        link = link_in(mail.outbox[0])
        later = time.time() + WEEK + 60
        with mock.patch("django.core.signing.time.time", return_value=later):
            page = Client().get(path_of(link))
        self.assertTemplateUsed(page, "accounts/invitation_invalid.html")
        # the members page lists it as expired, and sending again gives a working link
        Invitation.objects.update(sent_at=timezone.now() - dt.timedelta(days=8))
        self.assertEqual(Invitation.objects.get().status, InvitationStatus.EXPIRED)
        members = self.client.get(reverse("members", args=[self.org_a.pk]))
        self.assertContains(members, str(InvitationStatus.EXPIRED.label))
        self.client.post(reverse("member_invitation_resend", args=[self.org_a.pk, Invitation.objects.get().pk]))
        self.assertTemplateUsed(Client().get(path_of(link_in(mail.outbox[1]))), "accounts/invitation_new_account.html")

    def test_a_link_that_was_changed_is_not_valid(self):
        self.invite()
        link = link_in(mail.outbox[0])
        tampered = link[:-3] + ("AAA/" if not link.endswith("AAA/") else "BBB/")
        self.assertTemplateUsed(Client().get(path_of(tampered)), "accounts/invitation_invalid.html")
        other = invitations.token(Invitation(pk=Invitation.objects.get().pk + 1, nonce="x"))
        self.assertTemplateUsed(Client().get(reverse("invitation", args=[other])), "accounts/invitation_invalid.html")

    def test_an_invalid_address_is_refused_and_sends_nothing(self):
        response = self.invite("niet-een-adres")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "aria-invalid")
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Invitation.objects.exists())

    def test_staff_invite_the_first_admin_of_a_new_organisation(self):
        self.login(self.carol)
        created = self.client.post(reverse("organisation_create"), {"name": "Nieuw Begin", "sector": "mental_health"})
        new = self.org_a.__class__.objects.get(name="Nieuw Begin")
        self.assertRedirects(created, reverse("members", args=[new.pk]) + "#invite", fetch_redirect_response=False)
        self.client.post(
            reverse("member_invite", args=[new.pk]), {"invite-email": "eerste@nieuw.nl", "invite-role": "admin"}
        )
        new_account(Client(), link_in(mail.outbox[0]))
        first = get_user_model().objects.get(email="eerste@nieuw.nl")
        self.assertEqual(Membership.objects.get(user=first).organisation, new)
        self.assertEqual(Membership.objects.get(user=first).role, Role.ADMIN)


class ExistingAccountTests(BaseTestCase):
    def setUp(self):
        self.bob.email = "bob@ribw-beta.nl"
        self.bob.save()
        invitations.invite(
            email="BOB@ribw-beta.nl", organisation=self.org_a, role=Role.VIEWER, by=self.alice, base_url="http://t"
        )
        self.path = path_of(link_in(mail.outbox[0]))

    def test_an_anonymous_visitor_is_asked_to_log_in_and_no_account_is_made(self):
        page = self.client.get(self.path)
        self.assertTemplateUsed(page, "accounts/invitation_log_in.html")
        self.assertContains(page, reverse("login") + "?next=" + quote(self.path))
        self.assertEqual(new_account(self.client, "http://t" + self.path).status_code, 200)
        self.assertEqual(get_user_model().objects.filter(email__iexact="bob@ribw-beta.nl").count(), 1)

    def test_the_owner_of_the_address_confirms_after_logging_in(self):
        self.login(self.bob)
        self.assertTemplateUsed(self.client.get(self.path), "accounts/invitation_confirm.html")
        self.assertFalse(Membership.objects.filter(user=self.bob, organisation=self.org_a).exists())  # not yet
        done = self.client.post(self.path, {"action": "accept"})
        self.assertRedirects(done, self.org_a.get_absolute_url())
        self.assertEqual(Membership.objects.get(user=self.bob, organisation=self.org_a).role, Role.VIEWER)
        self.assertEqual(Membership.objects.get(user=self.bob, organisation=self.org_b).role, Role.ADMIN)  # kept

    def test_another_account_cannot_take_the_invitation(self):
        self.login(self.mia)
        self.assertTemplateUsed(self.client.get(self.path), "accounts/invitation_other_account.html")
        self.client.post(self.path, {"action": "accept"})
        self.assertFalse(
            Membership.objects.filter(user=self.mia, organisation=self.org_a).exclude(role=Role.MEMBER).exists()
        )
        self.assertEqual(Invitation.objects.get().status, InvitationStatus.PENDING)
        out = self.client.post(self.path, {"action": "logout"})
        self.assertRedirects(out, self.path, fetch_redirect_response=False)
        self.assertTemplateUsed(self.client.get(self.path), "accounts/invitation_log_in.html")  # logged out now


class AuditorInvitationTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ina = make_user("ina")
        cls.eva = make_user("eva")
        Membership.objects.create(user=cls.ina, organisation=cls.org_a, role=Role.MEMBER)

    def setUp(self):
        self.audit = plan(self.org_a, self.ina, self.eva, by=self.alice)
        self.url = reverse("audit_auditor_invite", args=[self.org_a.pk, self.audit.pk])
        self.login(self.alice)

    def test_an_invited_auditor_takes_the_place_and_sees_only_this_audit(self):
        response = self.client.post(self.url, {"email": "ext@bureau.nl", "place": "2", "position": "external"})
        self.assertRedirects(response, self.audit.get_absolute_url())
        self.assertEqual([a.user for a in self.audit.auditors.all()], [self.ina, self.eva])  # not before accepting
        visitor = Client()
        self.assertRedirects(new_account(visitor, link_in(mail.outbox[0])), self.audit.get_absolute_url())
        ext = get_user_model().objects.get(email="ext@bureau.nl")
        auditors = [(a.user, a.position, a.order) for a in self.audit.auditors.all()]
        self.assertEqual(auditors, [(self.ina, Position.INTERNAL, 1), (ext, Position.EXTERNAL, 2)])
        self.assertFalse(Membership.objects.filter(user=ext).exists())  # no role in the organisation
        self.assertEqual(visitor.get(self.audit.get_absolute_url()).status_code, 200)
        self.assertEqual(visitor.get(self.org_a.get_absolute_url()).status_code, 404)

    def test_replacing_an_auditor_with_saved_scores_needs_a_reason(self):
        rate(self.audit, self.eva, {t: 3 for t in THEMES}, submit=False)
        data = {"email": "ext@bureau.nl", "place": "2", "position": "external"}
        refused = self.client.post(self.url, data)
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "aria-invalid")
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])
        self.client.post(self.url, data | {"reason": "Eva is langdurig ziek"})
        new_account(Client(), link_in(mail.outbox[0]))
        self.assertEqual(self.audit.auditors.get(order=2).user.email, "ext@bureau.nl")
        trail = self.audit.auditors.model.history.filter(history_change_reason="Eva is langdurig ziek")
        self.assertTrue(trail.exists())

    def test_accepting_after_scores_were_submitted_is_refused_and_makes_no_account(self):
        self.client.post(self.url, {"email": "ext@bureau.nl", "place": "2", "position": "external"})
        rate(self.audit, self.ina, {t: 3 for t in THEMES})  # the plan is fixed now
        response = new_account(Client(), link_in(mail.outbox[0]))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(get_user_model().objects.filter(email="ext@bureau.nl").exists())
        self.assertEqual(self.audit.auditors.get(order=2).user, self.eva)
        self.assertEqual(Invitation.objects.get().status, InvitationStatus.PENDING)

    def test_the_other_auditor_cannot_be_invited_to_the_second_place(self):
        self.ina.email = "ina@ggz-alfa.nl"
        self.ina.save()
        self.client.post(self.url, {"email": "ina@ggz-alfa.nl", "place": "2", "position": "internal"})
        self.login(self.ina)
        self.client.post(path_of(link_in(mail.outbox[0])), {"action": "accept"})
        self.assertEqual([a.user for a in self.audit.auditors.all()], [self.ina, self.eva])
        self.assertEqual(Invitation.objects.get().status, InvitationStatus.PENDING)


@override_settings(EDMONITOR_BASE_URL="https://edmonitor.example.nl")
class InviteCommandTests(BaseTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("invite", *args, stdout=out)
        return out.getvalue()

    def test_the_command_invites_with_a_link_to_the_installation(self):
        output = self.run_command("eerste@ggz-alfa.nl", "--organisation", str(self.org_a.pk), "--role", "admin")
        self.assertIn("eerste@ggz-alfa.nl", output)
        self.assertTrue(link_in(mail.outbox[0]).startswith("https://edmonitor.example.nl/uitnodiging/"))
        invitation = Invitation.objects.get()
        self.assertEqual((invitation.role, invitation.organisation, invitation.invited_by), ("admin", self.org_a, None))

    def test_bad_input_is_refused_and_changes_nothing(self):
        cases = [
            ("geen-adres", "--organisation", str(self.org_a.pk), "--role", "admin"),
            ("a@b.nl", "--organisation", "999999", "--role", "admin"),
            ("a@b.nl", "--organisation", str(self.org_a.pk), "--role", "admin", "--base-url", "ftp://x"),
        ]
        for args in cases:
            with self.subTest(args=args), self.assertRaises(CommandError):
                self.run_command(*args)
        with self.assertRaises(CommandError):  # argparse: a role that does not exist
            self.run_command("a@b.nl", "--organisation", str(self.org_a.pk), "--role", "god")
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])


class PasswordOfExistingUsersTests(BaseTestCase):
    """The matrix's logins use force_login; one real login proves the invited account's password works."""

    def test_an_account_made_from_an_invitation_logs_in_with_its_address(self):
        invitations.invite(
            email="noor@example.org", organisation=self.org_a, role="viewer", by=None, base_url="http://t"
        )
        new_account(Client(), link_in(mail.outbox[0]))
        response = Client().post(reverse("login"), {"username": "noor@example.org", "password": NEW_PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertNotEqual(PASSWORD, NEW_PASSWORD)


class InvitationAdminTests(BaseTestCase):
    def test_staff_withdraw_invitations_in_the_admin_and_cannot_edit_them(self):
        invitation = invitations.invite(
            email="noor@example.org", organisation=self.org_a, role="viewer", by=None, base_url="http://t"
        )
        self.login(self.carol)
        listing = self.client.get("/beheer/accounts/invitation/")
        self.assertContains(listing, "noor@example.org")
        self.assertEqual(self.client.get("/beheer/accounts/invitation/add/").status_code, 403)
        self.client.post(
            "/beheer/accounts/invitation/", {"action": "withdraw", "_selected_action": [str(invitation.pk)]}
        )
        self.assertEqual(Invitation.objects.get().status, InvitationStatus.WITHDRAWN)
        self.assertTemplateUsed(Client().get(path_of(link_in(mail.outbox[0]))), "accounts/invitation_invalid.html")
