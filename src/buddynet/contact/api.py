"""Contact API: a person's conversations in a project, a conversation's messages,
sending a text message, and the person's notification choices.

Conversation endpoints act in their project (``ProjectRouter``) and use the same
selectors as the pages: a conversation of another project, or one the caller has no
part in, is a 404. An intervision group's conversation (a network's, without a
project) is reached through the pages only. Schema names start with ``Contact``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time

from django.http import Http404
from ninja import Schema, Status
from pydantic import Field

from buddynet.core.api import ErrorOut
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import Here, ProjectRouter

from . import notify, selectors, services
from .models import Channel

router = ProjectRouter(tags=["messages"])

ANY = (policy.CONTACT_USE, policy.CONTACT_COORDINATE)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ContactConversationOut(Schema):
    code: uuid.UUID
    kind: str
    title: str
    unread: int
    last_message_at: datetime | None
    open: bool


class ContactMessageOut(Schema):
    code: uuid.UUID
    author: str
    mine: bool
    body: str
    attachment: str
    attachment_name: str
    sent_at: datetime
    read: bool


class ContactMessagesOut(Schema):
    conversation: uuid.UUID
    coordinators_read: bool
    can_write: bool
    earlier: bool
    messages: list[ContactMessageOut]


class ContactMessageIn(Schema):
    body: str = Field(min_length=1, max_length=4000)


class ContactChoicesOut(Schema):
    channels: dict[str, str]
    quiet_from: time | None
    quiet_until: time | None
    sms_number: str


class ContactChoicesIn(Schema):
    channels: dict[str, Channel] = Field(default_factory=dict)
    quiet_from: time | None = None
    quiet_until: time | None = None
    sms_number: str = Field(default="", max_length=20)


def _seat(here: Here, conversation: uuid.UUID) -> selectors.Seat:
    seat = selectors.seat_for(access=here.access, user=here.user, code=conversation)
    if seat.conversation.project_id != here.project.pk:
        raise Http404
    return seat


def _message_out(line: selectors.Line) -> dict:
    m = line.message
    return {
        "code": m.code,
        "author": line.author_name,
        "mine": line.mine,
        "body": m.body,
        "attachment": m.attachment_kind,
        "attachment_name": m.attachment_name,
        "sent_at": m.created_at,
        "read": line.read,
    }


@router.read("/messages/conversations", list[ContactConversationOut], *ANY)
def contact_conversations(here: Here):
    """Your conversations in this project (a coordinator: also the project's with its people)"""
    rows = [r for r in selectors.inbox(user=here.user, access=here.access)]
    if here.access.has(policy.CONTACT_COORDINATE, here.project):
        seen = {r.conversation.pk for r in rows}
        rows += [
            r
            for r in selectors.project_conversations(access=here.access, project=here.project)
            if r.conversation.pk not in seen
        ]
    return [
        {
            "code": r.conversation.code,
            "kind": r.conversation.kind,
            "title": r.title,
            "unread": r.unread,
            "last_message_at": r.last_message_at,
            "open": r.conversation.is_open,
        }
        for r in rows
        if r.conversation.project_id == here.project.pk
    ]


@router.read("/messages/conversations/{conversation}", ContactMessagesOut, *ANY)
def contact_messages(here: Here, conversation: uuid.UUID, before: uuid.UUID | None = None):
    """A conversation's latest messages (or those before the message ``before``), oldest first"""
    seat = _seat(here, conversation)
    lines, more, _members = selectors.lines(seat=seat, user=here.user, before=before)
    services.conversation_read(conversation=seat.conversation, user=here.user)
    return {
        "conversation": seat.conversation.code,
        "coordinators_read": seat.coordinators_read,
        "can_write": seat.can_write,
        "earlier": more,
        "messages": [_message_out(line) for line in lines],
    }


@router.write("/messages/conversations/{conversation}", {201: ContactMessageOut}, *ANY)
def contact_message_send(here: Here, conversation: uuid.UUID, payload: ContactMessageIn):
    """Send a text message in a conversation (photos and documents: on the page)"""
    seat = _seat(here, conversation)
    message = services.message_send(
        conversation=seat.conversation, by=here.user, part=seat.part, body=payload.body, via="api"
    )
    line = selectors.Line(message=message, mine=True, author_name="", read=False)
    return Status(201, _message_out(line))


def _choices_out(user) -> dict:
    profile = notify.profile_of(user)
    return {
        "channels": notify.choices_of(user),
        "quiet_from": profile.quiet_from,
        "quiet_until": profile.quiet_until,
        "sms_number": profile.sms_number,
    }


@router.get(
    "/me/notifications",
    response={200: ContactChoicesOut, **ERRORS},
    summary="How you hear about each kind of event, your quiet hours and SMS number",
)
def contact_choices(request):
    get_access(request)
    return _choices_out(request.user)


@router.post(
    "/me/notifications",
    response={200: ContactChoicesOut, **ERRORS},
    summary="Change how you hear about kinds of events (only the kinds you send change)",
)
def contact_choices_set(request, payload: ContactChoicesIn):
    current = notify.choices_of(request.user)
    profile = notify.profile_of(request.user)
    services.notification_choices_set(
        user=request.user,
        channels={**current, **{k: v.value for k, v in payload.channels.items()}},
        quiet_from=payload.quiet_from,
        quiet_until=payload.quiet_until,
        sms_number=payload.sms_number or profile.sms_number,
        via="api",
    )
    return _choices_out(request.user)
