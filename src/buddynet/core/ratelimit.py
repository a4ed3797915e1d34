"""A small fixed-window rate limit on the cache, for public forms (spam protection)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the proxy the app trusts (gunicorn --forwarded-allow-ips), REMOTE_ADDR is
    # the client; we never trust a header the client can set itself.
    return request.META.get("REMOTE_ADDR", "")


def over_limit(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for this client in this scope; True when over the limit."""
    window = int(time.time() // window_seconds)
    ident = hashlib.sha256(client_ip(request).encode()).hexdigest()[:16]
    key = f"ratelimit:{scope}:{ident}:{window}"
    if cache.add(key, 1, timeout=window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window_seconds)
            count = 1
    return count > limit
