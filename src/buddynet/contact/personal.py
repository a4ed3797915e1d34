"""What contact keeps about a person, for the right of access (``core.personal``): the
person's conversations (their own with the coordinators, and the pair's with their
buddy or participant) and every message in them, with the photos and documents."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part

from .models import Conversation, Member, Message

WHY = _(
    "To let the buddy, the participant and the coordinators write to each other inside buddynet."
)

CONVERSATION_FIELDS = (
    "code",
    "created_at",
    "updated_at",
    "kind",
    "project",
    "trajectory",
    "buddy",
    "participant",
    "closed_at",
    "closed_reason",
)
CONVERSATION_LEFT_OUT = {
    "intervision": _("an intervision group's conversation is about the group, not one person"),
}
MESSAGE_FIELDS = (
    "code",
    "created_at",
    "conversation",
    "author",
    "part",
    "body",
    "attachment_kind",
    "attachment_name",
    "attachment_type",
    "attachment_size",
    "signal",
)
MESSAGE_LEFT_OUT = {
    "updated_at": _("a message is not changed after it is sent: the time it was sent is given"),
}


def _parts(person: str) -> tuple[Part, Part, Part]:
    return (
        Part(
            Conversation,
            person=(person, f"trajectory__{person}"),
            why=WHY,
            fields=CONVERSATION_FIELDS,
            left_out=CONVERSATION_LEFT_OUT,
        ),
        Part(
            Message,
            person=(f"conversation__{person}", f"conversation__trajectory__{person}"),
            why=WHY,
            fields=MESSAGE_FIELDS,
            left_out=MESSAGE_LEFT_OUT,
            files={"attachment": "attachment_name"},
            kept={"attachment_type": personal.CODE},
        ),
        Part(
            Member,
            person=(f"conversation__{person}", f"conversation__trajectory__{person}"),
            why=WHY,
            since="conversation__created_at",
        ),
    )


PARTS = (*_parts("buddy"), *_parts("participant"))
