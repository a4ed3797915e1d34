"""Log-ins, log-outs and failed log-ins go into the audit log."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from buddynet.core.models import AuditEntry

from .models import User


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
