"""Text messages through an adapter: no provider's SDK.

``settings.BUDDYNET_SMS_BACKEND`` picks the backend: ``console`` (the log, for
development), ``file`` (one ``.txt`` per message in ``BUDDYNET_SMS_FILE_DIR``) or
``http``: a generic gateway, ``POST BUDDYNET_SMS_URL`` with the JSON body
``{"to": "+32…", "from": BUDDYNET_SMS_SENDER, "text": "…"}`` and
``Authorization: Bearer BUDDYNET_SMS_TOKEN``; any 2xx answer is a success. Most
gateways accept this shape directly or through a small proxy. Messages go through the
queue (``deliver_sms``, with retries).
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from huey.contrib.djhuey import db_task

log = logging.getLogger(__name__)


class SmsError(Exception):
    pass


def normalise_number(raw: str) -> str:
    """A Belgian or international mobile number as +CC…; '' when it is not one."""
    digits = re.sub(r"[\s./()-]", "", raw or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+32" + digits[1:]
    if not re.fullmatch(r"\+[1-9]\d{7,14}", digits):
        return ""
    return digits


def _console(to: str, text: str) -> None:
    log.info("SMS to %s: %s", to, text)


def _file(to: str, text: str) -> None:
    folder = Path(settings.BUDDYNET_SMS_FILE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{uuid.uuid4().hex}.txt").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")


def _http(to: str, text: str) -> None:
    url = settings.BUDDYNET_SMS_URL
    if not url.startswith(("http://", "https://")):
        raise SmsError("BUDDYNET_SMS_URL is not set to an http(s) address.")
    body = json.dumps({"to": to, "from": settings.BUDDYNET_SMS_SENDER, "text": text}).encode()
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if settings.BUDDYNET_SMS_TOKEN:
        request.add_header("Authorization", f"Bearer {settings.BUDDYNET_SMS_TOKEN}")
    try:
        with urllib.request.urlopen(request, timeout=settings.BUDDYNET_SMS_TIMEOUT) as answer:  # noqa: S310
            if not 200 <= answer.status < 300:
                raise SmsError(f"The gateway answered {answer.status}.")
    except urllib.error.HTTPError as exc:
        raise SmsError(f"The gateway answered {exc.code}.") from exc
    except urllib.error.URLError as exc:
        raise SmsError(f"The gateway could not be reached: {exc.reason}") from exc


BACKENDS = {"console": _console, "file": _file, "http": _http}


def send_now(to: str, text: str) -> None:
    """Send one text message with the configured backend (raises ``SmsError``)."""
    backend = BACKENDS.get(settings.BUDDYNET_SMS_BACKEND)
    if backend is None:
        raise SmsError(f"Unknown SMS backend {settings.BUDDYNET_SMS_BACKEND!r}.")
    backend(to, text[:320])


@db_task(retries=5, retry_delay=60)
def deliver_sms(to: str, text: str) -> None:
    send_now(to, text)
