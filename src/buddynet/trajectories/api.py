"""Trajectories in the API: scoped exactly like the pages. Coordinators see every
trajectory of their project; a buddy, participant or professional only their own, and
the professional only the journal entries that are shared with them."""

import uuid
from datetime import date, datetime

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import project_for_api

from . import selectors, services
from .models import JournalEntry, Trajectory
from .services import TrajectoryError

router = Router(tags=["trajectories"])

VIEW_ANY = (policy.TRAJECTORIES_VIEW, policy.TRAJECTORIES_VIEW_OWN)


class TrajectoryOut(Schema):
    code: uuid.UUID
    status: str
    buddy: str
    participant: str
    professional: str | None
    started_on: date
    closed_on: date | None
    last_contact_on: date | None

    @staticmethod
    def resolve_buddy(obj) -> str:
        return obj.buddy.full_name

    @staticmethod
    def resolve_participant(obj) -> str:
        return obj.participant.full_name

    @staticmethod
    def resolve_professional(obj) -> str | None:
        if obj.professional is None:
            return None
        return obj.professional.get_full_name() or obj.professional.email


class SignatureOut(Schema):
    party: str
    signed_name: str
    signed_at: datetime
    on_coordinator_device: bool


class AgreementOut(Schema):
    version: int | None
    document_hash: str | None
    parties: list[str]
    signatures: list[SignatureOut]
    missing: list[str]
    fully_signed_at: datetime | None


class JournalOut(Schema):
    code: uuid.UUID
    on: date
    duration_minutes: int
    kind: str
    mood: str
    note: str
    visibility: str


class JournalIn(Schema):
    on: date | None = None
    duration_minutes: int = Field(60, ge=1, le=720)
    kind: JournalEntry.Kind = JournalEntry.Kind.VISIT
    mood: str = Field("", pattern=r"^(good|okay|difficult)?$")
    note: str = Field("", max_length=1000)
    visibility: JournalEntry.Visibility = JournalEntry.Visibility.TEAM


class LevelOut(Schema):
    level: int
    on: date


class GoalOut(Schema):
    code: uuid.UUID
    title: str
    description: str
    level: int
    level_label: str
    agreed_on: date
    history: list[LevelOut]


class CreatedOut(Schema):
    code: uuid.UUID


def _trajectory(request, code, trajectory) -> tuple:
    access = get_access(request)
    project = project_for_api(request, code, *VIEW_ANY)
    obj = selectors.trajectory_get_for_user(
        access=access, user=request.user, project=project, code=trajectory
    )
    return obj, selectors.viewer(access=access, user=request.user, trajectory=obj)


@router.get(
    "/projects/{code}/trajectories",
    response=list[TrajectoryOut],
    summary="Trajectories of a project (a buddy, participant or professional: their own)",
)
@paginate(PageNumberPagination, page_size=50)
def trajectory_list(request, code: uuid.UUID, status: str | None = None):
    project = project_for_api(request, code, *VIEW_ANY)
    if status not in (None, *Trajectory.Status.values):
        raise HttpError(400, "Unknown status.")
    return selectors.trajectory_list_for_user(
        access=get_access(request), user=request.user, project=project, status=status
    )


@router.get(
    "/projects/{code}/trajectories/{trajectory}",
    response=TrajectoryOut,
    summary="One trajectory",
)
def trajectory_detail(request, code: uuid.UUID, trajectory: uuid.UUID):
    obj, _who = _trajectory(request, code, trajectory)
    obj.log_action("trajectory.viewed", user=request.user, via="api")
    return obj


@router.get(
    "/projects/{code}/trajectories/{trajectory}/agreement",
    response=AgreementOut,
    summary="The current agreement version and who signed it",
)
def agreement_status(request, code: uuid.UUID, trajectory: uuid.UUID):
    obj, _who = _trajectory(request, code, trajectory)
    obj.log_action("agreement.viewed", user=request.user, via="api")
    version = services.current_version(obj)
    signatures = list(version.signatures.all()) if version else []
    return {
        "version": version.number if version else None,
        "document_hash": version.document_hash if version else None,
        "parties": version.parties if version else [],
        "signatures": [
            {
                "party": s.party,
                "signed_name": s.signed_name,
                "signed_at": s.signed_at,
                "on_coordinator_device": s.on_device_of_id is not None,
            }
            for s in signatures
        ],
        "missing": services.missing_parties(version),
        "fully_signed_at": version.fully_signed_at if version else None,
    }


@router.get(
    "/projects/{code}/trajectories/{trajectory}/journal",
    response=list[JournalOut],
    summary="Journal entries you may read (a professional: only the shared ones)",
)
@paginate(PageNumberPagination, page_size=50)
def journal_list(request, code: uuid.UUID, trajectory: uuid.UUID):
    obj, who = _trajectory(request, code, trajectory)
    # A participant gets an empty list: the journal is the buddy's (as on the page).
    obj.log_action("journal.viewed", user=request.user, via="api")
    return selectors.journal_for(trajectory=obj, who=who, user=request.user)


@router.post(
    "/projects/{code}/trajectories/{trajectory}/journal",
    response={201: CreatedOut},
    summary="Write a contact in the journal (the buddy or a coordinator)",
)
def journal_create(request, code: uuid.UUID, trajectory: uuid.UUID, payload: JournalIn):
    project_for_api(request, code, policy.JOURNAL_WRITE)
    obj, who = _trajectory(request, code, trajectory)
    if not who.can_write_journal:
        raise HttpError(403, "Only the buddy and the coordinators write in the journal.")
    data = payload.model_dump()
    data["kind"] = str(payload.kind.value)
    data["visibility"] = str(payload.visibility.value)
    if data["on"] is None:
        del data["on"]
    if data["visibility"] == JournalEntry.Visibility.SHARED and not obj.professional_id:
        raise HttpError(400, "This trajectory has no professional to share with.")
    try:
        entry = services.journal_add(trajectory=obj, by=request.user, data=data, via="api")
    except TrajectoryError as exc:
        raise HttpError(400, str(exc)) from exc
    return 201, {"code": entry.code}


@router.get(
    "/projects/{code}/trajectories/{trajectory}/goals",
    response=list[GoalOut],
    summary="Goals towards autonomy, with every level change",
)
def goal_list(request, code: uuid.UUID, trajectory: uuid.UUID):
    obj, _who = _trajectory(request, code, trajectory)
    obj.log_action("goals.viewed", user=request.user, via="api")
    return [
        {
            "code": g.code,
            "title": g.title,
            "description": g.description,
            "level": g.level,
            "level_label": str(g.get_level_display()),
            "agreed_on": g.agreed_on,
            "history": [{"level": c.level, "on": c.on} for c in g.changes.all()],
        }
        for g in selectors.goals_for(trajectory=obj)
    ]
