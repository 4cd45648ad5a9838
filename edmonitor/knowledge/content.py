"""The knowledge base as data: reading and checking the content files.

The framework content of edmonitor (core tasks, pillars, critical professional
situations, key recommendations, curriculum modules, the route into the work,
what the LIVE evaluation learned, and the dialogue methods) lives in JSON files
in ``edmonitor/knowledge/content/``. Every entry is written in edmonitor's own
words and cites the seed document and section it is drawn from
(``../shared/seeds``; see DOMAIN.md for what each seed is).

This module is pure: it reads and validates the files without Django, so the
check runs in the test suite, in ``load_knowledge`` and from the command line
(``python -m edmonitor.knowledge.content`` lists every problem, or prints a
summary when there are none). Loading into the database is
:mod:`edmonitor.knowledge.services`.

File shapes (all texts are ``{"nl": ..., "en": ...}``; Dutch is required,
English optional):

* ``entries`` files: ``{"entries": [Entry, ...]}``; an Entry has ``slug``,
  ``kind`` (one of :data:`KINDS`), ``title``, ``summary``, optional ``body``,
  ``source`` (a key of :data:`SOURCES`), ``section`` (as written in the seed,
  e.g. "§1.5" or "module 3"), optional ``edition`` (e.g. "BCP 2014"),
  optional ``parent`` (slug), optional ``audience`` (one of :data:`AUDIENCES`),
  optional ``order`` (int), optional ``related`` (slugs of entries or methods), and — for
  the kind ``live_table`` only, where it is required — ``table`` (see :func:`check_table`).
* Entries and methods alike may have (see :func:`check_about_source`):
  ``about_source``, a text for the reader of the page's "Over de bron" part: what the source
  leaves out, how it is laid out, which choice this project made in reading it — everything
  about the source rather than the subject, so the text above it speaks about the subject only;
  ``also_cites``, a list of further citations ``{"source", "section"}`` for parts of the text
  drawn from elsewhere than ``source``/``section``; and ``sources_differ``, a list of points
  on which the seeds disagree, each ``{"topic": text, "readings": [{"text", "source",
  "section"}, ...]}`` with at least two readings, each citing where it comes from.
* ``methods`` files: ``{"methods": [Method, ...]}``; see :func:`_check_method`.
* ``links`` files: ``{"links": [Link, ...]}``: a VIE item or MIE theme linked
  to an entry or method, each with a rationale and a source.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from edmonitor.instruments.sources import SEEDS

# The seed documents (../shared/seeds) with the edition the content is drawn from: one list,
# kept beside the instruments that cite them too.
SOURCES: dict[str, dict[str, str]] = SEEDS

# kind -> (Dutch label, English label)
KINDS: dict[str, tuple[str, str]] = {
    "concept": ("Kernbegrip", "Core concept"),
    "core_task": ("Kerntaak", "Core task"),
    "pillar": ("Pijler", "Pillar"),
    "critical_situation": ("Kritische beroepssituatie", "Critical professional situation"),
    "key_recommendation": ("Kernaanbeveling", "Key recommendation"),
    "task_area": ("Taakgebied", "Task area"),
    "task": ("Taak", "Task"),
    "activity": ("Activiteit", "Activity"),
    "module": ("Module basiscurriculum", "Curriculum module"),
    "learning_goal": ("Leerdoel", "Learning goal"),
    "assignment": ("Opdracht", "Assignment"),
    "route_step": ("Route naar het vak", "Route into the profession"),
    "onboarding_tip": ("Tip bij de start", "Onboarding advice"),
    "live_success_factor": ("Succesfactor (LIVE)", "Success factor (LIVE)"),
    "live_pitfall": ("Valkuil (LIVE)", "Pitfall (LIVE)"),
    "live_dilemma": ("Dilemma (LIVE)", "Dilemma (LIVE)"),
    "live_condition": ("Randvoorwaarde (LIVE)", "Condition (LIVE)"),
    "live_recommendation": ("Aanbeveling (LIVE)", "Recommendation (LIVE)"),
    # added for the coverage of the sources (issue 15 part 6)
    "background": ("Achtergrond", "Background"),
    "competence": ("Competentie", "Competence"),
    "curriculum_dilemma": ("Dilemma (basiscurriculum)", "Dilemma (basic curriculum)"),
    "curriculum_background": ("Achtergrond (basiscurriculum)", "Background (basic curriculum)"),
    "live_background": ("Achtergrond (LIVE)", "Background (LIVE)"),
    "live_added_value": ("Meerwaarde (LIVE)", "Added value (LIVE)"),
    "live_table": ("Tabel (LIVE)", "Table (LIVE)"),
}

# Who a key recommendation or a piece of advice is addressed to.
AUDIENCES: dict[str, tuple[str, str]] = {
    "experts": ("Ervaringsdeskundigen", "Experts by experience"),
    "professionals": ("Andere professionals", "Other professionals"),
    "managers": ("Managers, beleidsmakers en bestuurders", "Managers, policy makers and boards"),
    "employers": ("Werkgevers", "Employers"),
    "new_colleague": ("De nieuwe collega", "The new colleague"),
    "organisations": ("Organisaties", "Organisations"),
}

# Roles of participants in a dialogue session (also used by edmonitor.improvement).
ROLES: dict[str, tuple[str, str]] = {
    "clients": ("Cliënten", "Clients"),
    "relatives": ("Naasten", "Relatives"),
    "experts": ("Ervaringsdeskundigen", "Experts by experience"),
    "professionals": ("Andere professionals", "Other professionals"),
    "managers": ("Managers", "Managers"),
    "board": ("Bestuurders", "Board members"),
}
# How a method's source (004 §2, its "Deelnemers") treats a role: ``required`` — named as taking
# part; ``welcome`` — named as able to join (depending on the subject, for example);
# ``not_mentioned`` — not named, nor ruled out; ``not_intended`` — the method's set-up leaves no
# place for them. Only the first two count as fitting (see :mod:`edmonitor.knowledge.matching`).
ROLE_USES = ("required", "welcome", "not_mentioned", "not_intended")
AIMS: dict[str, tuple[str, str]] = {
    "decision": ("Gericht op een concreet antwoord of besluit", "Aims at a concrete answer or decision"),
    "exploration": ("Open verkennen", "Open exploration"),
}

# Where suggestions start from: the VIE items and the MIE themes.
LINK_ORIGINS: dict[str, tuple[str, ...]] = {
    "vie": ("1a", "2a", "3a", "4a", "5a", "6a", "7a", "8a", "9a", "10a"),
    "mie": ("1", "2", "3", "4", "5"),
}

# What a page says about its source, beside the text about the subject (see check_about_source).
ABOUT_SOURCE_KEYS = {"about_source", "also_cites", "sources_differ"}
ENTRY_KEYS = {
    "slug", "kind", "title", "summary", "body", "source", "section", "edition",
    "parent", "audience", "order", "related", "table", *ABOUT_SOURCE_KEYS,
}  # fmt: skip
# What a cell of a table holds as printed in the source: a number or range ("9 - 10"), "x" (yes),
# "-" (no), "?" (unknown), "" (nothing printed); or a text {"nl", "en"} where the cell has words.
CELL_MARKS = {"x", "-", "?", ""}
METHOD_KEYS = {
    "slug", "name", "summary", "purpose", "setup", "steps", "participants", "roles", "min_group",
    "max_group", "group_note", "aim", "yields", "strengths", "limitations", "questions", "core_tasks",
    "critical_situations", "source", "section", "order", *ABOUT_SOURCE_KEYS,
}  # fmt: skip
LINK_KEYS = {"instrument", "item", "target", "rationale", "source", "section"}


class ContentError(ValueError):
    """The content files are not valid; ``problems`` lists every problem with its place."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Content:
    """Everything read from the content files, checked and cross-linked."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    methods: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)

    def slugs(self) -> set[str]:
        return {e["slug"] for e in self.entries} | {m["slug"] for m in self.methods}


def content_files() -> list[tuple[str, str]]:
    """(name, text) of every JSON file in the package's content folder, sorted by name."""
    folder = resources.files("edmonitor.knowledge").joinpath("content")
    return sorted((p.name, p.read_text("utf-8")) for p in folder.iterdir() if p.name.endswith(".json"))


