"""A double click or a repeated API call is answered once.

``RepeatedRequestMiddleware`` recognises a write that repeats one that is still being
handled or was handled a few seconds ago: the same person (or, on public forms, the
same address and session), the same path, the same data. The first request runs; a
repeat waits for it and gets **the same answer** (the same redirect, the same JSON),
so a double click lands on the page the first click led to and two identical API calls
create one record. The services' own locks and constraints remain the rule for
different requests that race (two coordinators approving at once); this catches the
class of "the same request twice", whatever view it reaches, including every future one.
Behind it, `save_unless_repeated` is the services' one way to write a new record once
when the same thing is sent twice (inside the transaction that holds their lock).

The memory is the cache (``CACHES["default"]``: the database or Redis), so it holds
across worker processes and machines. ``cache.add`` is atomic in both.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from buddynet.core.ratelimit import client_ip

if TYPE_CHECKING:
    from .models import BaseModel

M = TypeVar("M", bound="BaseModel")

# How long an answer is kept for a repeat, and how long a repeat waits for the first.
REMEMBER_SECONDS = 15
WAIT_SECONDS = 20
POLL_SECONDS = 0.05
# Answers larger than this are not kept (a repeat then gets 409 with a reason).
MAX_KEPT_BYTES = 256 * 1024

SKIP_PREFIXES = ("/accounts/", "/i18n/", "/admin/", "/static/")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
NOT_FINGERPRINTED = {"csrfmiddlewaretoken"}


def _client_address(request) -> str:
    # Behind the reverse proxy REMOTE_ADDR is the proxy's: everyone would share it.
    return client_ip(request)


def fingerprint(request) -> str:
    """The same person, path and data give the same fingerprint."""
    digest = hashlib.sha256()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        digest.update(f"user:{user.pk}".encode())
    else:
        session = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        digest.update(f"anon:{_client_address(request)}:{session}".encode())
    digest.update(f"|{request.method}|{request.get_full_path()}|".encode())
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        for key in sorted(request.POST):
            if key in NOT_FINGERPRINTED:
                continue
            for value in request.POST.getlist(key):
                digest.update(f"{key}={value}\n".encode())
        for key in sorted(request.FILES):
            for upload in request.FILES.getlist(key):
                digest.update(f"file:{key}:{upload.name}:{upload.size}\n".encode())
    else:
        digest.update(request.body)
    return "repeat:" + digest.hexdigest()


def _kept(response) -> dict | None:
    """What a repeat gets: status, body, type and where to go; never the cookies (the
    first answer already set them in this browser)."""
    if getattr(response, "streaming", False):
        return None
    content = response.content
    if len(content) > MAX_KEPT_BYTES:
        return None
    return {
        "status": response.status_code,
        "content": content,
        "content_type": response.get("Content-Type", ""),
        "location": response.get("Location", ""),
    }


def _replay(kept: dict) -> HttpResponse:
    response = HttpResponse(
        kept["content"], status=kept["status"], content_type=kept["content_type"] or None
    )
    if kept["location"]:
        response["Location"] = kept["location"]
    response["X-Buddynet-Repeat"] = "1"
    return response


def _conflict(request) -> HttpResponse:
    message = _("This was just sent and is still being handled. Reload the page in a moment.")
    if request.path.startswith("/api/"):
        return HttpResponse(
            json.dumps({"detail": message, "code": "repeated_request"}),
            status=409,
            content_type="application/json",
        )
    return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")


class RepeatedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in WRITE_METHODS or request.path.startswith(SKIP_PREFIXES):
            return self.get_response(request)
        key = fingerprint(request)
        if cache.add(key, {"state": "running"}, timeout=WAIT_SECONDS + REMEMBER_SECONDS):
            try:
                response = self.get_response(request)
            except BaseException:
                cache.delete(key)
                raise
            if response.status_code >= 500:
                cache.delete(key)
                return response
            kept = _kept(response)
            if kept is None:
                cache.set(key, {"state": "unkept"}, timeout=REMEMBER_SECONDS)
            else:
                cache.set(key, {"state": "done", **kept}, timeout=REMEMBER_SECONDS)
            return response
        # A repeat: wait for the first to finish, then give its answer.
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            entry = cache.get(key)
            if entry is None:
                # The first failed or its answer expired: handle this one normally.
                return self.__call__(request)
            if entry["state"] == "done":
                return _replay(entry)
            if entry["state"] == "unkept":
                return _conflict(request)
            time.sleep(POLL_SECONDS)
        return _conflict(request)


def save_unless_repeated(record: M, *, within: timedelta, same: Iterable[str]) -> tuple[M, bool]:
    """Save the new `record`, unless a record of its kind with the same values of the
    fields named in `same` was created `within` the last moments (a double submit, a
    retried request): then that one (the first in the model's order) is the answer.
    Returns (the record, whether it is new). Call inside the transaction that holds the
    lock the writes queue on."""
    values = {name: getattr(record, name) for name in same}
    since = timezone.now() - within
    earlier = type(record)._default_manager.filter(created_at__gte=since, **values).first()
    if earlier is not None:
        return earlier, False
    record.save(force_insert=True)
    return record, True
