"""URLs of the participants app. ``project_urlpatterns`` live under /p/<project>/;
``public_urlpatterns`` need no login."""

from django.urls import path

from . import views

project_urlpatterns = [
    path("participants/", views.ParticipantListView.as_view(), name="participant_list"),
    path(
        "participants/<uuid:code>/",
        views.ParticipantDetailView.as_view(),
        name="participant_detail",
    ),
]

public_urlpatterns: list = []
