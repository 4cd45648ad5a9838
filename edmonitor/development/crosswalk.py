"""How the core tasks of the 2014 competency profile lead to the four of 2022, with a reason per link.

The data is ``crosswalk.json`` beside this module, drawn from the seeds: 004 §1.5 lists the four
core tasks of 2022 and says the fourth was added; 004 §1.6 still names tasks 2 and 3 of 2022 by
their 2014 wording; 002 "Taken ervaringsdeskundige" lists the three of 2014, and 002's
profession-bound task area holds the task that is the root of the new fourth one. Every slug is
an entry of the knowledge content as shipped (``edmonitor/knowledge/content``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from django.utils.translation import get_language

from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.models import cite

# The one place in 2014 that is no core task but the root of the new task 4 of 2022 (002, profession-bound tasks).
ROOTS_2014 = frozenset({"taakgebied-professiegebonden"})


class CrosswalkError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _tasks(entries: list[dict[str, Any]], edition: str) -> list[str]:
    return [e["slug"] for e in entries if e["kind"] == "core_task" and e["slug"].startswith(f"kerntaak-{edition}-")]


def check(links: Any, entries: list[dict[str, Any]]) -> list[str]:
    """Every problem of ``links`` against the knowledge ``entries``: unknown slugs, missing tasks, empty reasons."""
    if not isinstance(links, list) or not links:
        return ["'links' must be a non-empty list"]
    slugs = {e["slug"] for e in entries}
    tasks_2014, tasks_2022 = _tasks(entries, "2014"), _tasks(entries, "2022")
    problems = []
    for n, link in enumerate(links):
        if not isinstance(link, dict):
            problems.append(f"link {n}: must be an object")
            continue
        start, end = link.get("from"), link.get("to")
        if start not in slugs or (start not in tasks_2014 and start not in ROOTS_2014):
            problems.append(f"link {n}: 'from' {start!r} is no core task of 2014 in the content")
        if end not in tasks_2022:
            problems.append(f"link {n}: 'to' {end!r} is no core task of 2022 in the content")
        reason = link.get("reason")
        if not isinstance(reason, dict) or not all(isinstance(reason.get(k), str) and reason[k].strip()
                                                   for k in ("nl", "en")):  # fmt: skip
            problems.append(f"link {n}: a reason in Dutch and English is required")
        if not link.get("source") or not link.get("section"):
            problems.append(f"link {n}: the source and section are required")
        also = link.get("also_cites", [])
        if not isinstance(also, list) or not all(isinstance(c, list) and len(c) == 2 and all(c) for c in also):
            problems.append(f"link {n}: 'also_cites' must be a list of [source, section]")
    linked = {link.get("from") for link in links if isinstance(link, dict)}
    linked |= {link.get("to") for link in links if isinstance(link, dict)}
    problems.extend(f"{task} has no link" for task in [*tasks_2014, *tasks_2022] if task not in linked)
    return problems


@cache
def _load() -> tuple[tuple[dict[str, Any], ...], dict[str, dict[str, str]]]:
    data = json.loads(resources.files("edmonitor.development").joinpath("crosswalk.json").read_text("utf-8"))
    entries = read_content().entries
    problems = check(data.get("links"), entries)
    if problems:
        raise CrosswalkError(problems)
    titles = {e["slug"]: e["title"] for e in entries}
    return tuple(data["links"]), titles


def links() -> list[dict[str, Any]]:
    """The links as in the file, checked (raises :class:`CrosswalkError` on a problem)."""
    return list(_load()[0])


def crosswalk() -> list[dict[str, Any]]:
    """Per core task of 2022 in order: its title and the 2014 tasks linked to it, each with title, reason, source."""
    all_links, titles = _load()
    language = "en" if (get_language() or "nl").startswith("en") else "nl"
    rows: dict[str, dict[str, Any]] = {}
    for link in sorted(all_links, key=lambda link: (link["to"], link["from"])):
        where = [(link["source"], link["section"]), *link.get("also_cites", [])]
        row = rows.setdefault(link["to"], {"slug": link["to"], "title": titles[link["to"]][language], "links": []})
        row["links"].append({
            "slug": link["from"],
            "title": titles[link["from"]][language],
            "new": bool(link.get("new")),
            "reason": link["reason"][language],
            "source": "; ".join(cite(source, section) for source, section in where),
        })  # fmt: skip
    return list(rows.values())
