"""Intervision groups (issue 21): "Intervision groups may span organisations (003 §2.5 …); the group's record
holds attendance only." — "Organisations may see aggregate figures (e.g. hours of intervision facilitated) only
when at least five people are counted."

The expected figures are worked out by hand from the meetings below, not taken from the code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from edmonitor.core.types import Account
from edmonitor.development import groups
from edmonitor.development.models import GroupMeeting, GroupMember, IntervisionGroup
from edmonitor.testing import BaseTestCase, make_user

pytestmark = pytest.mark.both_databases  # who sees a group, and what an organisation sees: on both databases

DAY = dt.date(2026, 1, 15)


class GroupCase(BaseTestCase):
    mia: Account  # set by BaseTestCase.setUpTestData

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.people = [make_user(f"p{n}") for n in range(1, 8)]  # experts by experience, some at no organisation

    def group(self, *members, organisation=None, name="Regio Noord") -> IntervisionGroup:
        group = groups.create_group(self.mia, name=name, organisation=organisation)
        for person in members:
            groups.add_member(group, self.mia, name_or_email=person.get_username())
        return group

    def meet(self, group, hours: str, *present, on=DAY) -> GroupMeeting:
        return groups.record_meeting(group, self.mia, held_on=on, hours=Decimal(hours), present=present)


class MembershipTests(GroupCase):
    def test_the_creator_facilitates_and_may_name_only_an_organisation_where_they_record(self):
        self.login(self.mia)
        response = self.client.post(
            reverse("intervision_group_create"), {"name": "Club", "organisation": self.org_a.pk}
        )
        group = IntervisionGroup.objects.get()
        self.assertRedirects(response, reverse("intervision_group", args=[group.pk]))
        self.assertEqual(group.organisation, self.org_a)
        self.assertTrue(GroupMember.objects.get(group=group, user=self.mia).facilitator)
        self.login(self.lex)  # a viewer of A may start a group, but not on A's behalf
        response = self.client.post(reverse("intervision_group_create"), {"name": "X", "organisation": self.org_a.pk})
        self.assertEqual(response.status_code, 400)
        self.login(self.bob)  # an admin of B, not of A
        response = self.client.post(reverse("intervision_group_create"), {"name": "X", "organisation": self.org_a.pk})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(IntervisionGroup.objects.count(), 1)
        with self.assertRaises(groups.Refused):
            groups.create_group(self.lex, name="X", organisation=self.org_a)

    def test_members_may_come_from_other_organisations_and_non_members_get_404(self):
        group = self.group(self.bob, self.people[0])  # bob is of B, p1 of no organisation
        url = reverse("intervision_group", args=[group.pk])
        for member in (self.mia, self.bob, self.people[0]):
            self.login(member)
            self.assertEqual(self.client.get(url).status_code, 200)
        for outsider in (self.alice, self.lex, self.carol):  # A's admin and staff included
            self.login(outsider)
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertNotContains(self.client.get(reverse("intervision_groups")), "Regio Noord")

    def test_only_facilitators_add_members_and_record_meetings(self):
        group = self.group(self.bob)
        add = reverse("intervision_member_add", args=[group.pk])
        meet = reverse("intervision_meeting_create", args=[group.pk])
        meeting = {"held_on": "2026-01-15", "hours": "2", "present": ["bob"]}
        self.login(self.bob)  # a member, not a facilitator
        self.assertEqual(self.client.post(add, {"person": "p1"}).status_code, 403)
        self.assertEqual(self.client.post(meet, meeting).status_code, 403)
        self.login(self.lex)  # not a member
        self.assertEqual(self.client.post(add, {"person": "p1"}).status_code, 404)
        self.assertEqual(self.client.post(meet, meeting).status_code, 404)
        self.assertEqual(group.members.count(), 2)
        self.assertFalse(GroupMeeting.objects.exists())
        self.login(self.mia)
        self.assertRedirects(self.client.post(add, {"person": "p1"}), reverse("intervision_group", args=[group.pk]))
        self.assertRedirects(self.client.post(meet, meeting), reverse("intervision_group", args=[group.pk]))
        self.assertEqual(list(GroupMeeting.objects.get().present.all()), [self.bob])

    def test_a_facilitator_removes_a_member_a_member_leaves_but_not_another(self):
        group = self.group(self.bob, self.people[0])
        bob = GroupMember.objects.get(group=group, user=self.bob)
        p1 = GroupMember.objects.get(group=group, user=self.people[0])
        self.login(self.bob)
        self.assertEqual(
            self.client.post(reverse("intervision_member_remove", args=[group.pk, p1.pk])).status_code, 403
        )
        self.client.post(reverse("intervision_member_remove", args=[group.pk, bob.pk]))  # bob leaves
        self.login(self.mia)
        self.client.post(reverse("intervision_member_remove", args=[group.pk, p1.pk]))
        self.assertEqual(list(group.members.values_list("user__username", flat=True)), ["mia"])
        me = GroupMember.objects.get(group=group, user=self.mia)
        self.client.post(reverse("intervision_member_remove", args=[group.pk, me.pk]))  # the last facilitator stays
        self.assertTrue(group.members.filter(user=self.mia).exists())

    def test_the_record_holds_attendance_only(self):
        fields = {f.name for f in GroupMeeting._meta.get_fields()}
        self.assertEqual(fields, {"id", "group", "held_on", "hours", "present"})
        group = self.group(self.bob)
        self.login(self.mia)
        page = self.client.get(reverse("intervision_group", args=[group.pk])).content.decode()
        self.assertNotIn("<textarea", page)


class BoundsTests(GroupCase):
    def test_hours_from_a_quarter_to_twelve_and_present_only_members(self):
        group = self.group(self.bob)
        for hours in ("0", "0.2", "12.25", "13"):
            with self.assertRaises(groups.Refused, msg=hours):
                self.meet(group, hours, self.bob)
        with self.assertRaises(groups.Refused):
            self.meet(group, "2", self.lex)  # not a member
        with self.assertRaises(groups.Refused):
            self.meet(group, "2", self.bob, on=dt.date.today() + dt.timedelta(days=1))
        self.meet(group, "0.25", self.bob)
        self.meet(group, "12", self.bob)
        self.assertEqual(GroupMeeting.objects.count(), 2)
        self.login(self.mia)
        url = reverse("intervision_meeting_create", args=[group.pk])
        self.assertEqual(
            self.client.post(url, {"held_on": "2026-01-15", "hours": "12.5", "present": ["bob"]}).status_code, 400
        )
        self.assertEqual(
            self.client.post(url, {"held_on": "2026-01-15", "hours": "2", "present": ["lex"]}).status_code, 400
        )
        self.assertEqual(GroupMeeting.objects.count(), 2)

    def test_at_most_thirty_members(self):
        group = self.group()
        extra = [make_user(f"lid{n}") for n in range(30)]
        for person in extra[:29]:  # with mia, 30
            groups.add_member(group, self.mia, name_or_email=person.get_username())
        self.assertEqual(group.members.count(), 30)
        with self.assertRaises(groups.Refused):
            groups.add_member(group, self.mia, name_or_email=extra[29].get_username())
        with self.assertRaises(groups.Refused):
            groups.add_member(group, self.mia, name_or_email="bestaat-niet")
        self.assertEqual(group.members.count(), 30)


class OrganisationFiguresTests(GroupCase):
    def page(self, user=None):
        self.login(user or self.lex)  # a viewer of A may read the figures
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the source text, whatever the translations say
        return self.client.get(reverse("organisation_intervision", args=[self.org_a.pk]))

    def test_figures_are_shown_from_five_people_on(self):
        p1, p2, p3, p4, p5 = self.people[:5]
        group = self.group(p1, p2, p3, p4, p5, organisation=self.org_a)
        self.meet(group, "2", p1, p2, p3)
        self.meet(group, "1.5", p1, p2, p4, on=dt.date(2026, 1, 29))
        # by hand: p1–p4 present, 4 people: hidden
        figures = groups.organisation_figures(self.org_a)
        self.assertIsNone(figures.total)
        self.assertEqual(figures.groups, [])
        self.assertContains(self.page(), "hidden to protect people")
        self.assertNotContains(self.page(), "3.50")
        self.meet(group, "1", p5, on=dt.date(2026, 2, 12))
        # now p1–p5: 3 meetings, 2 + 1.5 + 1 = 4.5 hours, person-hours 2×3 + 1.5×3 + 1×1 = 11.5
        figures = groups.organisation_figures(self.org_a)
        assert figures.total is not None
        self.assertEqual(
            (figures.total.meetings, figures.total.hours, figures.total.people, figures.total.person_hours),
            (3, Decimal("4.5"), 5, Decimal("11.5")),
        )
        self.assertEqual([g.group for g in figures.groups], [group])
        page = self.page()
        self.assertContains(page, "<dd>4.50</dd>", html=True)
        self.assertContains(page, "<dd>11.50</dd>", html=True)
        for person in self.people[:5]:
            self.assertNotContains(page, person.get_username() + "<")

    def test_a_small_group_is_not_shown_alone_nor_to_be_worked_out_from_the_total(self):
        big = self.group(*self.people[:5], organisation=self.org_a, name="Groot")
        small = self.group(self.people[5], self.people[6], organisation=self.org_a, name="Klein")
        self.meet(big, "2", *self.people[:5])
        self.meet(small, "3", self.people[5], self.people[6])
        figures = groups.organisation_figures(self.org_a)
        self.assertEqual([g.group.name for g in figures.groups], ["Groot"])
        self.assertEqual(figures.hidden_groups, 1)
        # the total would be 7 people, but total minus "Groot" would give "Klein": 2 people, hidden
        self.assertIsNone(figures.total)
        page = self.page()
        self.assertContains(page, "Groot")
        self.assertNotContains(page, "Klein")

    def test_only_groups_the_organisation_facilitates_count(self):
        elsewhere = self.group(*self.people[:5], organisation=None, name="Zonder organisatie")
        self.meet(elsewhere, "2", *self.people[:5])
        self.assertIsNone(groups.organisation_figures(self.org_a).total)
        self.assertEqual(self.page().status_code, 200)
        self.login(self.bob)  # another organisation's admin
        self.assertEqual(self.client.get(reverse("organisation_intervision", args=[self.org_a.pk])).status_code, 404)

    def test_k_is_five(self):
        self.assertEqual(groups.K, 5)
