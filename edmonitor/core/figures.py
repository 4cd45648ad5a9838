"""Figures computed from many records, kept in Django's cache until the data under them change.

A benchmark over 999 peers, a programme report over 1,000 organisations or the agreement over
50,000 audits reads a large part of the database; the same figure is asked for again and again
while the data stay the same. :func:`cached` keeps such a figure in the cache (Redis when
``REDIS_URL`` is set, shared by every application server; process memory otherwise) and
:func:`changed` makes every cached figure that rests on a scope of data unreachable.

How it stays correct:

- **Versions, not deletions.** Each scope (``"data"``: everything that feeds figures) has a
  version token in the cache. A figure's key holds the tokens of its scopes, so after a
  change it is looked up under a new key; the old entry is never read again and simply
  expires. There is no list of keys to delete, and nothing to forget.
- **Random tokens.** A change writes a new random token rather than counting up, so a token
  that was evicted and made again can never bring back a key of an older state.
- **Twice per change.** :func:`changed` writes a new token at once (the writer's next page
  already sees its own change, also inside a test's transaction) and again when the
  transaction commits: a page computed from the old data between those two moments was
  stored under the first new token, which the second one retires.
- **Every write.** The apps that own the data connect their models' ``post_save`` and
  ``post_delete`` to :func:`changed` (:func:`track`); the few bulk writes that send no
  signals (raw SQL, ``bulk_create``, ``QuerySet.update``) call :func:`changed` themselves.
  ``edmonitor/core/tests/test_figures.py`` and each app's tests check that a save, an
  amendment and a deletion show at once.
- **Per organisation where it pays.** A figure of a whole group (a benchmark over 999 peers)
  would be retired by every save anywhere in the group, so under a steady flow of saves it
  is nearly never found. :func:`cached_per_organisation` keeps such a figure per member
  instead, under the member's own version (``organisation:<pk>``) and the version
  ``organisations`` of every member: a save retires only its organisation's part. A write
  whose organisation is known (every tracked model leads to one) moves ``data`` and that
  organisation's version; a write whose organisation is not known (a bulk write, an
  instrument version, a programme) moves ``data`` and ``organisations``: everything.

What is cached is the computed figure (plain data, pickled), never a rendered page: the page
is still rendered per request, in the reader's language and with what the reader may see.
A figure that depends on who asks has that in its key (the caller's job: ``parts``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

#: Every record that feeds a figure: a figure of the whole database (agreement over every audit).
DATA = "data"
#: In every per-organisation figure: moved by a write whose organisation is not known.
EVERY_ORGANISATION = "organisations"
#: How long a figure stays (seconds) if nothing changes; a change retires it at once anyway.
TIMEOUT = 6 * 60 * 60

_PREFIX = "figures"
_MISSING = object()


def _version_key(scope: str) -> str:
    return f"{_PREFIX}:version:{scope}"


def organisation_scope(pk: int) -> str:
    """The scope of one organisation's data (see :func:`cached_per_organisation`)."""
    return f"organisation:{pk}"


def _versions(scopes: Iterable[str]) -> tuple[str, ...]:
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            token = uuid.uuid4().hex
            # another process may have made one first: then that one holds
            found[key] = token if cache.add(key, token, timeout=None) else cache.get(key)
    return tuple(str(found[key]) for key in keys)


def cached(name: str, parts: Hashable, compute: Callable[[], T], *, scopes: tuple[str, ...] = (DATA,)) -> T:
    """The figure ``name`` for ``parts`` (what it is computed for), from the cache or from ``compute()``.

    ``parts`` must name everything the figure depends on besides the data of ``scopes``:
    the organisation, the peer group, the window, what the person asking may see.
    """
    digest = hashlib.sha256(repr((parts, _versions(scopes))).encode()).hexdigest()
    key = f"{_PREFIX}:{name}:{digest}"
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    value = compute()
    cache.set(key, value, timeout=TIMEOUT)
    return value


