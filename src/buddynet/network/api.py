"""The learning network's API: the library and its search, playbooks and intervision
under ``/networks/{code}/`` (the same 404 as the pages for a network the caller has no
place in), and the preview and adoption of a playbook under the adopting project."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema

from buddynet.core.api import ErrorOut
from buddynet.tenancy import policy
from buddynet.tenancy.api import Here, ProjectRouter

from . import playbooks, selectors, services
from .views import space_for_request

router = ProjectRouter(tags=["network"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ItemOut(Schema):
    code: uuid.UUID
    kind: str
    title: str
    summary: str
    language: str
    themes: list[str]
    audience: str
    link: str
    has_file: bool
    has_captions: bool


class HitOut(Schema):
    kind: str
    code: uuid.UUID
    title: str
    rank: float
    snippet: str


class PlaybookOut(Schema):
    code: uuid.UUID
    title: str
    project: str
    version: int


class IntervisionOut(Schema):
    code: uuid.UUID
    title: str
    starts_at: datetime
    minutes: int
    place: str
    video_link: str
    method: str
    themes: list[str]


class StepOut(Schema):
    piece: str
    label: str
    action: str


class AdoptIn(Schema):
    take_over: list[str] = []


class AdoptOut(Schema):
    created: list[str]
    updated: list[str]
    kept: list[str]
    same: list[str]


def _item_out(item) -> dict:
    return {
        "code": item.code,
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "language": item.language,
        "themes": item.themes,
        "audience": item.audience,
        "link": item.link,
        "has_file": bool(item.file),
        "has_captions": bool(item.captions),
    }


@router.get(
    "/networks/{code}/library",
    response={200: list[ItemOut], **ERRORS},
    summary="The network's library (buddies: the items meant for buddies)",
)
def library_list(request, code: uuid.UUID, theme: str = "", kind: str = ""):
    space = space_for_request(request, code)
    return [
        _item_out(i) for i in selectors.library_items(space=space, theme=theme, kind=kind)[:200]
    ]


@router.get(
    "/networks/{code}/search",
    response={200: list[HitOut], **ERRORS},
    summary="Full-text search in the library and the answered questions (Dutch and English)",
)
def library_search(request, code: uuid.UUID, q: str = "", theme: str = ""):
    space = space_for_request(request, code)
    return [
        {
            "kind": hit.kind,
            "code": hit.obj.code,
            "title": hit.obj.title,
            "rank": hit.rank,
            "snippet": str(hit.snippet),
        }
        for hit in selectors.search(space=space, text=q[:200], theme=theme)
    ]


@router.get(
    "/networks/{code}/library/{item}",
    response={200: ItemOut, **ERRORS},
    summary="One item of the library",
)
def library_item(request, code: uuid.UUID, item: uuid.UUID):
    return _item_out(selectors.library_item(space=space_for_request(request, code), code=item))


@router.get(
    "/networks/{code}/playbooks",
    response={200: list[PlaybookOut], **ERRORS},
    summary="The playbooks published in the network (coordinators)",
)
def playbook_list(request, code: uuid.UUID):
    space = space_for_request(request, code, policy.NETWORK_CURATE, policy.NETWORK_TAKE_PART)
    return [
        {
            "code": p.code,
            "title": p.title,
            "project": p.source_project.name,
            "version": p.latest_number,
        }
        for p in selectors.playbooks(network=space.network)
    ]


@router.get(
    "/networks/{code}/intervisions",
    response={200: list[IntervisionOut], **ERRORS},
    summary="The network's intervisions (buddies: the ones they are invited to)",
)
def intervision_list(request, code: uuid.UUID):
    space = space_for_request(request, code)
    return list(selectors.intervisions(space=space, user=request.user)[:200])


def _version(here: Here, playbook: uuid.UUID):
    book = selectors.playbook(network=here.project.organisation.network, code=playbook)
    version = selectors.latest_version(book)
    if version is None:
        raise services.NetworkError("Nothing published yet.", status=404, code="no_version")
    return version


@router.read("/playbooks/{playbook}/preview", list[StepOut], policy.NETWORK_TAKE_PART)
def playbook_preview(here: Here, playbook: uuid.UUID):
    """What adopting the playbook's latest version would do, piece by piece"""
    version = _version(here, playbook)
    steps = playbooks.plan(project=here.project, playbook=version.playbook, version=version)
    return [{"piece": s.piece, "label": s.label, "action": s.action} for s in steps]


@router.write("/playbooks/{playbook}/adopt", AdoptOut, policy.NETWORK_TAKE_PART)
def playbook_adopt(here: Here, playbook: uuid.UUID, payload: AdoptIn):
    """Adopt the playbook's latest version; pieces you changed are kept unless listed in
    take_over"""
    return services.playbook_adopt(
        project=here.project,
        version=_version(here, playbook),
        by=here.user,
        take_over=set(payload.take_over),
    )
