"""URLs of the learning network: its own space under /network/<network>/, and the
project's pages for publishing and adopting playbooks under /p/<project>/network/."""

from buddynet.core.routes import routes

from . import views

N = "network/<uuid:network>/"
SESSION = N + "intervision/<uuid:code>/"
EVENT = N + "calendar/<uuid:code>/"

urlpatterns = routes(
    (N + "library/", views.LibraryView, "network_library"),
    (N + "library/add/", views.ItemAddView, "network_item_add"),
    (N + "library/<uuid:code>/", views.ItemView, "network_item"),
    (N + "library/<uuid:code>/file", views.ItemFileView, "network_item_file"),
    (
        N + "library/<uuid:code>/captions.vtt",
        views.ItemFileView.as_view(part="captions"),
        "network_item_captions",
    ),
    (N + "playbooks/", views.PlaybookListView, "network_playbooks"),
    (N + "playbooks/<uuid:code>/", views.PlaybookView, "network_playbook"),
    (N + "intervision/", views.IntervisionListView, "network_intervisions"),
    (N + "intervision/plan/", views.IntervisionAddView, "network_intervision_add"),
    (SESSION, views.IntervisionView, "network_intervision"),
    (SESSION + "invite/", views.InviteView, "network_intervision_invite"),
    (SESSION + "case/", views.CaseView, "network_intervision_case"),
    (SESSION + "report/", views.ReportView, "network_intervision_report"),
    (SESSION + "attendance/", views.AttendanceView, "network_intervision_attendance"),
    (SESSION + "reply/", views.ReplyView, "network_intervision_reply"),
    (N + "questions/", views.QuestionListView, "network_questions"),
    (N + "questions/ask/", views.AskView, "network_question_ask"),
    (N + "questions/<uuid:code>/", views.QuestionView, "network_question"),
    (
        N + "questions/<uuid:code>/answers/<uuid:answer>/helped/",
        views.HelpedView,
        "network_answer_helped",
    ),
    (N + "projects/start/", views.ProjectStartView, "network_project_start"),
    (N + "calendar/", views.CalendarView, "network_calendar"),
    (N + "calendar/plan/", views.EventAddView, "network_event_add"),
    (EVENT, views.EventView, "network_event"),
    (EVENT + "register/", views.RegisterView, "network_event_register"),
    (EVENT + "cancel/", views.CancelRegistrationView, "network_event_cancel"),
    (EVENT + "registrations/", views.RegistrationsView, "network_event_registrations"),
    (N + "news/post/", views.NewsAddView, "network_news_add"),
    (N + "news/<uuid:code>/", views.NewsView, "network_news"),
)

project_urlpatterns = routes(
    ("network/", views.FromNetworkView, "network_from_network"),
    ("network/publish/", views.PublishView, "network_playbook_publish"),
    ("network/settings/", views.NetworkSettingsView, "network_settings"),
    ("network/playbooks/<uuid:code>/adopt/", views.AdoptView, "network_playbook_adopt"),
)
