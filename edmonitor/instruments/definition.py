"""Instrument definitions: the questionnaire as data.

An instrument (VIE, later MIE and others) is described by one JSON file per
version in ``edmonitor/instruments/definitions/`` named ``<code>-<version>.json``.
The file holds everything the scoring engine needs: items and their anchors,
facts that can be entered, derivation rules with their parameters, goal codes,
level bands and rounding. This module turns such a file into frozen dataclasses
and validates its structure; it imports nothing from Django so the CLI and the
tests can use it on their own.

Texts are dictionaries keyed by language code ("nl", "en"); ``Text.get`` falls
back to Dutch, the language of the sources.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from typing import Any, TypeVar

from .sources import cite

DEFINITIONS_PACKAGE = "edmonitor.instruments.definitions"
DEFAULT_LANGUAGE = "nl"


class DefinitionError(ValueError):
    """An instrument definition file is malformed."""


@dataclass(frozen=True)
class Text:
    """A user-visible text in several languages."""

    values: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, raw: Any, where: str) -> Text:
        if isinstance(raw, str):
            return cls(((DEFAULT_LANGUAGE, raw),))
        if not isinstance(raw, dict) or DEFAULT_LANGUAGE not in raw:
            raise DefinitionError(f"{where}: expected a text with at least a Dutch ('nl') version")
        return cls(tuple((str(k), str(v)) for k, v in raw.items()))

    def get(self, language: str | None = None) -> str:
        lang = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
        values = dict(self.values)
        return values.get(lang) or values[DEFAULT_LANGUAGE]

    def __str__(self) -> str:
        return self.get()


@dataclass(frozen=True)
class Source:
    """Where a piece of content comes from: seed file and section."""

    document: str
    section: str

    @classmethod
    def parse(cls, raw: Any, where: str) -> Source:
        if not isinstance(raw, dict) or not raw.get("document") or not raw.get("section"):
            raise DefinitionError(f"{where}: a source needs 'document' and 'section'")
        return cls(str(raw["document"]), str(raw["section"]))

    def __str__(self) -> str:
        return cite(self.document, self.section)


@dataclass(frozen=True)
class Fact:
    """A fact that can be entered instead of choosing an anchor (e.g. staff fte)."""

    id: str
    kind: str  # "decimal" or "integer"
    label: Text
    help: Text | None
    minimum: Fraction
    maximum: Fraction | None


@dataclass(frozen=True)
class Criterion:
    """One tickable criterion of a criteria-count derivation (item 7a)."""

    id: str
    label: Text


@dataclass(frozen=True)
class Derivation:
    """How an item's score follows from facts. ``rule`` names a function in scoring.RULES."""

    rule: str
    params: dict[str, Any]
    facts: tuple[str, ...]  # the facts whose presence means "derive this item"
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class Item:
    """A scored question with its five anchors and the goal-attainment question beside it."""

    id: str
    goal_id: str
    subgoal: str
    title: Text
    question: Text
    anchors: dict[int, Text]
    goal_question: Text
    source: Source
    derivation: Derivation | None


@dataclass(frozen=True)
class Level:
    """A level band of the (rounded) total, bounds inclusive."""

    code: str
    label: Text
    minimum: Decimal
    maximum: Decimal


@dataclass(frozen=True)
class GoalCode:
    code: str
    label: Text


@dataclass(frozen=True)
class SizeClass:
    """An institution size class by number of clients; ``upper`` is inclusive, None = no bound."""

    code: str
    label: Text
    upper: int | None


@dataclass(frozen=True)
class Subgoal:
    code: str
    title: Text


