"""The matching API: rankings with reasons, proposals (list, create, approve, reject), global
proposal runs and their progress, introductions (plan, answer), and raised hands on the
anonymised help requests. Scoped exactly like the pages: the same permissions and
selectors (``ProjectRouter``: ``here``); a broken rule is a ``MatchingError`` that the API's one
exception handler answers as JSON (400, or 409 for a clash with what exists)."""

import uuid
from datetime import datetime

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field

from buddynet.core.api import LazyPage, schema_of
from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.api import Here, ProjectRouter
from buddynet.volunteers.selectors import buddy_get_for_user

from . import adapters, selectors, services
from .models import Feeling, Introduction, Proposal, ProposalRun, Side
from .reasons import reasons
from .services import MatchingError

router = ProjectRouter(tags=["matching"])


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


@router.read(
    "/matching/participants/{participant}/buddies", MatchingRankingOut, policy.MATCHING_MANAGE
)
def rank_buddies(here: Here, participant: uuid.UUID):
    """The best buddies for a waiting participant, with reasons and near misses"""
    obj = participant_get_for_user(
        access=here.access, user=here.user, project=here.project, code=participant
    )
    return selectors.ranking_for_participant(
        access=here.access,
        project=here.project,
        participant=obj,
        user=here.user,
        via="api",
        present=_ranking_out,  # the output is what is kept
        present_as="api",
    )


@router.read("/matching/buddies/{buddy}/participants", MatchingRankingOut, policy.MATCHING_MANAGE)
def rank_participants(here: Here, buddy: uuid.UUID):
    """The best waiting participants for a buddy, with reasons and near misses"""
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


@router.read("/matching/proposals", list[MatchingProposalOut], policy.MATCHING_MANAGE, paged=True)
def proposal_list(here: Here, status: str = "pending"):
    """Proposals of a project (pending by default), the best first"""
    if status not in Proposal.Status.values:
        raise MatchingError(_("Unknown status."), code="unknown_status")
    sensitive = selectors.show_sensitive(here.access, here.project)
    qs = selectors.proposals_for_project(access=here.access, project=here.project, status=status)
    return LazyPage(qs, lambda x: _proposal_out(x, sensitive=sensitive))


@router.write(
    "/matching/proposals",
    {200: MatchingProposalOut, 201: MatchingProposalOut},
    policy.MATCHING_MANAGE,
)
def proposal_create(here: Here, payload: MatchingProposalIn):
    """Propose a pair (from a ranking), with your feeling (201; the pair already pending:
    200 with that proposal)"""
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


@router.write("/matching/proposals/{proposal}/approve", MatchingProposalOut, policy.MATCHING_MANAGE)
def proposal_approve(here: Here, proposal: uuid.UUID):
    """Approve a pending pair (the hard rules are checked again)"""
    obj = selectors.proposal_get(access=here.access, project=here.project, code=proposal)
    obj = services.proposal_approve(proposal=obj, by=here.user)
    return _proposal_out(obj, sensitive=selectors.show_sensitive(here.access, here.project))


@router.write("/matching/proposals/{proposal}/reject", MatchingProposalOut, policy.MATCHING_MANAGE)
def proposal_reject(here: Here, proposal: uuid.UUID, payload: MatchingRejectIn):
    """Reject a pending pair with a reason (optionally: never propose it again)"""
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


@router.write("/matching/runs", {201: MatchingRunOut}, policy.MATCHING_MANAGE)
def run_start(here: Here, payload: MatchingRunIn):
    """Start a global proposal (computed in the queue; poll its progress). While one runs
    for the same projects, that run is the answer."""
    run = services.run_start(project=here.project, scope=str(payload.scope.value), by=here.user)
    run.refresh_from_db()
    return Status(201, _run_out(run))


@router.read("/matching/runs/{run}", MatchingRunOut, policy.MATCHING_MANAGE)
def run_detail(here: Here, run: uuid.UUID):
    """A global proposal's progress and figures (its pairs: the proposals list)"""
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


