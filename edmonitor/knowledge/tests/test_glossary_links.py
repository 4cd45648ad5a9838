"""Pages link to the Begrippenlijst where a difficult word first appears (issue 15 part 5).

The pure part (:func:`link_first_uses`) is checked on small HTML written here; the pages
with the real content: a method that uses "gewaarzijn" links it once to its explanation,
and the explanation's own page does not link to itself.
"""

from __future__ import annotations

from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils.html import escape

from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.glossary import link_first_uses
from edmonitor.knowledge.services import load
from edmonitor.testing import make_user

TERMS = [("Gewaarzijn", "/g/"), ("Peer support", "/p/"), ("Sparren", "/s/"), ("Do's en don'ts", "/d/")]


def link(url: str, text: str) -> str:
    return f'<a class="glossary-term" href="{url}">{text}</a>'


class LinkFirstUsesTests(SimpleTestCase):
    def test_only_the_first_use_is_linked_keeping_its_case(self):
        html = "<p>gewaarzijn helpt.</p><p>Oefen gewaarzijn elke dag.</p>"
        self.assertEqual(
            link_first_uses(html, TERMS),
            f"<p>{link('/g/', 'gewaarzijn')} helpt.</p><p>Oefen gewaarzijn elke dag.</p>",
        )

    def test_headings_and_existing_links_are_left_alone(self):
        html = '<h2>Gewaarzijn</h2><p><a href="/x/">gewaarzijn</a> en gewaarzijn</p>'
        self.assertEqual(
            link_first_uses(html, TERMS),
            f'<h2>Gewaarzijn</h2><p><a href="/x/">gewaarzijn</a> en {link("/g/", "gewaarzijn")}</p>',
        )

    def test_a_term_is_a_whole_word(self):
        self.assertEqual(link_first_uses("<p>sparrend overleg</p>", TERMS), "<p>sparrend overleg</p>")
        self.assertEqual(link_first_uses("<p>samen sparren</p>", TERMS), f"<p>samen {link('/s/', 'sparren')}</p>")

    def test_a_space_in_a_term_also_matches_a_hyphen(self):
        self.assertEqual(
            link_first_uses("<p>een peer-support groep</p>", TERMS), f"<p>een {link('/p/', 'peer-support')} groep</p>"
        )

    def test_an_escaped_term_matches_the_escaped_text_and_nothing_is_escaped_twice(self):
        text = escape("De do's en don'ts van LIVE")
        term = escape("do's en don'ts")
        self.assertEqual(link_first_uses(f"<p>{text}</p>", TERMS), f"<p>De {link('/d/', term)} van LIVE</p>")

    def test_two_terms_in_one_sentence_are_both_linked(self):
        html = "<p>Sparren vraagt gewaarzijn.</p>"
        self.assertEqual(
            link_first_uses(html, TERMS), f"<p>{link('/s/', 'Sparren')} vraagt {link('/g/', 'gewaarzijn')}.</p>"
        )

    def test_markup_is_never_matched(self):
        html = '<p class="sparren">tekst</p>'
        self.assertEqual(link_first_uses(html, TERMS), html)


class GlossaryLinksOnPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load(read_content())

    def setUp(self):
        self.client.force_login(make_user("lezer"))

    def test_a_method_that_uses_a_term_links_it_once_to_its_explanation(self):
        page = self.client.get(reverse("knowledge_method", args=["mindful-communiceren"])).content.decode()
        target = reverse("knowledge_entry", args=["begrip-gewaarzijn"])
        self.assertEqual(page.count(f'class="glossary-term" href="{target}"'), 1)

    def test_a_terms_own_page_does_not_link_to_itself(self):
        url = reverse("knowledge_entry", args=["begrip-gewaarzijn"])
        page = self.client.get(url).content.decode()
        self.assertNotIn(f'class="glossary-term" href="{url}"', page)
