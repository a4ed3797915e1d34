"""URLs of the imports app, under /p/<project>/imports/."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("imports/", views.ImportStartView, "imports_start"),
    ("imports/<uuid:code>/", views.ImportRunView, "imports_run"),
    ("imports/<uuid:code>/columns/", views.ImportColumnsView, "imports_columns"),
    ("imports/<uuid:code>/commit/", views.ImportCommitView, "imports_commit"),
    ("imports/<uuid:code>/progress/", views.ImportProgressView, "imports_progress"),
)

public_urlpatterns = routes()
