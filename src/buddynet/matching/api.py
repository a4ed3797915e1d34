"""The matching API: rankings with reasons, proposals (list, create, approve, reject), global
proposal runs and their progress, introductions (plan, answer), and raised hands on the
anonymised help requests. Scoped exactly like the pages: the same permissions and
selectors; a broken rule answers 400 with the reason."""

import uuid
from datetime import datetime

from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import project_for_api
from buddynet.volunteers.selectors import buddy_get_for_user

from . import selectors, services
from .models import Feeling, Introduction, Proposal, ProposalRun, Side
from .reasons import reasons
from .services import MatchingError

router = Router(tags=["matching"])


class ReasonOut(Schema):
    criterion: str
    label: str
    text: str
    points: float
    weight: float
    value: float


class SignalOut(Schema):
    wish: str
    met: bool


class CandidateOut(Schema):
    code: uuid.UUID
    name: str
    town: str
    score: float
    distance_km: float
    reasons: list[ReasonOut]
    failure: str
    hand_raised: bool
    already_proposed: bool
    wishes: list[SignalOut]


class RankingOut(Schema):
    feasible_count: int
    pool_size: int
    notice: str
    candidates: list[CandidateOut]
    near_misses: list[CandidateOut]


def _reasons_out(items) -> list[dict]:
    return [
        {
            "criterion": r.name,
            "label": r.label,
            "text": r.text,
            "points": round(r.points, 3),
            "weight": round(r.weight, 3),
            "value": round(r.value, 4),
        }
        for r in items
    ]


def _ranking_out(ranking: selectors.Ranking) -> dict:
    def row(r: selectors.RankRow) -> dict:
        return {
            "code": r.person.code,
            "name": r.person.full_name,
            "town": r.person.town,
            "score": round(r.score, 3),
            "distance_km": round(r.distance_km, 2),
            "reasons": _reasons_out(r.reasons),
            "failure": r.failure,
            "hand_raised": r.hand is not None,
            "already_proposed": r.pending is not None,
            "wishes": [{"wish": w, "met": m} for w, m in r.signals],
        }

    return {
        "feasible_count": ranking.feasible_count,
        "pool_size": ranking.pool_size,
        "notice": ranking.notice,
        "candidates": [row(r) for r in ranking.rows],
        "near_misses": [row(r) for r in ranking.near],
    }


def _error(exc: MatchingError):
    return HttpError(400, str(exc))


@router.get(
    "/projects/{code}/matching/participants/{participant}/buddies",
    response=RankingOut,
    summary="The best buddies for a waiting participant, with reasons and near misses",
)
def rank_buddies(request, code: uuid.UUID, participant: uuid.UUID):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    access = get_access(request)
    obj = participant_get_for_user(
        access=access, user=request.user, project=project, code=participant
    )
    obj.log_action("participant.viewed", user=request.user, via="api", data={"part": "ranking"})
    return _ranking_out(
        selectors.ranking_for_participant(access=access, project=project, participant=obj)
    )


@router.get(
    "/projects/{code}/matching/buddies/{buddy}/participants",
    response=RankingOut,
    summary="The best waiting participants for a buddy, with reasons and near misses",
)
def rank_participants(request, code: uuid.UUID, buddy: uuid.UUID):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    access = get_access(request)
    obj = buddy_get_for_user(access=access, project=project, code=buddy)
    obj.log_action("buddy.viewed", user=request.user, via="api", data={"part": "ranking"})
    return _ranking_out(selectors.ranking_for_buddy(access=access, project=project, buddy=obj))


# --- Proposals ----------------------------------------------------------------------------


class ProposalOut(Schema):
    code: uuid.UUID
    buddy: uuid.UUID
    buddy_name: str
    participant: uuid.UUID
    participant_name: str
    score: float
    status: str
    source: str
    run: uuid.UUID | None
    feeling: str
    feeling_note: str
    reject_reason: str
    reasons: list[ReasonOut]
    created_at: datetime
    decided_at: datetime | None


def _proposal_out(x: Proposal, *, sensitive: bool) -> dict:
    return {
        "code": x.code,
        "buddy": x.buddy.code,
        "buddy_name": x.buddy.full_name,
        "participant": x.participant.code,
        "participant_name": x.participant.full_name,
        "score": round(x.score, 3),
        "status": x.status,
        "source": x.source,
        "run": x.run.code if x.run_id else None,
        "feeling": x.feeling,
        "feeling_note": x.feeling_note,
        "reject_reason": x.reject_reason,
        "reasons": _reasons_out(reasons(x.breakdown, show_sensitive=sensitive)),
        "created_at": x.created_at,
        "decided_at": x.decided_at,
    }


