"""Log-ins, log-outs and failed log-ins go into the audit log."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from buddynet.core.models import AuditEntry


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    AuditEntry.record("account.logged_in", obj=user, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        AuditEntry.record("account.logged_out", obj=user, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    from .models import User

    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    user = User.objects.filter(email__iexact=email).first() if email else None
    AuditEntry.record("account.login_failed", obj=user, data={"email": email})
