"""URLs of the trajectories app, under /p/<project>/."""

from django.urls import path

from . import views

project_urlpatterns = [
    path("trajectories/", views.TrajectoryListView.as_view(), name="trajectory_list"),
    path(
        "trajectories/<uuid:code>/",
        views.TrajectoryDetailView.as_view(),
        name="trajectory_detail",
    ),
    path(
        "trajectories/<uuid:code>/status/",
        views.TrajectoryStatusView.as_view(),
        name="trajectory_status",
    ),
    path(
        "trajectories/<uuid:code>/agreement/",
        views.AgreementView.as_view(),
        name="trajectory_agreement",
    ),
    path(
        "trajectories/<uuid:code>/agreement/edit/",
        views.AgreementEditView.as_view(),
        name="trajectory_agreement_edit",
    ),
    path(
        "trajectories/<uuid:code>/agreement/<uuid:version>.pdf",
        views.AgreementPdfView.as_view(),
        name="trajectory_agreement_pdf",
    ),
    path(
        "trajectories/<uuid:code>/journal/new/",
        views.JournalCreateView.as_view(),
        name="journal_create",
    ),
    path("trajectories/<uuid:code>/goals/", views.GoalsView.as_view(), name="trajectory_goals"),
    path(
        "trajectories/<uuid:code>/roles/",
        views.RoleDivisionView.as_view(),
        name="trajectory_tasks",
    ),
    path("agreement-template/", views.AgreementTemplateView.as_view(), name="agreement_template"),
    path("task-kinds/", views.TaskKindsView.as_view(), name="task_kinds"),
]

public_urlpatterns: list = []
