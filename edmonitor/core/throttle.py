"""Counting requests per key in a time window (the cache): for forms that send e-mail.

A password-reset form must not become a way to flood someone's inbox or to probe many
addresses: each key (the client address, the address typed) may ask a limited number of
times per window. The counts live in Django's cache: per process with the default local
memory cache, shared between servers once a shared cache is configured (issue 18).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def allow(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request of ``key`` in ``scope``; False when it is over ``limit`` in the current window."""
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()  # no e-mail address in a cache key
    name = f"edmonitor:throttle:{digest}"
    cache.add(name, 0, timeout=window_seconds)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window_seconds)
        count = 1
    return count <= limit
