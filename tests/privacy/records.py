"""Records with a term of their own, made directly for the retention tests: a closed
trajectory with its pair's messages and signed agreement, a stopped buddy's signed
information note and messages with the coordinators, a named list's line."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.contact.models import Conversation, Message
from buddynet.expenses.models import NamedListEntry
from buddynet.participants.models import Participant
from buddynet.trajectories.models import (
    Agreement,
    AgreementSignature,
    AgreementVersion,
    Trajectory,
)
from buddynet.volunteers.models import Buddy, InformationNote
from tests import factories as f


@dataclass
class Pair:
    trajectory: Trajectory
    messages: list[Message]
    version: AgreementVersion
    signature: AgreementSignature


def closed_pair(project, *, closed_on: datetime.date, messages: int = 2, name="Zwijgzaam"):
    """A trajectory closed on ``closed_on`` (its people's files still open), with
    ``messages`` messages in the pair's conversation and a signed agreement."""
    with scopes_disabled():
        buddy = f.BuddyFactory(project=project, status=Buddy.Status.ACTIVE)
        participant = f.ParticipantFactory(project=project, status=Participant.Status.MATCHED)
        trajectory = Trajectory.objects.create(
            project=project,
            buddy=buddy,
            participant=participant,
            status=Trajectory.Status.CLOSED,
            started_on=closed_on - datetime.timedelta(days=200),
            closed_on=closed_on,
        )
        conversation = Conversation.objects.create(
            kind=Conversation.Kind.PAIR, project=project, trajectory=trajectory
        )
        written = [
            Message.objects.create(
                conversation=conversation, part="buddy", body=f"Dag {name}, tot dinsdag {n}"
            )
            for n in range(messages)
        ]
        agreement = Agreement.objects.create(project=project, trajectory=trajectory)
        version = AgreementVersion.objects.create(
            project=project,
            agreement=agreement,
            number=1,
            text=f"Afsprakenkader van {name}",
            document_hash="0" * 64,
            parties=["buddy", "participant"],
        )
        signature = AgreementSignature.objects.create(
            project=project,
            version=version,
            party="participant",
            signed_name=name,
            signed_at=timezone.now(),
            document_hash="0" * 64,
        )
    return Pair(trajectory, written, version, signature)


def stopped_buddy(project, *, on: datetime.date, name="Stopper"):
    """A buddy who stopped on ``on``, with a signed information note and a message in
    their conversation with the coordinators."""
    with scopes_disabled():
        buddy = f.BuddyFactory(
            project=project, status=Buddy.Status.STOPPED, status_changed_on=on, first_name=name
        )
        note = InformationNote.objects.create(
            project=project,
            buddy=buddy,
            text=f"Informatienota voor {name}",
            document_hash="0" * 64,
            signed_name=name,
            signed_at=timezone.now(),
        )
        conversation = Conversation.objects.create(
            kind=Conversation.Kind.BUDDY_COORDINATOR, project=project, buddy=buddy
        )
        message = Message.objects.create(conversation=conversation, part="buddy", body=name)
    return buddy, note, message


def named_line(project, *, year: int, name="Lijstnaam", amount="12.50"):
    with scopes_disabled():
        return NamedListEntry.objects.create(
            project=project,
            organisation_name="Buddywerking",
            year=year,
            volunteer_name=name,
            volunteer_ref=project.code,
            on=datetime.date(year, 6, 1),
            kind="km_car",
            amount=amount,
            batch_number=1,
            keep_until=datetime.date(year + 7, 12, 31),
        )
