"""Counting attempts in a window with Django's cache (the public pages' per-address and per-IP limits).

The cache must be shared by every web process for the limits to hold across them (CACHES: Redis or
the database cache in production; the default local-memory cache counts per process).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, value: str) -> str:
    # Addresses are personal data: the cache holds only a hash of them.
    return f"rate:{scope}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()}"


def rate_limit_count(*, scope: str, value: str, window_seconds: int) -> int:
    """Add one attempt for `value` in `scope` and return how many there were in the window (this one included)."""
    key = _key(scope, value)
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def rate_limit_exceeded(*, scope: str, value: str, limit: int, window_seconds: int) -> bool:
    """Count this attempt; True when it goes beyond `limit` in the window (an empty value is never limited)."""
    if not value:
        return False
    return rate_limit_count(scope=scope, value=value, window_seconds=window_seconds) > limit
