"""E-mail leaves through the task queue, so a slow or failing mail server never blocks a
request, and a failed delivery is retried.

``EMAIL_BACKEND`` points here; the real delivery backend is
``BUDDYNET_DELIVERY_EMAIL_BACKEND`` (SMTP when ``EMAIL_HOST`` is set). The delivery task
lives here, beside the backend that queues it; ``tasks.py`` imports it so the queue
worker knows it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from huey.contrib.djhuey import db_task

log = logging.getLogger(__name__)

EMAIL_RETRIES = 5
EMAIL_RETRY_DELAY_SECONDS = 60


def message_to_payload(message: EmailMessage) -> dict[str, Any]:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def payload_to_message(payload: dict[str, Any], connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
        connection=connection,
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


@db_task(retries=EMAIL_RETRIES, retry_delay=EMAIL_RETRY_DELAY_SECONDS)
def deliver_email(payload: dict) -> int:
    connection = get_connection(settings.BUDDYNET_DELIVERY_EMAIL_BACKEND, fail_silently=False)
    sent = payload_to_message(payload, connection=connection).send()
    log.info("Delivered e-mail %r to %d recipient(s)", payload["subject"], len(payload["to"]))
    return sent


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            deliver_email(message_to_payload(message))
            count += 1
        return count
