"""Background jobs of the core: e-mail delivery with retries (``mail.deliver_email``,
imported here so the queue worker registers it), and periodic clean-up."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .mail import EMAIL_RETRIES, EMAIL_RETRY_DELAY_SECONDS, deliver_email

__all__ = [
    "EMAIL_RETRIES",
    "EMAIL_RETRY_DELAY_SECONDS",
    "backup_daily",
    "clear_expired_sessions",
    "deliver_email",
]

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="15"))
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@db_periodic_task(crontab(hour="2", minute="30"))
def backup_daily() -> None:
    """The scheduled backup (when ``BUDDYNET_BACKUP_DAILY`` is on), keeping the newest
    ``BUDDYNET_BACKUP_KEEP``."""
    if not settings.BUDDYNET_BACKUP_DAILY:
        return
    from . import backup

    folder = Path(settings.BUDDYNET_BACKUP_DIR)
    report = backup.backup(folder, passphrase=os.environ.get(backup.KEY_ENV) or None)
    gone = backup.prune(folder, settings.BUDDYNET_BACKUP_KEEP)
    logger.info(
        "backup %s: %s rows, %s files; %s older removed",
        report.path,
        report.rows,
        report.files,
        len(gone),
    )