class ProposalIn(Schema):
    buddy: uuid.UUID
    participant: uuid.UUID
    feeling: Feeling | None = None
    feeling_note: str = Field("", max_length=2000)


class RejectIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    exclude: bool = False


@router.get(
    "/projects/{code}/matching/proposals",
    response=list[ProposalOut],
    summary="Proposals of a project (pending by default), the best first",
)
@paginate(PageNumberPagination, page_size=50)
def proposal_list(request, code: uuid.UUID, status: str = "pending"):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    access = get_access(request)
    if status not in Proposal.Status.values:
        raise HttpError(400, "Unknown status.")
    sensitive = selectors.show_sensitive(access, project)
    qs = selectors.proposals_for_project(access=access, project=project, status=status)
    # The paginator slices the list of rows; rows are built lazily per page below.
    return _LazyRows(qs, lambda x: _proposal_out(x, sensitive=sensitive))


class _LazyRows:
    """A sliceable view of a queryset that builds output rows only for the slice"""

    def __init__(self, qs, build):
        self.qs, self.build = qs, build

    def __len__(self):
        return self.qs.count()

    def count(self):
        return self.qs.count()

    def __getitem__(self, item):
        if isinstance(item, slice):
            return [self.build(x) for x in self.qs[item]]
        return self.build(self.qs[item])


@router.post(
    "/projects/{code}/matching/proposals",
    response={201: ProposalOut},
    summary="Propose a pair (from a ranking), with your feeling",
)
def proposal_create(request, code: uuid.UUID, payload: ProposalIn):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    access = get_access(request)
    participant = participant_get_for_user(
        access=access, user=request.user, project=project, code=payload.participant
    )
    buddy = buddy_get_for_user(access=access, project=project, code=payload.buddy)
    try:
        proposal = services.proposal_create(
            participant=participant,
            buddy=buddy,
            by=request.user,
            feeling=payload.feeling.value if payload.feeling else "",
            feeling_note=payload.feeling_note,
        )
    except MatchingError as exc:
        raise _error(exc) from exc
    return 201, _proposal_out(proposal, sensitive=selectors.show_sensitive(access, project))


@router.post(
    "/projects/{code}/matching/proposals/{proposal}/approve",
    response=ProposalOut,
    summary="Approve a pending pair (the hard rules are checked again)",
)
def proposal_approve(request, code: uuid.UUID, proposal: uuid.UUID):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    access = get_access(request)
    obj = selectors.proposal_get(access=access, project=project, code=proposal)
    try:
        obj = services.proposal_approve(proposal=obj, by=request.user)
    except MatchingError as exc:
        raise _error(exc) from exc
    return _proposal_out(obj, sensitive=selectors.show_sensitive(access, project))


@router.post(
    "/projects/{code}/matching/proposals/{proposal}/reject",
    response=ProposalOut,
    summary="Reject a pending pair with a reason (optionally: never propose it again)",
)
def proposal_reject(request, code: uuid.UUID, proposal: uuid.UUID, payload: RejectIn):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    access = get_access(request)
    obj = selectors.proposal_get(access=access, project=project, code=proposal)
    try:
        obj = services.proposal_reject(
            proposal=obj, by=request.user, reason=payload.reason, exclude=payload.exclude
        )
    except MatchingError as exc:
        raise _error(exc) from exc
    obj = selectors.proposal_get(access=access, project=project, code=proposal)
    return _proposal_out(obj, sensitive=selectors.show_sensitive(access, project))


# --- Runs ---------------------------------------------------------------------------------


class RunIn(Schema):
    scope: ProposalRun.Scope = ProposalRun.Scope.PROJECT


class RunOut(Schema):
    code: uuid.UUID
    scope: str
    status: str
    phase: str
    progress: int
    participants_count: int
    buddies_count: int
    feasible_pairs: int
    pairs_count: int
    unmatched_count: int
    total_score: float
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def _run_out(run: ProposalRun) -> dict:
    return {f: getattr(run, f) for f in RunOut.model_fields}


@router.post(
    "/projects/{code}/matching/runs",
    response={201: RunOut},
    summary="Start a global proposal (computed in the queue; poll its progress)",
)
def run_start(request, code: uuid.UUID, payload: RunIn):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    try:
        run = services.run_start(project=project, scope=str(payload.scope.value), by=request.user)
    except MatchingError as exc:
        raise _error(exc) from exc
    run.refresh_from_db()
    return 201, _run_out(run)


