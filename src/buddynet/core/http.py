"""Small request helpers every app shares."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, candidate: str | None, default: str) -> str:
    """``candidate`` (a ``next=`` value) if it stays on this site, else ``default``.

    Only same-site paths are followed: ``https://evil.example``, ``//evil.example`` and
    ``javascript:`` fall back to ``default``, so no page can be used as an open redirect.
    """
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
