"""A small fixed-window rate limit on the cache, for public forms (spam protection),
and the one way to tell who the client is (``client_ip``)."""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The address of the client, as our own reverse proxies saw it.

    With ``BUDDYNET_TRUSTED_PROXIES = 0`` (no proxy) it is ``REMOTE_ADDR``. With N
    proxies of ours in front, each appends the address it received the request from to
    ``X-Forwarded-For``, so the client is the N-th address from the right; whatever
    the client wrote further left is ignored (it can write anything there). A request
    that did not pass all our proxies (too few entries) counts as ``REMOTE_ADDR``.
    With ``BUDDYNET_PROXY_ADDRESSES`` set, the header counts only when the request came
    from one of those addresses (and, with several proxies, passed through them): one
    that reaches a web server directly is its own ``REMOTE_ADDR``, whatever it wrote.
    Log-in lock-outs (allauth, through ``accounts.adapter``) use this too.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXIES
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    if settings.PROXY_ADDRESSES and not all(
        _is_proxy(hop) for hop in [*forwarded[len(forwarded) - count + 1 :], remote]
    ):
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _is_proxy(address: str) -> bool:
    """Whether ``address`` is one of ``BUDDYNET_PROXY_ADDRESSES`` (an address or network)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.PROXY_ADDRESSES
    )


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