@dataclass(frozen=True)
class Instrument:
    """One version of one instrument, as loaded from its definition file."""

    code: str
    version: str
    name: Text
    description: Text
    source: Source
    scale_min: int
    scale_max: int
    decimals: int
    subgoals: tuple[Subgoal, ...]
    items: tuple[Item, ...]
    facts: tuple[Fact, ...]
    goal_codes: tuple[GoalCode, ...]
    levels: tuple[Level, ...]
    size_fact: str | None
    size_classes: tuple[SizeClass, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.code}-{self.version}"

    def item(self, item_id: str) -> Item:
        return _find(self.items, "id", item_id)

    def fact(self, fact_id: str) -> Fact:
        return _find(self.facts, "id", fact_id)

    def subgoal(self, code: str) -> Subgoal:
        return _find(self.subgoals, "code", code)

    def level(self, code: str) -> Level:
        return _find(self.levels, "code", code)

    @property
    def derivable_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.derivation is not None)

    def canonical_json(self) -> str:
        return canonical_json(self.raw)

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


T = TypeVar("T")


def _find(entries: tuple[T, ...], attribute: str, key: str) -> T:
    """The entry whose ``attribute`` equals ``key``; KeyError when there is none."""
    for entry in entries:
        if getattr(entry, attribute) == key:
            return entry
    raise KeyError(key)


def canonical_json(raw: dict[str, Any]) -> str:
    return json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _require(raw: dict[str, Any], key: str, where: str) -> Any:
    if key not in raw:
        raise DefinitionError(f"{where}: missing '{key}'")
    return raw[key]


def _number(raw: Any, where: str) -> Fraction:
    try:
        return Fraction(Decimal(str(raw)))
    except Exception as exc:  # (any exception) any parse failure is a definition error
        raise DefinitionError(f"{where}: '{raw}' is not a number") from exc


def parse_instrument(raw: dict[str, Any]) -> Instrument:
    """Build an Instrument from a decoded definition, checking its structure."""
    where = f"instrument {raw.get('code')}-{raw.get('version')}"
    scale = _require(raw, "scale", where)
    scale_min, scale_max = int(scale["min"]), int(scale["max"])

    facts = tuple(
        Fact(
            id=str(_require(f, "id", where)),
            kind=str(f.get("type", "decimal")),
            label=Text.parse(_require(f, "label", where), f"{where} fact {f.get('id')}"),
            help=Text.parse(f["help"], f"{where} fact {f['id']}") if f.get("help") else None,
            minimum=_number(f.get("min", 0), where),
            maximum=_number(f["max"], where) if f.get("max") is not None else None,
        )
        for f in raw.get("facts", [])
    )
    fact_ids = {f.id for f in facts}
    for f in facts:
        if f.kind not in ("decimal", "integer"):
            raise DefinitionError(f"{where}: fact {f.id} has unknown type {f.kind}")

    subgoals = tuple(
        Subgoal(code=str(s["code"]), title=Text.parse(s["title"], f"{where} subgoal")) for s in raw.get("subgoals", [])
    )
    subgoal_codes = {s.code for s in subgoals}

    items = []
    for r in _require(raw, "items", where):
        item_where = f"{where} item {r.get('id')}"
        anchors = {int(k): Text.parse(v, f"{item_where} anchor {k}") for k, v in r["anchors"].items()}
        if sorted(anchors) != list(range(scale_min, scale_max + 1)):
            raise DefinitionError(f"{item_where}: needs one anchor for every scale point")
        derivation = None
        if r.get("derivation"):
            d = r["derivation"]
            criteria = tuple(
                Criterion(id=str(c["id"]), label=Text.parse(c["label"], f"{item_where} criterion"))
                for c in d.get("criteria", [])
            )
            used = tuple(str(x) for x in _require(d, "facts", item_where))
            unknown = [x for x in used if x not in fact_ids]
            if unknown:
                raise DefinitionError(f"{item_where}: derivation uses unknown facts {unknown}")
            derivation = Derivation(
                rule=str(_require(d, "rule", item_where)),
                params={k: v for k, v in d.items() if k not in ("rule", "facts", "criteria")},
                facts=used,
                criteria=criteria,
            )
        subgoal = str(r.get("subgoal", ""))
        if subgoals and subgoal not in subgoal_codes:
            raise DefinitionError(f"{item_where}: unknown subgoal {subgoal!r}")
        items.append(
            Item(
                id=str(r["id"]),
                goal_id=str(r.get("goal_id", "")),
                subgoal=subgoal,
                title=Text.parse(r["title"], item_where),
                question=Text.parse(r["question"], item_where),
                anchors=anchors,
                goal_question=Text.parse(r.get("goal_question", r["title"]), item_where),
                source=Source.parse(r.get("source"), item_where),
                derivation=derivation,
            )
        )
    if len({i.id for i in items}) != len(items):
        raise DefinitionError(f"{where}: item ids must be unique")

    levels = tuple(
        Level(
            code=str(lv["code"]),
            label=Text.parse(lv["label"], f"{where} level"),
            minimum=Decimal(str(lv["min"])),
            maximum=Decimal(str(lv["max"])),
        )
        for lv in raw.get("levels", [])
    )
    size = raw.get("size_classes") or {}
    size_classes = tuple(
        SizeClass(
            code=str(c["code"]),
            label=Text.parse(c["label"], f"{where} size class"),
            upper=int(c["upper"]) if c.get("upper") is not None else None,
        )
        for c in size.get("classes", [])
    )
    size_fact = size.get("fact")
    if size_fact is not None and size_fact not in fact_ids:
        raise DefinitionError(f"{where}: size classes use unknown fact {size_fact}")

    return Instrument(
        code=str(_require(raw, "code", where)),
        version=str(_require(raw, "version", where)),
        name=Text.parse(_require(raw, "name", where), where),
        # the description may be corrected outside the frozen version file (about_texts)
        description=Text.parse(
            about_texts(str(raw["code"])).get("description") or raw.get("description", raw["name"]), where
        ),
        source=Source.parse(raw.get("source"), where),
        scale_min=scale_min,
        scale_max=scale_max,
        decimals=int(raw.get("rounding", {}).get("decimals", 1)),
        subgoals=subgoals,
        items=tuple(items),
        facts=facts,
        goal_codes=tuple(
            GoalCode(code=str(g["code"]), label=Text.parse(g["label"], f"{where} goal code"))
            for g in raw.get("goal_codes", [])
        ),
        levels=levels,
        size_fact=size_fact,
        size_classes=size_classes,
        raw=raw,
    )


