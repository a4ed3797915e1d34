from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("", views.ProjectDetailView, "project_detail"),
    ("settings/", views.ProjectSettingsView, "project_settings"),
    ("history/", views.ProjectHistoryView, "project_history"),
)
