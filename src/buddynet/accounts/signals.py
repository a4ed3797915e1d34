"""Log-ins, log-outs and failed log-ins go into the audit log; a password change or
reset revokes the user's API tokens; allauth's e-mail addresses stay in step with
``User.email`` (one address, one account)."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.account.models import EmailAddress
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from buddynet.core.models import AuditEntry

from .models import User
from .services import api_tokens_revoke_all, email_address_check, email_address_sync


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    AuditEntry.record("account.logged_in", obj=user, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        AuditEntry.record("account.logged_out", obj=user, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    user = User.objects.filter(email__iexact=email).first() if email else None
    AuditEntry.record("account.login_failed", obj=user, data={"email": email})


def _account_event(action: str):
    def handler(sender, request=None, user=None, **kwargs):
        if user is not None:
            AuditEntry.record(action, obj=user, user=user)

    return handler


# Account-security changes are part of the history too. Kept as module attributes so
# Django's weak references to the receivers stay alive.
_on_password_changed = _account_event("account.password.changed")
_on_password_reset = _account_event("account.password.reset")
_on_authenticator_added = _account_event("account.two_factor.added")
_on_authenticator_removed = _account_event("account.two_factor.removed")
_on_authenticator_reset = _account_event("account.two_factor.reset")
account_signals.password_changed.connect(_on_password_changed)
account_signals.password_reset.connect(_on_password_reset)
mfa_signals.authenticator_added.connect(_on_authenticator_added)
mfa_signals.authenticator_removed.connect(_on_authenticator_removed)
mfa_signals.authenticator_reset.connect(_on_authenticator_reset)


def _revoke_tokens(reason: str):
    def handler(sender, request=None, user=None, **kwargs):
        if user is not None:
            api_tokens_revoke_all(user=user, reason=reason)

    return handler


# Whoever knew the old password may have made a token: after a change or a reset no
# token works any more (``api_token_authenticate`` also refuses tokens older than the
# last password change, for changes made elsewhere, e.g. in the admin).
_revoke_on_password_changed = _revoke_tokens("password_changed")
_revoke_on_password_reset = _revoke_tokens("password_reset")
account_signals.password_changed.connect(_revoke_on_password_changed)
account_signals.password_reset.connect(_revoke_on_password_reset)


@receiver(account_signals.email_changed)
def _email_changed(sender, request=None, user=None, **kwargs):
    if user is not None:
        AuditEntry.record("account.email.changed", obj=user, user=user)


@receiver(pre_save, sender=EmailAddress)
def _email_address_belongs_to_one_account(sender, instance, raw=False, **kwargs):
    if not raw:
        email_address_check(instance)


@receiver(post_save, sender=User)
def _email_addresses_follow_the_user(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "email" not in update_fields):
        return
    email_address_sync(user=instance)
