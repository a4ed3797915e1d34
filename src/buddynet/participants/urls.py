"""URLs of the participants app. ``project_urlpatterns`` live under /p/<project>/;
``public_urlpatterns`` need no login (under /public/)."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("participants/", views.ParticipantListView, "participant_list"),
    ("participants/refer/", views.ReferralCreateView, "referral_create"),
    ("participants/<uuid:code>/", views.ParticipantDetailView, "participant_detail"),
    ("participants/<uuid:code>/intake/", views.IntakeView, "participant_intake"),
    ("participants/<uuid:code>/consent/", views.ConsentView, "participant_consent"),
    ("participants/<uuid:code>/waiting-list/", views.JoinWaitingListView, "participant_waiting"),
    (
        "participants/<uuid:code>/contacts/new/",
        views.ContactCreateView,
        "participant_contact_create",
    ),
    ("participants/<uuid:code>/offers/new/", views.OfferCreateView, "participant_offer_create"),
    ("participants/<uuid:code>/close/", views.WithdrawView, "participant_withdraw"),
    ("waiting-list/", views.WaitingListView, "waiting_list"),
)

public_urlpatterns = routes(
    ("projects/<uuid:project>/sign-up/", views.public_signup, "public_signup"),
    ("projects/<uuid:project>/sign-up/thanks/", views.public_signup_done, "public_signup_done"),
)