@dataclass(frozen=True)
class Theme:
    """One theme of an audit instrument (MIE), scored 1-5 by each auditor and by consensus.

    ``guiding_questions`` and ``scale`` are this project's operationalisation (the
    source names the themes only); ``draws_on`` lists the source sections they use.
    """

    id: str
    title: Text
    summary: Text
    source: Source
    draws_on: tuple[Source, ...]
    guiding_questions: tuple[Text, ...]
    scale: dict[int, Text]


@dataclass(frozen=True)
class CrosswalkLink:
    """A VIE item that informs an MIE theme, with the reason for the link."""

    item: str
    theme: str
    rationale: Text


@dataclass(frozen=True)
class AuditInstrument:
    """One version of an audit instrument (the MIE): themes, scale, consensus rules, crosswalk."""

    code: str
    version: str
    name: Text
    description: Text
    source: Source
    operationalisation_note: Text
    scale_min: int
    scale_max: int
    scale_labels: dict[int, Text]
    discuss_difference: int
    decimals: int
    themes: tuple[Theme, ...]
    crosswalk_instrument: str | None
    crosswalk: tuple[CrosswalkLink, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)
    # Where the sources name the instrument differently (from mie-2026.2); None in older versions.
    name_note: Text | None = None

    @property
    def key(self) -> str:
        return f"{self.code}-{self.version}"

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def theme(self, theme_id: str) -> Theme:
        return _find(self.themes, "id", theme_id)

    def links_for(self, theme_id: str) -> tuple[CrosswalkLink, ...]:
        return tuple(link for link in self.crosswalk if link.theme == theme_id)

    def canonical_json(self) -> str:
        return canonical_json(self.raw)

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def _scale_texts(raw: Any, scale_min: int, scale_max: int, where: str) -> dict[int, Text]:
    if not isinstance(raw, dict):
        raise DefinitionError(f"{where}: expected one text per scale point")
    texts = {int(k): Text.parse(v, f"{where} point {k}") for k, v in raw.items()}
    if sorted(texts) != list(range(scale_min, scale_max + 1)):
        raise DefinitionError(f"{where}: needs one text for every scale point {scale_min}-{scale_max}")
    return texts


