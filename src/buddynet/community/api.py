"""Community API: the social map (search and add), warm hand-overs and transfers
between the network's projects. Every endpoint acts in its project (``ProjectRouter``:
``here``) and calls one selector or service; a broken rule answers 4xx JSON with its
reason. Schema names start with ``Community`` so they are unique."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from buddynet.core.api import LazyPage
from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.api import Here, ProjectRouter

from . import search, selectors, services
from .models import Handover, Service, Transfer
from .sharing import SHAREABLE

router = ProjectRouter(tags=["community"])


class CommunityServiceOut(Schema):
    code: uuid.UUID
    name: str
    organisation: str
    kind: str
    offer: str
    topics: list[str]
    for_whom: str
    languages: list[str]
    municipalities: list[str]
    contact_name: str
    contact_email: str
    contact_phone: str
    how_to_refer: str
    website: str
    checked_on: date
    to_check_again: bool


def _service_out(service: Service) -> dict:
    from buddynet.core import clock

    return {
        **{key: getattr(service, key) for key in services.SERVICE_FIELDS},
        "code": service.code,
        "checked_on": service.checked_on,
        "to_check_again": service.checked_on < search.review_before(clock.today()),
    }


class CommunityServiceIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    organisation: str = Field(default="", max_length=200)
    kind: Service.Kind
    offer: str = Field(default="", max_length=3000)
    topics: list[str] = Field(default_factory=list, max_length=30)
    for_whom: str = Field(default="", max_length=300)
    languages: list[str] = Field(min_length=1, max_length=20)
    municipalities: list[str] = Field(
        min_length=1, max_length=600, description="NIS codes of the towns served"
    )
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=254)
    contact_phone: str = Field(default="", max_length=40)
    how_to_refer: str = Field(default="", max_length=3000)
    website: str = Field(default="", max_length=200)


@router.read(
    "/community/services", list[CommunityServiceOut], policy.COMMUNITY_MAP_VIEW, paged=True
)
def community_services(
    here: Here,
    need: str | None = None,
    town: str | None = None,
    language: str | None = None,
    kind: Service.Kind | None = None,
):
    """The social map of the project's network, searched by need, town (name, postcode
    or NIS code) and language"""
    municipality = search.town_of(town) if town else None
    if town and municipality is None:
        raise HttpError(400, "Unknown town.")
    found = selectors.map_search(
        project=here.project,
        topics=[need] if need else [],
        nis_code=municipality.nis_code if municipality else None,
        languages=[language] if language else [],
        kind=kind.value if kind else None,
    )
    return LazyPage(found, _service_out)


@router.read("/community/services/{service}", CommunityServiceOut, policy.COMMUNITY_MAP_VIEW)
def community_service(here: Here, service: uuid.UUID):
    """One service on the map"""
    return _service_out(selectors.service_get(project=here.project, code=service))


@router.write("/community/services", {201: CommunityServiceOut}, policy.COMMUNITY_MAP_EDIT)
def community_service_add(here: Here, payload: CommunityServiceIn):
    """Add a service to the network's map (dated today)"""
    data = payload.dict()
    data["kind"] = payload.kind.value
    saved = services.service_save(
        network=here.project.organisation.network, by=here.user, data=data, via="api"
    )
    return Status(201, _service_out(saved))


class CommunityHandoverOut(Schema):
    code: uuid.UUID
    participant: uuid.UUID
    service: uuid.UUID
    origin: str
    status: str
    shared_fields: list[str]
    introduction_at: datetime | None
    follow_up_on: date | None
    decline_reason: str
    outcome: str


class CommunityHandoverSentOut(CommunityHandoverOut):
    link: str | None = Field(description="The service's personal link, given once")


def _handover_out(handover: Handover) -> dict:
    return {
        "code": handover.code,
        "participant": handover.participant.code,
        "service": handover.service.code,
        "origin": handover.origin,
        "status": handover.status,
        "shared_fields": handover.shared_fields,
        "introduction_at": handover.introduction_at,
        "follow_up_on": handover.follow_up_on,
        "decline_reason": handover.decline_reason,
        "outcome": handover.outcome,
    }


class CommunityHandoverIn(Schema):
    participant: uuid.UUID
    service: uuid.UUID
    shared_fields: list[str] = Field(min_length=1, max_length=len(SHAREABLE))
    message: str = Field(default="", max_length=2000)
    joint_introduction: bool = True
    consent_given: bool = Field(
        default=False, description="The person agreed now (recorded as their consent)"
    )
    follow_up_on: date | None = None


class CommunityHandoverStatusIn(Schema):
    status: Handover.Status
    note: str = Field(default="", max_length=2000)
    follow_up_on: date | None = None


