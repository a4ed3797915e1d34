"""The pages of accounts inside a project: its team."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("team/", views.TeamView, "team"),
    ("team/<uuid:code>/remove/", views.TeamMemberRemoveView, "team_member_remove"),
)
