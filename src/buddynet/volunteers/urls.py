"""URLs of the buddies app. ``project_urlpatterns`` live under /p/<project>/;
``public_urlpatterns`` need no login."""

from django.urls import path

from . import views

project_urlpatterns = [
    path("buddies/", views.BuddyListView.as_view(), name="buddy_list"),
    path("buddies/board/", views.BuddyBoardView.as_view(), name="buddy_board"),
    path("buddies/pool/", views.PoolView.as_view(), name="buddy_pool"),
    path("buddies/<uuid:code>/", views.BuddyDetailView.as_view(), name="buddy_detail"),
    path("buddies/<uuid:code>/edit/", views.BuddyEditView.as_view(), name="buddy_edit"),
    path("buddies/<uuid:code>/step/", views.BuddyStepView.as_view(), name="buddy_step"),
    path("buddies/<uuid:code>/intake/", views.BuddyIntakeView.as_view(), name="buddy_intake"),
    path(
        "buddies/<uuid:code>/screening/",
        views.BuddyScreeningView.as_view(),
        name="buddy_screening",
    ),
    path(
        "buddies/<uuid:code>/references/new/",
        views.BuddyReferenceView.as_view(),
        name="buddy_reference_add",
    ),
    path("buddies/<uuid:code>/decision/", views.BuddyDecisionView.as_view(), name="buddy_decision"),
    path("buddies/<uuid:code>/training/", views.BuddyTrainingView.as_view(), name="buddy_training"),
    path(
        "buddies/<uuid:code>/files/<uuid:attachment>/",
        views.BuddyAttachmentView.as_view(),
        name="buddy_attachment",
    ),
    path("buddies/<uuid:code>/login/", views.BuddyLoginView.as_view(), name="buddy_login"),
    path(
        "buddies/<uuid:code>/information-note/",
        views.BuddyNoteSignView.as_view(),
        name="buddy_note_sign",
    ),
    path(
        "buddies/<uuid:code>/notes/<uuid:note>.pdf",
        views.BuddyNotePdfView.as_view(),
        name="buddy_note_pdf",
    ),
    path("vacancies/", views.VacancyListView.as_view(), name="vacancy_list"),
    path("vacancies/new/", views.VacancyCreateView.as_view(), name="vacancy_create"),
    path("vacancies/<uuid:code>/", views.VacancyEditView.as_view(), name="vacancy_edit"),
    path("volunteer-terms/", views.TermsView.as_view(), name="volunteer_terms"),
    path("training/", views.TrainingView.as_view(), name="training"),
    path(
        "training/modules/new/",
        views.TrainingModuleCreateView.as_view(),
        name="training_module_create",
    ),
    path(
        "training/sessions/new/",
        views.TrainingSessionCreateView.as_view(),
        name="training_session_create",
    ),
    path(
        "training/sessions/<uuid:code>/",
        views.TrainingSessionView.as_view(),
        name="training_session",
    ),
    path("me/buddy/", views.BuddyMeView.as_view(), name="buddy_me"),
    path("me/buddy/edit/", views.BuddyMeEditView.as_view(), name="buddy_me_edit"),
    path("me/buddy/information-note/", views.BuddyMeNoteView.as_view(), name="buddy_me_note"),
    path(
        "me/buddy/notes/<uuid:note>.pdf",
        views.BuddyMeNotePdfView.as_view(),
        name="buddy_me_note_pdf",
    ),
]

public_urlpatterns: list = [
    path(
        "projects/<uuid:project>/vacancies/",
        views.PublicVacancyListView.as_view(),
        name="vacancies_public",
    ),
    path("vacancies/<uuid:code>/", views.PublicVacancyView.as_view(), name="vacancy_public"),
    path(
        "vacancies/<uuid:code>/thanks/",
        views.PublicVacancyThanksView.as_view(),
        name="vacancy_thanks",
    ),
]
