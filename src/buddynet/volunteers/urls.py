"""URLs of the buddies app. ``project_urlpatterns`` live under /p/<project>/;
``public_urlpatterns`` need no login."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("buddies/", views.BuddyListView, "buddy_list"),
    ("buddies/board/", views.BuddyBoardView, "buddy_board"),
    ("buddies/pool/", views.PoolView, "buddy_pool"),
    ("buddies/<uuid:code>/", views.BuddyDetailView, "buddy_detail"),
    ("buddies/<uuid:code>/edit/", views.BuddyEditView, "buddy_edit"),
    ("buddies/<uuid:code>/step/", views.BuddyStepView, "buddy_step"),
    ("buddies/<uuid:code>/intake/", views.BuddyIntakeView, "buddy_intake"),
    ("buddies/<uuid:code>/screening/", views.BuddyScreeningView, "buddy_screening"),
    ("buddies/<uuid:code>/references/new/", views.BuddyReferenceView, "buddy_reference_add"),
    ("buddies/<uuid:code>/decision/", views.BuddyDecisionView, "buddy_decision"),
    ("buddies/<uuid:code>/training/", views.BuddyTrainingView, "buddy_training"),
    ("buddies/<uuid:code>/files/<uuid:attachment>/", views.BuddyAttachmentView, "buddy_attachment"),
    ("buddies/<uuid:code>/login/", views.BuddyLoginView, "buddy_login"),
    ("buddies/<uuid:code>/information-note/", views.BuddyNoteSignView, "buddy_note_sign"),
    ("buddies/<uuid:code>/notes/<uuid:note>.pdf", views.BuddyNotePdfView, "buddy_note_pdf"),
    ("vacancies/", views.VacancyListView, "vacancy_list"),
    ("vacancies/new/", views.VacancyCreateView, "vacancy_create"),
    ("vacancies/<uuid:code>/", views.VacancyEditView, "vacancy_edit"),
    ("volunteer-terms/", views.TermsView, "volunteer_terms"),
    ("training/", views.TrainingView, "training"),
    ("training/modules/new/", views.TrainingModuleCreateView, "training_module_create"),
    ("training/sessions/new/", views.TrainingSessionCreateView, "training_session_create"),
    ("training/sessions/<uuid:code>/", views.TrainingSessionView, "training_session"),
    ("me/buddy/", views.BuddyMeView, "buddy_me"),
    ("me/buddy/edit/", views.BuddyMeEditView, "buddy_me_edit"),
    ("me/buddy/information-note/", views.BuddyMeNoteView, "buddy_me_note"),
    ("me/buddy/notes/<uuid:note>.pdf", views.BuddyMeNotePdfView, "buddy_me_note_pdf"),
)

public_urlpatterns = routes(
    ("projects/<uuid:project>/vacancies/", views.PublicVacancyListView, "vacancies_public"),
    ("vacancies/<uuid:code>/", views.PublicVacancyView, "vacancy_public"),
    ("vacancies/<uuid:code>/thanks/", views.PublicVacancyThanksView, "vacancy_thanks"),
)