def parse_audit_instrument(raw: dict[str, Any]) -> AuditInstrument:
    """Build an AuditInstrument from a decoded definition with ``"kind": "audit"``."""
    where = f"instrument {raw.get('code')}-{raw.get('version')}"
    if raw.get("kind") != "audit":
        raise DefinitionError(f"{where}: not an audit instrument")
    scale = _require(raw, "scale", where)
    scale_min, scale_max = int(scale["min"]), int(scale["max"])
    themes = []
    for t in _require(raw, "themes", where):
        theme_where = f"{where} theme {t.get('id')}"
        questions = tuple(Text.parse(q, f"{theme_where} question") for q in _require(t, "guiding_questions", where))
        if not questions:
            raise DefinitionError(f"{theme_where}: needs at least one guiding question")
        themes.append(
            Theme(
                id=str(_require(t, "id", where)),
                title=Text.parse(_require(t, "title", theme_where), theme_where),
                summary=Text.parse(_require(t, "summary", theme_where), theme_where),
                source=Source.parse(t.get("source"), theme_where),
                draws_on=tuple(
                    Source.parse(s, f"{theme_where} draws_on") for s in _require(t, "draws_on", theme_where)
                ),
                guiding_questions=questions,
                scale=_scale_texts(_require(t, "scale", theme_where), scale_min, scale_max, f"{theme_where} scale"),
            )
        )
    theme_ids = [t.id for t in themes]
    if len(set(theme_ids)) != len(theme_ids):
        raise DefinitionError(f"{where}: theme ids must be unique")
    crosswalk = raw.get("crosswalk") or {}
    links = []
    for link in crosswalk.get("links", []):
        theme_id = str(_require(link, "theme", where))
        if theme_id not in theme_ids:
            raise DefinitionError(f"{where}: crosswalk links to unknown theme {theme_id!r}")
        links.append(
            CrosswalkLink(
                item=str(_require(link, "item", where)),
                theme=theme_id,
                rationale=Text.parse(_require(link, "rationale", where), f"{where} crosswalk"),
            )
        )
    rules = raw.get("rules", {})
    return AuditInstrument(
        code=str(_require(raw, "code", where)),
        version=str(_require(raw, "version", where)),
        name=Text.parse(_require(raw, "name", where), where),
        description=Text.parse(raw.get("description", raw["name"]), where),
        source=Source.parse(raw.get("source"), where),
        operationalisation_note=Text.parse(_require(raw, "operationalisation_note", where), where),
        scale_min=scale_min,
        scale_max=scale_max,
        scale_labels=_scale_texts(_require(scale, "labels", where), scale_min, scale_max, f"{where} scale labels"),
        discuss_difference=int(rules.get("discuss_difference", 2)),
        decimals=int(rules.get("mean_decimals", 1)),
        themes=tuple(themes),
        crosswalk_instrument=str(crosswalk["instrument"]) if crosswalk.get("instrument") else None,
        crosswalk=tuple(links),
        raw=raw,
        name_note=Text.parse(raw["name_note"], f"{where} name_note") if raw.get("name_note") else None,
    )


_VERSION_FILE = re.compile(r"[a-z]+-[0-9]+(?:\.[0-9]+)*\.json")
ABOUT_SUFFIX = ".about.json"


