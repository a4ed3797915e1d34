"""The JSON API under /api/v1/: one NinjaAPI, a router per app, scoped like the UI.

Authentication: the browser session (with CSRF on writes) or a personal API token
(``Authorization: Bearer …``, resolved in ``APITokenMiddleware``).
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger
from ninja.security import HttpBearer, SessionAuth

from buddynet.core.api import install_exception_handlers
from buddynet.core.plugins import feature_modules
from buddynet.site.api import router as site_router
from buddynet.tenancy.api import router as tenancy_router


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
    # Without deep links Swagger UI renders an operation's path as plain text, not as a
    # link inside the operation's button (a nested control screen readers cannot reach).
    docs=Swagger(settings={"deepLinking": False}),
)


install_exception_handlers(api)


api.add_router("", tenancy_router)
api.add_router("", site_router)
for _app, module in feature_modules("api"):
    api.add_router("", module.router)
