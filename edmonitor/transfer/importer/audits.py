"""One MIE audit of the document: its auditors, themes, ratings, conclusion, recommendations and amendments.

The rules of :mod:`edmonitor.audits.services` are checked on the data as a whole (the steps that
led to it are history): who has submitted decides what the rest may hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from edmonitor.audits.models import Phase, Position
from edmonitor.instruments.audit import consensus_outside
from edmonitor.instruments.definition import AuditInstrument
from edmonitor.measurements.models import InstrumentVersion

from .reading import _SMALL_MAX, BAD, _Reader, at

AUDIT_KEYS = (
    "instrument",
    "held_on",
    "facility",
    "phase",
    "ratings_withheld",
    "participants",
    "auditors",
    "themes",
    "conclusion",
    "recommendations",
    "finalised_at",
    "finalised_by",
    "amendments",
    "created_by",
    "created_at",
)
AUDITOR_KEYS = ("order", "user", "full_name", "position", "submitted_at")
THEME_KEYS = ("notes", "explanation", "consensus", "consensus_reason", "ratings")
RATING_KEYS = ("auditor", "score", "rationale")


@dataclass
class _AuditPlan:
    version: InstrumentVersion
    held_on: dt.date
    facility: str | None
    participants: str
    auditors: list[tuple[int, str, str, dt.datetime | None]]  # order, user name, position, submitted_at
    themes: dict[str, dict[str, Any]]
    ratings: list[tuple[int, str, int | None, str]]  # auditor order, theme, score, rationale
    strengths: str
    improvements: str
    recommendations: list[tuple[str, str, int]]  # theme, text, order
    finalised_at: dt.datetime | None
    finalised_by: str | None
    amendments: list[tuple[str, dt.datetime, str, list[dict[str, str]]]]
    created_by: str | None
    created_at: dt.datetime


def _audit(r: _Reader, entry: Any, path: str, facility_ref: Callable[[Any, str], Any]) -> _AuditPlan | None:
    d = r.obj(entry, path, AUDIT_KEYS)
    if d is None:
        return None
    before = len(r.problems)
    version = r.get(d, "instrument", path, lambda v, p: r.version(v, p, audit=True))
    held_on = r.get(d, "held_on", path, r.date)
    facility = r.get(d, "facility", path, facility_ref)
    phase = r.get(d, "phase", path, lambda v, p: r.choice(v, p, Phase.values))
    withheld = r.get(d, "ratings_withheld", path, r.boolean)
    participants = r.get(d, "participants", path, r.text)
    finalised_at = r.get(d, "finalised_at", path, lambda v, p: r.time(v, p, nullable=True))
    finalised_by = r.get(d, "finalised_by", path, lambda v, p: r.user(v, p, nullable=True))
    created_by = r.get(d, "created_by", path, lambda v, p: r.user(v, p, nullable=True))
    created_at = r.get(d, "created_at", path, r.time)
    conclusion = (
        r.obj(d["conclusion"], at(path, "conclusion"), ("strengths", "improvements")) if "conclusion" in d else None
    ) or {}
    strengths = r.get(conclusion, "strengths", at(path, "conclusion"), r.text)
    improvements = r.get(conclusion, "improvements", at(path, "conclusion"), r.text)
    instrument: AuditInstrument | None = version.audit_instrument if version not in (None, BAD) else None
    scale = {"minimum": instrument.scale_min, "maximum": instrument.scale_max} if instrument else {}

    # the two auditors
    auditors: list[tuple[int, str, str, dt.datetime | None]] = []
    auditor_list = r.get(d, "auditors", path, r.array) if "auditors" in d else []
    if "auditors" in d and len(auditor_list) != 2:
        r.problem(at(path, "auditors"), _("an audit has exactly two auditors, found %(n)s") % {"n": len(auditor_list)})
    for i, raw in enumerate(auditor_list):
        apath = at(at(path, "auditors"), i)
        a = r.obj(raw, apath, AUDITOR_KEYS)
        if a is None:
            continue
        order = r.get(a, "order", apath, lambda v, p: r.integer(v, p, minimum=1, maximum=2))
        user = r.get(a, "user", apath, r.user)
        r.get(a, "full_name", apath, r.text)  # for the reader only
        position = r.get(a, "position", apath, lambda v, p: r.choice(v, p, Position.values))
        submitted_at = r.get(a, "submitted_at", apath, lambda v, p: r.time(v, p, nullable=True))
        if BAD not in (order, user, position, submitted_at):
            auditors.append((order, user, position, submitted_at))
    if len(auditors) == 2:
        if auditors[0][0] == auditors[1][0]:
            r.problem(at(path, "auditors"), _("the auditors' order must be 1 and 2"))
        if auditors[0][1] == auditors[1][1]:
            r.problem(at(path, "auditors"), _("the two auditors must be two different people"))
    # Whether both have submitted decides what the rest may hold; with a broken auditor entry
    # (reported above) it is unknown, and the checks that depend on it are skipped.
    known = len(auditors) == 2 == len(auditor_list)
    submitted = [a[3] is not None for a in auditors]
    both = known and all(submitted)
    if known and any(submitted) and not both:
        r.problem(
            at(path, "auditors"),
            _("only one auditor has a submission time: an export gives both or, while scoring is blind, neither"),
        )
    finalised = finalised_at not in (None, BAD)
    if (finalised_at is None) != (finalised_by is None) and BAD not in (finalised_at, finalised_by):
        r.problem(at(path, "finalised_by"), _("finalised_at and finalised_by are given together or not at all"))
    if known and withheld is not BAD and withheld == both:
        r.problem(
            at(path, "ratings_withheld"),
            _("must be true exactly when the auditors have not both submitted (their scores are blind)"),
        )
    expected_phase = Phase.FINALISED if finalised else Phase.CONSENSUS if both else Phase.SCORING
    if known and phase is not BAD and phase != expected_phase:
        r.problem(at(path, "phase"), _("the data make this audit '%(phase)s'") % {"phase": expected_phase})

    # themes, ratings and consensus
    themes: dict[str, dict[str, Any]] = {}
    ratings: list[tuple[int, str, int | None, str]] = []
    themes_raw = r.get(d, "themes", path, r.mapping)
    tpath_all = at(path, "themes")
    if instrument is not None and themes_raw is not BAD:
        for theme_id in instrument.theme_ids:
            if theme_id not in themes_raw:
                r.problem(at(tpath_all, theme_id), _("this theme is missing"))
        for theme_id, raw in themes_raw.items():
            tpath = at(tpath_all, theme_id)
            if theme_id not in instrument.theme_ids:
                r.problem(tpath, _("%(code)s has no theme '%(theme)s'") % {"code": instrument.key, "theme": theme_id})
                continue
            t = r.obj(raw, tpath, THEME_KEYS)
            if t is None:
                continue
            record = {
                "notes": r.get(t, "notes", tpath, r.text),
                "explanation": r.get(t, "explanation", tpath, r.text),
                "consensus": r.get(t, "consensus", tpath, lambda v, p: r.integer(v, p, nullable=True, **scale)),
                "consensus_reason": r.get(t, "consensus_reason", tpath, r.text),
            }
            themes[theme_id] = record
            pair: dict[int, int | None] = {}
            rating_list = r.get(t, "ratings", tpath, r.array) if "ratings" in t else []
            if known and rating_list and not both:
                r.problem(
                    at(tpath, "ratings"),
                    _("an audit whose auditors have not both submitted carries no ratings (blind scoring)"),
                )
                rating_list = []
            for j, raw_rating in enumerate(rating_list):
                rpath = at(at(tpath, "ratings"), j)
                g = r.obj(raw_rating, rpath, RATING_KEYS)
                if g is None:
                    continue
                who = r.get(g, "auditor", rpath, lambda v, p: r.integer(v, p, minimum=1, maximum=2))
                value = r.get(g, "score", rpath, lambda v, p: r.integer(v, p, nullable=True, **scale))
                rationale = r.get(g, "rationale", rpath, r.text)
                if who in pair:
                    r.problem(at(rpath, "auditor"), _("auditor %(n)s has two ratings of this theme") % {"n": who})
                    continue
                if BAD not in (who, value, rationale):
                    pair[who] = value
                    ratings.append((who, theme_id, value, rationale))
            if both:
                for order in (1, 2):
                    if pair.get(order) is None:
                        r.problem(
                            at(tpath, "ratings"),
                            _("auditor %(n)s has submitted, so this theme needs their score") % {"n": order},
                        )
            consensus = record["consensus"]
            if consensus not in (None, BAD):
                scores = [s for s in pair.values() if s is not None]
                if known and not both:
                    r.problem(at(tpath, "consensus"), _("a consensus needs both auditors' submitted scores"))
                elif consensus_outside(scores, consensus) and not record["consensus_reason"]:
                    r.problem(
                        at(tpath, "consensus_reason"),
                        _("the consensus %(value)s lies outside the two scores (%(low)s–%(high)s): a reason is needed")
                        % {"value": consensus, "low": min(scores), "high": max(scores)},
                    )

    # report and recommendations
    recommendations: list[tuple[str, str, int]] = []
    theme_ids = list(instrument.theme_ids) if instrument else []
    for i, raw in enumerate(r.get(d, "recommendations", path, r.array) if "recommendations" in d else []):
        rpath = at(at(path, "recommendations"), i)
        g = r.obj(raw, rpath, ("theme", "text", "order"))
        if g is None:
            continue
        theme = r.get(g, "theme", rpath, lambda v, p: r.choice(v, p, theme_ids) if instrument else r.text(v, p))
        text = r.get(g, "text", rpath, lambda v, p: r.text(v, p, blank=False))
        order = r.get(g, "order", rpath, lambda v, p: r.integer(v, p, maximum=_SMALL_MAX))
        if BAD not in (theme, text, order):
            recommendations.append((theme, text, order))

    # finalised: what finalise_problems() demands; amendments only after finalising
    if finalised and instrument is not None and len(r.problems) == before:
        for theme_id, record in themes.items():
            if record["consensus"] is None:
                r.problem(
                    at(at(tpath_all, theme_id), "consensus"), _("a finalised audit has a consensus on every theme")
                )
            if not record["explanation"].strip():
                r.problem(
                    at(at(tpath_all, theme_id), "explanation"), _("a finalised audit has an explanation on every theme")
                )
        if not strengths.strip() or not improvements.strip():
            r.problem(at(path, "conclusion"), _("a finalised audit has both parts of the conclusion"))
        if not recommendations:
            r.problem(at(path, "recommendations"), _("a finalised audit has at least one recommendation"))
    amendments: list[tuple[str, dt.datetime, str, list[dict[str, str]]]] = []
    amendment_list = r.get(d, "amendments", path, r.array) if "amendments" in d else []
    if amendment_list and finalised_at is None:
        r.problem(at(path, "amendments"), _("only a finalised audit has amendments"))
    for i, raw in enumerate(amendment_list):
        mpath = at(at(path, "amendments"), i)
        g = r.obj(raw, mpath, ("author", "made_at", "reason", "changes"))
        if g is None:
            continue
        author = r.get(g, "author", mpath, r.user)
        made_at = r.get(g, "made_at", mpath, r.time)
        reason = r.get(g, "reason", mpath, lambda v, p: r.text(v, p, blank=False))
        changes = []
        for j, change in enumerate(r.get(g, "changes", mpath, r.array) if "changes" in g else []):
            cpath = at(at(mpath, "changes"), j)
            c = r.obj(change, cpath, ("field", "old", "new"))
            if c is not None:
                changes.append({key: r.get(c, key, cpath, r.text) for key in ("field", "old", "new")})
        if finalised and made_at is not BAD and made_at < finalised_at:
            r.problem(at(mpath, "made_at"), _("an amendment is made after the audit was finalised"))
        if BAD not in (author, made_at, reason):
            amendments.append((author, made_at, reason, changes))

    if len(r.problems) > before or version in (None, BAD):
        return None
    return _AuditPlan(
        version=version,
        held_on=held_on,
        facility=facility,
        participants=participants,
        auditors=sorted(auditors),
        themes=themes,
        ratings=ratings,
        strengths=strengths,
        improvements=improvements,
        recommendations=recommendations,
        finalised_at=finalised_at,
        finalised_by=finalised_by,
        amendments=amendments,
        created_by=created_by,
        created_at=created_at,
    )
