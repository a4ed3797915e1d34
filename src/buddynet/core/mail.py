"""E-mail leaves through the task queue, so a slow or failing mail server never blocks a
request, and a failed delivery is retried. `mail_user` writes one person an e-mail from
templates, in their own language.

``EMAIL_BACKEND`` points here; the real delivery backend is
``BUDDYNET_DELIVERY_EMAIL_BACKEND`` (SMTP when ``EMAIL_HOST`` is set). The delivery task
lives here, beside the backend that queues it; ``tasks.py`` imports it so the queue
worker knows it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation
from huey.contrib.djhuey import db_task

log = logging.getLogger(__name__)

EMAIL_RETRIES = 5
EMAIL_RETRY_DELAY_SECONDS = 60


# What a queued message keeps of an ``EmailMessage``: its texts, its sender, its lists of
# addresses (the constructor's arguments of the same names).
TEXTS = ("subject", "body")
ADDRESS_LISTS = ("to", "cc", "bcc", "reply_to")


def message_to_payload(message: EmailMessage) -> dict[str, Any]:
    return {
        **{name: str(getattr(message, name)) for name in TEXTS},
        "from_email": message.from_email,
        **{name: list(getattr(message, name)) for name in ADDRESS_LISTS},
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        # Text attachments only (an iCalendar invitation); files are never queued.
        "attachments": [
            [name, content if isinstance(content, str) else content.decode(), mimetype]
            for name, content, mimetype in message.attachments
            if isinstance(content, str | bytes) and name
        ],
    }


def payload_to_message(payload: dict[str, Any], connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        **{name: payload[name] for name in (*TEXTS, "from_email", *ADDRESS_LISTS)},
        headers=payload["headers"],
        connection=connection,
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    for name, content, mimetype in payload.get("attachments", []):
        message.attach(name, content, mimetype)
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


def mail_user(
    user,
    template: str,
    context: dict[str, Any],
    *,
    language: str | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """One e-mail to `user`, in their own language (or `language`), through the queue: the
    subject from ``<template>_subject.txt`` (white space folded onto one line), the body
    from ``<template>_body.txt``, both rendered with `context` plus ``user`` and
    ``site_url``."""
    with translation.override(language or user.preferred_language):
        context = {"user": user, **context, "site_url": settings.SITE_URL}
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    if not attachments:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
        return
    message = EmailMessage(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()
