"""Loading the knowledge-base content into the database, and keeping the search index in step.

``load(content)`` brings the database in line with the content files in one
transaction: rows are matched by slug, created or updated; a row a member of
staff edited in the admin (``locally_edited``) is left alone unless
``overwrite`` is given; the suggestion links are replaced as a whole. The
search index is rebuilt at the end, and by :func:`reindex` after an edit in the
admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from edmonitor.knowledge.content import ROLES, SOURCES, Content
from edmonitor.knowledge.models import DialogueMethod, Entry, MethodStep, SearchDocument, Source, SuggestionLink
from edmonitor.knowledge.search import document_rows


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    links: int = 0


def _pair(row: dict[str, Any], key: str, name: str | None = None) -> dict[str, str]:
    text = row.get(key) or {}
    return {f"{name or key}_nl": text.get("nl", ""), f"{name or key}_en": text.get("en", "")}


def _about_source_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The "Over de bron" fields, alike for entries and methods."""
    return {
        **_pair(row, "about_source"),
        "also_cites": row.get("also_cites", []),
        "sources_differ": row.get("sources_differ", []),
    }


def _entry_fields(row: dict[str, Any], sources: dict[str, Source]) -> dict[str, Any]:
    return {
        **_about_source_fields(row),
        "kind": row["kind"],
        "edition": row.get("edition", ""),
        "audience": row.get("audience", ""),
        "order": row.get("order", 0),
        **_pair(row, "title"),
        **_pair(row, "summary"),
        **_pair(row, "body"),
        "source": sources[row["source"]],
        "section": row["section"],
        "table": row.get("table", {}),
    }


def _method_fields(row: dict[str, Any], sources: dict[str, Source]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        **_about_source_fields(row),
        "order": row.get("order", 0),
        "min_group": row.get("min_group"),
        "max_group": row.get("max_group"),
        "aim": row["aim"],
        "source": sources[row["source"]],
        "section": row["section"],
        "questions_nl": "\n".join(q["nl"] for q in row.get("questions", [])),
        "questions_en": "\n".join(q.get("en", "") for q in row.get("questions", [])),
    }
    for key in (
        "name",
        "summary",
        "purpose",
        "setup",
        "participants",
        "group_note",
        "yields",
        "strengths",
        "limitations",
    ):
        fields.update(_pair(row, key))
    for role in ROLES:
        fields[f"role_{role}"] = row["roles"][role]
    return fields


def _differs(obj: Any, fields: dict[str, Any]) -> bool:
    return any(getattr(obj, name) != value for name, value in fields.items())


@transaction.atomic
def load(content: Content, *, overwrite: bool = False) -> LoadReport:
    """Bring the database in line with ``content`` (checked by content.read_content); all or nothing."""
    report = LoadReport()
    sources = {}
    for key, meta in SOURCES.items():
        sources[key], _ = Source.objects.update_or_create(
            key=key, defaults={"file": meta["file"], "title": meta["title"], "edition": meta["edition"]}
        )

    entries = {e.slug: e for e in Entry.objects.all()}
    touched: set[str] = set()
    for row in content.entries:
        fields = _entry_fields(row, sources)
        _save(Entry, entries, row["slug"], fields, overwrite, report, touched)
    for row in content.entries:  # second pass: links between entries, now that all exist
        if row["slug"] not in touched:
            continue
        entry = entries[row["slug"]]
        parent = entries[row["parent"]] if row.get("parent") else None
        if entry.parent_id != (parent.pk if parent else None):
            entry.parent = parent
            entry.save(update_fields=["parent"])
        related = {entries[s].pk for s in row.get("related", []) if s in entries}
        if set(entry.related.values_list("pk", flat=True)) != related:
            entry.related.set(related)
            _mark_updated(report, row["slug"])

    methods = {m.slug: m for m in DialogueMethod.objects.all()}
    for row in content.methods:
        fields = _method_fields(row, sources)
        if not _save(DialogueMethod, methods, row["slug"], fields, overwrite, report, touched):
            continue
        method = methods[row["slug"]]
        steps = [(i, step["nl"], step.get("en", "")) for i, step in enumerate(row["steps"], start=1)]
        if list(method.steps.values_list("number", "text_nl", "text_en")) != steps:
            method.steps.all().delete()
            MethodStep.objects.bulk_create(
                MethodStep(method=method, number=n, text_nl=nl, text_en=en) for n, nl, en in steps
            )
            _mark_updated(report, row["slug"])
        for key in ("core_tasks", "critical_situations"):
            wanted = {entries[s].pk for s in row.get(key, [])}
            manager = getattr(method, key)
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
                _mark_updated(report, row["slug"])

    SuggestionLink.objects.all().delete()
    SuggestionLink.objects.bulk_create(
        SuggestionLink(
            instrument=link["instrument"],
            item=link["item"],
            entry=entries.get(link["target"]),
            method=methods.get(link["target"]),
            **_pair(link, "rationale"),
            source=sources[link["source"]],
            section=link["section"],
        )
        for link in content.links
    )
    report.links = len(content.links)
    rebuild_index()
    return report


def _mark_updated(report: LoadReport, slug: str) -> None:
    if slug in report.unchanged:
        report.unchanged.remove(slug)
        report.updated.append(slug)


def _save(model: Any, known: dict[str, Any], slug: str, fields: dict[str, Any], overwrite: bool, report: LoadReport,
          touched: set[str]) -> bool:  # fmt: skip
    """Create or update one row by slug; False when a local edit is kept."""
    obj = known.get(slug)
    if obj is None:
        known[slug] = model.objects.create(slug=slug, **fields)
        report.created.append(slug)
    elif obj.locally_edited and not overwrite:
        report.kept_local.append(slug)
        return False
    elif _differs(obj, fields) or obj.locally_edited:
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.locally_edited = False
        obj.save()
        report.updated.append(slug)
    else:
        report.unchanged.append(slug)
    touched.add(slug)
    return True


@transaction.atomic
def rebuild_index() -> int:
    """Rebuild the whole search index from the entries and methods; returns the number of documents."""
    SearchDocument.objects.all().delete()
    entries = Entry.objects.select_related("source")
    methods = DialogueMethod.objects.prefetch_related("steps")
    objects: list[Entry | DialogueMethod] = [*entries, *methods]
    documents = [doc for obj in objects for doc in document_rows(obj)]
    SearchDocument.objects.bulk_create(documents)
    return len(documents)


def reindex(obj: Entry | DialogueMethod) -> None:
    """Refresh the search documents of one entry or method (after an edit in the admin)."""
    with transaction.atomic():
        if isinstance(obj, Entry):
            SearchDocument.objects.filter(entry=obj).delete()
        else:
            SearchDocument.objects.filter(method=obj).delete()
        SearchDocument.objects.bulk_create(document_rows(obj))