@router.get(
    "/projects/{code}/matching/runs/{run}",
    response=RunOut,
    summary="A global proposal's progress and figures (its pairs: the proposals list)",
)
def run_detail(request, code: uuid.UUID, run: uuid.UUID):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    return _run_out(selectors.run_get(access=get_access(request), project=project, code=run))


# --- Introductions --------------------------------------------------------------------------


class AnswerOut(Schema):
    side: str
    yes: bool
    reason: str
    recorded_by_coordinator: bool


class IntroductionOut(Schema):
    code: uuid.UUID
    proposal: uuid.UUID
    buddy: uuid.UUID
    participant: uuid.UUID
    meets_at: datetime
    place: str
    staff_present: str
    notes: str
    status: str
    answers: list[AnswerOut]
    trajectory: uuid.UUID | None


def _introduction_out(intro: Introduction) -> dict:
    return {
        "code": intro.code,
        "proposal": intro.proposal.code,
        "buddy": intro.buddy.code,
        "participant": intro.participant.code,
        "meets_at": intro.meets_at,
        "place": intro.place,
        "staff_present": intro.staff_present,
        "notes": intro.notes,
        "status": intro.status,
        "answers": [
            {
                "side": a.side,
                "yes": a.yes,
                "reason": a.reason,
                "recorded_by_coordinator": a.recorded_by_coordinator,
            }
            for a in intro.answers.all()
        ],
        "trajectory": intro.trajectory.code if intro.trajectory_id else None,
    }


class IntroductionIn(Schema):
    proposal: uuid.UUID
    meets_at: datetime
    place: str = Field(min_length=1, max_length=200)
    staff_present: str = Field(min_length=1, max_length=300)
    notes: str = Field("", max_length=5000)


class AnswerIn(Schema):
    yes: bool
    reason: str = Field("", max_length=2000)
    side: Side | None = None  # coordinators: whose answer they record (default participant)


class OwnAnswerOut(Schema):
    code: uuid.UUID
    side: str
    your_answer: bool
    status: str


@router.get(
    "/projects/{code}/matching/introductions",
    response=list[IntroductionOut],
    summary="Introductions of a project, with both answers (coordinators only)",
)
@paginate(PageNumberPagination, page_size=50)
def introduction_list(request, code: uuid.UUID, open_only: bool = False):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    qs = (
        selectors.introductions_for_project(
            access=get_access(request), project=project, open_only=open_only
        )
        .select_related("proposal")
        .prefetch_related("answers")
    )
    return _LazyRows(qs, _introduction_out)


@router.post(
    "/projects/{code}/matching/introductions",
    response={201: IntroductionOut},
    summary="Plan the introductory meeting of an approved pair",
)
def introduction_create(request, code: uuid.UUID, payload: IntroductionIn):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    access = get_access(request)
    proposal = selectors.proposal_get(access=access, project=project, code=payload.proposal)
    try:
        intro = services.introduction_plan(
            proposal=proposal,
            meets_at=payload.meets_at,
            place=payload.place,
            staff_present=payload.staff_present,
            notes=payload.notes,
            by=request.user,
        )
    except MatchingError as exc:
        raise _error(exc) from exc
    return 201, _introduction_out(intro)


@router.post(
    "/projects/{code}/matching/introductions/{introduction}/answers",
    response={201: OwnAnswerOut},
    summary="Answer after the introduction: your own (buddy, participant), or, for "
    "coordinators, the participant's answer given to you",
)
def introduction_answer(request, code: uuid.UUID, introduction: uuid.UUID, payload: AnswerIn):
    project = project_for_api(request, code, policy.MATCHING_MANAGE, policy.MATCHING_ANSWER)
    access = get_access(request)
    if access.has(policy.MATCHING_MANAGE, project):
        intro = selectors.introduction_get(access=access, project=project, code=introduction)
        side = str(payload.side.value) if payload.side else Side.PARTICIPANT
        if side == Side.BUDDY and intro.buddy.user_id is not None:
            raise HttpError(400, "The buddy answers on their own page.")
        recorded = True
    else:
        intro, side = selectors.own_introduction_get(
            access=access, project=project, user=request.user, code=introduction
        )
        recorded = False
    try:
        intro = services.introduction_answer(
            introduction=intro,
            side=side,
            yes=payload.yes,
            reason=payload.reason,
            by=request.user,
            recorded_by_coordinator=recorded,
        )
    except MatchingError as exc:
        raise _error(exc) from exc
    return 201, {
        "code": intro.code,
        "side": side,
        "your_answer": payload.yes,
        "status": intro.status,
    }


