"""URLs of the follow-up app: project pages under /p/<project>/, the personal calendar
page and the calendar feed at the root (the feed needs no login: its secret is the key)."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("follow-up/", views.FollowUpListView, "followup_list"),
    ("follow-up/cadence/", views.CadenceView, "followup_settings"),
    ("follow-up/<uuid:code>/", views.FollowUpRecordView, "followup_record"),
    ("trajectories/<uuid:code>/follow-up/plan/", views.FollowUpPlanView, "followup_plan"),
    ("signals/", views.SignalListView, "signal_list"),
    ("signals/<uuid:code>/", views.SignalDetailView, "signal_detail"),
    ("trajectories/<uuid:code>/signal/", views.SignalCreateView, "signal_create"),
    ("trajectories/<uuid:code>/close/", views.ClosureStartView, "closure_start"),
    ("trajectories/<uuid:code>/closure/", views.ClosureDetailView, "closure_detail"),
    (
        "trajectories/<uuid:code>/closure/exit/<slug:party>/",
        views.ExitConversationView,
        "closure_exit",
    ),
    ("trajectories/<uuid:code>/closure/wish/", views.BuddyWishView, "closure_buddy_wish"),
)

urlpatterns = routes(
    ("me/calendar/", views.calendar_settings, "calendar_settings"),
    ("calendar/<str:token>.ics", views.calendar_feed, "calendar_feed"),
)