def available_definitions() -> list[str]:
    """File stems ('vie-2012.1', ...) of the definition files shipped in the package."""
    root = resources.files(DEFINITIONS_PACKAGE)
    return sorted(p.name[: -len(".json")] for p in root.iterdir() if _VERSION_FILE.fullmatch(p.name))


@functools.cache
def about_texts(code: str) -> dict[str, Any]:
    """The texts that describe an instrument in every version (``<code>.about.json``), or {}.

    They say where the instrument comes from and how it was and is used; they change no answer's
    meaning and no score, so they are not part of a frozen version file and may be corrected
    without a new version. Such a text replaces the one of the same name in a version file.
    """
    path = resources.files(DEFINITIONS_PACKAGE).joinpath(f"{code}{ABOUT_SUFFIX}")
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or raw.get("code") != code:
        raise DefinitionError(f"{code}{ABOUT_SUFFIX}: expected an object with code {code!r}")
    return raw


@dataclass(frozen=True)
class ItemHelp:
    """What an item means and what counts for it, in our words, with the passage it explains."""

    text: Text
    source: Source


@functools.cache
def item_help(code: str) -> dict[str, ItemHelp]:
    """Help per item id from ``item_help`` in ``<code>.about.json`` (VIE: 003 Bijlage 1), or {}.

    Like the description it explains without changing what an answer means or how it scores,
    so it lives outside the frozen version files and serves every version of the instrument.
    """
    found = {}
    for item_id, raw in about_texts(code).get("item_help", {}).items():
        where = f"{code}{ABOUT_SUFFIX} item_help {item_id}"
        if not isinstance(raw, dict) or "en" not in raw:
            raise DefinitionError(f"{where}: expected a text in Dutch and English with a source")
        texts = {k: v for k, v in raw.items() if k != "source"}
        found[str(item_id)] = ItemHelp(Text.parse(texts, where), Source.parse(raw.get("source"), where))
    return found


def _read_definition(key: str) -> dict[str, Any]:
    path = resources.files(DEFINITIONS_PACKAGE).joinpath(f"{key}.json")
    if not path.is_file():
        raise DefinitionError(f"no instrument definition named {key!r}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise DefinitionError(f"{key}: a definition is a JSON object")
    return raw


def parse_any(raw: dict[str, Any]) -> Instrument | AuditInstrument:
    """A questionnaire (VIE) or an audit instrument (MIE), by the definition's ``kind``."""
    return parse_audit_instrument(raw) if raw.get("kind") == "audit" else parse_instrument(raw)


@functools.cache  # the shipped files do not change while running; an Instrument is frozen
def load_definition(key: str) -> Instrument:
    """Load a shipped questionnaire definition by its file stem, e.g. ``load_definition('vie-2012.1')``."""
    return parse_instrument(_read_definition(key))


@functools.cache
def load_audit_definition(key: str) -> AuditInstrument:
    """Load a shipped audit definition by its file stem, e.g. ``load_audit_definition('mie-2026.1')``."""
    return parse_audit_instrument(_read_definition(key))


def load_any(key: str) -> Instrument | AuditInstrument:
    return parse_any(_read_definition(key))


def _latest_key(code: str) -> str:
    keys = [k for k in available_definitions() if k.split("-", 1)[0] == code]
    if not keys:
        raise DefinitionError(f"no instrument definition for {code!r}")

    def version_key(k: str) -> tuple[int, ...]:
        return tuple(int(p) for p in k.split("-", 1)[1].split("."))

    return max(keys, key=version_key)


@functools.cache
def newest_version_number(code: str) -> str:
    """The newest shipped version of an instrument, e.g. '2026.2' (the shipped files do not change while running)."""
    return _latest_key(code).split("-", 1)[1]


def latest_version(code: str) -> Instrument:
    """The newest shipped version of a questionnaire (versions compare as dotted numbers)."""
    return load_definition(_latest_key(code))


def latest_audit_version(code: str = "mie") -> AuditInstrument:
    """The newest shipped version of an audit instrument."""
    return load_audit_definition(_latest_key(code))
