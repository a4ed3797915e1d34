from buddynet.core.routes import routes

from . import views

urlpatterns = routes(
    ("", views.dashboard_view, "dashboard"),
    ("network/<uuid:network>/", views.NetworkDetailView, "network_detail"),
)
