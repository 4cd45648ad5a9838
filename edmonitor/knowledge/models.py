"""The framework of lived-experience expertise as data, the dialogue methods, and the search index.

The content is written in edmonitor's own words; every row cites the seed
document (:class:`Source`) and the section it is drawn from. It is loaded from
the files in ``content/`` by ``manage.py load_knowledge`` (see
:mod:`.services`) and may be edited by staff in the admin; a row edited there
is marked ``locally_edited`` and a later load leaves it alone unless told to
overwrite. Every change is kept in the history (django-simple-history).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from edmonitor.knowledge.content import AIMS, AUDIENCES, KINDS, ROLES, SOURCES, check_about_source, check_table


def label(labels: dict[str, tuple[str, str]], key: str) -> str:
    """The Dutch or English label of a key in one of the content vocabularies, in the active language."""
    nl, en = labels[key]
    return en if (get_language() or "nl").startswith("en") else nl


def choices(labels: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """Form and model choices from one of the content vocabularies, labelled in the active language."""
    return [(key, lazy(label, str)(labels, key)) for key in labels]


class Bilingual(models.Model):
    """Texts kept as ``<name>_nl`` and ``<name>_en`` fields; :meth:`text` picks the active language."""

    class Meta:
        abstract = True

    def text(self, name: str) -> str:
        english = (get_language() or "nl").startswith("en")
        value: str = getattr(self, f"{name}_en") if english else ""
        return value or getattr(self, f"{name}_nl")


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


def cite(source: str, section: str) -> str:
    """'Title (edition), section' of a seed key (content.SOURCES); an unknown key is named as it is."""
    seed = SOURCES.get(source)
    return f"{seed['title']} ({seed['edition']}), {section}" if seed else f"{source}, {section}"


class AboutSource(Bilingual):
    """What a page says about its source rather than its subject, shown under "Over de bron".

    ``about_source``: what the source leaves out, how it is laid out, which reading this project
    chose; ``also_cites``: further citations (``[{"source", "section"}]``) for text drawn from
    elsewhere; ``sources_differ``: points where the seeds disagree (``[{"topic": {nl, en},
    "readings": [{"text": {nl, en}, "source", "section"}, ...]}]``), checked as in the content files.
    """

    about_source_nl = models.TextField(
        _("about the source (Dutch)"),
        blank=True,
        help_text=_("What the source leaves out or how it is laid out; shown apart from the text."),
    )
    about_source_en = models.TextField(_("about the source (English)"), blank=True)
    also_cites = models.JSONField(
        _("also cites"),
        default=list,
        blank=True,
        help_text=_('Further citations, as a list: [{"source": "004", "section": "§2.1"}].'),
    )
    sources_differ = models.JSONField(
        _("where the sources differ"),
        default=list,
        blank=True,
        help_text=_(
            'A list of {"topic": {"nl": …, "en": …}, "readings": [{"text": {"nl": …, "en": …}, '
            '"source": "002", "section": …}, …]} with at least two readings each.'
        ),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        problems = check_about_source({"also_cites": self.also_cites, "sources_differ": self.sources_differ})
        if problems:
            raise ValidationError(problems)

    def further_citations(self) -> list[str]:
        return [cite(c["source"], c["section"]) for c in self.also_cites]

    def differences(self) -> list[dict[str, Any]]:
        """The points where the sources differ, in the active language, each reading with its citation."""
        language = "en" if _english() else "nl"

        def pick(text: dict[str, str]) -> str:
            return text.get(language) or text["nl"]

        return [
            {
                "topic": pick(d["topic"]),
                "readings": [
                    {"text": pick(r["text"]), "citation": cite(r["source"], r["section"])} for r in d["readings"]
                ],
            }
            for d in self.sources_differ
        ]


class Source(models.Model):
    """A source document (one of the seeds) in a given edition."""

    key = models.CharField(_("key"), max_length=8, unique=True)
    file = models.CharField(_("file"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    edition = models.CharField(_("edition"), max_length=40)

    class Meta:
        ordering = ["key"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self) -> str:
        return f"{self.title} ({self.edition})"


class EntryQuerySet(models.QuerySet["Entry"]):
    def of_kind(self, *kinds: str) -> EntryQuerySet:
        return self.filter(kind__in=kinds)


class Entry(AboutSource):
    """One piece of framework content: a core task, a key recommendation, a curriculum module, a LIVE lesson…"""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=choices(KINDS))
    edition = models.CharField(
        _("edition"), max_length=40, blank=True, help_text=_("For example 'BCP 2014' or 'BCP-E 2022'.")
    )
    audience = models.CharField(_("addressed to"), max_length=32, choices=choices(AUDIENCES), blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_nl = models.TextField(_("summary (Dutch)"))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    body_nl = models.TextField(_("text (Dutch)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="entries", verbose_name=_("source"))
    section = models.CharField(_("section"), max_length=200)
    related = models.ManyToManyField("self", symmetrical=False, blank=True, verbose_name=_("see also"))
    table = models.JSONField(
        _("table"),
        default=dict,
        blank=True,
        help_text=_("A table of the source as data (see edmonitor.knowledge.content.check_table)."),
    )
    locally_edited = models.BooleanField(
        _("edited here"), default=False, help_text=_("Changed in the admin; a content load leaves it alone.")
    )
    history = HistoricalRecords(excluded_fields=["locally_edited"])

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "edition", "order", "slug"]
        verbose_name = _("knowledge entry")
        verbose_name_plural = _("knowledge entries")

    def __str__(self) -> str:
        return self.title_nl

    def get_absolute_url(self) -> str:
        return reverse("knowledge_entry", args=[self.slug])

    @property
    def kind_label(self) -> str:
        return label(KINDS, self.kind)

    @property
    def audience_label(self) -> str:
        return label(AUDIENCES, self.audience) if self.audience else ""

    def clean(self) -> None:
        """A table edited in the admin must be one the page can show (content.check_table)."""
        super().clean()
        if self.table and (problems := check_table(self.table)):
            raise ValidationError({"table": problems})

    def table_view(self) -> dict[str, Any] | None:
        """The table in the reader's language, its marks spelt out ("x" → "ja"), or None."""
        if not self.table:
            return None
        english = _english()

        def pick(text: Any) -> str:
            if isinstance(text, dict):
                return str(text.get("en") or text["nl"]) if english else str(text["nl"])
            return str(text)

        marks = {"x": gettext("yes"), "-": gettext("no"), "?": gettext("unknown"), "": gettext("not stated")}
        return {
            "caption": pick(self.table["caption"]),
            "row_header": pick(self.table["row_header"]),
            "columns": [pick(c) for c in self.table["columns"]],
            "rows": [
                {
                    "header": row["header"],
                    "cells": [marks[c] if isinstance(c, str) and c in marks else pick(c) for c in row["cells"]],
                }
                for row in self.table["rows"]
            ],
        }


