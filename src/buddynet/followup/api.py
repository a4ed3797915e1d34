"""Follow-up API: follow-ups (list, record), boundary signals (raise, list, aftercare
steps) and closure, scoped exactly like the pages.

Every endpoint acts in its project (``ProjectRouter``: ``here``) and calls one selector
or service; broken rules answer 4xx JSON through the API's one exception
handler (no ``try`` here). Schema names carry the area (``FollowUp…``, ``Signal…``,
``BoundarySignal…``, ``Closure…``) so they are unique in the OpenAPI schema.
"""

import uuid
from datetime import date, datetime

from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from buddynet.core.api import LazyPage
from buddynet.tenancy import policy
from buddynet.tenancy.api import Here, ProjectRouter

from . import clock, selectors, services
from .models import Closure, ExitConversation, FollowUp, Signal, SignalStep

router = ProjectRouter(tags=["follow-up"])

SIGNALS_ANY = (policy.SIGNALS_RAISE, policy.SIGNALS_HANDLE)


def _trajectory(here: Here, code: uuid.UUID):
    """A trajectory of the project, as the caller may see it (404 otherwise)."""
    return selectors.trajectory_get_for_user(
        access=here.access, user=here.user, project=here.project, code=code
    )


# --- Follow-ups -----------------------------------------------------------------------


class FollowUpOut(Schema):
    code: uuid.UUID
    trajectory: uuid.UUID
    kind: str
    with_whom: str
    due_at: datetime
    due_on: date
    state: str
    days_overdue: int


def _followup_out(row) -> dict:
    item = row.item
    return {
        "code": item.code,
        "trajectory": item.trajectory.code,
        "kind": item.kind,
        "with_whom": item.with_whom,
        "due_at": item.due_at,
        "due_on": clock.local_date(item.due_at),
        "state": row.state,
        "days_overdue": row.days_overdue,
    }


class FollowUpRecordIn(Schema):
    held_on: date
    report: str = Field(min_length=1, max_length=4000)
    adjust_agreement: bool = False
    kind: FollowUp.Kind | None = None


class FollowUpRecordedOut(Schema):
    code: uuid.UUID
    done_at: datetime
    next_planned: list[FollowUpOut]


@router.read("/followups", list[FollowUpOut], policy.FOLLOWUP_MANAGE, paged=True)
def followup_list(here: Here, state: str | None = None):
    """Follow-up conversations: overdue, due today or in the next 30 days"""
    if state not in (None, "overdue", "due"):
        raise HttpError(400, "state is 'overdue', 'due' or left out.")
    today = clock.today()
    return LazyPage(
        selectors.followups_query(project=here.project, today=today, state=state),
        lambda item: _followup_out(selectors.followup_row(item, today)),
    )


@router.write("/followups/{followup}/record", {200: FollowUpRecordedOut}, policy.FOLLOWUP_MANAGE)
def followup_record(here: Here, followup: uuid.UUID, payload: FollowUpRecordIn):
    """Record a follow-up conversation as held; the next one is planned"""
    item = selectors.followup_get(access=here.access, project=here.project, code=followup)
    services.followup_record(
        followup=item,
        by=here.user,
        held_on=payload.held_on,
        report=payload.report,
        adjust_agreement=payload.adjust_agreement,
        kind=str(payload.kind.value) if payload.kind else None,
        via="api",
    )
    schedule = selectors.schedule_of(item.trajectory)
    return {
        "code": item.code,
        "done_at": item.done_at,
        "next_planned": [_followup_out(row) for row in schedule["open"]],
    }


# --- Boundary signals -----------------------------------------------------------------


class BoundarySignalIn(Schema):
    kind: Signal.Kind
    severity: Signal.Severity
    description: str = Field(min_length=1, max_length=2000)


class SignalStepOut(Schema):
    step: str
    note: str
    at: datetime
    paused_trajectory: bool


class BoundarySignalOut(Schema):
    """A signal as its viewer may see it. ``limited``: the professional who raised it
    no longer follows the participant (consent to share withdrawn), so only what they
    wrote themselves: no trajectory, no stage, no aftercare."""

    code: uuid.UUID
    trajectory: uuid.UUID | None
    kind: str
    severity: str
    stage: str | None
    raised_as: str
    description: str
    created_at: datetime
    limited: bool

    @staticmethod
    def resolve_trajectory(obj) -> uuid.UUID | None:
        return None if getattr(obj, "limited", False) else obj.trajectory.code

    @staticmethod
    def resolve_stage(obj) -> str | None:
        return None if getattr(obj, "limited", False) else obj.stage

    @staticmethod
    def resolve_limited(obj) -> bool:
        return bool(getattr(obj, "limited", False))


