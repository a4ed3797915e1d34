"""URLs of the follow-up app: project pages under /p/<project>/, the personal calendar
page and the calendar feed at the root (the feed needs no login: its secret is the key)."""

from django.urls import path

from . import views

project_urlpatterns = [
    path("follow-up/", views.FollowUpListView.as_view(), name="followup_list"),
    path("follow-up/cadence/", views.CadenceView.as_view(), name="followup_settings"),
    path(
        "follow-up/<uuid:code>/",
        views.FollowUpRecordView.as_view(),
        name="followup_record",
    ),
    path(
        "trajectories/<uuid:code>/follow-up/plan/",
        views.FollowUpPlanView.as_view(),
        name="followup_plan",
    ),
    path("signals/", views.SignalListView.as_view(), name="signal_list"),
    path("signals/<uuid:code>/", views.SignalDetailView.as_view(), name="signal_detail"),
    path(
        "trajectories/<uuid:code>/signal/",
        views.SignalCreateView.as_view(),
        name="signal_create",
    ),
    path(
        "trajectories/<uuid:code>/close/",
        views.ClosureStartView.as_view(),
        name="closure_start",
    ),
    path(
        "trajectories/<uuid:code>/closure/",
        views.ClosureDetailView.as_view(),
        name="closure_detail",
    ),
    path(
        "trajectories/<uuid:code>/closure/exit/<slug:party>/",
        views.ExitConversationView.as_view(),
        name="closure_exit",
    ),
    path(
        "trajectories/<uuid:code>/closure/wish/",
        views.BuddyWishView.as_view(),
        name="closure_buddy_wish",
    ),
]

urlpatterns = [
    path("me/calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