@router.read(
    "/community/handovers", list[CommunityHandoverOut], policy.COMMUNITY_HANDOVER, paged=True
)
def community_handovers(here: Here, status: Handover.Status | None = None):
    """The project's warm hand-overs, newest first"""
    rows = selectors.handovers_of_project(
        project=here.project, status=status.value if status else None
    )
    return LazyPage(rows, _handover_out)


@router.read("/community/handovers/{handover}", CommunityHandoverOut, policy.COMMUNITY_HANDOVER)
def community_handover(here: Here, handover: uuid.UUID):
    """One hand-over (its opening is on its history)"""
    found = selectors.handover_for_user(
        project=here.project, code=handover, reader=here.user, via="api"
    )
    return _handover_out(found)


@router.write("/community/handovers", {201: CommunityHandoverSentOut}, policy.COMMUNITY_HANDOVER)
def community_handover_send(here: Here, payload: CommunityHandoverIn):
    """Hand a person over to a service on the map, with their consent"""
    participant = participant_get_for_user(
        access=here.access, user=here.user, project=here.project, code=payload.participant
    )
    service = selectors.service_get(project=here.project, code=payload.service)
    handover, raw = services.handover_send(
        participant=participant,
        service=service,
        by=here.user,
        **payload.model_dump(exclude={"participant", "service"}),
        via="api",
    )
    link = services.link_url(handover, raw) if raw else None
    return Status(201, {**_handover_out(handover), "link": link})


@router.write(
    "/community/handovers/{handover}/status", {200: CommunityHandoverOut}, policy.COMMUNITY_HANDOVER
)
def community_handover_status(here: Here, handover: uuid.UUID, payload: CommunityHandoverStatusIn):
    """Record how a hand-over goes (first contact, ongoing, ended with what became of it)"""
    found = selectors.handover_get(project=here.project, code=handover)
    saved = services.handover_set_status(
        handover=found,
        by=here.user,
        status=payload.status.value,
        note=payload.note,
        follow_up_on=payload.follow_up_on,
        via="api",
    )
    return _handover_out(saved)


class CommunityTransferOut(Schema):
    code: uuid.UUID
    participant: uuid.UUID
    from_project: uuid.UUID
    to_project: uuid.UUID
    status: str
    waiting_since: date | None
    new_participant: uuid.UUID | None


def _transfer_out(transfer: Transfer) -> dict:
    return {
        "code": transfer.code,
        "participant": transfer.participant.code,
        "from_project": transfer.project.code,
        "to_project": transfer.to_project.code,
        "status": transfer.status,
        "waiting_since": transfer.waiting_since,
        "new_participant": transfer.new_participant.code if transfer.new_participant else None,
    }


class CommunityTransferIn(Schema):
    participant: uuid.UUID
    to_project: uuid.UUID
    note: str = Field(default="", max_length=2000)
    consent_given: bool = False


class CommunityTransferDecisionIn(Schema):
    accept: bool
    reason: str = Field(default="", max_length=1000)


@router.read("/community/transfers", list[CommunityTransferOut], policy.COMMUNITY_HANDOVER)
def community_transfers(here: Here):
    """Offers this project made to other projects of the network, and offers made to it"""
    rows = selectors.transfers_of_project(project=here.project)
    return [_transfer_out(t) for t in rows["incoming"] + rows["outgoing"]]


@router.write("/community/transfers", {201: CommunityTransferOut}, policy.COMMUNITY_HANDOVER)
def community_transfer_offer(here: Here, payload: CommunityTransferIn):
    """Offer a person on the waiting list to another project of the network"""
    participant = participant_get_for_user(
        access=here.access, user=here.user, project=here.project, code=payload.participant
    )
    target = services.transfer_targets(here.project).filter(code=payload.to_project).first()
    if target is None:
        raise HttpError(400, "Choose another project of your network.")
    transfer = services.transfer_offer(
        participant=participant,
        to_project=target,
        by=here.user,
        note=payload.note,
        consent_given=payload.consent_given,
        via="api",
    )
    return Status(201, _transfer_out(transfer))


@router.write(
    "/community/transfers/{transfer}/decision",
    {200: CommunityTransferOut},
    policy.COMMUNITY_HANDOVER,
)
def community_transfer_decide(
    here: Here, transfer: uuid.UUID, payload: CommunityTransferDecisionIn
):
    """The receiving project accepts (a file here, waiting since the original date) or
    declines with a reason"""
    found = selectors.transfer_for_user(project=here.project, code=transfer)
    if found.to_project_id != here.project.pk:
        raise HttpError(403, "Only the receiving project answers this offer.")
    decided = services.transfer_decide(
        transfer=found, by=here.user, accept=payload.accept, reason=payload.reason, via="api"
    )
    return _transfer_out(decided)