def read_content(files: Iterable[tuple[str, str]] | None = None) -> Content:
    """Read and check the content files; raise :class:`ContentError` listing every problem."""
    problems: list[str] = []
    content = Content()
    for name, text in content_files() if files is None else files:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            problems.append(f"{name}: not valid JSON ({error})")
            continue
        if not isinstance(data, dict) or not set(data) <= {"entries", "methods", "links"} or not data:
            problems.append(f"{name}: expected an object with 'entries', 'methods' and/or 'links'")
            continue
        for key, check, target in (
            ("entries", _check_entry, content.entries),
            ("methods", _check_method, content.methods),
            ("links", _check_link, content.links),
        ):
            rows = data.get(key, [])
            if not isinstance(rows, list):
                problems.append(f"{name}: '{key}' must be a list")
                continue
            for index, row in enumerate(rows):
                place = f"{name} {key}[{index}]" + (f" ({row.get('slug')})" if isinstance(row, dict) else "")
                if not isinstance(row, dict):
                    problems.append(f"{place}: must be an object")
                    continue
                found = check(row)
                problems.extend(f"{place}: {p}" for p in found)
                if not found:
                    target.append(row)
    problems.extend(_check_cross_links(content))
    if problems:
        raise ContentError(problems)
    return content


def _text(value: Any, name: str, *, required: bool = True) -> list[str]:
    if value is None and not required:
        return []
    if not isinstance(value, Mapping) or not set(value) <= {"nl", "en"}:
        return [f"'{name}' must be an object with 'nl' and optionally 'en'"]
    if not isinstance(value.get("nl"), str) or not value["nl"].strip():
        return [f"'{name}' needs a Dutch text"]
    if "en" in value and not isinstance(value["en"], str):
        return [f"'{name}.en' must be text"]
    return []


