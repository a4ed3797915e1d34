"""URLs of the contact app: a person's messages and notifications at the root (one
list across their projects, for a phone), a project's conversations and rules for its
coordinators under /p/<project>/messages/."""

from buddynet.core.routes import routes

from . import views

urlpatterns = routes(
    ("messages/", views.InboxView, "contact_inbox"),
    ("messages/open/", views.OpenView, "contact_open"),
    ("messages/<uuid:code>/", views.ConversationView, "contact_conversation"),
    ("messages/<uuid:code>/live/", views.LiveView, "contact_live"),
    ("messages/m/<uuid:code>/file", views.AttachmentView, "contact_attachment"),
    ("messages/m/<uuid:code>/report/", views.ReportView, "contact_report"),
    ("me/notifications/", views.NotificationsView, "contact_notifications"),
    ("me/notifications/choices/", views.NotificationSettingsView, "contact_notification_settings"),
)

project_urlpatterns = routes(
    ("messages/", views.ProjectConversationsView, "contact_project"),
    ("messages/rules/", views.RulesView, "contact_rules"),
)
