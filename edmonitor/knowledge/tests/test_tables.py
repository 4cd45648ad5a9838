"""The tables of the LIVE report (003 §4.6–4.8, tables 1–3) as data: checked cell by cell
against the seed, refused when malformed, and shown on the entry page as an accessible table.
"""

from __future__ import annotations

import csv
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from edmonitor.knowledge.content import SOURCES, ContentError, check_table, read_content
from edmonitor.knowledge.models import Entry
from edmonitor.testing import BaseTestCase
from edmonitor.testing_seeds import seed_text, squash

CONTENT = read_content()
TABLES = {e["slug"]: e["table"] for e in CONTENT.entries if e["kind"] == "live_table"}
INSTITUTIONS = 18  # the pilot institutions of LIVE (003, Inleiding)


def rows(slug: str) -> dict[str, list]:
    return {row["header"]: row["cells"] for row in TABLES[slug]["rows"]}


def seed_table(number: int, following: str) -> str:
    """The printed text of table ``number`` in 003, up to the heading that follows it."""
    text = seed_text(SOURCES["003"]["file"])
    start = text.index(f"Tabel {number} ")
    return squash(text[start : text.index(following, start)])


def test_there_are_three_tables_each_with_a_row_for_every_pilot_institution():
    assert set(TABLES) == {
        "live-tabel-aantal-ervaringsdeskundigen",
        "live-tabel-rollen",
        "live-tabel-ontmoetingsplekken",
    }
    for table in TABLES.values():
        assert len(table["rows"]) == INSTITUTIONS
        assert len({row["header"] for row in table["rows"]}) == INSTITUTIONS


def test_every_plain_row_of_table_1_is_printed_so_in_the_seed():
    printed = seed_table(1, "4.7 Rollen")
    plain = {
        h: c for h, c in rows("live-tabel-aantal-ervaringsdeskundigen").items() if all(isinstance(x, str) for x in c)
    }
    assert len(plain) >= 12
    for header, cells in plain.items():
        assert squash(f"{header} {' '.join(cells)}") in printed, header


def test_the_cells_of_table_1_with_words_keep_the_printed_numbers():
    table = rows("live-tabel-aantal-ervaringsdeskundigen")
    assert table["GGZ Drenthe"][0]["nl"].startswith("10 (waarvan 8 ")
    assert table["GGZ OB"][0]["nl"].startswith("10 (waarvan 4 ")
    assert table["GGZ inGeest"][1]["nl"].startswith("40 - 50 ")
    assert table["RIBW A/VV"][1]["nl"].startswith("0 (20 ")
    assert table["Mondriaan"][0]["nl"].startswith("4 (1 ")
    assert table["GGZ NHN"] == ["20 - 25", "0", "?"]
    assert table["Mediant"] == ["7", "0", "11"]


def test_every_row_of_table_2_is_printed_so_in_the_seed():
    printed = seed_table(2, "4.8 Vrijplaats")
    for header, cells in rows("live-tabel-rollen").items():
        assert squash(f"{header} {' '.join(cells)}") in printed, header
    columns = list(zip(*rows("live-tabel-rollen").values(), strict=True))
    assert [column.count("x") for column in columns] == [4, 13, 9, 15, 5]


def test_the_rows_of_table_3_are_printed_so_in_the_seed():
    printed = seed_table(3, "4.9 Samenvatting")
    for header, cells in rows("live-tabel-ontmoetingsplekken").items():
        marks = [c for c in cells if isinstance(c, str) and c]
        assert squash(f"{header} {' '.join(marks)}") in printed, header
    table = rows("live-tabel-ontmoetingsplekken")
    assert table["Yulius"] == ["x", "", "", ""]
    assert table["GGZ Drenthe"][3]["nl"] == "ja: HOECsteen"
    columns = list(zip(*table.values(), strict=True))
    assert [sum(1 for c in column if c == "x" or isinstance(c, dict)) for column in columns] == [15, 10, 3, 5]


def test_a_malformed_table_is_refused_with_its_place():
    table = json.loads(json.dumps(TABLES["live-tabel-rollen"]))
    table["rows"][0]["cells"].pop()
    table["rows"][1]["cells"][0] = "ja"
    problems = check_table(table)
    assert "'table.rows[0]' (RIBW K/AM) must have 5 cells" in problems
    assert "'table.rows[1].cells[0]': 'ja' is neither a number nor a mark" in problems
    entry = next(e for e in CONTENT.entries if e["slug"] == "live-project")
    with pytest.raises(ContentError):
        read_content([("t.json", json.dumps({"entries": [{**entry, "table": table}]}))])


class TablePageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("load_knowledge", stdout=StringIO())

    def test_the_entry_page_shows_the_table_with_caption_headers_and_a_scrollable_region(self):
        self.client.force_login(self.lex)
        page = self.client.get(reverse("knowledge_entry", args=["live-tabel-rollen"])).content.decode()
        self.assertIn(
            '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="source-table-caption">', page
        )
        self.assertIn(
            '<caption id="source-table-caption">Rollen van ervaringsdeskundigen per instelling</caption>', page
        )
        self.assertIn('<th scope="col">Coördinator of projectleider</th>', page)
        self.assertEqual(page.count('<th scope="row">'), INSTITUTIONS)
        self.assertIn('<th scope="row">RIBW K/AM</th><td>nee</td><td>nee</td><td>nee</td><td>ja</td><td>ja</td>', page)


def test_the_follow_up_scores_named_in_the_text_are_the_means_of_the_item_scores():
    data = Path(__file__).parents[2] / "measurements" / "data" / "live" / "followup.csv"
    with data.open(encoding="utf-8") as file:
        means = {
            row["organisation"]: Decimal(sum(int(row[f"item_{i}a"]) for i in range(1, 11))) / 10
            for row in csv.DictReader(file)
        }
    entry = next(e for e in CONTENT.entries if e["slug"] == "live-eindmeting")
    for name in ("Pameijer", "Emergis", "Kwintes"):
        assert re.search(rf"{name}: {str(means[name]).replace('.', ',')}[;.]", entry["body"]["nl"]), name
    overall = (sum(means.values()) / len(means)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert f"een score van {str(overall).replace('.', ',')}." in entry["summary"]["nl"]
    lowest = sorted(means, key=means.get)[:2]
    assert set(lowest) == {"RIBW A/VV", "HVO Querido"}


class TableInTheAdminTests(BaseTestCase):
    def test_a_malformed_table_is_refused_when_the_entry_is_cleaned(self):
        call_command("load_knowledge", stdout=StringIO())
        entry = Entry.objects.get(slug="live-tabel-rollen")
        entry.full_clean()
        entry.table = {**entry.table, "rows": [{"header": "X", "cells": ["x"]}]}
        with self.assertRaises(ValidationError) as refused:
            entry.full_clean()
        self.assertIn("table", refused.exception.message_dict)


class NewKindsOnTheOverviewTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("load_knowledge", stdout=StringIO())

    def test_the_overview_lists_every_top_level_entry_of_the_new_kinds(self):
        self.client.force_login(self.lex)
        page = self.client.get(reverse("knowledge")).content.decode()
        new_kinds = {
            "background", "curriculum_background", "live_background", "live_added_value", "live_table", "competence"
        }  # fmt: skip
        for entry in CONTENT.entries:
            if entry["kind"] in new_kinds and "parent" not in entry:
                self.assertIn(reverse("knowledge_entry", args=[entry["slug"]]), page)
