"""URLs of the right of access, under /p/<project>/."""

from buddynet.core.routes import routes

from . import oversight_views, views, views_erasure

project_urlpatterns = routes(
    (
        "participants/<uuid:code>/export/",
        views.ParticipantExportStartView,
        "privacy_export_participant",
    ),
    ("buddies/<uuid:code>/export/", views.BuddyExportStartView, "privacy_export_buddy"),
    ("exports/<uuid:code>/", views.ExportView, "privacy_export"),
    ("exports/<uuid:code>/progress/", views.ExportProgressView, "privacy_export_progress"),
    ("exports/<uuid:code>/download/", views.ExportDownloadView, "privacy_export_download"),
    (
        "participants/<uuid:code>/erase/",
        views_erasure.ParticipantEraseView,
        "privacy_erase_participant",
    ),
    ("buddies/<uuid:code>/erase/", views_erasure.BuddyEraseView, "privacy_erase_buddy"),
)

# The project's privacy oversight (``oversight_views``).
project_urlpatterns += routes(
    ("privacy/register/", oversight_views.RegisterView, "privacy_register"),
    ("privacy/register.pdf", oversight_views.RegisterPdfView, "privacy_register_pdf"),
    ("privacy/looked/", oversight_views.LookupsView, "privacy_lookups"),
    ("privacy/retention/", oversight_views.RetentionView, "privacy_retention"),
    ("privacy/retention/edit/", oversight_views.RetentionEditView, "privacy_retention_edit"),
)
