"""The buddies API: the same selectors and permissions as the pages. Broken rules and
missing objects are answered by the API's one exception handler (``core.api``)."""

import uuid
from datetime import date, datetime

from ninja import Schema

from buddynet.core.api import LazyPage, PersonOut
from buddynet.tenancy import policy
from buddynet.tenancy.api import Here, ProjectRouter

from .selectors import (
    applications_for_user,
    buddy_get_for_user,
    buddy_list_for_user,
    buddy_own_get,
    buddy_training,
    pipeline_history,
    vacancy_get_for_user,
    vacancy_list_for_user,
)

router = ProjectRouter(tags=["buddies"])


class BuddyOut(PersonOut):
    languages: list[str]
    capacity: int


class BuddyDetailOut(BuddyOut):
    email: str | None
    phone: str | None
    status_changed_on: date | None


@router.read("/buddies", list[BuddyOut], policy.BUDDIES_VIEW, paged=True)
def buddy_list(here: Here, status: str | None = None, q: str | None = None):
    """Buddies of a project"""
    return buddy_list_for_user(access=here.access, project=here.project, status=status, query=q)


@router.read("/buddies/{buddy}", BuddyDetailOut, policy.BUDDIES_VIEW)
def buddy_detail(here: Here, buddy: uuid.UUID):
    """One buddy's file"""
    obj = buddy_get_for_user(
        access=here.access, project=here.project, code=buddy, viewed_by=here.user, via="api"
    )
    show_contact = here.access.has(policy.BUDDIES_VIEW_CONTACT, here.project)
    return {
        **{f: getattr(obj, f) for f in BuddyOut.model_fields},
        "email": obj.email if show_contact else None,
        "phone": obj.phone if show_contact else None,
        "status_changed_on": obj.status_changed_on,
    }


class VacancyOut(Schema):
    code: uuid.UUID
    title: str
    task_description: str
    competences: str
    minimum_requirements: str
    frequency: str
    duration: str
    orientation: str
    training_required: str
    is_published: bool
    closes_on: date | None
    applications: int


def _vacancy_out(v) -> dict:
    return {
        **{f: getattr(v, f) for f in VacancyOut.model_fields if f != "applications"},
        "applications": getattr(v, "n_applications", 0),
    }


@router.read("/vacancies", list[VacancyOut], policy.VACANCIES_MANAGE)
def vacancy_list(here: Here):
    """Buddy vacancies of a project"""
    return [
        _vacancy_out(v) for v in vacancy_list_for_user(access=here.access, project=here.project)
    ]


@router.read("/vacancies/{vacancy}", VacancyOut, policy.VACANCIES_MANAGE)
def vacancy_detail(here: Here, vacancy: uuid.UUID):
    """One vacancy"""
    return _vacancy_out(
        vacancy_get_for_user(access=here.access, project=here.project, code=vacancy)
    )


class BuddyApplicationOut(Schema):
    code: uuid.UUID
    first_name: str
    last_name: str
    status: str
    town: str
    vacancy: uuid.UUID | None
    applied_on: date | None


@router.read("/applications", list[BuddyApplicationOut], policy.BUDDIES_VIEW, paged=True)
def application_list(here: Here):
    """Candidate buddies in the pipeline (applied to mutual decision)"""
    return LazyPage(
        applications_for_user(access=here.access, project=here.project), _application_out
    )


def _application_out(b) -> dict:
    return {
        "code": b.code,
        "first_name": b.first_name,
        "last_name": b.last_name,
        "status": b.status,
        "town": b.town,
        "vacancy": b.vacancy.code if b.vacancy else None,
        "applied_on": b.applied_on,
    }


class BuddyStepOut(Schema):
    when: datetime
    from_status: str
    to_status: str
    reason: str
    note: str


@router.read("/buddies/{buddy}/history", list[BuddyStepOut], policy.BUDDIES_VIEW)
def buddy_history(here: Here, buddy: uuid.UUID):
    """A buddy's steps through the pipeline"""
    obj = buddy_get_for_user(
        access=here.access,
        project=here.project,
        code=buddy,
        viewed_by=here.user,
        part="history",
        via="api",
    )
    return [
        {
            "when": s.created_at,
            "from_status": s.from_status,
            "to_status": s.to_status,
            "reason": s.reason,
            "note": s.note,
        }
        for s in pipeline_history(buddy=obj)
    ]


class BuddyTrainingOut(Schema):
    module: str
    required: bool
    completed_on: date | None
    expires_on: date | None
    state: str


class OwnBuddyOut(BuddyDetailOut):
    availability: list[str]
    max_distance_km: int
    training: list[BuddyTrainingOut]
    information_note_signed: bool


@router.read("/me/buddy", OwnBuddyOut, policy.SELF_VIEW_BUDDY)
def buddy_me(here: Here):
    """My own buddy profile (buddies)"""
    obj = buddy_own_get(access=here.access, project=here.project, user=here.user)
    return {
        **{f: getattr(obj, f) for f in BuddyDetailOut.model_fields},
        "availability": obj.availability,
        "max_distance_km": obj.max_distance_km,
        "training": [
            {
                "module": row["module"].title,
                "required": row["module"].required_before_matching,
                "completed_on": row["record"].completed_on if row["record"] else None,
                "expires_on": row["expires_on"],
                "state": row["state"],
            }
            for row in buddy_training(buddy=obj)
        ],
        "information_note_signed": obj.notes.exists(),
    }
