"""Root URLs. Each app keeps its own ``urls.py``: pages of a project under
/p/<project code>/, public pages (no login) under /public/."""

from django.contrib import admin
from django.urls import include, path

from buddynet.accounts import urls as account_urls
from buddynet.accounts import views as account_views
from buddynet.api import api
from buddynet.core import views as core_views
from buddynet.core.locale import set_language
from buddynet.core.plugins import feature_modules
from buddynet.site import urls as site_urls
from buddynet.tenancy import urls as tenancy_urls

_feature_urls = [module for _app, module in feature_modules("urls")]

project_patterns = [
    *tenancy_urls.project_urlpatterns,
    *account_urls.project_urlpatterns,
    *(p for module in _feature_urls for p in getattr(module, "project_urlpatterns", [])),
]

public_patterns = [
    *(p for module in _feature_urls for p in getattr(module, "public_urlpatterns", [])),
]

# Feature apps may also have pages outside a project (a buddy's own pages, feeds).
personal_patterns = [
    *(p for module in _feature_urls for p in getattr(module, "urlpatterns", [])),
]

urlpatterns = [
    *site_urls.urlpatterns,
    path("healthz", core_views.healthz, name="healthz"),
    path("p/<uuid:project>/", include(project_patterns)),
    path("public/", include(public_patterns)),
    *personal_patterns,
    path("me/tokens/", account_views.api_tokens, name="api_tokens"),
    path(
        "me/tokens/<uuid:code>/revoke/",
        account_views.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "buddynet.core.views.bad_request"
handler403 = "buddynet.core.views.permission_denied"
handler404 = "buddynet.core.views.page_not_found"
handler500 = "buddynet.core.views.server_error"
