"""The network's jobs: the daily answer digest for people who asked a question and
chose one e-mail a day (through the queue; the e-mails through core mail)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="17", minute="0"))
def answer_digests() -> None:
    services.answer_digests()
