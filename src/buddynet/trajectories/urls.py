"""URLs of the trajectories app, under /p/<project>/."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("trajectories/", views.TrajectoryListView, "trajectory_list"),
    ("trajectories/<uuid:code>/", views.TrajectoryDetailView, "trajectory_detail"),
    ("trajectories/<uuid:code>/status/", views.TrajectoryStatusView, "trajectory_status"),
    ("trajectories/<uuid:code>/moment/", views.TrajectoryMomentView, "trajectory_moment"),
    ("trajectories/<uuid:code>/agreement/", views.AgreementView, "trajectory_agreement"),
    (
        "trajectories/<uuid:code>/agreement/edit/",
        views.AgreementEditView,
        "trajectory_agreement_edit",
    ),
    (
        "trajectories/<uuid:code>/agreement/<uuid:version>.pdf",
        views.AgreementPdfView,
        "trajectory_agreement_pdf",
    ),
    ("trajectories/<uuid:code>/journal/new/", views.JournalCreateView, "journal_create"),
    ("trajectories/<uuid:code>/goals/", views.GoalsView, "trajectory_goals"),
    ("trajectories/<uuid:code>/roles/", views.RoleDivisionView, "trajectory_tasks"),
    ("agreement-template/", views.AgreementTemplateView, "agreement_template"),
    ("task-kinds/", views.TaskKindsView, "task_kinds"),
)

public_urlpatterns: list = []
