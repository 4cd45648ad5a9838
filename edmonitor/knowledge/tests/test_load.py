"""Loading the content files: all or nothing, repeatable, and respectful of edits made in the admin."""

from __future__ import annotations

import json
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from edmonitor.knowledge.content import ContentError, read_content
from edmonitor.knowledge.models import DialogueMethod, Entry, SearchDocument, SuggestionLink
from edmonitor.knowledge.search import search
from edmonitor.knowledge.services import load
from edmonitor.testing import BaseTestCase

from .test_search import FILES, entry


def with_link(files, **link):
    extra = {"instrument": "vie", "item": "1a", "target": "rol", "rationale": {"nl": "Omdat.", "en": "Because."},
             "source": "003", "section": "§4.1"}  # fmt: skip
    extra.update(link)
    return [*files, ("links.json", json.dumps({"links": [extra]}))]


class LoadTests(TestCase):
    def test_a_second_load_of_the_same_files_changes_nothing(self):
        first = load(read_content(FILES))
        self.assertEqual(len(first.created), 5)
        second = load(read_content(FILES))
        self.assertEqual((second.created, second.updated, len(second.unchanged)), ([], [], 5))

    def test_a_changed_text_in_the_files_updates_the_row(self):
        load(read_content(FILES))
        changed = json.loads(FILES[0][1])
        changed["entries"][0]["summary"]["nl"] = "Nieuwe samenvatting."
        report = load(read_content([("entries.json", json.dumps(changed)), FILES[1]]))
        self.assertEqual(report.updated, ["rol"])
        self.assertEqual(Entry.objects.get(slug="rol").summary_nl, "Nieuwe samenvatting.")

    def test_an_entry_edited_in_the_admin_is_kept_unless_overwrite_is_asked(self):
        load(read_content(FILES))
        Entry.objects.filter(slug="rol").update(summary_nl="Lokaal verbeterd.", locally_edited=True)
        report = load(read_content(FILES))
        self.assertEqual(report.kept_local, ["rol"])
        self.assertEqual(Entry.objects.get(slug="rol").summary_nl, "Lokaal verbeterd.")
        load(read_content(FILES), overwrite=True)
        rol = Entry.objects.get(slug="rol")
        self.assertEqual((rol.summary_nl, rol.locally_edited), ("Wat een collega met eigen ervaring doet.", False))

    def test_the_steps_of_a_method_are_stored_in_order(self):
        load(read_content(FILES))
        steps = DialogueMethod.objects.get(slug="kaarten").steps.values_list("number", "text_nl")
        self.assertEqual(list(steps), [(1, "Kies een kaart"), (2, "Bespreek de casus")])

    def test_links_are_replaced_as_a_whole(self):
        load(read_content(with_link(FILES)))
        self.assertEqual(SuggestionLink.objects.get().entry.slug, "rol")
        load(read_content(with_link(FILES, target="kaarten")))
        link = SuggestionLink.objects.get()
        self.assertEqual((link.entry, link.method.slug), (None, "kaarten"))

    def test_a_link_to_a_missing_entry_is_refused_before_anything_is_stored(self):
        with self.assertRaises(ContentError) as refused:
            read_content(with_link(FILES, target="nergens"))
        self.assertIn("target 'nergens' does not exist", refused.exception.problems[0])

    def test_a_failure_halfway_stores_nothing(self):
        with mock.patch("edmonitor.knowledge.services.rebuild_index", side_effect=RuntimeError("disk full")):
            with self.assertRaises(RuntimeError):
                load(read_content(FILES))
        self.assertFalse(Entry.objects.exists())
        self.assertFalse(DialogueMethod.objects.exists())


class CommandTests(TestCase):
    def test_the_command_loads_the_package_content_and_a_dry_run_saves_nothing(self):
        out = StringIO()
        call_command("load_knowledge", "--dry-run", stdout=out)
        self.assertIn("Dry run", out.getvalue())
        self.assertFalse(Entry.objects.exists())
        call_command("load_knowledge", stdout=StringIO())
        content = read_content()
        self.assertEqual(Entry.objects.count(), len(content.entries))
        self.assertEqual(DialogueMethod.objects.count(), len(content.methods))
        self.assertEqual(SuggestionLink.objects.count(), len(content.links))
        self.assertEqual(SearchDocument.objects.count(), 2 * (len(content.entries) + len(content.methods)))

    def test_bad_content_files_stop_the_command_with_every_problem_and_load_nothing(self):
        bad = [("x.json", json.dumps({"entries": [entry("a", "A", "A"), {**entry("b", "B", "B"), "kind": "?"}]}))]
        with mock.patch("edmonitor.knowledge.management.commands.load_knowledge.read_content",
                        side_effect=lambda: read_content(bad)):  # fmt: skip
            with self.assertRaises(CommandError) as refused:
                call_command("load_knowledge", stdout=StringIO())
        self.assertIn("x.json entries[1] (b): 'kind' must be one of", str(refused.exception))
        self.assertFalse(Entry.objects.exists())


class AdminEditTests(BaseTestCase):
    def test_a_staff_edit_in_the_admin_is_marked_kept_by_a_load_and_found_by_search(self):
        load(read_content(FILES))
        entry = Entry.objects.get(slug="stigma")
        self.client.force_login(self.carol)  # staff
        url = reverse("admin:knowledge_entry_change", args=[entry.pk])
        form = self.client.get(url).context["adminform"].form
        data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
        data["related"] = []
        data["summary_nl"] = "Over zelfstigma en kwartiermaken in de wijk."
        response = self.client.post(url, data)
        self.assertEqual(
            response.status_code, 302, getattr(response, "context", None) and response.context["adminform"].form.errors
        )
        entry.refresh_from_db()
        self.assertTrue(entry.locally_edited)
        self.assertEqual([hit.obj.slug for hit in search("kwartiermaken")], ["stigma"])
        self.assertEqual(load(read_content(FILES)).kept_local, ["stigma"])
        self.assertEqual(entry.history.count(), 2)  # loaded, then edited
