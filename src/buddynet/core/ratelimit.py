"""A small fixed-window rate limit on the cache, for public forms (spam protection)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the proxy the app trusts (gunicorn --forwarded-allow-ips), REMOTE_ADDR is
    # the client; we never trust a header the client can set itself.
    return request.META.get("REMOTE_ADDR", "")


def _key(request, scope: str, window_seconds: int) -> str:
    window = int(time.time() // window_seconds)
    ident = hashlib.sha256(client_ip(request).encode()).hexdigest()[:16]
    return f"ratelimit:{scope}:{ident}:{window}"


def over_limit(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for this client in this scope; True when over the limit."""
    key = _key(request, scope, window_seconds)
    if cache.add(key, 1, timeout=window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window_seconds)
            count = 1
    return count > limit


def refund(request, *, scope: str, window_seconds: int) -> None:
    """Take back the hit ``over_limit`` just counted: the attempt failed on our side (a
    crash), which must not use up the person's tries."""
    key = _key(request, scope, window_seconds)
    try:
        if cache.decr(key) < 0:
            cache.set(key, 0, timeout=window_seconds)
    except ValueError:
        pass
