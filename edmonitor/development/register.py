"""Requirements of a register or a development goal as versioned data, and a person's progress toward them.

No official register rules for experts by experience are published (issue 21); an installation
loads its own sets with ``manage.py load_register_rules FILE``. edmonitor ships one example set
(``rules/voorbeeld-2026.1.json``), marked ``"official": false``; a set that is not official is
always shown with that label and its notice. A file is checked whole before anything is saved.

File format ``edmonitor-register-rules`` version 1::

    {"format": "edmonitor-register-rules", "format_version": 1, "key": "<slug>", "version": "<text>",
     "official": false, "name": {"nl", "en"}, "notice": {"nl", "en"}, "period_months": 1..120,
     "requirements": [{"key": "<slug>", "kinds": ["intervision" | "supervision" | "training" | "other"],
                       "hours": 0 < h <= 2000, "confirmed_only": bool, "name": {"nl", "en"},
                       "why": {"nl", "en"}}, ...]}
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Activity, ActivityKind, RuleSet, Space
from .services import Refused

FORMAT = "edmonitor-register-rules"
EXAMPLE = Path(__file__).parent / "rules" / "voorbeeld-2026.1.json"
MAX_BYTES = 100_000
MAX_REQUIREMENTS = 20
MAX_LISTED_PROBLEMS = 20
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class RulesError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _texts(value: Any, where: str, problems: list[str], limit: int = 500) -> None:
    if not isinstance(value, dict) or set(value) != {"nl", "en"}:
        problems.append(f"{where}: give a Dutch and an English text, as {{'nl': …, 'en': …}}")
    elif not all(isinstance(t, str) and t.strip() and len(t) <= limit for t in value.values()):
        problems.append(f"{where}: each text is 1 to {limit} characters")


def check(document: Any, *, allow_official: bool = False) -> list[str]:
    """The problems of a rules document; empty when it can be loaded."""
    if not isinstance(document, dict):
        return ["the file is not a JSON object"]
    problems: list[str] = []
    if document.get("format") != FORMAT or document.get("format_version") != 1:
        problems.append(f'"format" must be "{FORMAT}" and "format_version" 1')
    if not isinstance(document.get("key"), str) or not SLUG.match(document["key"]):
        problems.append('"key": lower-case letters, digits and hyphens, at most 60')
    version = document.get("version")
    if not isinstance(version, str) or not 0 < len(version) <= 20:
        problems.append('"version": a text of 1 to 20 characters')
    if not isinstance(document.get("official"), bool):
        problems.append('"official": true or false')
    elif document["official"] and not allow_official:
        problems.append('"official" is true: load it with --official only if a register really published these rules')
    _texts(document.get("name"), '"name"', problems, 200)
    _texts(document.get("notice"), '"notice"', problems, 1000)
    months = document.get("period_months")
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 120:
        problems.append('"period_months": a whole number from 1 to 120')
    requirements = document.get("requirements")
    if not isinstance(requirements, list) or not 1 <= len(requirements) <= MAX_REQUIREMENTS:
        problems.append(f'"requirements": a list of 1 to {MAX_REQUIREMENTS}')
        requirements = []
    keys = set()
    for n, requirement in enumerate(requirements, start=1):
        where = f"requirement {n}"
        if not isinstance(requirement, dict):
            problems.append(f"{where}: not an object")
            continue
        key = requirement.get("key")
        if not isinstance(key, str) or not SLUG.match(key) or key in keys:
            problems.append(f'{where}: "key" must be a slug, once only')
        keys.add(key)
        kinds = requirement.get("kinds")
        if not isinstance(kinds, list) or not kinds or not set(kinds) <= set(ActivityKind.values):
            problems.append(f'{where}: "kinds" is a list of {", ".join(ActivityKind.values)}')
        hours = requirement.get("hours")
        if not isinstance(hours, int | float) or isinstance(hours, bool) or not 0 < hours <= 2000:
            problems.append(f'{where}: "hours" is a number above 0, at most 2000')
        if not isinstance(requirement.get("confirmed_only"), bool):
            problems.append(f'{where}: "confirmed_only" is true or false')
        _texts(requirement.get("name"), f'{where} "name"', problems, 200)
        _texts(requirement.get("why"), f'{where} "why"', problems, 1000)
    if len(problems) > MAX_LISTED_PROBLEMS:
        problems = [*problems[:MAX_LISTED_PROBLEMS], f"… and {len(problems) - MAX_LISTED_PROBLEMS} more"]
    return problems


def read(path: Path) -> dict[str, Any]:
    if path.stat().st_size > MAX_BYTES:
        raise RulesError([f"the file is larger than {MAX_BYTES} bytes"])
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RulesError([f"not readable as JSON: {error}"]) from error
    return document


@transaction.atomic
def load(document: dict[str, Any], *, allow_official: bool = False) -> tuple[RuleSet, bool]:
    """Save a checked rules document; (the set, whether it was new). A version once loaded is replaced whole."""
    problems = check(document, allow_official=allow_official)
    if problems:
        raise RulesError(problems)
    fields = {"name": document["name"]["nl"][:200], "official": document["official"], "rules": document}
    rule_set, created = RuleSet.objects.update_or_create(
        key=document["key"], version=document["version"], space=None, defaults=fields
    )
    return rule_set, created


MAX_OWN_GOALS = 20  # per person


def available(space: Space) -> QuerySet[RuleSet]:
    """What a person may count their hours against: the installation's sets and their own goals."""
    return RuleSet.objects.filter(Q(space__isnull=True) | Q(space=space))


