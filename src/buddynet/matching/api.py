"""The matching API: rankings with reasons, proposals (list, create, approve, reject), global
proposal runs and their progress, introductions (plan, answer), and raised hands on the
anonymised help requests. Scoped exactly like the pages: the same permissions and
selectors (``endpoint_here``); a broken rule is a ``MatchingError`` that the API's one
exception handler answers as JSON (400, or 409 for a clash with what exists)."""

import uuid
from datetime import datetime

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from buddynet.core.api import LazyPage, Pagination
from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.api import endpoint_here
from buddynet.volunteers.selectors import buddy_get_for_user

from . import adapters, selectors, services
from .models import Feeling, Introduction, Proposal, ProposalRun, Side
from .reasons import reasons
from .services import MatchingError

router = Router(tags=["matching"])


class MatchingReasonOut(Schema):
    criterion: str
    label: str
    text: str
    points: float
    weight: float
    value: float


class MatchingSignalOut(Schema):
    wish: str
    met: bool


class MatchingCandidateOut(Schema):
    code: uuid.UUID
    name: str
    town: str
    score: float
    distance_km: float
    reasons: list[MatchingReasonOut]
    failure: str
    hand_raised: bool
    already_proposed: bool
    wishes: list[MatchingSignalOut]


class MatchingRankingOut(Schema):
    feasible_count: int
    pool_size: int
    notice: str
    candidates: list[MatchingCandidateOut]
    near_misses: list[MatchingCandidateOut]


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


@router.get(
    "/projects/{code}/matching/participants/{participant}/buddies",
    response=MatchingRankingOut,
    summary="The best buddies for a waiting participant, with reasons and near misses",
)
def rank_buddies(request, code: uuid.UUID, participant: uuid.UUID):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    obj = participant_get_for_user(
        access=here.access, user=here.user, project=here.project, code=participant
    )
    return _ranking_out(
        selectors.ranking_for_participant(
            access=here.access, project=here.project, participant=obj, user=here.user, via="api"
        )
    )


@router.get(
    "/projects/{code}/matching/buddies/{buddy}/participants",
    response=MatchingRankingOut,
    summary="The best waiting participants for a buddy, with reasons and near misses",
)
def rank_participants(request, code: uuid.UUID, buddy: uuid.UUID):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    obj = buddy_get_for_user(access=here.access, project=here.project, code=buddy)
    return _ranking_out(
        selectors.ranking_for_buddy(
            access=here.access, project=here.project, buddy=obj, user=here.user, via="api"
        )
    )


# --- Proposals ----------------------------------------------------------------------------


class MatchingProposalOut(Schema):
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
    reasons: list[MatchingReasonOut]
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


class MatchingProposalIn(Schema):
    buddy: uuid.UUID
    participant: uuid.UUID
    feeling: Feeling | None = None
    feeling_note: str = Field("", max_length=2000)


class MatchingRejectIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    exclude: bool = False


@router.get(
    "/projects/{code}/matching/proposals",
    response=list[MatchingProposalOut],
    summary="Proposals of a project (pending by default), the best first",
)
@paginate(Pagination)
def proposal_list(request, code: uuid.UUID, status: str = "pending"):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    if status not in Proposal.Status.values:
        raise MatchingError(_("Unknown status."), code="unknown_status")
    sensitive = selectors.show_sensitive(here.access, here.project)
    qs = selectors.proposals_for_project(access=here.access, project=here.project, status=status)
    return LazyPage(qs, lambda x: _proposal_out(x, sensitive=sensitive))


@router.post(
    "/projects/{code}/matching/proposals",
    response={200: MatchingProposalOut, 201: MatchingProposalOut},
    summary="Propose a pair (from a ranking), with your feeling (201; the pair already "
    "pending: 200 with that proposal)",
)
def proposal_create(request, code: uuid.UUID, payload: MatchingProposalIn):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    participant = participant_get_for_user(
        access=here.access, user=here.user, project=here.project, code=payload.participant
    )
    buddy = buddy_get_for_user(access=here.access, project=here.project, code=payload.buddy)
    proposal = services.proposal_create(
        participant=participant,
        buddy=buddy,
        by=here.user,
        feeling=payload.feeling.value if payload.feeling else "",
        feeling_note=payload.feeling_note,
    )
    body = _proposal_out(proposal, sensitive=selectors.show_sensitive(here.access, here.project))
    return Status(200 if proposal.already_existed else 201, body)


@router.post(
    "/projects/{code}/matching/proposals/{proposal}/approve",
    response=MatchingProposalOut,
    summary="Approve a pending pair (the hard rules are checked again)",
)
def proposal_approve(request, code: uuid.UUID, proposal: uuid.UUID):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    obj = selectors.proposal_get(access=here.access, project=here.project, code=proposal)
    obj = services.proposal_approve(proposal=obj, by=here.user)
    return _proposal_out(obj, sensitive=selectors.show_sensitive(here.access, here.project))


