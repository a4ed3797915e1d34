"""Background jobs of the core: e-mail delivery with retries, and periodic clean-up."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .mail import payload_to_message

log = logging.getLogger(__name__)

EMAIL_RETRIES = 5
EMAIL_RETRY_DELAY_SECONDS = 60


@db_task(retries=EMAIL_RETRIES, retry_delay=EMAIL_RETRY_DELAY_SECONDS)
def deliver_email(payload: dict) -> int:
    connection = get_connection(settings.BUDDYNET_DELIVERY_EMAIL_BACKEND, fail_silently=False)
    sent = payload_to_message(payload, connection=connection).send()
    log.info("Delivered e-mail %r to %d recipient(s)", payload["subject"], len(payload["to"]))
    return sent


@db_periodic_task(crontab(hour="3", minute="15"))
def clear_expired_sessions() -> None:
    call_command("clearsessions")
