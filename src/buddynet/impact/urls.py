"""URLs of the impact app: project pages under /p/<project>/impact/, the participant's
questionnaire at /q/<secret>/ (no log-in) and the network comparison."""

from django.urls import path

from . import report_views, views

project_urlpatterns = [
    path("impact/", views.ImpactHomeView.as_view(), name="impact_home"),
    path("impact/plan/", views.PlanView.as_view(), name="impact_plan"),
    path("impact/outcomes/", views.OutcomesView.as_view(), name="impact_outcomes"),
    path(
        "impact/outcomes/report.pdf",
        views.ReportView.as_view(kind="pdf"),
        name="impact_report_pdf",
    ),
    path(
        "impact/outcomes/report.xlsx",
        views.ReportView.as_view(kind="xlsx"),
        name="impact_report_xlsx",
    ),
    path("impact/trajectories/<uuid:code>/", views.PersonView.as_view(), name="impact_person"),
    path(
        "impact/trajectories/<uuid:code>/plan/",
        views.PlanMomentsView.as_view(),
        name="impact_plan_moments",
    ),
    path(
        "impact/measurements/<uuid:code>/enter/",
        views.EnterAnswersView.as_view(),
        name="impact_enter",
    ),
    path(
        "impact/measurements/<uuid:code>/link/",
        views.LinkView.as_view(),
        name="impact_link",
    ),
]

# The funder report prepared in the queue (``reports``).
project_urlpatterns += [
    path(
        "impact/reports/start/",
        report_views.ReportRunStartView.as_view(),
        name="impact_report_run_start",
    ),
    path(
        "impact/reports/<uuid:code>/",
        report_views.ReportRunView.as_view(),
        name="impact_report_run",
    ),
    path(
        "impact/reports/<uuid:code>/progress/",
        report_views.ReportRunProgressView.as_view(),
        name="impact_report_run_progress",
    ),
    path(
        "impact/reports/<uuid:code>/report.pdf",
        report_views.ReportRunFileView.as_view(kind="pdf"),
        name="impact_report_run_pdf",
    ),
    path(
        "impact/reports/<uuid:code>/report.xlsx",
        report_views.ReportRunFileView.as_view(kind="xlsx"),
        name="impact_report_run_xlsx",
    ),
]

urlpatterns = [
    path("q/<str:token>/", views.questionnaire, name="impact_questionnaire"),
    path(
        "network/<uuid:network>/impact/",
        views.NetworkComparisonView.as_view(),
        name="impact_network",
    ),
    path(
        "network/<uuid:network>/impact.csv",
        views.network_export,
        name="impact_network_csv",
    ),
]