def cached_per_organisation(
    name: str, parts: Hashable, organisations: Sequence[int], compute: Callable[[list[int]], dict[int, T]], empty: T
) -> dict[int, T]:
    """The figure ``name`` for ``parts`` of each of ``organisations``: from the cache, the rest from one
    ``compute(missing)`` (which may leave out an organisation with nothing: it gets ``empty``).

    Each organisation's figure rests on its own data only (its scope, :func:`organisation_scope`), so
    a save in one organisation recomputes that one alone.
    """
    scopes = [EVERY_ORGANISATION, *(organisation_scope(pk) for pk in organisations)]
    every, *versions = _versions(scopes)
    prefix = hashlib.sha256(repr((name, parts, every)).encode()).hexdigest()[:32]
    keys = {
        pk: f"{_PREFIX}:{name}:{prefix}:{pk}:{version}" for pk, version in zip(organisations, versions, strict=True)
    }
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in organisations if pk not in values]
    if missing:
        computed = compute(missing)
        fresh = {pk: computed.get(pk, empty) for pk in missing}
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, timeout=TIMEOUT)
        values.update(fresh)
    return values


def _bump(scopes: tuple[str, ...]) -> None:
    cache.set_many({_version_key(scope): uuid.uuid4().hex for scope in scopes}, timeout=None)


def _retire_after_commit(scopes: tuple[str, ...]) -> None:
    connection = transaction.get_connection()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if getattr(callback, "figures_scopes", None) == scopes:
            return  # one retirement per transaction is enough, however many rows it writes

    def retire() -> None:
        _bump(scopes)

    retire.figures_scopes = scopes  # type: ignore[attr-defined]
    transaction.on_commit(retire)


def changed(*scopes: str, organisation: int | None = None) -> None:
    """Data changed: no figure computed before on them is shown again.

    By default every figure; with ``organisation`` (its pk) the figures of the whole database and that
    organisation's own (:func:`cached_per_organisation`); with ``scopes`` exactly those.
    """
    if scopes:
        chosen = scopes
    elif organisation is not None:
        chosen = (DATA, organisation_scope(organisation))
    else:
        chosen = (DATA, EVERY_ORGANISATION)
    _bump(chosen)
    if transaction.get_connection().in_atomic_block:
        _retire_after_commit(chosen)


#: model label -> the path from a row of it to its organisation (see :func:`track`)
_PATHS: dict[str, str | None] = {}


def organisation_of(instance: Model, path: str | None) -> int | None:
    """The organisation a row belongs to, along ``path`` ("pk", "organisation", "audit__organisation", ...).

    Related rows already loaded are followed without a query; otherwise one query reads the rest of
    the path. None when there is no path or the row on it is gone (a deletion): the caller then
    treats the write as one of every organisation.
    """
    if path is None:
        return None
    if path == "pk":
        return instance.pk
    parts = path.split("__")
    current: Any = instance
    for index, part in enumerate(parts):
        field = current._meta.get_field(part)
        key = getattr(current, field.attname)
        if key is None or index == len(parts) - 1:
            return key
        if not field.is_cached(current):
            rest = "__".join(parts[index + 1 :])
            return field.related_model._base_manager.filter(pk=key).values_list(rest, flat=True).first()
        current = getattr(current, part)
    return None  # pragma: no cover - the loop returns at its last part


def _on_signal(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata: fixtures, not a change of figures someone looked at
        return
    changed(organisation=organisation_of(instance, _PATHS[sender._meta.label]))


def track(*models: type[Model], organisation: str | None = "organisation") -> None:
    """Every save and deletion of these models changes the figures (called in the owning app's ``ready``).

    ``organisation`` is the path from a row to its organisation (``"pk"`` for the organisation itself,
    ``"measurement__organisation"`` for a row under a measurement, None for rows of no one organisation).
    """
    for model in models:
        _PATHS[model._meta.label] = organisation
        post_save.connect(_on_signal, sender=model, dispatch_uid=f"figures-save-{model._meta.label}")
        post_delete.connect(_on_signal, sender=model, dispatch_uid=f"figures-delete-{model._meta.label}")
