"""Follow-up API: follow-ups (list, record), boundary signals (raise, list, aftercare
steps) and closure, scoped exactly like the pages. Errors answer 4xx with a reason."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import project_for_api

from . import clock, selectors, services
from .models import Closure, ExitConversation, FollowUp, Signal, SignalStep

router = Router(tags=["follow-up"])

SIGNALS_ANY = (policy.SIGNALS_RAISE, policy.SIGNALS_HANDLE)


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


class RecordIn(Schema):
    held_on: date
    report: str = Field(min_length=1, max_length=4000)
    adjust_agreement: bool = False
    kind: FollowUp.Kind | None = None


class RecordedOut(Schema):
    code: uuid.UUID
    done_at: datetime
    next_planned: list[FollowUpOut]


class SignalIn(Schema):
    kind: Signal.Kind
    severity: Signal.Severity
    description: str = Field(min_length=1, max_length=2000)


class StepOut(Schema):
    step: str
    note: str
    at: datetime
    paused_trajectory: bool


class SignalOut(Schema):
    code: uuid.UUID
    trajectory: uuid.UUID
    kind: str
    severity: str
    stage: str
    raised_as: str
    description: str
    created_at: datetime

    @staticmethod
    def resolve_trajectory(obj) -> uuid.UUID:
        return obj.trajectory.code


class SignalDetailOut(SignalOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class StepIn(Schema):
    step: SignalStep.Step
    note: str = Field(min_length=1, max_length=4000)
    pause: bool = False


class ClosureIn(Schema):
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


@router.get(
    "/projects/{code}/followups",
    response=list[FollowUpOut],
    summary="Follow-up conversations: overdue, due today or in the next 30 days",
)
def followup_list(request, code: uuid.UUID, state: str | None = None):
    project = project_for_api(request, code, policy.FOLLOWUP_MANAGE)
    if state not in (None, "overdue", "due"):
        raise HttpError(400, "state is 'overdue', 'due' or left out.")
    return [_followup_out(row) for row in selectors.followups_list(project=project, state=state)]


@router.post(
    "/projects/{code}/followups/{followup}/record",
    response={200: RecordedOut},
    summary="Record a follow-up conversation as held; the next one is planned",
)
def followup_record(request, code: uuid.UUID, followup: uuid.UUID, payload: RecordIn):
    access = get_access(request)
    project = project_for_api(request, code, policy.FOLLOWUP_MANAGE)
    item = selectors.followup_get(access=access, project=project, code=followup)
    try:
        services.followup_record(
            followup=item,
            by=request.user,
            held_on=payload.held_on,
            report=payload.report,
            adjust_agreement=payload.adjust_agreement,
            kind=str(payload.kind.value) if payload.kind else None,
            via="api",
        )
    except services.FollowupError as exc:
        raise HttpError(400, str(exc)) from exc
    schedule = selectors.schedule_of(item.trajectory)
    return {
        "code": item.code,
        "done_at": item.done_at,
        "next_planned": [_followup_out(row) for row in schedule["open"]],
    }


@router.get(
    "/projects/{code}/signals",
    response=list[SignalOut],
    summary="Boundary signals: a coordinator sees all, anyone else the ones they raised",
)
def signal_list(request, code: uuid.UUID, open: bool = False):
    project = project_for_api(request, code, *SIGNALS_ANY)
    return list(
        selectors.signals_for_user(
            access=get_access(request), user=request.user, project=project, only_open=open
        )[:200]
    )


@router.get(
    "/projects/{code}/signals/{signal}",
    response=SignalDetailOut,
    summary="One boundary signal with its aftercare history",
)
def signal_detail(request, code: uuid.UUID, signal: uuid.UUID):
    project = project_for_api(request, code, *SIGNALS_ANY)
    obj = selectors.signal_get_for_user(
        access=get_access(request), user=request.user, project=project, code=signal
    )
    obj.log_action("signal.viewed", user=request.user, via="api")
    return obj


@router.post(
    "/projects/{code}/trajectories/{trajectory}/signals",
    response={201: SignalOut},
    summary="Signal a boundary or an incident in a trajectory you are part of",
)
def signal_raise(request, code: uuid.UUID, trajectory: uuid.UUID, payload: SignalIn):
    access = get_access(request)
    project = project_for_api(request, code, policy.SIGNALS_RAISE)
    obj = selectors.trajectory_get_for_user(
        access=access, user=request.user, project=project, code=trajectory
    )
    try:
        signal = services.signal_raise(
            trajectory=obj,
            by=request.user,
            access=access,
            kind=str(payload.kind.value),
            severity=str(payload.severity.value),
            description=payload.description,
            via="api",
        )
    except services.FollowupError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, signal)


@router.post(
    "/projects/{code}/signals/{signal}/steps",
    response={201: StepOut},
    summary="Add an aftercare step (acknowledge, talk, actions, close) with a note",
)
def signal_step(request, code: uuid.UUID, signal: uuid.UUID, payload: StepIn):
    access = get_access(request)
    project = project_for_api(request, code, policy.SIGNALS_HANDLE)
    obj = selectors.signal_get_for_user(
        access=access, user=request.user, project=project, code=signal
    )
    try:
        step = services.signal_step(
            signal=obj,
            by=request.user,
            step=str(payload.step.value),
            note=payload.note,
            pause=payload.pause,
            via="api",
        )
    except services.FollowupError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, step)


@router.get(
    "/projects/{code}/trajectories/{trajectory}/closure",
    response=ClosureOut,
    summary="How a trajectory is being closed (coordinators)",
)
def closure_detail(request, code: uuid.UUID, trajectory: uuid.UUID):
    access = get_access(request)
    project = project_for_api(request, code, policy.FOLLOWUP_MANAGE)
    obj = selectors.trajectory_get_for_user(
        access=access, user=request.user, project=project, code=trajectory
    )
    closure = selectors.closure_of(obj)
    if closure is None:
        raise HttpError(404, "This trajectory is not being closed.")
    closure.log_action("closure.viewed", user=request.user, via="api")
    return _closure_out(closure)


@router.post(
    "/projects/{code}/trajectories/{trajectory}/closure",
    response={201: ClosureOut},
    summary="Start closing a trajectory (planned or unplanned, with a reason)",
)
def closure_start(request, code: uuid.UUID, trajectory: uuid.UUID, payload: ClosureIn):
    access = get_access(request)
    project = project_for_api(request, code, policy.FOLLOWUP_MANAGE)
    obj = selectors.trajectory_get_for_user(
        access=access, user=request.user, project=project, code=trajectory
    )
    try:
        closure = services.closure_start(
            trajectory=obj,
            by=request.user,
            planned=payload.planned,
            reason=str(payload.reason.value),
            reason_note=payload.reason_note,
            went_badly=payload.went_badly,
            via="api",
        )
    except services.FollowupError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, _closure_out(closure))


class ExitIn(Schema):
    party: ExitConversation.Party
    held_on: date
    rating: int = Field(ge=1, le=4)
    what_helped: str = Field("", max_length=3000)
    what_was_hard: str = Field("", max_length=3000)
    for_the_project: str = Field("", max_length=3000)


class ExitOut(Schema):
    party: str
    held_on: date


class CompleteIn(Schema):
    continues: Closure.Continues
    continues_note: str = Field("", max_length=300)
    contact_policy: Closure.ContactPolicy
    aftercare_on: list[date] = Field(default_factory=list, max_length=4)


def _closure_for(request, code, trajectory) -> Closure:
    access = get_access(request)
    project = project_for_api(request, code, policy.FOLLOWUP_MANAGE)
    obj = selectors.trajectory_get_for_user(
        access=access, user=request.user, project=project, code=trajectory
    )
    closure = selectors.closure_of(obj)
    if closure is None:
        raise HttpError(404, "This trajectory is not being closed.")
    return closure


@router.post(
    "/projects/{code}/trajectories/{trajectory}/closure/exits",
    response={201: ExitOut},
    summary="Record a confidential exit conversation with one party (coordinators)",
)
def closure_exit(request, code: uuid.UUID, trajectory: uuid.UUID, payload: ExitIn):
    closure = _closure_for(request, code, trajectory)
    data = payload.model_dump(exclude={"party"})
    try:
        conversation = services.exit_record(
            closure=closure, party=str(payload.party.value), by=request.user, data=data
        )
    except services.FollowupError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, {"party": conversation.party, "held_on": conversation.held_on})


@router.post(
    "/projects/{code}/trajectories/{trajectory}/closure/complete",
    response=ClosureOut,
    summary="Close the trajectory: what continues, contact afterwards, aftercare contacts",
)
def closure_complete(request, code: uuid.UUID, trajectory: uuid.UUID, payload: CompleteIn):
    closure = _closure_for(request, code, trajectory)
    try:
        services.closure_complete(
            closure=closure,
            by=request.user,
            continues=str(payload.continues.value),
            continues_note=payload.continues_note,
            contact_policy=str(payload.contact_policy.value),
            aftercare_on=payload.aftercare_on,
            via="api",
        )
    except services.FollowupError as exc:
        raise HttpError(400, str(exc)) from exc
    closure.trajectory.refresh_from_db()
    return _closure_out(closure)