@transaction.atomic
def save_own_goal(space: Space, *, name: str, kind: str, hours: Decimal, months: int) -> RuleSet:
    """A person's own goal (say, 20 hours of intervision in a year), counted like register rules; chosen at once."""
    problems = []
    if space.own_goals.count() >= MAX_OWN_GOALS:
        problems.append(_("You have %(count)s goals of your own already.") % {"count": MAX_OWN_GOALS})
    number = space.own_goals.count() + 1
    document: dict[str, Any] = {
        "format": FORMAT, "format_version": 1, "key": f"eigen-doel-{space.pk}-{number}", "version": str(number),
        "official": False, "name": {"nl": name.strip(), "en": name.strip()},
        "notice": {"nl": "Een doel dat u zelf stelde.", "en": "A goal you set yourself."},
        "period_months": months,
        "requirements": [{
            "key": "doel", "kinds": [kind], "hours": float(hours), "confirmed_only": False,
            "name": {"nl": name.strip(), "en": name.strip()},
            "why": {"nl": "Uw eigen doel.", "en": "Your own goal."},
        }],
    }  # fmt: skip
    if check(document):
        problems.append(_("Give a name, a kind of activity, 1 to 2000 hours and 1 to 120 months."))
    if problems:
        raise Refused(problems)
    goal = RuleSet.objects.create(key=document["key"], version=document["version"], name=name.strip()[:200],
                                  official=False, rules=document, space=space)  # fmt: skip
    space.rule_set = goal
    space.save(update_fields=["rule_set"])
    return goal


def _text(texts: dict[str, str]) -> str:
    return texts["en"] if (get_language() or "nl").startswith("en") else texts["nl"]


def name(rule_set: RuleSet) -> str:
    return _text(rule_set.rules["name"])


def notice(rule_set: RuleSet) -> str:
    return _text(rule_set.rules["notice"])


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the last day of that month when it is shorter)."""
    month = day.year * 12 + day.month - 1 - months
    year, month = divmod(month, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Line:
    activity: Activity
    counts: bool
    reason: str


@dataclass(frozen=True)
class Progress:
    key: str
    name: str
    why: str
    needed: Decimal
    counted: Decimal
    lines: list[Line]

    @property
    def left(self) -> Decimal:
        return max(Decimal(0), self.needed - self.counted)

    @property
    def met(self) -> bool:
        return self.counted >= self.needed


def progress(rule_set: RuleSet, activities: list[Activity], today: dt.date) -> tuple[dt.date, list[Progress]]:
    """From which day activities count; per requirement the hours counted versus needed, with a reason per activity."""
    rules = rule_set.rules
    since = months_before(today, rules["period_months"])
    result = []
    for requirement in rules["requirements"]:
        lines = []
        for activity in activities:
            if activity.kind not in requirement["kinds"]:
                continue
            if activity.occurred_on < since:
                reason, counts = _("before %(day)s: outside the period") % {"day": since.strftime("%d-%m-%Y")}, False
            elif requirement["confirmed_only"] and activity.confirmed_at is None:
                reason, counts = _("not confirmed yet"), False
            else:
                reason, counts = _("counts"), True
            lines.append(Line(activity, counts, reason))
        try:
            needed = Decimal(str(requirement["hours"]))
        except InvalidOperation:  # pragma: no cover - check() refused it
            needed = Decimal(0)
        counted = sum((line.activity.hours for line in lines if line.counts), Decimal(0))
        result.append(
            Progress(requirement["key"], _text(requirement["name"]), _text(requirement["why"]), needed, counted, lines)
        )
    return since, result
