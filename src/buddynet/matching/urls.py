"""URLs of the matching app, all under /p/<project>/ (no public pages: the anonymised help
requests are for logged-in buddies of the project only)."""

from django.urls import path

from . import views

project_urlpatterns = [
    path("matching/", views.MatchingHomeView.as_view(), name="matching_home"),
    path("matching/settings/", views.SettingsView.as_view(), name="matching_settings"),
    path(
        "matching/participants/<uuid:code>/",
        views.RankBuddiesView.as_view(),
        name="matching_rank_buddies",
    ),
    path(
        "matching/participants/<uuid:code>/wishes/",
        views.ProfileView.as_view(),
        name="matching_profile",
    ),
    path(
        "matching/buddies/<uuid:code>/",
        views.RankParticipantsView.as_view(),
        name="matching_rank_participants",
    ),
    path("matching/propose/", views.ProposeView.as_view(), name="matching_propose"),
    path("matching/runs/start/", views.RunStartView.as_view(), name="matching_run_start"),
    path("matching/runs/<uuid:code>/", views.RunView.as_view(), name="matching_run"),
    path(
        "matching/runs/<uuid:code>/progress/",
        views.RunProgressView.as_view(),
        name="matching_run_progress",
    ),
    path("matching/proposals/", views.ProposalsView.as_view(), name="matching_proposals"),
    path(
        "matching/proposals/approve/",
        views.ProposalsApproveView.as_view(),
        name="matching_proposals_approve",
    ),
    path(
        "matching/proposals/<uuid:code>/approve/",
        views.ProposalApproveView.as_view(),
        name="matching_proposal_approve",
    ),
    path(
        "matching/proposals/<uuid:code>/reject/",
        views.ProposalRejectView.as_view(),
        name="matching_proposal_reject",
    ),
    path(
        "matching/proposals/<uuid:code>/feeling/",
        views.ProposalFeelingView.as_view(),
        name="matching_proposal_feeling",
    ),
    path(
        "matching/proposals/<uuid:code>/introduction/",
        views.IntroductionPlanView.as_view(),
        name="matching_introduction_plan",
    ),
    path(
        "matching/introductions/", views.IntroductionsView.as_view(), name="matching_introductions"
    ),
    path(
        "matching/introductions/<uuid:code>/",
        views.IntroductionView.as_view(),
        name="matching_introduction",
    ),
    path(
        "matching/introductions/<uuid:code>/answer/",
        views.IntroductionRecordView.as_view(),
        name="matching_introduction_record",
    ),
    path("matching/hands/", views.HandsView.as_view(), name="matching_hands"),
    # A buddy's own pages: anonymised help requests and their raised hands.
    path("me/requests/", views.RequestsView.as_view(), name="matching_requests"),
    path("me/requests/<uuid:code>/", views.RequestView.as_view(), name="matching_request"),
    path(
        "me/hands/<uuid:code>/withdraw/",
        views.HandWithdrawView.as_view(),
        name="matching_hand_withdraw",
    ),
    # A buddy's or participant's own introduction and their private answer.
    path(
        "me/introductions/<uuid:code>/",
        views.MyIntroductionView.as_view(),
        name="matching_my_introduction",
    ),
]
