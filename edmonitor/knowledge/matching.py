"""Whether a dialogue method fits a planned group: who takes part, how many, the aim, a core task, a situation.

The method filter of the knowledge base and the warnings on a dialogue session (improvement plan)
judge by these rules, kept here only (004 §2; README, "Knowledge base"):

- A role fits a method whose source names it as taking part (``required``) or as able to join
  (``welcome``). A role the source does not name (``not_mentioned``), or that the method's set-up
  leaves no place for (``not_intended``), does not fit.
- A number of people fits a method when it lies within the smallest and largest group the source
  states. When the source states no group size, the size is *not stated*: such a method is shown
  apart and never passes as fitting a size.
- The aim, a core task and a critical situation fit when the method has that aim or is linked to
  that core task or situation in the content files.

Every result says why it fits (``reasons``) or why not (``misfits``), in the active language.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from edmonitor.knowledge.content import AIMS, ROLES
from edmonitor.knowledge.models import DialogueMethod, Entry, RoleUse, label


class SizeFit(StrEnum):
    FITS = "fits"
    NOT_STATED = "not_stated"  # the source gives no group size for the method
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"


def size_fit(method: DialogueMethod, size: int) -> SizeFit:
    """How ``size`` people compare with the group size the method's source states."""
    low, high = method.min_group, method.max_group
    if low is None and high is None:
        return SizeFit.NOT_STATED
    if low is not None and size < low:
        return SizeFit.TOO_SMALL
    if high is not None and size > high:
        return SizeFit.TOO_LARGE
    return SizeFit.FITS


class Group(StrEnum):
    """Where a method lands in the filter's results."""

    FITS = "fits"  # every choice fits, the group size included when one was given
    SIZE_NOT_STATED = "size_not_stated"  # the other choices fit; the source gives no group size
    DOES_NOT_FIT = "does_not_fit"


@dataclass(frozen=True)
class Criteria:
    """What the user chose in the filter; ``task_methods``/``situation_methods``: the ids of the methods linked
    to the chosen core task or situation."""

    roles: tuple[str, ...] = ()
    size: int | None = None
    aim: str = ""
    core_task: Entry | None = None
    task_methods: Collection[int] = ()
    situation: Entry | None = None
    situation_methods: Collection[int] = ()

    @property
    def chosen(self) -> bool:
        return bool(self.roles or self.size or self.aim or self.core_task or self.situation)


@dataclass(frozen=True)
class Match:
    method: DialogueMethod
    group: Group
    reasons: tuple[str, ...]  # why it fits: one line per choice that fits
    misfits: tuple[str, ...]  # why it does not: one line per choice that does not


def _role_lines(method: DialogueMethod, roles: tuple[str, ...], reasons: list[str], misfits: list[str]) -> None:
    uses = method.role_uses()
    for role in roles:
        name = label(ROLES, role).lower()
        use = uses[role]
        if use == RoleUse.REQUIRED:
            reasons.append(_("%(role)s take part") % {"role": name})
        elif use == RoleUse.WELCOME:
            reasons.append(_("%(role)s may take part") % {"role": name})
        elif use == RoleUse.NOT_MENTIONED:
            misfits.append(_("the source does not name %(role)s as participants") % {"role": name})
        else:
            misfits.append(_("not meant for %(role)s") % {"role": name})


def _size_line(method: DialogueMethod, size: int, reasons: list[str], misfits: list[str]) -> SizeFit:
    fit = size_fit(method, size)
    values = {"n": size, "range": method.group_size_label()}
    if fit == SizeFit.FITS:
        reasons.append(
            ngettext("fits %(n)s participant (%(range)s)", "fits %(n)s participants (%(range)s)", size) % values
        )
    elif fit == SizeFit.TOO_SMALL:
        misfits.append(
            ngettext("%(n)s participant is too few (%(range)s)", "%(n)s participants is too few (%(range)s)", size)
            % values
        )
    elif fit == SizeFit.TOO_LARGE:
        misfits.append(
            ngettext("%(n)s participant is too many (%(range)s)", "%(n)s participants is too many (%(range)s)", size)
            % values
        )
    return fit


def match(method: DialogueMethod, criteria: Criteria) -> Match:
    """Whether ``method`` fits what was chosen, and why (not)."""
    reasons: list[str] = []
    misfits: list[str] = []
    _role_lines(method, criteria.roles, reasons, misfits)
    fit = _size_line(method, criteria.size, reasons, misfits) if criteria.size else None
    if criteria.aim:
        aim = label(AIMS, method.aim).lower()
        (reasons if method.aim == criteria.aim else misfits).append(
            (_("aim: %(aim)s") if method.aim == criteria.aim else _("another aim: %(aim)s")) % {"aim": aim}
        )
    if criteria.core_task is not None:
        if method.pk in criteria.task_methods:
            reasons.append(_("supports %(task)s") % {"task": criteria.core_task.text("title")})
        else:
            misfits.append(_("not linked to this core task"))
    if criteria.situation is not None:
        if method.pk in criteria.situation_methods:
            reasons.append(_("helps with %(situation)s") % {"situation": criteria.situation.text("title")})
        else:
            misfits.append(_("not linked to this critical situation"))
    if misfits:
        group = Group.DOES_NOT_FIT
    elif fit == SizeFit.NOT_STATED:
        group = Group.SIZE_NOT_STATED
    else:
        group = Group.FITS
    return Match(method, group, tuple(reasons), tuple(misfits))


def match_all(methods: list[DialogueMethod], criteria: Criteria) -> dict[Group, list[Match]]:
    """Every method matched, by group, each group in the methods' order."""
    groups: dict[Group, list[Match]] = {group: [] for group in Group}
    for method in methods:
        result = match(method, criteria)
        groups[result.group].append(result)
    return groups
