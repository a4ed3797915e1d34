"""Writes for accounts: API tokens (shown once, stored hashed), one e-mail address per
account, and the one answer to "does this user meet the 2FA requirement?"."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buddynet.core.errors import ServiceError
from buddynet.core.models import AuditEntry
from buddynet.core.tokens import token_hash
from buddynet.tenancy.access import access_for_user

from .models import APIToken, User, normalize_email

MAX_ACTIVE_TOKENS = 10


class AccountError(ServiceError):
    """A rule about accounts was broken; the message is safe to show."""


# --- Two-step verification ---------------------------------------------------------


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_meets_2fa_requirement(user, *, access=None) -> bool:
    """False when a project this user coordinates requires two-step verification and
    they have not set it up. Everything a coordinator reaches (pages, API, calendar
    feed) must refuse them until they have. ``access`` (the user's ``Access``) saves a
    query when the caller has it."""
    if user is None or not user.is_authenticated:
        return True
    access = access or access_for_user(user)
    return not access.two_factor_required or user_has_totp(user)


# --- E-mail addresses: one address, one account --------------------------------------


def email_in_use(email: str, *, exclude_user=None) -> bool:
    """Whether another account has this address (as its log-in, or as an allauth
    address that is confirmed or primary), whatever the capitals."""
    email = normalize_email(email)
    if not email:
        return False
    users = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email).filter(
        Q(verified=True) | Q(primary=True)
    )
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
        addresses = addresses.exclude(user_id=exclude_user.pk)
    return users.exists() or addresses.exists()


def email_address_sync(*, user) -> None:
    """Make allauth's addresses of ``user`` agree with ``user.email``: that address is
    there, primary and confirmed; no other confirmed or primary address is left (an
    address being changed to, not yet confirmed, stays until it is confirmed)."""
    email = normalize_email(user.email)
    if not email or user.pk is None:
        return
    with transaction.atomic():
        # Someone else still confirming this address as their new one: no longer.
        EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user=user).delete()
        stale = EmailAddress.objects.filter(user=user).exclude(email__iexact=email)
        stale.filter(Q(verified=True) | Q(primary=True)).delete()
        current = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if current is None:
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        elif not (current.primary and current.verified and current.email == email):
            EmailAddress.objects.filter(pk=current.pk).update(
                email=email, primary=True, verified=True
            )


def email_address_check(address: EmailAddress) -> None:
    """Refuse (as a constraint would) an allauth address that belongs to another
    account. Runs before every save of an ``EmailAddress``."""
    address.email = normalize_email(address.email)
    if email_in_use(address.email, exclude_user=address.user):
        raise IntegrityError("This e-mail address belongs to another account.")


# --- API tokens -----------------------------------------------------------------------


def api_token_create(*, user, name: str) -> tuple[APIToken, str]:
    name = name.strip()
    if not name:
        raise AccountError(_("Give the token a name."), field="name")
    raw = APIToken.generate()
    with transaction.atomic():
        # Lock the user so two simultaneous requests cannot pass the limit together.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if _working_tokens(user).count() >= MAX_ACTIVE_TOKENS:
            raise AccountError(
                _("You already have 10 active tokens. Revoke one first."), code="too_many"
            )
        token = APIToken.objects.create(
            user=user, name=name[:100], prefix=raw[:8], key_hash=token_hash(raw)
        )
        AuditEntry.record("account.api_token.created", obj=token, user=user, data={"name": name})
    return token, raw


def _working_tokens(user):
    tokens = APIToken.objects.filter(user=user, revoked_at__isnull=True)
    if user.password_changed_at is not None:
        tokens = tokens.filter(created_at__gte=user.password_changed_at)
    return tokens


def api_token_revoke(*, user, token: APIToken) -> APIToken:
    if token.user_id != user.pk:
        raise AccountError(_("This token is not yours."), status=403)
    with transaction.atomic():
        token = APIToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            AuditEntry.record("account.api_token.revoked", obj=token, user=user)
    return token


def api_tokens_revoke_all(*, user, reason: str) -> int:
    """Revoke every token of ``user`` (after a password change or reset)."""
    with transaction.atomic():
        tokens = list(
            APIToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        )
        now = timezone.now()
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            AuditEntry.record(
                "account.api_token.revoked", obj=token, user=user, data={"reason": reason}
            )
    return len(tokens)


def api_token_authenticate(raw: str):
    """The user a token belongs to, or None. Marks the token as used (at most once a minute).

    A token stops working when revoked, when its owner is deactivated, and when its
    owner's password was set after it was made (change, reset, admin): whoever had the
    old password may have made it.
    """
    if not raw or not raw.startswith(settings.BUDDYNET_API_TOKEN_PREFIX):
        return None
    token = (
        APIToken.objects.select_related("user")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .filter(
            Q(user__password_changed_at__isnull=True)
            | Q(created_at__gte=F("user__password_changed_at"))
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
