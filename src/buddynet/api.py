"""The JSON API under /api/v1/: one NinjaAPI, a router per app, scoped like the UI.

Authentication: the browser session (with CSRF on writes) or a personal API token
(``Authorization: Bearer …``, resolved in ``APITokenMiddleware``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth


class BearerToken(HttpBearer):
    """Documents the token scheme; the token itself was checked by the middleware."""

    def authenticate(self, request, token):
        if getattr(request, "auth_via_token", False) and request.user.is_authenticated:
            return request.user
        return None


class Session(SessionAuth):
    def authenticate(self, request, key):
        if getattr(request, "auth_via_token", False):
            return None
        return super().authenticate(request, key)


api = NinjaAPI(
    title="buddynet API",
    version="1.0.0",
    description=(
        "Read access to the projects, buddies and participants you may see, scoped "
        "exactly like the web interface. Authenticate with your session or with a "
        "personal token in the header 'Authorization: Bearer YOUR-TOKEN'."
    ),
    auth=[BearerToken(), Session()],
    urls_namespace="api-1.0.0",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(
        request, {"detail": _("You do not have permission to do this.")}, status=403
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Log in or send an API token.")}, status=401)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return api.create_response(
        request, {"detail": _("The request is not valid."), "errors": exc.errors}, status=422
    )


def _register() -> None:
    from buddynet.core.plugins import feature_modules
    from buddynet.tenancy.api import router as tenancy_router

    api.add_router("", tenancy_router)
    for _app, module in feature_modules("api"):
        api.add_router("", module.router)


_register()
