"""The contact app's jobs: e-mails and text messages held for quiet hours, and the
daily digest."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import notify


@db_periodic_task(crontab(minute="*/10"))
def contact_send_waiting() -> None:
    notify.send_waiting()


@db_periodic_task(crontab(hour="7", minute="30"))
def contact_daily_digest() -> None:
    notify.send_digests()
