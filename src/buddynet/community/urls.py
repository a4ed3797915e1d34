"""URLs of the community app: the social map, hand-overs, transfers and the report
under /p/<project>/community/, and the service's answer page behind its personal link
at /public/community/handovers/<code>/<secret>/ (no log-in)."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("community/map/", views.MapView, "community_map"),
    ("community/map/new/", views.ServiceAddView, "community_service_add"),
    ("community/map/import/", views.ImportView, "community_map_import"),
    ("community/map/<uuid:code>/", views.ServiceView, "community_service"),
    ("community/map/<uuid:code>/edit/", views.ServiceEditView, "community_service_edit"),
    (
        "community/map/<uuid:code>/checked/",
        views.ServiceActionView.as_view(action="checked"),
        "community_service_checked",
    ),
    (
        "community/map/<uuid:code>/archive/",
        views.ServiceActionView.as_view(action="archive"),
        "community_service_archive",
    ),
    ("community/handovers/", views.HandoverListView, "community_handovers"),
    (
        "community/participants/<uuid:code>/handover/",
        views.HandoverCreateView,
        "community_handover_new",
    ),
    (
        "community/participants/<uuid:code>/transfer/",
        views.TransferCreateView,
        "community_transfer_new",
    ),
    ("community/handovers/<uuid:code>/", views.HandoverView, "community_handover"),
    (
        "community/handovers/<uuid:code>/status/",
        views.HandoverStatusView,
        "community_handover_status",
    ),
    ("community/handovers/<uuid:code>/link/", views.HandoverLinkView, "community_handover_link"),
    ("community/transfers/", views.TransferListView, "community_transfers"),
    ("community/transfers/<uuid:code>/", views.TransferView, "community_transfer"),
    (
        "community/transfers/<uuid:code>/withdraw/",
        views.TransferWithdrawView,
        "community_transfer_withdraw",
    ),
    ("community/report/", views.ReportView, "community_report"),
)

public_urlpatterns = routes(
    ("community/handovers/<uuid:code>/<str:token>/", views.answer, "community_answer"),
)
