"""URLs of the family plan, under /p/<project>/plans/."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("plans/", views.PlanListView, "plans_list"),
    ("plans/new/<uuid:code>/", views.PlanMakeView, "plans_make"),
    ("plans/<uuid:code>/", views.PlanView, "plans_detail"),
    ("plans/<uuid:code>/plan.pdf", views.PlanPdfView, "plans_pdf"),
    ("plans/<uuid:code>/edit/", views.PlanChangeView, "plans_edit"),
    ("plans/<uuid:code>/words/", views.EntryAddView, "plans_entry_add"),
    ("plans/<uuid:code>/feed/", views.FeedView, "plans_feed"),
    ("plans/<uuid:code>/actions/new/", views.ActionAddView, "plans_action_add"),
    ("plans/<uuid:code>/actions/<uuid:action>/", views.ActionView, "plans_action"),
    ("plans/<uuid:code>/reviews/new/", views.ReviewAddView, "plans_review_add"),
    ("plans/<uuid:code>/shares/", views.ShareView, "plans_shares"),
    ("plans/<uuid:code>/shares/<uuid:share>/end/", views.ShareEndView, "plans_share_end"),
)