class BoundarySignalDetailOut(BoundarySignalOut):
    steps: list[SignalStepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return selectors.signal_steps(obj)


class SignalStepIn(Schema):
    step: SignalStep.Step
    note: str = Field(min_length=1, max_length=4000)
    pause: bool = False


@router.read("/signals", list[BoundarySignalOut], *SIGNALS_ANY, paged=True)
def signal_list(here: Here, open: bool = False):
    """Boundary signals: a coordinator sees all, anyone else the ones they raised"""
    return selectors.signals_for_user(
        access=here.access, user=here.user, project=here.project, only_open=open
    )


@router.read("/signals/{signal}", BoundarySignalDetailOut, *SIGNALS_ANY)
def signal_detail(here: Here, signal: uuid.UUID):
    """One boundary signal with its aftercare history"""
    return selectors.signal_get_for_user(
        access=here.access,
        user=here.user,
        project=here.project,
        code=signal,
        viewed_by=here.user,
        via="api",
    )


@router.write("/trajectories/{trajectory}/signals", {201: BoundarySignalOut}, policy.SIGNALS_RAISE)
def signal_raise(here: Here, trajectory: uuid.UUID, payload: BoundarySignalIn):
    """Signal a boundary or an incident in a trajectory you are part of (the same signal
    sent twice gives the first one)"""
    signal = services.signal_raise(
        trajectory=_trajectory(here, trajectory),
        by=here.user,
        access=here.access,
        kind=str(payload.kind.value),
        severity=str(payload.severity.value),
        description=payload.description,
        via="api",
    )
    return Status(201, signal)


@router.write("/signals/{signal}/steps", {201: SignalStepOut}, policy.SIGNALS_HANDLE)
def signal_step(here: Here, signal: uuid.UUID, payload: SignalStepIn):
    """Add an aftercare step (acknowledge, talk, actions, close) with a note"""
    obj = selectors.signal_get_for_user(
        access=here.access, user=here.user, project=here.project, code=signal
    )
    step = services.signal_step(
        signal=obj,
        by=here.user,
        step=str(payload.step.value),
        note=payload.note,
        pause=payload.pause,
        via="api",
    )
    return Status(201, step)


# --- Closure --------------------------------------------------------------------------


class ClosureStartIn(Schema):
    planned: bool
    reason: Closure.Reason
    reason_note: str = Field("", max_length=2000)
    went_badly: bool = False


class ClosureOut(Schema):
    trajectory: uuid.UUID
    status: str
    planned: bool
    reason: str
    went_badly: bool
    continues: str
    contact_policy: str
    buddy_wish: str
    exits_held: list[str]
    completed_at: datetime | None


def _closure_out(closure: Closure) -> dict:
    return {
        "trajectory": closure.trajectory.code,
        "status": closure.trajectory.status,
        "planned": closure.planned,
        "reason": closure.reason,
        "went_badly": closure.went_badly,
        "continues": closure.continues,
        "contact_policy": closure.contact_policy,
        "buddy_wish": closure.buddy_wish,
        # Which parties had an exit conversation; the answers stay in the web page.
        "exits_held": sorted(e.party for e in closure.exits.all()),
        "completed_at": closure.completed_at,
    }


class ClosureExitIn(Schema):
    party: ExitConversation.Party
    held_on: date
    rating: int = Field(ge=1, le=4)
    what_helped: str = Field("", max_length=3000)
    what_was_hard: str = Field("", max_length=3000)
    for_the_project: str = Field("", max_length=3000)


class ClosureExitOut(Schema):
    party: str
    held_on: date


class ClosureCompleteIn(Schema):
    continues: Closure.Continues
    continues_note: str = Field("", max_length=300)
    contact_policy: Closure.ContactPolicy
    aftercare_on: list[date] = Field(default_factory=list, max_length=4)


def _closure(here: Here, trajectory: uuid.UUID, *, viewed: bool = False) -> Closure:
    obj = _trajectory(here, trajectory)
    closure = selectors.closure_of(obj, viewed_by=here.user if viewed else None, via="api")
    if closure is None:
        raise HttpError(404, "This trajectory is not being closed.")
    return closure


@router.read("/trajectories/{trajectory}/closure", ClosureOut, policy.FOLLOWUP_MANAGE)
def closure_detail(here: Here, trajectory: uuid.UUID):
    """How a trajectory is being closed (coordinators)"""
    return _closure_out(_closure(here, trajectory, viewed=True))


@router.write("/trajectories/{trajectory}/closure", {201: ClosureOut}, policy.FOLLOWUP_MANAGE)
def closure_start(here: Here, trajectory: uuid.UUID, payload: ClosureStartIn):
    """Start closing a trajectory (planned or unplanned, with a reason); 409 when it is
    already being closed"""
    closure = services.closure_start(
        trajectory=_trajectory(here, trajectory),
        by=here.user,
        planned=payload.planned,
        reason=str(payload.reason.value),
        reason_note=payload.reason_note,
        went_badly=payload.went_badly,
        via="api",
    )
    return Status(201, _closure_out(closure))


@router.write(
    "/trajectories/{trajectory}/closure/exits", {201: ClosureExitOut}, policy.FOLLOWUP_MANAGE
)
def closure_exit(here: Here, trajectory: uuid.UUID, payload: ClosureExitIn):
    """Record a confidential exit conversation with one party (coordinators)"""
    conversation = services.exit_record(
        closure=_closure(here, trajectory),
        party=str(payload.party.value),
        by=here.user,
        data=payload.model_dump(exclude={"party"}),
    )
    return Status(201, {"party": conversation.party, "held_on": conversation.held_on})


@router.write("/trajectories/{trajectory}/closure/complete", ClosureOut, policy.FOLLOWUP_MANAGE)
def closure_complete(here: Here, trajectory: uuid.UUID, payload: ClosureCompleteIn):
    """Close the trajectory: what continues, contact afterwards, aftercare contacts; 409
    when it is already closed"""
    closure = services.closure_complete(
        closure=_closure(here, trajectory),
        by=here.user,
        continues=str(payload.continues.value),
        continues_note=payload.continues_note,
        contact_policy=str(payload.contact_policy.value),
        aftercare_on=payload.aftercare_on,
        via="api",
    )
    return _closure_out(closure)
