from django.contrib import admin
from django.urls import include, path

from buddynet.accounts import views as account_views
from buddynet.api import api
from buddynet.core import views as core_views
from buddynet.core.locale import set_language
from buddynet.participants import views as participant_views
from buddynet.tenancy import views as tenancy_views
from buddynet.volunteers import views as buddy_views

project_patterns = [
    path("", tenancy_views.ProjectDetailView.as_view(), name="project_detail"),
    path("settings/", tenancy_views.ProjectSettingsView.as_view(), name="project_settings"),
    path("history/", tenancy_views.ProjectHistoryView.as_view(), name="project_history"),
    path("buddies/", buddy_views.BuddyListView.as_view(), name="buddy_list"),
    path("buddies/<uuid:code>/", buddy_views.BuddyDetailView.as_view(), name="buddy_detail"),
    path(
        "participants/",
        participant_views.ParticipantListView.as_view(),
        name="participant_list",
    ),
    path(
        "participants/<uuid:code>/",
        participant_views.ParticipantDetailView.as_view(),
        name="participant_detail",
    ),
]

urlpatterns = [
    path("", core_views.dashboard_view, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("p/<uuid:project>/", include(project_patterns)),
    path(
        "network/<uuid:network>/", tenancy_views.NetworkDetailView.as_view(), name="network_detail"
    ),
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
