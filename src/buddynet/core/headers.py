"""Headers Django's SecurityMiddleware does not send.

- ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` on every response: no
  camera, microphone, location, payment or USB for any page.
- ``Cache-Control: private, no-store`` on every response to a logged-in person, every
  ``/api/`` answer and every PDF, so a shared office PC's browser cache or a proxy keeps
  no copy of a person's file. A view that chose its own caching (a ``Cache-Control``
  header already set, e.g. ``never_cache`` or a calendar feed) keeps it. Static files
  never reach this middleware (WhiteNoise answers them earlier) and keep their
  long-lived caching.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control


def must_not_be_stored(request, response) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return False
    user = getattr(request, "user", None)
    return (
        (user is not None and user.is_authenticated)
        or request.path.startswith("/api/")
        or response.get("Content-Type", "").startswith("application/pdf")
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = self.permissions_policy
        if not response.has_header("Cache-Control") and must_not_be_stored(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response