def _slug(value: Any) -> list[str]:
    if not isinstance(value, str) or not value or not all(c.isascii() and (c.isalnum() or c == "-") for c in value):
        return ["'slug' must be lower-case letters, digits and hyphens"]
    if value != value.lower():
        return ["'slug' must be lower-case"]
    return []


def _source(row: Mapping[str, Any]) -> list[str]:
    problems = []
    if row.get("source") not in SOURCES:
        problems.append(f"'source' must be one of {', '.join(SOURCES)}")
    if not isinstance(row.get("section"), str) or not row["section"].strip():
        problems.append("'section' must name the section of the source")
    return problems


def _citations(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(c, Mapping) for c in value):
        return [f"'{name}' must be a list of objects with 'source' and 'section'"]
    problems = []
    for i, citation in enumerate(value):
        problems += [f"'{name}[{i}]': unknown field '{k}'" for k in sorted(set(citation) - {"source", "section"})]
        problems += [f"'{name}[{i}]': {p}" for p in _source(citation)]
    return problems


def check_about_source(row: Mapping[str, Any]) -> list[str]:
    """The fields about the source (module docstring): the "Over de bron" text, further citations, differences."""
    problems = _text(row.get("about_source"), "about_source", required=False)
    problems += _citations(row.get("also_cites", []), "also_cites")
    differences = row.get("sources_differ", [])
    if not isinstance(differences, list) or not all(isinstance(d, Mapping) for d in differences):
        return [*problems, "'sources_differ' must be a list of objects with 'topic' and 'readings'"]
    for i, difference in enumerate(differences):
        place = f"sources_differ[{i}]"
        problems += [f"'{place}': unknown field '{k}'" for k in sorted(set(difference) - {"topic", "readings"})]
        problems += _text(difference.get("topic"), f"{place}.topic")
        readings = difference.get("readings")
        if not isinstance(readings, list) or len(readings) < 2 or not all(isinstance(r, Mapping) for r in readings):
            problems.append(f"'{place}.readings' must list at least two readings, each an object")
            continue
        for j, reading in enumerate(readings):
            where = f"{place}.readings[{j}]"
            problems += [
                f"'{where}': unknown field '{k}'" for k in sorted(set(reading) - {"text", "source", "section"})
            ]
            problems += _text(reading.get("text"), f"{where}.text")
            problems += [f"'{where}': {p}" for p in _source(reading)]
    return problems


