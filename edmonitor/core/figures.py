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

What is cached is the computed figure (plain data, pickled), never a rendered page: the page
is still rendered per request, in the reader's language and with what the reader may see.
A figure that depends on who asks has that in its key (the caller's job: ``parts``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

#: The one scope used today: every record that feeds a figure.
DATA = "data"
#: How long a figure stays (seconds) if nothing changes; a change retires it at once anyway.
TIMEOUT = 6 * 60 * 60

_PREFIX = "figures"
_MISSING = object()


def _version_key(scope: str) -> str:
    return f"{_PREFIX}:version:{scope}"


def _versions(scopes: Iterable[str]) -> tuple[str, ...]:
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)  # another process may have made one first
            found[key] = cache.get(key)
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


def changed(*scopes: str) -> None:
    """Data under ``scopes`` (default: every figure) changed: no figure computed before is shown again."""
    chosen = scopes or (DATA,)
    _bump(chosen)
    if transaction.get_connection().in_atomic_block:
        _retire_after_commit(chosen)


def _on_signal(sender: type[Model], **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata: fixtures, not a change of figures someone looked at
        return
    changed()


def track(*models: type[Model]) -> None:
    """Every save and deletion of these models changes the figures (called in the owning app's ``ready``)."""
    for model in models:
        post_save.connect(_on_signal, sender=model, dispatch_uid=f"figures-save-{model._meta.label}")
        post_delete.connect(_on_signal, sender=model, dispatch_uid=f"figures-delete-{model._meta.label}")
