"""URLs of the matching app, all under /p/<project>/ (no public pages: the anonymised help
requests are for logged-in buddies of the project only)."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("matching/", views.MatchingHomeView, "matching_home"),
    ("matching/settings/", views.SettingsView, "matching_settings"),
    ("matching/participants/<uuid:code>/", views.RankBuddiesView, "matching_rank_buddies"),
    ("matching/participants/<uuid:code>/wishes/", views.ProfileView, "matching_profile"),
    ("matching/buddies/<uuid:code>/", views.RankParticipantsView, "matching_rank_participants"),
    ("matching/propose/", views.ProposeView, "matching_propose"),
    ("matching/runs/start/", views.RunStartView, "matching_run_start"),
    ("matching/runs/<uuid:code>/", views.RunView, "matching_run"),
    ("matching/runs/<uuid:code>/progress/", views.RunProgressView, "matching_run_progress"),
    ("matching/proposals/", views.ProposalsView, "matching_proposals"),
    ("matching/proposals/approve/", views.ProposalsApproveView, "matching_proposals_approve"),
    (
        "matching/proposals/<uuid:code>/approve/",
        views.ProposalApproveView,
        "matching_proposal_approve",
    ),
    (
        "matching/proposals/<uuid:code>/reject/",
        views.ProposalRejectView,
        "matching_proposal_reject",
    ),
    (
        "matching/proposals/<uuid:code>/feeling/",
        views.ProposalFeelingView,
        "matching_proposal_feeling",
    ),
    (
        "matching/proposals/<uuid:code>/introduction/",
        views.IntroductionPlanView,
        "matching_introduction_plan",
    ),
    ("matching/introductions/", views.IntroductionsView, "matching_introductions"),
    ("matching/introductions/<uuid:code>/", views.IntroductionView, "matching_introduction"),
    (
        "matching/introductions/<uuid:code>/answer/",
        views.IntroductionRecordView,
        "matching_introduction_record",
    ),
    ("matching/hands/", views.HandsView, "matching_hands"),
    # A buddy's own pages: anonymised help requests and their raised hands.
    ("me/requests/", views.RequestsView, "matching_requests"),
    ("me/requests/<uuid:code>/", views.RequestView, "matching_request"),
    ("me/hands/<uuid:code>/withdraw/", views.HandWithdrawView, "matching_hand_withdraw"),
    # A buddy's or participant's own introduction and their private answer.
    ("me/introductions/<uuid:code>/", views.MyIntroductionView, "matching_my_introduction"),
)
