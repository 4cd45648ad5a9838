"""The login page: nothing takes the focus on load, so the skip link is the first Tab stop (e2e/test_keyboard.py)."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse


class LoginPageTests(TestCase):
    def test_no_field_takes_the_focus_before_the_skip_link(self):
        response = self.client.get(reverse("login"))
        self.assertContains(response, 'class="skip-link"')
        self.assertContains(response, 'name="username"')
        self.assertNotContains(response, "autofocus")

    def test_the_form_posts_to_the_login_address_itself(self):
        # Not to the page's address, which may end in #main after the skip link: the redirect
        # after logging in would keep that fragment, and the next page would not start at the top.
        response = self.client.get(reverse("login") + "?next=/programmas/")
        self.assertContains(response, f'<form method="post" action="{reverse("login")}"')
        self.assertContains(response, '<input type="hidden" name="next" value="/programmas/">')
