"""Objects the contact tests and access rows need, made once per world.

- ``pair(w)``: the conversation between the buddy persona and the participant persona
  (their trajectory, the participant agreed to messages);
- ``coordination(w)``: the buddy persona's conversation with project A's coordinators;
- ``other_coordination(w)``: the other buddy's conversation with project B's coordinator;
- ``other_pair(w)``: a buddy-participant conversation in project B (made directly: B's
  people have no logins).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from buddynet.contact import services
from buddynet.contact.models import Conversation, Member, Message
from buddynet.participants import consent
from buddynet.participants.services import consent_record
from buddynet.tenancy.access import access_for_user
from tests.followup import factories as ff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str = "foto.png", data: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def agree(participant, by) -> None:
    with scopes_disabled():
        consent_record(participant=participant, purpose=consent.MESSAGES, given=True, by=by)


def _pair(w) -> Conversation:
    trajectory = ff.trajectory(w)
    agree(w.own_participant, w.coord)
    conversation = services.conversation_open(
        access=access_for_user(w.buddy_user),
        user=w.buddy_user,
        kind=Conversation.Kind.PAIR,
        target=trajectory,
    )
    return conversation


def pair(w) -> Conversation:
    return w.once("contact_pair", _pair)


def pair_message(w) -> Message:
    """A message the participant wrote to the buddy (the buddy may report it)."""

    def make(w):
        return services.message_send(
            conversation=pair(w),
            by=w.participant_user,
            part=Member.Part.PARTICIPANT,
            body="Zie ik je donderdag aan de bib?",
        )

    return w.once("contact_pair_message", make)


def other_pair(w) -> Conversation:
    def make(w):
        trajectory = ff.other_trajectory(w)
        conversation = Conversation.objects.create(
            kind=Conversation.Kind.PAIR, trajectory=trajectory, project=trajectory.project
        )
        return conversation

    return w.once("contact_other_pair", make)


def other_pair_message(w) -> Message:
    def make(w):
        return Message.objects.create(
            conversation=other_pair(w), author=None, part="buddy", body="Hallo"
        )

    return w.once("contact_other_pair_message", make)


def coordination(w) -> Conversation:
    def make(w):
        return services.conversation_open(
            access=access_for_user(w.buddy_user),
            user=w.buddy_user,
            kind=Conversation.Kind.BUDDY_COORDINATOR,
            target=w.buddy,
        )

    return w.once("contact_coordination", make)


def other_coordination(w) -> Conversation:
    def make(w):
        return services.conversation_open(
            access=access_for_user(w.other_coord),
            user=w.other_coord,
            kind=Conversation.Kind.BUDDY_COORDINATOR,
            target=w.other_buddy,
        )

    return w.once("contact_other_coordination", make)


def photo_message(w) -> Message:
    def make(w):
        return services.message_send(
            conversation=coordination(w),
            by=w.buddy_user,
            part=Member.Part.BUDDY,
            body="Het bonnetje",
            upload=upload(),
        )

    return w.once("contact_photo", make)


def other_photo_message(w) -> Message:
    def make(w):
        return services.message_send(
            conversation=other_coordination(w),
            by=w.other_coord,
            part=Member.Part.COORDINATOR,
            body="",
            upload=upload("brief.pdf", PDF),
        )

    return w.once("contact_other_photo", make)