@router.post(
    "/projects/{code}/matching/proposals/{proposal}/reject",
    response=MatchingProposalOut,
    summary="Reject a pending pair with a reason (optionally: never propose it again)",
)
def proposal_reject(request, code: uuid.UUID, proposal: uuid.UUID, payload: MatchingRejectIn):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    obj = selectors.proposal_get(access=here.access, project=here.project, code=proposal)
    services.proposal_reject(
        proposal=obj, by=here.user, reason=payload.reason, exclude=payload.exclude
    )
    obj = selectors.proposal_get(access=here.access, project=here.project, code=proposal)
    return _proposal_out(obj, sensitive=selectors.show_sensitive(here.access, here.project))


# --- Runs ---------------------------------------------------------------------------------


class MatchingRunIn(Schema):
    scope: ProposalRun.Scope = ProposalRun.Scope.PROJECT


class MatchingRunOut(Schema):
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
    return {f: getattr(run, f) for f in MatchingRunOut.model_fields}


@router.post(
    "/projects/{code}/matching/runs",
    response={201: MatchingRunOut},
    summary="Start a global proposal (computed in the queue; poll its progress). While "
    "one runs for the same projects, that run is the answer.",
)
def run_start(request, code: uuid.UUID, payload: MatchingRunIn):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    run = services.run_start(project=here.project, scope=str(payload.scope.value), by=here.user)
    run.refresh_from_db()
    return Status(201, _run_out(run))


@router.get(
    "/projects/{code}/matching/runs/{run}",
    response=MatchingRunOut,
    summary="A global proposal's progress and figures (its pairs: the proposals list)",
)
def run_detail(request, code: uuid.UUID, run: uuid.UUID):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    return _run_out(selectors.run_get(access=here.access, project=here.project, code=run))


# --- Introductions --------------------------------------------------------------------------


class MatchingAnswerOut(Schema):
    side: str
    yes: bool
    reason: str
    recorded_by_coordinator: bool


class MatchingIntroductionOut(Schema):
    code: uuid.UUID
    proposal: uuid.UUID
    buddy: uuid.UUID
    participant: uuid.UUID
    meets_at: datetime
    place: str
    staff_present: str
    notes: str
    status: str
    answers: list[MatchingAnswerOut]
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


class MatchingIntroductionIn(Schema):
    proposal: uuid.UUID
    meets_at: datetime
    place: str = Field(min_length=1, max_length=200)
    staff_present: str = Field(min_length=1, max_length=300)
    notes: str = Field("", max_length=5000)


class MatchingAnswerIn(Schema):
    yes: bool
    reason: str = Field("", max_length=2000)
    side: Side | None = None  # coordinators: whose answer they record (default participant)


class MatchingOwnAnswerOut(Schema):
    code: uuid.UUID
    side: str
    your_answer: bool
    status: str


@router.get(
    "/projects/{code}/matching/introductions",
    response=list[MatchingIntroductionOut],
    summary="Introductions of a project, with both answers (coordinators only)",
)
@paginate(Pagination)
def introduction_list(request, code: uuid.UUID, open_only: bool = False):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    qs = (
        selectors.introductions_for_project(
            access=here.access, project=here.project, open_only=open_only
        )
        .select_related("proposal")
        .prefetch_related("answers")
    )
    return LazyPage(qs, _introduction_out)


@router.post(
    "/projects/{code}/matching/introductions",
    response={201: MatchingIntroductionOut},
    summary="Plan the introductory meeting of an approved pair",
)
def introduction_create(request, code: uuid.UUID, payload: MatchingIntroductionIn):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    proposal = selectors.proposal_get(
        access=here.access, project=here.project, code=payload.proposal
    )
    # The moment is bounded like the page's field (no year 9999): the service checks it.
    intro = services.introduction_plan(
        proposal=proposal,
        meets_at=payload.meets_at,
        place=payload.place,
        staff_present=payload.staff_present,
        notes=payload.notes,
        by=here.user,
    )
    return Status(201, _introduction_out(intro))


