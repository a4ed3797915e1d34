"""API requests may carry a personal token (``Authorization: Bearer bn_…``).

The token is resolved here, before the tenant scope, so token requests are scoped and
checked exactly like the same user's browser session. Token requests carry no cookie,
so CSRF does not apply to them.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _

from .services import api_token_authenticate


class APITokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and header:
            scheme, _sep, raw = header.partition(" ")
            if scheme.lower() != "bearer" or not raw.strip():
                return JsonResponse(
                    {"detail": _("Use the header 'Authorization: Bearer <token>'.")}, status=401
                )
            user = api_token_authenticate(raw.strip())
            if user is None:
                return JsonResponse(
                    {"detail": _("This token is unknown or was revoked.")}, status=401
                )
            request.user = user
            request.auth_via_token = True
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)
