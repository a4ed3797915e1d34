from django.urls import path

from . import views

project_urlpatterns = [
    path("", views.ProjectDetailView.as_view(), name="project_detail"),
    path("settings/", views.ProjectSettingsView.as_view(), name="project_settings"),
    path("history/", views.ProjectHistoryView.as_view(), name="project_history"),
]
