from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("network/<uuid:network>/", views.NetworkDetailView.as_view(), name="network_detail"),
]