@router.post(
    "/projects/{code}/matching/introductions/{introduction}/answers",
    response={201: MatchingOwnAnswerOut},
    summary="Answer after the introduction: your own (buddy, participant), or, for "
    "coordinators, the participant's answer given to you",
)
def introduction_answer(
    request, code: uuid.UUID, introduction: uuid.UUID, payload: MatchingAnswerIn
):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE, policy.MATCHING_ANSWER)
    if here.access.has(policy.MATCHING_MANAGE, here.project):
        intro = selectors.introduction_get(
            access=here.access, project=here.project, code=introduction
        )
        side = str(payload.side.value) if payload.side else Side.PARTICIPANT
        if side == Side.BUDDY and intro.buddy.user_id is not None:
            raise MatchingError(
                _("The buddy answers on their own page."), code="buddy_answers_self"
            )
        recorded = True
    else:
        intro, side = selectors.own_introduction_get(
            access=here.access, project=here.project, user=here.user, code=introduction
        )
        recorded = False
    intro = services.introduction_answer(
        introduction=intro,
        side=side,
        yes=payload.yes,
        reason=payload.reason,
        by=here.user,
        recorded_by_coordinator=recorded,
    )
    return Status(
        201,
        {
            "code": intro.code,
            "side": side,
            "your_answer": payload.yes,
            "status": intro.status,
        },
    )


# --- Raised hands and anonymised requests ----------------------------------------------------


class MatchingHandOut(Schema):
    code: uuid.UUID
    buddy: uuid.UUID
    buddy_name: str
    participant: uuid.UUID
    participant_name: str
    note: str
    created_at: datetime


@router.get(
    "/projects/{code}/matching/hands",
    response=list[MatchingHandOut],
    summary="Open raised hands of a project (coordinators)",
)
@paginate(Pagination)
def hand_list(request, code: uuid.UUID):
    here = endpoint_here(request, code, policy.MATCHING_MANAGE)
    qs = selectors.hands_for_project(access=here.access, project=here.project)
    return LazyPage(
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


class MatchingRequestOut(Schema):
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
    data = {f: getattr(item, f) for f in MatchingRequestOut.model_fields if f != "hand"}
    data["hand"] = item.hand.code if item.hand else None
    return data


class MatchingHandIn(Schema):
    note: str = Field("", max_length=500)


@router.get(
    "/projects/{code}/matching/requests",
    response=list[MatchingRequestOut],
    summary="Anonymised help requests of your project (ready buddies)",
)
def request_list(request, code: uuid.UUID):
    here = endpoint_here(request, code, policy.MATCHING_RAISE_HAND)
    buddy = selectors.buddy_own(access=here.access, project=here.project, user=here.user)
    if buddy.status not in adapters.READY_STATUSES:
        return []
    return [
        _request_out(item)
        for item in selectors.anonymised_requests(
            access=here.access,
            project=here.project,
            buddy=buddy,
            language=get_language() or "nl",
        )
    ]


@router.get(
    "/projects/{code}/matching/requests/{request_code}",
    response=MatchingRequestOut,
    summary="One anonymised help request",
)
def request_detail(request, code: uuid.UUID, request_code: uuid.UUID):
    here = endpoint_here(request, code, policy.MATCHING_RAISE_HAND)
    buddy = selectors.buddy_own(access=here.access, project=here.project, user=here.user)
    item, _profile = selectors.anonymised_request_get(
        access=here.access,
        project=here.project,
        buddy=buddy,
        code=request_code,
        language=get_language() or "nl",
    )
    return _request_out(item)


@router.post(
    "/projects/{code}/matching/requests/{request_code}/hand",
    response={201: MatchingRequestOut},
    summary="Raise your hand on an anonymised help request (ready buddies)",
)
def hand_raise(request, code: uuid.UUID, request_code: uuid.UUID, payload: MatchingHandIn):
    here = endpoint_here(request, code, policy.MATCHING_RAISE_HAND)
    buddy = selectors.buddy_own(access=here.access, project=here.project, user=here.user)
    _item, profile = selectors.anonymised_request_get(
        access=here.access, project=here.project, buddy=buddy, code=request_code
    )
    services.hand_raise(
        buddy=buddy, participant=profile.participant, by=here.user, note=payload.note
    )
    item, _profile = selectors.anonymised_request_get(
        access=here.access,
        project=here.project,
        buddy=buddy,
        code=request_code,
        language=get_language() or "nl",
    )
    return Status(201, _request_out(item))


class MatchingWithdrawnOut(Schema):
    code: uuid.UUID
    withdrawn: bool


@router.post(
    "/projects/{code}/matching/hands/{hand}/withdraw",
    response=MatchingWithdrawnOut,
    summary="Withdraw your raised hand",
)
def hand_withdraw(request, code: uuid.UUID, hand: uuid.UUID):
    here = endpoint_here(request, code, policy.MATCHING_RAISE_HAND)
    buddy = selectors.buddy_own(access=here.access, project=here.project, user=here.user)
    obj = selectors.own_hand_get(access=here.access, project=here.project, buddy=buddy, code=hand)
    services.hand_withdraw(hand=obj, by=here.user)
    return {"code": obj.code, "withdrawn": True}
