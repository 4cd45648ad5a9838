"""Sharing from a personal space (issue 21 part 2).

From the issue: nothing is visible to anyone else until the person shares it; per item or per
collection, with a named person or a group, for a period, revocable; every share and every
view of shared material is listed for the owner, and the access log records every view. The
story and private notes are never part of what is shared.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from edmonitor.development import feedback, record, services, sharing
from edmonitor.development.models import (
    Activity,
    ConsentUse,
    Evidence,
    GroupMeeting,
    GroupMember,
    IntervisionGroup,
    Share,
    ShareView,
    Space,
    Story,
    StoryDecision,
)
from edmonitor.organisations.models import AccessCategory, AccessEvent
from edmonitor.testing import BaseTestCase, make_user

pytestmark = pytest.mark.both_databases  # who reaches personal material: on both databases

PRIVATE = "Alleen voor mij: wat de supervisie losmaakte"
STORY = "Mijn verhaal: de opname in 2019"


class SharingCase(BaseTestCase):
    noor: Any
    sam: Any
    space: Space
    reflection: Evidence
    certificate: Evidence
    decision: StoryDecision

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.noor = make_user("noor", first_name="Noor")  # the expert by experience
        cls.sam = make_user("sam", email="sam@zorg.example.nl")  # her supervisor, in another organisation
        cls.space = services.space_of(cls.noor)
        services.give_consent(cls.space)
        services.give_use_consent(cls.space, ConsentUse.SHARING)
        day = dt.date(2026, 11, 2)
        cls.reflection = Evidence.objects.create(
            space=cls.space, kind="reflection", title="Na het groepsgesprek", text="Wat ik leerde", occurred_on=day
        )
        cls.certificate = Evidence.objects.create(
            space=cls.space, kind="course", title="Certificaat WRAP", text="Geslaagd", occurred_on=day
        )
        cls.activity = Activity.objects.create(
            space=cls.space, kind="supervision", title="Supervisie", occurred_on=day, hours=Decimal("1.5"),
            private_note=PRIVATE,
        )  # fmt: skip
        Story.objects.create(space=cls.space, text=STORY)
        cls.decision = StoryDecision.objects.create(
            space=cls.space, decided_on=day, what="Alleen het deel over werk", audience="Nieuw wijkteam",
            purpose="Laten zien dat herstel kan",
        )  # fmt: skip

    def setUp(self):
        self.today = timezone.localdate()

    def share(self, what: str, **kwargs) -> Share:
        kwargs.setdefault("person", self.sam)
        return sharing.share(self.space, what=what, ends_on=self.today + dt.timedelta(days=7), **kwargs)

    def as_user(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


class ShareRulesTests(SharingCase):
    def test_nothing_is_shared_until_the_owner_shares_it(self):
        self.assertEqual(list(sharing.shared_with(self.sam)), [])
        for user in (self.sam, self.alice, self.carol):
            self.assertEqual(self.as_user(user).get(reverse("shared", args=[1])).status_code, 404)

    def test_sharing_needs_its_own_consent(self):
        other = services.space_of(self.mia)
        services.give_consent(other)
        evidence = Evidence.objects.create(space=other, kind="reflection", title="x", occurred_on=self.today)
        with self.assertRaises(services.Refused):
            sharing.share(other, what=f"evidence:{evidence.pk}", person=self.sam, ends_on=self.today)
        self.assertFalse(Share.objects.filter(space=other).exists())

    def test_bad_shares_are_refused_and_nothing_is_saved(self):
        mine = f"evidence:{self.reflection.pk}"
        others = services.space_of(self.mia)
        services.give_consent(others)
        foreign = Evidence.objects.create(space=others, kind="reflection", title="x", occurred_on=self.today)
        cases = [
            {"what": f"evidence:{foreign.pk}", "person": self.sam},  # not hers
            {"what": "collection:story", "person": self.sam},  # the story is no collection
            {"what": "story:1", "person": self.sam},
            {"what": mine, "person": self.noor},  # herself
            {"what": mine},  # nobody
            {"what": mine, "person": self.sam, "ends_on": self.today - dt.timedelta(days=1)},  # over already
            {"what": mine, "person": self.sam, "ends_on": self.today + dt.timedelta(days=366)},  # over a year
        ]
        for case in cases:
            kwargs = {"ends_on": self.today + dt.timedelta(days=7), "person": None} | case
            with self.subTest(case=case), self.assertRaises(services.Refused):
                sharing.share(self.space, **kwargs)
        self.assertFalse(Share.objects.exists())

    def test_a_group_share_needs_the_owner_in_the_group(self):
        group = IntervisionGroup.objects.create(name="Intervisie regio Noord")
        GroupMember.objects.create(group=group, user=self.sam)
        with self.assertRaises(services.Refused):
            self.share(f"evidence:{self.reflection.pk}", person=None, group=group)
        GroupMember.objects.create(group=group, user=self.noor)
        self.share(f"evidence:{self.reflection.pk}", person=None, group=group)
        outsider = make_user("olaf")
        self.assertEqual([s.evidence for s in sharing.shared_with(self.sam)], [self.reflection])
        self.assertEqual(list(sharing.shared_with(outsider)), [])
        self.assertEqual(list(sharing.shared_with(self.noor)), [])  # her own shares are not "shared with her"

    def test_a_person_is_found_by_user_name_or_email_only_when_it_is_one_account(self):
        self.assertEqual(services.find_account("SAM"), self.sam)
        self.assertEqual(services.find_account("sam@zorg.example.nl"), self.sam)
        self.assertIsNone(services.find_account("sa"))
        self.assertIsNone(services.find_account(""))
        make_user("sam2", email="sam@zorg.example.nl")
        self.assertIsNone(services.find_account("sam@zorg.example.nl"))  # two accounts: ask for the user name


class RecipientTests(SharingCase):
    def test_the_recipient_sees_the_shared_item_and_the_owner_sees_each_view(self):
        share = self.share(f"evidence:{self.reflection.pk}")
        sam = self.as_user(self.sam)
        listing = sam.get(reverse("shared_with_me")).content.decode()
        self.assertIn("Na het groepsgesprek", listing)
        page = sam.get(reverse("shared", args=[share.pk]))
        self.assertContains(page, "Wat ik leerde")
        self.assertNotContains(page, "Certificaat WRAP")  # one item, not the space
        self.assertEqual(ShareView.objects.get(share=share).viewer, self.sam)
        logged = AccessEvent.objects.filter(kind="shared", object_id=share.pk, user=self.sam)
        self.assertEqual([e.category for e in logged], [AccessCategory.SHARED])
        owner = self.as_user(self.noor).get(reverse("development_shares"))
        self.assertContains(owner, "1 keer bekeken")  # the interface is Dutch

    def test_nobody_else_reaches_a_share(self):
        share = self.share(f"evidence:{self.reflection.pk}")
        for user in (self.mia, self.alice, self.bob, self.carol):
            with self.subTest(user=user.username):
                self.assertEqual(self.as_user(user).get(reverse("shared", args=[share.pk])).status_code, 404)
        self.assertFalse(ShareView.objects.exists())

    def test_a_share_ends_on_its_last_day_and_when_revoked(self):
        share = self.share(f"evidence:{self.reflection.pk}")
        self.assertEqual(list(sharing.shared_with(self.sam, today=share.ends_on)), [share])
        self.assertEqual(list(sharing.shared_with(self.sam, today=share.ends_on + dt.timedelta(days=1))), [])
        Share.objects.filter(pk=share.pk).update(ends_on=self.today - dt.timedelta(days=1), starts_on=self.today
                                                 - dt.timedelta(days=8))  # fmt: skip
        self.assertEqual(self.as_user(self.sam).get(reverse("shared", args=[share.pk])).status_code, 404)
        again = self.share(f"evidence:{self.reflection.pk}")
        noor = self.as_user(self.noor)
        self.assertEqual(noor.post(reverse("development_share_revoke", args=[again.pk])).status_code, 302)
        self.assertEqual(self.as_user(self.sam).get(reverse("shared", args=[again.pk])).status_code, 404)

    def test_only_the_owner_revokes(self):
        share = self.share(f"evidence:{self.reflection.pk}")
        response = self.as_user(self.sam).post(reverse("development_share_revoke", args=[share.pk]))
        self.assertEqual(response.status_code, 404)
        share.refresh_from_db()
        self.assertIsNone(share.revoked_at)

    def test_a_collection_holds_what_is_added_later_of_its_kind_only(self):
        share = self.share("collection:reflection")
        later = Evidence.objects.create(
            space=self.space, kind="reflection", title="Later geschreven", occurred_on=self.today
        )
        page = self.as_user(self.sam).get(reverse("shared", args=[share.pk]))
        self.assertContains(page, later.title)
        self.assertContains(page, self.reflection.title)
        self.assertNotContains(page, self.certificate.title)

    def test_the_record_is_shared_without_private_notes_and_a_decision_without_the_story(self):
        record_share = self.share(f"collection:{sharing.RECORD}")
        decision_share = self.share(f"decision:{self.decision.pk}")
        sam = self.as_user(self.sam)
        record_page = sam.get(reverse("shared", args=[record_share.pk]))
        self.assertContains(record_page, "Supervisie")
        decision_page = sam.get(reverse("shared", args=[decision_share.pk]))
        self.assertContains(decision_page, "Nieuw wijkteam")
        for page in (record_page, decision_page, sam.get(reverse("shared_with_me"))):
            self.assertNotContains(page, PRIVATE)
            self.assertNotContains(page, STORY)

    def test_the_owners_export_lists_shares_and_views_and_deleting_the_space_removes_them(self):
        share = self.share(f"evidence:{self.reflection.pk}")
        self.as_user(self.sam).get(reverse("shared", args=[share.pk]))
        exported = services.export(self.noor, self.space)
        self.assertEqual([v["by"] for v in exported["shares"][0]["views"]], ["sam"])
        services.delete_space(self.noor)
        self.assertFalse(Share.objects.exists() or ShareView.objects.exists() or Space.objects.exists())


class ExportTests(SharingCase):
    def test_the_export_holds_her_feedback_requests_and_her_own_intervision_attendance_only(self):
        services.give_use_consent(self.space, ConsentUse.FEEDBACK)
        feedback.ask(self.space, asked_name="Sam", question="Hoe kwam mijn verhaal over?")
        group = IntervisionGroup.objects.create(name="Regio Noord")
        GroupMember.objects.create(group=group, user=self.noor)
        GroupMember.objects.create(group=group, user=self.sam, facilitator=True)
        present = GroupMeeting.objects.create(group=group, held_on=dt.date(2026, 10, 1), hours=Decimal("1.5"))
        present.present.add(self.noor, self.sam)
        absent = GroupMeeting.objects.create(group=group, held_on=dt.date(2026, 11, 1), hours=Decimal(2))
        absent.present.add(self.sam)
        exported = services.export(self.noor, self.space)
        self.assertEqual([r["question"] for r in exported["feedback_requests"]], ["Hoe kwam mijn verhaal over?"])
        self.assertEqual(
            exported["intervision"],
            [{"group": "Regio Noord", "facilitator": False,
              "meetings_present": [{"date": "2026-10-01", "hours": "1.50"}]}],
        )  # fmt: skip


class ConfirmationTests(SharingCase):
    def ask(self) -> Activity:
        return record.save_activity(
            self.space, kind="intervision", title="Intervisie", occurred_on=self.today, hours=Decimal(2),
            starts_at=dt.time(13, 0), ends_at=dt.time(15, 0), participants="Noor, Kees, Lin",
            private_note=PRIVATE, confirm_by=self.sam,
        )  # fmt: skip

    def test_the_supervisor_confirms_the_shared_part_without_seeing_the_private_note(self):
        activity = self.ask()
        sam = self.as_user(self.sam)
        self.assertContains(sam.get(reverse("shared_with_me")), "Intervisie")
        page = sam.get(reverse("activity_confirm", args=[activity.pk]))
        self.assertContains(page, "Noor, Kees, Lin")
        self.assertNotContains(page, PRIVATE)
        self.assertEqual(sam.post(reverse("activity_confirm", args=[activity.pk])).status_code, 302)
        activity.refresh_from_db()
        self.assertIsNotNone(activity.confirmed_at)
        self.assertEqual(activity.confirmed_by_name, "sam")
        self.assertEqual(sam.get(reverse("activity_confirm", args=[activity.pk])).status_code, 404)  # done

    def test_nobody_else_confirms(self):
        activity = self.ask()
        for user in (self.noor, self.mia, self.alice, self.carol):
            with self.subTest(user=user.username):
                response = self.as_user(user).post(reverse("activity_confirm", args=[activity.pk]))
                self.assertEqual(response.status_code, 404)
        activity.refresh_from_db()
        self.assertIsNone(activity.confirmed_at)

    def test_asking_to_confirm_needs_consent_to_sharing(self):
        other = services.space_of(self.mia)
        services.give_consent(other)
        with self.assertRaises(services.Refused):
            record.save_activity(other, kind="supervision", title="S", occurred_on=self.today, hours=Decimal(1),
                                 confirm_by=self.sam)  # fmt: skip
        self.assertFalse(Activity.objects.filter(space=other).exists())
