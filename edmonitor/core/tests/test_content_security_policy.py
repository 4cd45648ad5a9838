"""A strict content security policy on every page, and templates that need nothing inline.

The policy allows scripts and styles only from our own static files, so an injected
``<script>`` or ``onclick=`` does not run. That only works if our own templates have no
inline scripts, event-handler attributes or style attributes: the scan below enforces it.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from edmonitor.testing import BaseTestCase

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

PACKAGE = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))

# What the policy blocks, so what a template must not contain.
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "script with content": re.compile(r"<script[^>]*>\s*[^<\s]", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "javascript: URL": re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE),
}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def inline_code(text: str) -> list[str]:
    return [
        f"{kind} at line {text[: m.start()].count(chr(10)) + 1}"
        for kind, rx in INLINE.items()
        for m in rx.finditer(text)
    ]


class PolicyHeaderTests(BaseTestCase):
    def test_the_login_page_carries_exactly_the_policy(self):
        response = self.client.get(reverse("login"))
        self.assertEqual(policy(response), EXPECTED_POLICY)

    def test_an_organisation_page_carries_exactly_the_policy(self):
        self.login(self.alice)
        response = self.client.get(reverse("organisation", args=[self.org_a.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(policy(response), EXPECTED_POLICY)

    def test_a_not_found_page_carries_the_policy_too(self):
        self.login(self.alice)
        response = self.client.get(reverse("organisation", args=[self.org_b.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(policy(response), EXPECTED_POLICY)

    def test_pages_may_not_be_framed(self):
        response = self.client.get(reverse("login"))
        self.assertEqual(response["X-Frame-Options"], "DENY")


class TemplateScanTests(BaseTestCase):
    def test_the_scan_finds_templates(self):
        self.assertIn("base.html", {t.name for t in TEMPLATES})
        self.assertGreater(len(TEMPLATES), 20)

    def test_no_template_has_inline_scripts_handlers_or_styles(self):
        problems = [f"{t.relative_to(PACKAGE)}: {p}" for t in TEMPLATES for p in inline_code(t.read_text())]
        self.assertEqual(problems, [], "move these to edmonitor/core/static/edmonitor/ (the CSP blocks them)")

    def test_the_scan_recognises_what_the_policy_blocks(self):
        bad = [
            "<script>alert(1)</script>",
            '<script type="module">go()</script>',
            '<button onclick="go()">',
            '<body onload = "go()">',
            '<p class="x" style="color: red">',
            "<style>p { color: red }</style>",
            '<a href="javascript:go()">',
        ]
        for snippet in bad:
            self.assertTrue(inline_code(snippet), snippet)
        good = [
            '<script src="/static/edmonitor/edmonitor.js" defer></script>',
            '<link rel="stylesheet" href="/static/edmonitor/edmonitor.css">',
            '<div data-mode-group="1a" class="stylish">',
            "<p>Zet de knop on = aan.</p>",
        ]
        for snippet in good:
            self.assertEqual(inline_code(snippet), [], snippet)
