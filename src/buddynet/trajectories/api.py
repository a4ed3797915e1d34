"""Trajectories in the API: scoped exactly like the pages. Coordinators see every
trajectory of their project; a buddy, participant or professional only their own, and
the professional only the journal entries that are shared with them. A buddy reads the
participant's first name, as on the pages. Broken rules answer through the API's one
exception handler (no ``try`` here)."""

import uuid
from datetime import date, datetime

from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from buddynet.core.api import LazyPage
from buddynet.tenancy import policy
from buddynet.tenancy.api import Here, ProjectRouter

from . import selectors, services
from .models import JournalEntry, Trajectory

router = ProjectRouter(tags=["trajectories"])

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


class TrajectorySignatureOut(Schema):
    party: str
    signed_name: str
    signed_at: datetime
    on_coordinator_device: bool


class TrajectoryAgreementOut(Schema):
    version: int | None
    document_hash: str | None
    parties: list[str]
    signatures: list[TrajectorySignatureOut]
    missing: list[str]
    fully_signed_at: datetime | None


class JournalEntryOut(Schema):
    code: uuid.UUID
    on: date
    duration_minutes: int
    kind: str
    mood: str
    note: str
    visibility: str


class JournalEntryIn(Schema):
    # ``on`` is bounded by the service, as for the form: not in the future, not before
    # the trajectory started, not more than two years ago.
    on: date | None = None
    duration_minutes: int = Field(60, ge=1, le=720)
    kind: JournalEntry.Kind = JournalEntry.Kind.VISIT
    mood: str = Field("", pattern=r"^(good|okay|difficult)?$")
    note: str = Field("", max_length=1000)
    visibility: JournalEntry.Visibility = JournalEntry.Visibility.TEAM


class GoalLevelOut(Schema):
    level: int
    on: date


class GoalOut(Schema):
    code: uuid.UUID
    title: str
    description: str
    level: int
    level_label: str
    agreed_on: date
    history: list[GoalLevelOut]


class JournalEntryCreatedOut(Schema):
    code: uuid.UUID


def _trajectory_out(trajectory: Trajectory, *, user, coordinator: bool) -> dict:
    professional = trajectory.professional
    return {
        "code": trajectory.code,
        "status": trajectory.status,
        "buddy": trajectory.buddy.full_name,
        "participant": selectors.participant_name_for(
            trajectory=trajectory, user=user, coordinator=coordinator
        ),
        "professional": (professional.get_full_name() or professional.email)
        if professional is not None
        else None,
        "started_on": trajectory.started_on,
        "closed_on": trajectory.closed_on,
        "last_contact_on": trajectory.last_contact_on,
    }


def _trajectory(here: Here, trajectory: uuid.UUID, *, via: str | None = None) -> tuple:
    """The trajectory as the caller may see it (404 otherwise), and who they are in it."""
    obj = selectors.trajectory_get_for_user(
        access=here.access, user=here.user, project=here.project, code=trajectory, via=via
    )
    return obj, selectors.viewer(access=here.access, user=here.user, trajectory=obj)


@router.read("/trajectories", list[TrajectoryOut], *VIEW_ANY, paged=True)
def trajectory_list(here: Here, status: str | None = None):
    """Trajectories of a project (a buddy, participant or professional: their own)"""
    if status not in (None, *Trajectory.Status.values):
        raise HttpError(400, "Unknown status.")
    coordinator = here.access.has(policy.TRAJECTORIES_VIEW, here.project)
    qs = selectors.trajectory_list_for_user(
        access=here.access, user=here.user, project=here.project, status=status
    )
    return LazyPage(qs, lambda t: _trajectory_out(t, user=here.user, coordinator=coordinator))


@router.read("/trajectories/{trajectory}", TrajectoryOut, *VIEW_ANY)
def trajectory_detail(here: Here, trajectory: uuid.UUID):
    """One trajectory"""
    obj, who = _trajectory(here, trajectory, via="api")
    return _trajectory_out(obj, user=here.user, coordinator=who.coordinator)


@router.read("/trajectories/{trajectory}/agreement", TrajectoryAgreementOut, *VIEW_ANY)
def agreement_status(here: Here, trajectory: uuid.UUID):
    """The current agreement version and who signed it"""
    obj, _who = _trajectory(here, trajectory)
    versions = selectors.agreement_versions(trajectory=obj, user=here.user, via="api")
    version = versions[0] if versions else None
    signatures = list(version.signatures.all()) if version else []
    return {
        "version": version.number if version else None,
        "document_hash": version.document_hash if version else None,
        "parties": version.parties if version else [],
        "signatures": [
            {
                "party": s.party,
                "signed_name": selectors.signed_name_for(s),
                "signed_at": s.signed_at,
                "on_coordinator_device": s.on_device_of_id is not None,
            }
            for s in signatures
        ],
        "missing": services.missing_parties(version),
        "fully_signed_at": version.fully_signed_at if version else None,
    }


@router.read("/trajectories/{trajectory}/journal", list[JournalEntryOut], *VIEW_ANY, paged=True)
def journal_list(here: Here, trajectory: uuid.UUID):
    """Journal entries you may read (a professional: only the shared ones)"""
    obj, who = _trajectory(here, trajectory)
    # A participant gets an empty list: the journal is the buddy's (as on the page).
    return selectors.journal_for(trajectory=obj, who=who, user=here.user, via="api")


@router.write(
    "/trajectories/{trajectory}/journal", {201: JournalEntryCreatedOut}, policy.JOURNAL_WRITE
)
def journal_create(here: Here, trajectory: uuid.UUID, payload: JournalEntryIn):
    """Write a contact in the journal (the buddy or a coordinator)"""
    obj, who = _trajectory(here, trajectory)
    if not who.can_write_journal:
        raise HttpError(403, "Only the buddy and the coordinators write in the journal.")
    data = payload.model_dump()
    data["kind"] = str(payload.kind.value)
    data["visibility"] = str(payload.visibility.value)
    if data["on"] is None:
        del data["on"]
    entry = services.journal_add(trajectory=obj, by=here.user, data=data, via="api")
    return Status(201, {"code": entry.code})


@router.read("/trajectories/{trajectory}/goals", list[GoalOut], *VIEW_ANY)
def goal_list(here: Here, trajectory: uuid.UUID):
    """Goals towards autonomy, with every level change"""
    obj, _who = _trajectory(here, trajectory)
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
        for g in selectors.goals_for(trajectory=obj, user=here.user, via="api")
    ]
