"""URLs of the participants app. ``project_urlpatterns`` live under /p/<project>/;
``public_urlpatterns`` need no login (under /public/)."""

from django.urls import path

from . import views

project_urlpatterns = [
    path("participants/", views.ParticipantListView.as_view(), name="participant_list"),
    path("participants/refer/", views.ReferralCreateView.as_view(), name="referral_create"),
    path(
        "participants/<uuid:code>/",
        views.ParticipantDetailView.as_view(),
        name="participant_detail",
    ),
    path(
        "participants/<uuid:code>/intake/",
        views.IntakeView.as_view(),
        name="participant_intake",
    ),
    path(
        "participants/<uuid:code>/consent/",
        views.ConsentView.as_view(),
        name="participant_consent",
    ),
    path(
        "participants/<uuid:code>/waiting-list/",
        views.JoinWaitingListView.as_view(),
        name="participant_waiting",
    ),
    path(
        "participants/<uuid:code>/contacts/new/",
        views.ContactCreateView.as_view(),
        name="participant_contact_create",
    ),
    path(
        "participants/<uuid:code>/offers/new/",
        views.OfferCreateView.as_view(),
        name="participant_offer_create",
    ),
    path(
        "participants/<uuid:code>/close/",
        views.WithdrawView.as_view(),
        name="participant_withdraw",
    ),
    path("waiting-list/", views.WaitingListView.as_view(), name="waiting_list"),
]

public_urlpatterns = [
    path("projects/<uuid:project>/sign-up/", views.public_signup, name="public_signup"),
    path(
        "projects/<uuid:project>/sign-up/thanks/",
        views.public_signup_done,
        name="public_signup_done",
    ),
]
