"""URLs of the impact app: project pages under /p/<project>/impact/, the participant's
questionnaire at /q/<secret>/ (no log-in) and the network comparison."""

from buddynet.core.routes import routes

from . import report_views, views

project_urlpatterns = routes(
    ("impact/", views.ImpactHomeView, "impact_home"),
    ("impact/plan/", views.PlanView, "impact_plan"),
    ("impact/outcomes/", views.OutcomesView, "impact_outcomes"),
    # The project's own questionnaires (questions frozen once answered).
    ("impact/questionnaires/", views.OwnListView, "impact_own_list"),
    ("impact/questionnaires/new/", views.OwnCreateView, "impact_own_create"),
    ("impact/questionnaires/<uuid:code>/", views.OwnDetailView, "impact_own"),
    ("impact/questionnaires/<uuid:code>/add/", views.OwnQuestionAddView, "impact_own_question_add"),
    ("impact/questions/<uuid:code>/edit/", views.OwnQuestionEditView, "impact_own_question_edit"),
    (
        "impact/questions/<uuid:code>/retire/",
        views.OwnQuestionRetireView,
        "impact_own_question_retire",
    ),
    ("impact/outcomes/report.pdf", views.ReportView.as_view(kind="pdf"), "impact_report_pdf"),
    ("impact/outcomes/report.xlsx", views.ReportView.as_view(kind="xlsx"), "impact_report_xlsx"),
    ("impact/trajectories/<uuid:code>/", views.PersonView, "impact_person"),
    ("impact/trajectories/<uuid:code>/plan/", views.PlanMomentsView, "impact_plan_moments"),
    ("impact/measurements/<uuid:code>/enter/", views.EnterAnswersView, "impact_enter"),
    ("impact/measurements/<uuid:code>/link/", views.LinkView, "impact_link"),
    # The funder report prepared in the queue (``reports``).
    ("impact/reports/start/", report_views.ReportRunStartView, "impact_report_run_start"),
    ("impact/reports/<uuid:code>/", report_views.ReportRunView, "impact_report_run"),
    (
        "impact/reports/<uuid:code>/progress/",
        report_views.ReportRunProgressView,
        "impact_report_run_progress",
    ),
    (
        "impact/reports/<uuid:code>/report.pdf",
        report_views.ReportRunFileView.as_view(kind="pdf"),
        "impact_report_run_pdf",
    ),
    (
        "impact/reports/<uuid:code>/report.xlsx",
        report_views.ReportRunFileView.as_view(kind="xlsx"),
        "impact_report_run_xlsx",
    ),
)

urlpatterns = routes(
    ("q/<str:token>/", views.questionnaire, "impact_questionnaire"),
    ("network/<uuid:network>/impact/", views.NetworkComparisonView, "impact_network"),
    ("network/<uuid:network>/impact.csv", views.network_export, "impact_network_csv"),
)