@router.read(
    "/matching/introductions", list[MatchingIntroductionOut], policy.MATCHING_MANAGE, paged=True
)
def introduction_list(here: Here, open_only: bool = False):
    """Introductions of a project, with both answers (coordinators only)"""
    qs = (
        selectors.introductions_for_project(
            access=here.access, project=here.project, open_only=open_only
        )
        .select_related("proposal")
        .prefetch_related("answers")
    )
    return LazyPage(qs, _introduction_out)


@router.write("/matching/introductions", {201: MatchingIntroductionOut}, policy.MATCHING_MANAGE)
def introduction_create(here: Here, payload: MatchingIntroductionIn):
    """Plan the introductory meeting of an approved pair"""
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


@router.write(
    "/matching/introductions/{introduction}/answers",
    {201: MatchingOwnAnswerOut},
    policy.MATCHING_MANAGE,
    policy.MATCHING_ANSWER,
)
def introduction_answer(here: Here, introduction: uuid.UUID, payload: MatchingAnswerIn):
    """Answer after the introduction: your own (buddy, participant), or, for coordinators,
    the participant's answer given to you"""
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


@router.read("/matching/hands", list[MatchingHandOut], policy.MATCHING_MANAGE, paged=True)
def hand_list(here: Here):
    """Open raised hands of a project (coordinators)"""
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


# What the selector hands a buddy, minus the distance it orders by; the hand by its code.
MatchingRequestOut = schema_of(
    selectors.AnonymousRequest,
    "MatchingRequestOut",
    doc="An anonymised help request: never a name, address, contact detail or birth date",
    module=__name__,
    exclude={"km"},
    hand=uuid.UUID | None,
)


def _request_out(item: selectors.AnonymousRequest) -> dict:
    data = {f: getattr(item, f) for f in MatchingRequestOut.model_fields if f != "hand"}
    data["hand"] = item.hand.code if item.hand else None
    return data


def _request_shown(here: Here, buddy, code: uuid.UUID) -> dict:
    """One anonymised help request as this buddy sees it, in the caller's language."""
    item, _profile = selectors.anonymised_request_get(
        access=here.access,
        project=here.project,
        buddy=buddy,
        code=code,
        language=get_language() or "nl",
    )
    return _request_out(item)


class MatchingHandIn(Schema):
    note: str = Field("", max_length=500)


@router.read("/matching/requests", list[MatchingRequestOut], policy.MATCHING_RAISE_HAND)
def request_list(here: Here):
    """Anonymised help requests of your project (ready buddies)"""
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


@router.read("/matching/requests/{request_code}", MatchingRequestOut, policy.MATCHING_RAISE_HAND)
def request_detail(here: Here, request_code: uuid.UUID):
    """One anonymised help request"""
    buddy = selectors.buddy_own(access=here.access, project=here.project, user=here.user)
    return _request_shown(here, buddy, request_code)


@router.write(
    "/matching/requests/{request_code}/hand", {201: MatchingRequestOut}, policy.MATCHING_RAISE_HAND
)
def hand_raise(here: Here, request_code: uuid.UUID, payload: MatchingHandIn):
    """Raise your hand on an anonymised help request (ready buddies)"""
    buddy = selectors.buddy_own(access=here.access, project=here.project, user=here.user)
    _item, profile = selectors.anonymised_request_get(
        access=here.access, project=here.project, buddy=buddy, code=request_code
    )
    services.hand_raise(
        buddy=buddy, participant=profile.participant, by=here.user, note=payload.note
    )
    return Status(201, _request_shown(here, buddy, request_code))


class MatchingWithdrawnOut(Schema):
    code: uuid.UUID
    withdrawn: bool


@router.write("/matching/hands/{hand}/withdraw", MatchingWithdrawnOut, policy.MATCHING_RAISE_HAND)
def hand_withdraw(here: Here, hand: uuid.UUID):
    """Withdraw your raised hand"""
    buddy = selectors.buddy_own(access=here.access, project=here.project, user=here.user)
    obj = selectors.own_hand_get(access=here.access, project=here.project, buddy=buddy, code=hand)
    services.hand_withdraw(hand=obj, by=here.user)
    return {"code": obj.code, "withdrawn": True}
