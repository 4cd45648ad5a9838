"""The crosswalk of the core tasks of 2014 to those of 2022, checked against the seeds themselves.

002 ("Taken ervaringsdeskundige") derives three core tasks from the two pillars; 004 §1.5 lists
four and says the fourth was added; 002's profession-bound task area already had the task of
contributing to the profession. The test counts these in the seed text, not in our file.
"""

from __future__ import annotations

import copy
import html as html_text
import json
import re
from importlib import resources

from django.template.loader import render_to_string
from django.test import SimpleTestCase
from django.utils import translation

from edmonitor.development import crosswalk
from edmonitor.knowledge.content import read_content
from edmonitor.testing_seeds import copied_runs, section_occurs, section_text, seed_text, squash

CURRICULUM = "002_63a3ba9f06dc7a13.txt"
FRAMEWORK = "004_74087e4844279a5c.txt"


def file_links() -> list[dict]:
    return json.loads(resources.files("edmonitor.development").joinpath("crosswalk.json").read_text("utf-8"))["links"]


class SeedTests(SimpleTestCase):
    def test_2022_has_the_four_tasks_of_004_and_the_fourth_is_new(self):
        section = section_text(FRAMEWORK, "§1.5")
        listed = re.findall(r"^(\d)\. \S", section, flags=re.MULTILINE)
        self.assertEqual(listed, ["1", "2", "3", "4"])
        self.assertIn("De vierde kerntaak is in toegevoegd", section)  # sic: the seed drops a word
        targets = sorted({link["to"] for link in file_links()})
        self.assertEqual(targets, [f"kerntaak-2022-{n}" for n in listed])
        fourth = [link for link in file_links() if link["to"] == "kerntaak-2022-4"]
        self.assertEqual([(link["from"], link.get("new")) for link in fourth], [("taakgebied-professiegebonden", True)])

    def test_2014_has_the_three_tasks_of_002_each_linked(self):
        text = squash(seed_text(CURRICULUM))
        self.assertIn("kunnen de volgende drie kerntaken van ervaringsdeskundigen worden afgeleid", text)
        sources = {link["from"] for link in file_links() if link["from"].startswith("kerntaak-2014-")}
        self.assertEqual(sources, {f"kerntaak-2014-{n}" for n in (1, 2, 3)})

    def test_the_root_of_the_fourth_task_is_in_the_profession_bound_task_area(self):
        text = squash(seed_text(CURRICULUM))
        self.assertIn("Levert een bijdrage aan de beroepsontwikkeling en de professionele inzet van", text)

    def test_004_names_tasks_2_and_3_of_2022_by_their_2014_work(self):
        pillars = squash(section_text(FRAMEWORK, "§1.6"))
        self.assertIn("(inrichting hertelondersteuning – kerntaak 2)", pillars)  # sic
        self.assertIn("(beleidsbeïnvloeding – kerntaak 3)", pillars)
        pairs = {(link["from"], link["to"]) for link in file_links()}
        self.assertLessEqual({("kerntaak-2014-2", "kerntaak-2022-2"), ("kerntaak-2014-3", "kerntaak-2022-3")}, pairs)

    def test_reasons_are_in_our_own_words_and_cite_a_seed(self):
        for link in file_links():
            self.assertEqual(copied_runs(link["reason"]["nl"], (CURRICULUM, FRAMEWORK)), [], link["to"])
            for source, section in [(link["source"], link["section"]), *link.get("also_cites", [])]:
                seed = {"002": CURRICULUM, "004": FRAMEWORK}[source]
                for part in section.replace("–", ",").split(","):  # "§1.5–1.6", "§1.6, §2.3–2.4": each must exist
                    part = part.strip()
                    self.assertTrue(section_occurs(seed, part if part.startswith("§") or not part[0].isdigit()
                                                   else f"§{part}"), (source, part))  # fmt: skip


class CheckTests(SimpleTestCase):
    entries = read_content().entries

    def test_the_shipped_file_passes(self):
        self.assertEqual(crosswalk.check(file_links(), self.entries), [])

    def test_each_kind_of_mistake_is_found(self):
        cases = {
            "unknown slug": lambda links: links[0].update({"from": "kerntaak-2014-9"}),
            "a 2022 task as source": lambda links: links[0].update({"from": "kerntaak-2022-2"}),
            "empty reason": lambda links: links[1]["reason"].update({"en": " "}),
            "no section": lambda links: links[2].update({"section": ""}),
            "a task left out": lambda links: links.pop(3),
        }
        for name, spoil in cases.items():
            with self.subTest(name):
                links = copy.deepcopy(file_links())
                spoil(links)
                self.assertNotEqual(crosswalk.check(links, self.entries), [])
        self.assertNotEqual(crosswalk.check([], self.entries), [])


class RowsTests(SimpleTestCase):
    def test_per_2022_task_in_order_with_its_2014_tasks_and_reasons_in_the_language(self):
        with translation.override("en"):
            rows = crosswalk.crosswalk()
            html = render_to_string("development/_crosswalk.html", {"crosswalk": rows})
        self.assertEqual([r["slug"] for r in rows], [f"kerntaak-2022-{n}" for n in (1, 2, 3, 4)])
        self.assertEqual([[link["slug"] for link in r["links"]] for r in rows],
                         [["kerntaak-2014-1"], ["kerntaak-2014-2"], ["kerntaak-2014-3"],
                          ["taakgebied-professiegebonden"]])  # fmt: skip
        titles = {e["slug"]: e["title"]["en"] for e in read_content().entries}
        self.assertEqual(rows[0]["title"], titles["kerntaak-2022-1"])
        for row in rows:
            for link in row["links"]:
                self.assertIn(html_text.escape(link["reason"]), html)
                self.assertIn(html_text.escape(titles[link["slug"]]), html)
        with translation.override("nl"):
            dutch = crosswalk.crosswalk()
        self.assertNotEqual(dutch[0]["links"][0]["reason"], rows[0]["links"][0]["reason"])
