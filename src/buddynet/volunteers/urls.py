"""URLs of the buddies app. ``project_urlpatterns`` live under /p/<project>/;
``public_urlpatterns`` need no login."""

from django.urls import path

from . import views

project_urlpatterns = [
    path("buddies/", views.BuddyListView.as_view(), name="buddy_list"),
    path("buddies/<uuid:code>/", views.BuddyDetailView.as_view(), name="buddy_detail"),
]

public_urlpatterns: list = []
