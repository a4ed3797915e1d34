"""Family plan API: a plan as the caller may see it, its actions and its reviews.
Every endpoint calls the selector that decides who sees which part (and writes the
"viewed" entry) and one service; a broken rule answers 4xx JSON with its reason.
Schema names start with ``Plan``."""

from __future__ import annotations

import uuid
from datetime import date

from ninja import Schema, Status
from pydantic import Field

from buddynet.community import selectors as community_selectors
from buddynet.tenancy import policy
from buddynet.tenancy.api import Here, ProjectRouter

from . import selectors, services
from .models import PlanAction, PlanEntry, Section

router = ProjectRouter(tags=["plans"])

ANYONE = (policy.PLANS_MANAGE, policy.PLANS_TAKE_PART)


class PlanEntryOut(Schema):
    code: uuid.UUID
    kind: str
    text: str
    whose_words: str
    from_goal: bool
    from_journal: bool


class PlanActionOut(Schema):
    code: uuid.UUID
    what: str
    who: str
    who_name: str
    organisation: str
    contact: str
    service: uuid.UUID | None
    due_on: date | None
    status: str
    done_on: date | None

    @staticmethod
    def resolve_service(obj) -> uuid.UUID | None:
        return obj.service.code if obj.service_id else None


class PlanReviewOut(Schema):
    code: uuid.UUID
    held_on: date
    who_was_there: str
    went_well: str
    changes: str
    next_review_on: date


class PlanOut(Schema):
    code: uuid.UUID
    participant: uuid.UUID
    status: str
    coordinator_kind: str
    coordinator_name: str
    coordinator_contact: str
    review_every_months: int
    next_review_on: date
    sections: list[str]
    may_update: list[str]
    entries: list[PlanEntryOut] | None
    actions: list[PlanActionOut] | None
    reviews: list[PlanReviewOut] | None


class PlanActionIn(Schema):
    what: str = Field(min_length=1, max_length=300)
    who: PlanAction.Who
    who_name: str = Field(default="", max_length=200)
    organisation: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=200)
    service: uuid.UUID | None = Field(
        default=None, description="a service on the social map of the project's network"
    )
    due_on: date | None = None


class PlanReviewIn(Schema):
    held_on: date
    went_well: str = Field(min_length=1, max_length=2000)
    changes: str = Field(default="", max_length=2000)
    who_was_there: str = Field(default="", max_length=300)
    next_review_on: date | None = None


def _entry(e: PlanEntry) -> dict:
    return {
        "code": e.code,
        "kind": e.kind,
        "text": e.text,
        "whose_words": e.whose_words,
        "from_goal": e.source_goal_id is not None,
        "from_journal": e.source_journal_id is not None,
    }


def _sight(here: Here, plan: uuid.UUID, *, read: bool = False) -> selectors.PlanSight:
    return selectors.plan_for_user(
        access=here.access,
        user=here.user,
        project=here.project,
        code=plan,
        viewed_by=here.user if read else None,
        via="api",
    )


def _shared(here: Here, plan: uuid.UUID, part: str):
    """One part of the plan (``actions``, ``reviews``), when the family shares it with
    the caller; else 403."""
    sight = _sight(here, plan, read=True)
    if not getattr(sight, part):
        raise selectors.PermissionDenied
    return selectors.contents(sight)[part]


@router.read("/plans/{plan}", PlanOut, *ANYONE)
def plan_read(here: Here, plan: uuid.UUID):
    """A family plan, with only the parts the family lets the caller see"""
    sight = _sight(here, plan, read=True)
    data = selectors.contents(sight)
    p = sight.plan
    return {
        "code": p.code,
        "participant": p.participant.code,
        "status": p.status,
        "coordinator_kind": p.coordinator_kind,
        "coordinator_name": p.coordinator_name,
        "coordinator_contact": p.coordinator_contact,
        "review_every_months": p.review_every_months,
        "next_review_on": p.next_review_on,
        "sections": sorted(sight.sees),
        "may_update": sorted(sight.updates),
        "entries": [_entry(e) for rows in data["entries"].values() for e in rows]
        if sight.words
        else None,
        "actions": data["actions"] if sight.actions else None,
        "reviews": data["reviews"] if sight.reviews else None,
    }


@router.read("/plans/{plan}/actions", list[PlanActionOut], *ANYONE)
def plan_actions(here: Here, plan: uuid.UUID):
    """Who does what, by when (when the family shares the actions with the caller)"""
    return _shared(here, plan, "actions")


@router.write("/plans/{plan}/actions", {201: PlanActionOut}, *ANYONE)
def plan_action_add(here: Here, plan: uuid.UUID, payload: PlanActionIn):
    """Add an action: what, who does it (a family member, their network, the buddy, the
    coordinator, the family coach, another service) and by when"""
    sight = _sight(here, plan)
    selectors.require_update(sight, Section.ACTIONS)
    data = payload.dict()
    data["who"] = payload.who.value
    if payload.service is not None:
        data["service"] = community_selectors.service_get(
            project=here.project, code=payload.service
        )
    action = services.action_add(plan=sight.plan, by=here.user, data=data, via="api")
    return Status(201, action)


@router.read("/plans/{plan}/reviews", list[PlanReviewOut], *ANYONE)
def plan_reviews(here: Here, plan: uuid.UUID):
    """The talks about the plan (when the family shares them with the caller)"""
    return _shared(here, plan, "reviews")


@router.write("/plans/{plan}/reviews", {201: PlanReviewOut}, *ANYONE)
def plan_review_add(here: Here, plan: uuid.UUID, payload: PlanReviewIn):
    """Record a talk about the plan: what went well, what changes, the next date"""
    sight = _sight(here, plan)
    selectors.require_update(sight, Section.REVIEWS)
    review = services.review_record(plan=sight.plan, by=here.user, data=payload.dict(), via="api")
    return Status(201, review)
