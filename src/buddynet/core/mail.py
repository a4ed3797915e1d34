"""E-mail leaves through the task queue, so a slow or failing mail server never blocks a
request, and a failed delivery is retried.

``EMAIL_BACKEND`` points here; the real delivery backend is
``BUDDYNET_DELIVERY_EMAIL_BACKEND`` (SMTP when ``EMAIL_HOST`` is set).
"""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend


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


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        from .tasks import deliver_email

        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            deliver_email(message_to_payload(message))
            count += 1
        return count