# --- Raised hands and anonymised requests ----------------------------------------------------


class HandOut(Schema):
    code: uuid.UUID
    buddy: uuid.UUID
    buddy_name: str
    participant: uuid.UUID
    participant_name: str
    note: str
    created_at: datetime


@router.get(
    "/projects/{code}/matching/hands",
    response=list[HandOut],
    summary="Open raised hands of a project (coordinators)",
)
@paginate(PageNumberPagination, page_size=50)
def hand_list(request, code: uuid.UUID):
    project = project_for_api(request, code, policy.MATCHING_MANAGE)
    qs = selectors.hands_for_project(access=get_access(request), project=project)
    return _LazyRows(
        qs,
        lambda h: {
            "code": h.code,
            "buddy": h.buddy.code,
            "buddy_name": h.buddy.full_name,
            "participant": h.participant.code,
            "participant_name": h.participant.full_name,
            "note": h.note,
            "created_at": h.created_at,
        },
    )


class RequestOut(Schema):
    """An anonymised help request: never a name, address, contact detail or birth date"""

    code: uuid.UUID
    town: str
    region: str
    distance: str
    age_group: str
    family: bool
    topics: list[str]
    languages: list[str]
    slots: list[str]
    shared_interests: list[str]
    summary: str
    waiting_months: int
    hand: uuid.UUID | None


def _request_out(item: selectors.AnonymousRequest) -> dict:
    data = {f: getattr(item, f) for f in RequestOut.model_fields if f != "hand"}
    data["hand"] = item.hand.code if item.hand else None
    return data


class HandIn(Schema):
    note: str = Field("", max_length=500)


@router.get(
    "/projects/{code}/matching/requests",
    response=list[RequestOut],
    summary="Anonymised help requests of your project (ready buddies)",
)
def request_list(request, code: uuid.UUID):
    project = project_for_api(request, code, policy.MATCHING_RAISE_HAND)
    access = get_access(request)
    buddy = selectors.buddy_own(access=access, project=project, user=request.user)
    if buddy.status not in services.adapters.READY_STATUSES:
        return []
    return [
        _request_out(item)
        for item in selectors.anonymised_requests(
            access=access, project=project, buddy=buddy, language=get_language() or "nl"
        )
    ]


@router.get(
    "/projects/{code}/matching/requests/{request_code}",
    response=RequestOut,
    summary="One anonymised help request",
)
def request_detail(request, code: uuid.UUID, request_code: uuid.UUID):
    project = project_for_api(request, code, policy.MATCHING_RAISE_HAND)
    access = get_access(request)
    buddy = selectors.buddy_own(access=access, project=project, user=request.user)
    item, _profile = selectors.anonymised_request_get(
        access=access,
        project=project,
        buddy=buddy,
        code=request_code,
        language=get_language() or "nl",
    )
    return _request_out(item)


@router.post(
    "/projects/{code}/matching/requests/{request_code}/hand",
    response={201: RequestOut},
    summary="Raise your hand on an anonymised help request (ready buddies)",
)
def hand_raise(request, code: uuid.UUID, request_code: uuid.UUID, payload: HandIn):
    project = project_for_api(request, code, policy.MATCHING_RAISE_HAND)
    access = get_access(request)
    buddy = selectors.buddy_own(access=access, project=project, user=request.user)
    _item, profile = selectors.anonymised_request_get(
        access=access, project=project, buddy=buddy, code=request_code
    )
    try:
        services.hand_raise(
            buddy=buddy, participant=profile.participant, by=request.user, note=payload.note
        )
    except MatchingError as exc:
        raise _error(exc) from exc
    item, _profile = selectors.anonymised_request_get(
        access=access,
        project=project,
        buddy=buddy,
        code=request_code,
        language=get_language() or "nl",
    )
    return 201, _request_out(item)


class WithdrawnOut(Schema):
    code: uuid.UUID
    withdrawn: bool


@router.post(
    "/projects/{code}/matching/hands/{hand}/withdraw",
    response=WithdrawnOut,
    summary="Withdraw your raised hand",
)
def hand_withdraw(request, code: uuid.UUID, hand: uuid.UUID):
    project = project_for_api(request, code, policy.MATCHING_RAISE_HAND)
    access = get_access(request)
    buddy = selectors.buddy_own(access=access, project=project, user=request.user)
    obj = selectors.own_hand_get(access=access, project=project, buddy=buddy, code=hand)
    try:
        services.hand_withdraw(hand=obj, by=request.user)
    except MatchingError as exc:
        raise _error(exc) from exc
    return {"code": obj.code, "withdrawn": True}
