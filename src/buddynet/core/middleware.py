"""The second line against double submissions on web forms.

A service should lock or check before it writes, so a double click gives the existing
result or a clear 4xx. When one forgets and a unique constraint refuses the second
write (``IntegrityError``), a web form POST answers a 409 page ("this was already done,
go back and reload") instead of a 500. The API has its own handler for this
(``core.api``); other methods and non-integrity errors are left alone.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError
from django.shortcuts import render

logger = logging.getLogger("buddynet.conflict")


class IntegrityErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if (
            isinstance(exception, IntegrityError)
            and request.method == "POST"
            and not request.path.startswith("/api/")
        ):
            logger.warning("Form POST refused by a constraint on %s: %s", request.path, exception)
            return render(request, "errors/409.html", status=409)
        return None
