"""URLs of the learning network: its own space under /network/<network>/, and the
project's pages for publishing and adopting playbooks under /p/<project>/network/."""

from django.urls import path

from . import views

N = "network/<uuid:network>/"
SESSION = N + "intervision/<uuid:code>/"
EVENT = N + "calendar/<uuid:code>/"

urlpatterns = [
    path(N + "library/", views.LibraryView.as_view(), name="network_library"),
    path(N + "library/add/", views.ItemAddView.as_view(), name="network_item_add"),
    path(N + "library/<uuid:code>/", views.ItemView.as_view(), name="network_item"),
    path(N + "library/<uuid:code>/file", views.ItemFileView.as_view(), name="network_item_file"),
    path(
        N + "library/<uuid:code>/captions.vtt",
        views.ItemFileView.as_view(part="captions"),
        name="network_item_captions",
    ),
    path(N + "playbooks/", views.PlaybookListView.as_view(), name="network_playbooks"),
    path(N + "playbooks/<uuid:code>/", views.PlaybookView.as_view(), name="network_playbook"),
    path(N + "intervision/", views.IntervisionListView.as_view(), name="network_intervisions"),
    path(
        N + "intervision/plan/", views.IntervisionAddView.as_view(), name="network_intervision_add"
    ),
    path(SESSION, views.IntervisionView.as_view(), name="network_intervision"),
    path(SESSION + "invite/", views.InviteView.as_view(), name="network_intervision_invite"),
    path(SESSION + "case/", views.CaseView.as_view(), name="network_intervision_case"),
    path(SESSION + "report/", views.ReportView.as_view(), name="network_intervision_report"),
    path(
        SESSION + "attendance/",
        views.AttendanceView.as_view(),
        name="network_intervision_attendance",
    ),
    path(SESSION + "reply/", views.ReplyView.as_view(), name="network_intervision_reply"),
    path(N + "questions/", views.QuestionListView.as_view(), name="network_questions"),
    path(N + "questions/ask/", views.AskView.as_view(), name="network_question_ask"),
    path(N + "questions/<uuid:code>/", views.QuestionView.as_view(), name="network_question"),
    path(
        N + "questions/<uuid:code>/answers/<uuid:answer>/helped/",
        views.HelpedView.as_view(),
        name="network_answer_helped",
    ),
    path(N + "projects/start/", views.ProjectStartView.as_view(), name="network_project_start"),
    path(N + "calendar/", views.CalendarView.as_view(), name="network_calendar"),
    path(N + "calendar/plan/", views.EventAddView.as_view(), name="network_event_add"),
    path(EVENT, views.EventView.as_view(), name="network_event"),
    path(EVENT + "register/", views.RegisterView.as_view(), name="network_event_register"),
    path(EVENT + "cancel/", views.CancelRegistrationView.as_view(), name="network_event_cancel"),
    path(
        EVENT + "registrations/",
        views.RegistrationsView.as_view(),
        name="network_event_registrations",
    ),
    path(N + "news/post/", views.NewsAddView.as_view(), name="network_news_add"),
    path(N + "news/<uuid:code>/", views.NewsView.as_view(), name="network_news"),
]

project_urlpatterns = [
    path("network/", views.FromNetworkView.as_view(), name="network_from_network"),
    path("network/publish/", views.PublishView.as_view(), name="network_playbook_publish"),
    path("network/settings/", views.NetworkSettingsView.as_view(), name="network_settings"),
    path(
        "network/playbooks/<uuid:code>/adopt/",
        views.AdoptView.as_view(),
        name="network_playbook_adopt",
    ),
]
