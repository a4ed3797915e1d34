"""Secret links and tokens: a random secret shown once and kept only as its checksum
(a service's hand-over link, a questionnaire link, a calendar feed, an API token).
A row that holds one has ``token_hash`` and ``revoked_at``; a new one switches off the
ones before it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import models

MAX_LENGTH = 100  # a longer secret is not one of ours: nothing is looked up for it


def token_hash(raw: str) -> str:
    """The checksum kept of a secret."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A new secret (to show once) and its checksum (to keep)."""
    raw = secrets.token_urlsafe(32)
    return raw, token_hash(raw)


def revoke(rows: models.QuerySet, at: datetime) -> int:
    """Switch off the secrets of ``rows`` that still work, at ``at``."""
    return rows.filter(revoked_at__isnull=True).update(revoked_at=at)


def opened_by(rows: models.Manager | models.QuerySet, raw: str) -> models.QuerySet:
    """The rows of ``rows`` whose secret is ``raw`` and still works (none for an empty
    or over-long secret)."""
    if not raw or len(raw) > MAX_LENGTH:
        return rows.none()
    return rows.filter(token_hash=token_hash(raw), revoked_at__isnull=True)
