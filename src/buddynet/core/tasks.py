"""Background jobs of the core: e-mail delivery with retries (``mail.deliver_email``,
imported here so the queue worker registers it), and periodic clean-up."""

from __future__ import annotations

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .mail import EMAIL_RETRIES, EMAIL_RETRY_DELAY_SECONDS, deliver_email

__all__ = ["EMAIL_RETRIES", "EMAIL_RETRY_DELAY_SECONDS", "clear_expired_sessions", "deliver_email"]


@db_periodic_task(crontab(hour="3", minute="15"))
def clear_expired_sessions() -> None:
    call_command("clearsessions")
