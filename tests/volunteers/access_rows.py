"""Access-matrix rows for recruitment, screening, training and onboarding."""

from __future__ import annotations

from buddynet.volunteers.models import Attachment, InformationNote
from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    Row,
    buddy_kw,
    nested_kw,
    project_kw,
    statuses,
)
from tests.volunteers.factories import TrainingSessionFactory, VacancyFactory

COORD_ONLY = statuses(LOGIN, 403, 200, 403, 403, 403)
BUDDY_ONLY = statuses(LOGIN, 403, 403, 403, 200, 403)
API_COORD_ONLY = statuses(API_401, 403, 200, 403, 403, 403)
ALL = ("anonymous", "network_coordinator", "project_coordinator", "professional", "buddy")
PUBLIC = {
    role: 200
    for role in (
        *ALL,
        "participant",
        "other_coordinator",
        "superuser",
        "privacy_officer",
    )
}


def _vacancy(w, project):
    return w.once(f"vacancy-{project.pk}", lambda w: VacancyFactory(project=project))


vacancy_kw = nested_kw(lambda w: _vacancy(w, w.project), lambda w: _vacancy(w, w.other))


def public_vacancy_kw(w, variant):
    return {"code": _vacancy(w, w.project if variant == "own" else w.other).code}


def _session(w, project):
    return w.once(
        f"session-{project.pk}",
        lambda w: TrainingSessionFactory(module__project=project),
    )


session_kw = nested_kw(lambda w: _session(w, w.project), lambda w: _session(w, w.other))


def _note(w, buddy):
    from django.utils import timezone

    return w.once(
        f"note-{buddy.pk}",
        lambda w: InformationNote.objects.create(
            project=buddy.project,
            buddy=buddy,
            text="Informatienota\n\nTekst",
            document_hash="0" * 64,
            signed_name=buddy.full_name,
            signed_at=timezone.now(),
        ),
    )


def note_kw(w, variant):
    kw = buddy_kw(w, variant)
    buddy = w.buddy if variant == "own" else w.other_buddy
    return {**kw, "note": _note(w, buddy).code}


def _attachment(w, buddy):
    return w.once(
        f"attachment-{buddy.pk}",
        lambda w: Attachment.objects.create(
            project=buddy.project,
            buddy=buddy,
            name="cv.pdf",
            content_type="application/pdf",
            size=9,
            data=b"%PDF-1.4\n",
        ),
    )


def attachment_kw(w, variant):
    kw = buddy_kw(w, variant)
    buddy = w.buddy if variant == "own" else w.other_buddy
    return {**kw, "attachment": _attachment(w, buddy).code}


def own_note_kw(w, variant):
    buddy = w.buddy if variant == "own" else w.other_buddy
    project = w.other if variant == "other" else w.project
    return {"project": project.code, "note": _note(w, buddy).code}


BUDDY_PAGES = (
    "buddy_edit",
    "buddy_step",
    "buddy_intake",
    "buddy_screening",
    "buddy_reference_add",
    "buddy_decision",
    "buddy_training",
    "buddy_login",
    "buddy_note_sign",
)

PAGES: dict[str, Row] = {
    "buddy_board": Row(own=COORD_ONLY, kwargs=project_kw),
    "buddy_pool": Row(own=COORD_ONLY, kwargs=project_kw),
    **{name: Row(own=COORD_ONLY, kwargs=buddy_kw, variants=NESTED) for name in BUDDY_PAGES},
    "buddy_attachment": Row(own=COORD_ONLY, kwargs=attachment_kw, variants=NESTED),
    "buddy_note_pdf": Row(own=COORD_ONLY, kwargs=note_kw, variants=NESTED),
    "vacancy_list": Row(own=COORD_ONLY, kwargs=project_kw),
    "vacancy_create": Row(own=COORD_ONLY, kwargs=project_kw),
    "vacancy_edit": Row(own=COORD_ONLY, kwargs=vacancy_kw, variants=NESTED),
    "volunteer_terms": Row(own=COORD_ONLY, kwargs=project_kw),
    "training": Row(own=COORD_ONLY, kwargs=project_kw),
    "training_module_create": Row(own=COORD_ONLY, kwargs=project_kw),
    "training_session_create": Row(own=COORD_ONLY, kwargs=project_kw),
    "training_session": Row(own=COORD_ONLY, kwargs=session_kw, variants=NESTED),
    # A buddy's own pages: only the buddy, only their own record.
    "buddy_me": Row(own=BUDDY_ONLY, kwargs=project_kw),
    "buddy_me_edit": Row(own=BUDDY_ONLY, kwargs=project_kw),
    "buddy_me_note": Row(own=BUDDY_ONLY, kwargs=project_kw),
    # Another buddy's note under one's own project: not theirs, 404.
    "buddy_me_note_pdf": Row(own=BUDDY_ONLY, kwargs=own_note_kw, variants=NESTED),
    # Public pages: anyone, any project's published vacancy.
    "vacancy_public": Row(own=PUBLIC, kwargs=public_vacancy_kw, other=PUBLIC),
    # A project's front door: its open vacancies and the sign-up link, for anyone.
    "vacancies_public": Row(own=PUBLIC, kwargs=project_kw, other=PUBLIC),
    "vacancy_thanks": Row(own=PUBLIC, kwargs=public_vacancy_kw, other=PUBLIC),
}

ENDPOINTS: dict[tuple[str, str], Row] = {
    ("get", "/api/v1/projects/{code}/vacancies"): Row(
        own=API_COORD_ONLY, kwargs=lambda w, v: {"code": project_kw(w, v)["project"]}
    ),
    ("get", "/api/v1/projects/{code}/vacancies/{vacancy}"): Row(
        own=API_COORD_ONLY,
        kwargs=lambda w, v: {
            "code": vacancy_kw(w, v)["project"],
            "vacancy": vacancy_kw(w, v)["code"],
        },
        variants=NESTED,
    ),
    ("get", "/api/v1/projects/{code}/applications"): Row(
        own=API_COORD_ONLY, kwargs=lambda w, v: {"code": project_kw(w, v)["project"]}
    ),
    ("get", "/api/v1/projects/{code}/buddies/{buddy}/history"): Row(
        own=API_COORD_ONLY,
        kwargs=lambda w, v: {"code": buddy_kw(w, v)["project"], "buddy": buddy_kw(w, v)["code"]},
        variants=NESTED,
    ),
    ("get", "/api/v1/projects/{code}/me/buddy"): Row(
        own=statuses(API_401, 403, 403, 403, 200, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
    ),
}
