"""Writes for accounts: API tokens (shown once, stored hashed)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buddynet.core.models import AuditEntry

from .models import APIToken, hash_token

MAX_ACTIVE_TOKENS = 10


class AccountError(Exception):
    """A rule about accounts was broken; the message is safe to show."""


def api_token_create(*, user, name: str) -> tuple[APIToken, str]:
    name = name.strip()
    if not name:
        raise AccountError(_("Give the token a name."))
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise AccountError(_("You already have 10 active tokens. Revoke one first."))
    raw = APIToken.generate()
    with transaction.atomic():
        token = APIToken.objects.create(
            user=user, name=name[:100], prefix=raw[:8], key_hash=hash_token(raw)
        )
        AuditEntry.record("account.api_token.created", obj=token, user=user, data={"name": name})
    return token, raw


def api_token_revoke(*, user, token: APIToken) -> APIToken:
    if token.user_id != user.pk:
        raise AccountError(_("This token is not yours."))
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            AuditEntry.record("account.api_token.revoked", obj=token, user=user)
    return token


def api_token_authenticate(raw: str):
    """The user a token belongs to, or None. Marks the token as used (at most once a minute)."""
    if not raw or not raw.startswith(settings.BUDDYNET_API_TOKEN_PREFIX):
        return None
    token = (
        APIToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