class RoleUse(models.TextChoices):
    """How a method's source treats a role (see content.ROLE_USES); only the first two fit."""

    REQUIRED = "required", _("takes part")
    WELCOME = "welcome", _("may take part")
    NOT_MENTIONED = "not_mentioned", _("not named in the source")
    NOT_INTENDED = "not_intended", _("not intended")


class DialogueMethod(AboutSource):
    """A dialogue method (004 §2) as structured data, filterable by participants, group size and aim."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    summary_nl = models.TextField(_("summary (Dutch)"))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    purpose_nl = models.TextField(_("purpose (Dutch)"))
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    setup_nl = models.TextField(_("set-up (Dutch)"))
    setup_en = models.TextField(_("set-up (English)"), blank=True)
    participants_nl = models.TextField(_("participants (Dutch)"))
    participants_en = models.TextField(_("participants (English)"), blank=True)
    yields_nl = models.TextField(_("what it yields (Dutch)"))
    yields_en = models.TextField(_("what it yields (English)"), blank=True)
    strengths_nl = models.TextField(_("strengths (Dutch)"))
    strengths_en = models.TextField(_("strengths (English)"), blank=True)
    limitations_nl = models.TextField(_("limitations (Dutch)"))
    limitations_en = models.TextField(_("limitations (English)"), blank=True)
    questions_nl = models.TextField(_("typical questions (Dutch)"), blank=True, help_text=_("One per line."))
    questions_en = models.TextField(_("typical questions (English)"), blank=True, help_text=_("One per line."))
    role_clients = models.CharField(_("clients"), max_length=16, choices=RoleUse.choices)
    role_relatives = models.CharField(_("relatives"), max_length=16, choices=RoleUse.choices)
    role_experts = models.CharField(_("experts by experience"), max_length=16, choices=RoleUse.choices)
    role_professionals = models.CharField(_("other professionals"), max_length=16, choices=RoleUse.choices)
    role_managers = models.CharField(_("managers"), max_length=16, choices=RoleUse.choices)
    role_board = models.CharField(_("board"), max_length=16, choices=RoleUse.choices)
    min_group = models.PositiveSmallIntegerField(_("smallest group"), null=True, blank=True)
    max_group = models.PositiveSmallIntegerField(_("largest group"), null=True, blank=True)
    group_note_nl = models.TextField(
        _("about the group (Dutch)"),
        blank=True,
        help_text=_("What the source says about the group: pairs, a small group."),
    )
    group_note_en = models.TextField(_("about the group (English)"), blank=True)
    aim = models.CharField(_("aim"), max_length=16, choices=choices(AIMS))
    core_tasks = models.ManyToManyField(
        Entry, blank=True, related_name="methods_for_task", verbose_name=_("core tasks it supports")
    )
    critical_situations = models.ManyToManyField(
        Entry, blank=True, related_name="methods_for_situation", verbose_name=_("critical situations it helps with")
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="methods", verbose_name=_("source"))
    section = models.CharField(_("section"), max_length=200)
    locally_edited = models.BooleanField(
        _("edited here"), default=False, help_text=_("Changed in the admin; a content load leaves it alone.")
    )
    history = HistoricalRecords(excluded_fields=["locally_edited"])

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("dialogue method")
        verbose_name_plural = _("dialogue methods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_group__isnull=True)
                | models.Q(max_group__isnull=True)
                | models.Q(min_group__lte=models.F("max_group")),
                name="dialogue_method_group_range",
                violation_error_message=_("The smallest group is larger than the largest group."),
            )
        ]

    def __str__(self) -> str:
        return self.name_nl

    def get_absolute_url(self) -> str:
        return reverse("knowledge_method", args=[self.slug])

    def role_uses(self) -> dict[str, str]:
        """Role key (see content.ROLES) -> RoleUse value."""
        return {role: getattr(self, f"role_{role}") for role in ROLES}

    def roles_with(self, use: str) -> list[str]:
        """The labels of the roles with this use, in the active language and lower case ('clients', …)."""
        return [label(ROLES, role).lower() for role, value in self.role_uses().items() if value == use]

    def group_size_label(self) -> str:
        """The group size the source states ('4 to 8 people', 'at most 8 people'), or that it states none."""
        low, high = self.min_group, self.max_group
        if low is not None and high is not None:
            if low == high:
                return ngettext("%(n)s person", "%(n)s people", low) % {"n": low}
            return gettext("%(low)s to %(high)s people") % {"low": low, "high": high}
        if high is not None:
            return ngettext("at most %(n)s person", "at most %(n)s people", high) % {"n": high}
        if low is not None:
            return ngettext("at least %(n)s person", "at least %(n)s people", low) % {"n": low}
        return gettext("the source gives no group size")

    def questions(self) -> list[str]:
        return [line.strip() for line in self.text("questions").splitlines() if line.strip()]


class MethodStep(Bilingual):
    """One step of a dialogue method, in order; a dialogue session ticks them off as a checklist."""

    method = models.ForeignKey(DialogueMethod, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("number"))
    text_nl = models.TextField(_("step (Dutch)"))
    text_en = models.TextField(_("step (English)"), blank=True)

    class Meta:
        ordering = ["method", "number"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [models.UniqueConstraint(fields=["method", "number"], name="method_step_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text_nl[:60]}"


class SuggestionLink(Bilingual):
    """A reasoned link from a VIE item or MIE theme to advice or a dialogue method that addresses it."""

    class Instrument(models.TextChoices):
        VIE = "vie", "VIE"
        MIE = "mie", "MIE"

    instrument = models.CharField(_("instrument"), max_length=8, choices=Instrument.choices)
    item = models.CharField(_("item or theme"), max_length=8)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="suggested_for")
    method = models.ForeignKey(
        DialogueMethod, on_delete=models.CASCADE, null=True, blank=True, related_name="suggested_for"
    )
    rationale_nl = models.TextField(_("why (Dutch)"))
    rationale_en = models.TextField(_("why (English)"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="links", verbose_name=_("source"))
    section = models.CharField(_("section"), max_length=200)

    class Meta:
        ordering = ["instrument", "item", "id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=True, method__isnull=False)
                | models.Q(entry__isnull=False, method__isnull=True),
                name="suggestion_one_target",
                violation_error_message=_("A suggestion points at either an entry or a dialogue method."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.item} → {self.target}"

    @property
    def target(self) -> Entry | DialogueMethod:
        return self.entry or self.method  # type: ignore[return-value]


class SearchDocument(models.Model):
    """The search index: one row per entry or method and language, rebuilt by services.rebuild_index().

    ``title`` and ``text`` hold the text without accents (so "casuistiek" finds
    "casuïstiek"), for reading; the search itself, alike on SQLite and
    PostgreSQL, goes through ``title_stems`` and ``stems`` (title and text): the
    stems of the same words without stop words, separated by spaces and with a
    space at both ends (see :mod:`edmonitor.knowledge.search`).
    """

    language = models.CharField(max_length=2)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    method = models.ForeignKey(DialogueMethod, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=32)
    title = models.TextField()
    text = models.TextField()
    title_stems = models.TextField()
    stems = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["language", "kind"], name="search_language_kind")]

    def __str__(self) -> str:
        return self.title