def citations(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every (source, section) a row cites: its own, further ones, and those of its differing readings."""
    found = [(row["source"], row["section"])]
    found += [(c["source"], c["section"]) for c in row.get("also_cites", [])]
    found += [(r["source"], r["section"]) for d in row.get("sources_differ", []) for r in d["readings"]]
    return found


def _check_entry(row: Mapping[str, Any]) -> list[str]:
    problems = [f"unknown field '{k}'" for k in sorted(set(row) - ENTRY_KEYS)]
    problems += check_about_source(row)
    problems += _slug(row.get("slug"))
    if row.get("kind") not in KINDS:
        problems.append(f"'kind' must be one of {', '.join(KINDS)}")
    problems += _text(row.get("title"), "title") + _text(row.get("summary"), "summary")
    problems += _text(row.get("body"), "body", required=False)
    problems += _source(row)
    if "audience" in row and row["audience"] not in AUDIENCES:
        problems.append(f"'audience' must be one of {', '.join(AUDIENCES)}")
    if "order" in row and not isinstance(row["order"], int):
        problems.append("'order' must be a whole number")
    for key in ("edition", "parent"):
        if key in row and not isinstance(row[key], str):
            problems.append(f"'{key}' must be text")
    if not isinstance(row.get("related", []), list) or not all(isinstance(s, str) for s in row.get("related", [])):
        problems.append("'related' must be a list of slugs")
    if (row.get("kind") == "live_table") != ("table" in row):
        problems.append("a 'live_table' entry needs a 'table', and only such an entry has one")
    elif "table" in row:
        problems += check_table(row["table"])
    return problems


def check_table(table: Any) -> list[str]:
    """A table of the source as data, rendered as an HTML table on the entry's page.

    ``{"caption": text, "row_header": text, "columns": [text, ...], "rows": [{"header": str,
    "cells": [cell, ...]}, ...]}``: a text is ``{"nl", "en"}``; ``row_header`` names the column
    of row headers; every row has one cell per column; a cell is a string as printed
    (a number, a range, or one of :data:`CELL_MARKS`) or a text where the printed cell has words.
    """
    if not isinstance(table, Mapping):
        return ["'table' must be an object"]
    problems = [
        f"'table': unknown field '{k}'" for k in sorted(set(table) - {"caption", "row_header", "columns", "rows"})
    ]
    problems += _text(table.get("caption"), "table.caption") + _text(table.get("row_header"), "table.row_header")
    columns = table.get("columns")
    if not isinstance(columns, list) or not columns:
        return [*problems, "'table.columns' must list at least one column"]
    for i, column in enumerate(columns):
        problems += _text(column, f"table.columns[{i}]")
    rows = table.get("rows")
    if not isinstance(rows, list) or not rows:
        return [*problems, "'table.rows' must list at least one row"]
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping) or set(row) != {"header", "cells"} or not isinstance(row["header"], str):
            problems.append(f"'table.rows[{i}]' must be an object with 'header' (text) and 'cells'")
            continue
        cells = row["cells"]
        if not isinstance(cells, list) or len(cells) != len(columns):
            problems.append(f"'table.rows[{i}]' ({row['header']}) must have {len(columns)} cells")
            continue
        for j, cell in enumerate(cells):
            if isinstance(cell, str):
                if cell not in CELL_MARKS and not any(c.isdigit() for c in cell):
                    problems.append(f"'table.rows[{i}].cells[{j}]': '{cell}' is neither a number nor a mark")
            else:
                problems += _text(cell, f"table.rows[{i}].cells[{j}]")
    return problems


def _check_method(row: Mapping[str, Any]) -> list[str]:
    """A dialogue method: texts, steps, participants per role, group size, aim and links.

    ``min_group`` and ``max_group`` are the group sizes its section of the source states (null
    where it states none: such a method never passes as fitting a size); ``group_note``, optional,
    says in our words what the source says about the group (pairs, a small group, two facilitators).
    """
    problems = [f"unknown field '{k}'" for k in sorted(set(row) - METHOD_KEYS)]
    problems += check_about_source(row)
    problems += _slug(row.get("slug"))
    for key in ("name", "summary", "purpose", "setup", "participants", "yields", "strengths", "limitations"):
        problems += _text(row.get(key), key)
    for key in ("steps", "questions"):
        value = row.get(key, [])
        if not isinstance(value, list):
            problems.append(f"'{key}' must be a list of texts")
        else:
            for i, text in enumerate(value):
                problems += _text(text, f"{key}[{i}]")
    if not row.get("steps"):
        problems.append("'steps' must list at least one step")
    roles = row.get("roles")
    if not isinstance(roles, Mapping) or set(roles) != set(ROLES) or not set(roles.values()) <= set(ROLE_USES):
        problems.append(f"'roles' must give every role ({', '.join(ROLES)}) one of {', '.join(ROLE_USES)}")
    problems += _text(row.get("group_note"), "group_note", required=False)
    sizes = [row.get("min_group"), row.get("max_group")]
    if not all(s is None or (isinstance(s, int) and s > 0) for s in sizes):
        problems.append("'min_group' and 'max_group' must be positive whole numbers or null")
    elif sizes[0] is not None and sizes[1] is not None and sizes[0] > sizes[1]:
        problems.append("'min_group' is larger than 'max_group'")
    if row.get("aim") not in AIMS:
        problems.append(f"'aim' must be one of {', '.join(AIMS)}")
    for key in ("core_tasks", "critical_situations"):
        if not isinstance(row.get(key, []), list) or not all(isinstance(s, str) for s in row.get(key, [])):
            problems.append(f"'{key}' must be a list of slugs")
    if "order" in row and not isinstance(row["order"], int):
        problems.append("'order' must be a whole number")
    return problems + _source(row)


def _check_link(row: Mapping[str, Any]) -> list[str]:
    problems = [f"unknown field '{k}'" for k in sorted(set(row) - LINK_KEYS)]
    items = LINK_ORIGINS.get(row.get("instrument", ""))
    if items is None:
        problems.append(f"'instrument' must be one of {', '.join(LINK_ORIGINS)}")
    elif row.get("item") not in items:
        problems.append(f"'item' must be one of {', '.join(items)}")
    if not isinstance(row.get("target"), str):
        problems.append("'target' must be the slug of an entry or a method")
    return problems + _text(row.get("rationale"), "rationale") + _source(row)


def _check_cross_links(content: Content) -> list[str]:
    problems: list[str] = []
    kinds: dict[str, str] = {}
    for row in [*content.entries, *content.methods]:
        if row["slug"] in kinds:
            problems.append(f"slug '{row['slug']}' is used twice")
        kinds[row["slug"]] = row.get("kind", "method")
    for entry in content.entries:
        if "parent" in entry and kinds.get(entry["parent"]) not in KINDS:
            problems.append(f"{entry['slug']}: parent '{entry['parent']}' is not an entry")
        problems += [
            f"{entry['slug']}: related '{s}' does not exist" for s in entry.get("related", []) if s not in kinds
        ]
    for method in content.methods:
        for key, kind in (("core_tasks", "core_task"), ("critical_situations", "critical_situation")):
            problems += [
                f"{method['slug']}: {key} '{s}' is not a {kind}" for s in method.get(key, []) if kinds.get(s) != kind
            ]
    seen: set[tuple[str, str, str]] = set()
    for link in content.links:
        link_key = (link["instrument"], link["item"], link["target"])
        if link["target"] not in kinds:
            problems.append(f"link {link_key}: target '{link['target']}' does not exist")
        if link_key in seen:
            problems.append(f"link {link_key} is listed twice")
        seen.add(link_key)
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check the content files (or the files given) and print a summary or every problem."""
    args = sys.argv[1:] if argv is None else argv
    files = [(Path(a).name, Path(a).read_text("utf-8")) for a in args] if args else None
    try:
        content = read_content(files)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 2
    counts: dict[str, int] = {}
    for entry in content.entries:
        counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1
    for kind, count in sorted(counts.items()):
        print(f"{kind}: {count}")
    print(f"methods: {len(content.methods)}\nlinks: {len(content.links)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
