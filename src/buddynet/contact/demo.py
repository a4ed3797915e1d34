"""Demo messages (called by seed-demo after the people and trajectories exist): the demo
buddy talks with their participant and with the coordinators, the demo participant asks
the coordinators how long the wait is, and up to a dozen pairs per project keep in touch
about their next visit, the way people write on a phone. Project one lets its
coordinators read the pairs' conversations (and the conversations say so); the others
keep them between buddy and participant."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.participants import consent
from buddynet.participants.models import ConsentRecord, Participant
from buddynet.tenancy.selectors import project_coordinators
from buddynet.trajectories.models import OPEN_STATUSES, Trajectory
from buddynet.volunteers.models import Buddy

from .models import ContactSettings, Conversation, Member, Message

PAIRS_PER_PROJECT = 12

# (who writes: "b" buddy, "p" participant, "c" coordinator; the text)
PAIR_TALK = [
    ("b", "Dag {p}! Zullen we donderdag samen naar de markt gaan?"),
    ("p", "Ja graag. Om 10 uur aan de kerk?"),
    ("b", "Prima, ik zal er zijn. Neem je je boodschappenlijstje mee?"),
    ("p", "Ik heb het al klaar 🙂"),
    ("b", "Was fijn vandaag! Volgende week wandelen in het park, als het droog is?"),
    ("p", "Dat lijkt me leuk. Mijn knie doet wat pijn, dus niet te ver."),
    ("b", "Geen probleem, we doen een klein rondje en drinken daarna koffie."),
    ("p", "Ik kreeg een brief van de mutualiteit. Kun je die volgende keer mee bekijken?"),
    ("b", "Zeker, leg hem maar klaar."),
]
BUDDY_COORDINATOR = [
    ("b", "Hallo, ik ben volgende week op reis. Is het goed als ik {p} dat zelf laat weten?"),
    ("c", "Dat is goed, fijn dat je het op tijd zegt. Geniet ervan!"),
    ("b", "Mag ik de parkeerkosten van het ziekenhuisbezoek inbrengen als onkost?"),
    ("c", "Ja, voeg de foto van het ticket toe aan je onkostennota."),
]
PARTICIPANT_COORDINATOR = [
    ("p", "Goeiedag, hoe lang moet ik nog wachten op een buddy?"),
    (
        "c",
        "Dag {p}, je staat goed op de lijst. We bellen je deze maand nog om te vertellen "
        "hoe het staat.",
    ),
    ("p", "Dank u wel."),
]


def _talk(conversation, lines, *, who, names, start, rng) -> None:
    """Seat ``who`` (letter → (user, part)) in ``conversation`` and write ``lines``
    (letter, text) between them over the days after ``start``."""
    Member.objects.bulk_create(
        [
            Member(conversation=conversation, user=u, part=p)
            for u, p in who.values()
            if u is not None
        ],
        ignore_conflicts=True,
    )
    moment = start
    rows = []
    for author, text in lines:
        user, part = who[author]
        moment += timedelta(hours=rng.randrange(2, 40), minutes=rng.randrange(60))
        rows.append(
            Message(
                conversation=conversation,
                author=user,
                part=part,
                body=text.format(**names),
                created_at=moment,
            )
        )
    made = Message.objects.bulk_create(rows)
    # bulk_create keeps auto_now_add: set the times people wrote at.
    for row, message in zip(rows, made, strict=True):
        message.created_at = row.created_at
    Message.objects.bulk_update(made, ["created_at"])
    last = made[-1].created_at if made else start
    conversation.members.update(last_message_at=last, last_read_at=last - timedelta(minutes=1))


def seed_extra(*, projects, users, rng, today, progress) -> None:
    now = timezone.now()
    start = now - timedelta(days=20)
    coordinator = users["coordinator"]
    with scopes_disabled():
        for index, project in enumerate(projects):
            ContactSettings.objects.update_or_create(
                project=project,
                defaults={"pair_messages": True, "coordinators_read_pairs": index == 0},
            )
            coordinators = project_coordinators(project.pk)
            coord = coordinators[0] if coordinators else coordinator
            trajectories = list(
                Trajectory.objects.filter(project=project, status__in=OPEN_STATUSES)
                .select_related("buddy__user", "participant__user")
                .order_by("-buddy__user_id", "pk")[:PAIRS_PER_PROJECT]
            )
            consents = []
            for trajectory in trajectories:
                buddy, participant = trajectory.buddy, trajectory.participant
                consents.append(
                    ConsentRecord(
                        participant=participant,
                        purpose=consent.MESSAGES,
                        given=True,
                        recorded_by=coord,
                    )
                )
                conversation = Conversation.objects.create(
                    kind=Conversation.Kind.PAIR, project=project, trajectory=trajectory
                )
                _talk(
                    conversation,
                    PAIR_TALK[: rng.randrange(4, len(PAIR_TALK) + 1)],
                    who={
                        "b": (buddy.user, Member.Part.BUDDY),
                        "p": (participant.user, Member.Part.PARTICIPANT),
                    },
                    names={"p": participant.first_name, "b": buddy.first_name},
                    start=start,
                    rng=rng,
                )
            ConsentRecord.objects.bulk_create(consents)
            # The demo buddy and the demo participant with the coordinators.
            for buddy in Buddy.objects.filter(project=project, user=users["buddy"]):
                conversation = Conversation.objects.create(
                    kind=Conversation.Kind.BUDDY_COORDINATOR, project=project, buddy=buddy
                )
                first = trajectories[0].participant.first_name if trajectories else "Marie"
                _talk(
                    conversation,
                    BUDDY_COORDINATOR,
                    who={
                        "b": (buddy.user, Member.Part.BUDDY),
                        "c": (coord, Member.Part.COORDINATOR),
                    },
                    names={"p": first},
                    start=start,
                    rng=rng,
                )
            for participant in Participant.objects.filter(
                project=project, user=users["participant"]
            ):
                conversation = Conversation.objects.create(
                    kind=Conversation.Kind.PARTICIPANT_COORDINATOR,
                    project=project,
                    participant=participant,
                )
                _talk(
                    conversation,
                    PARTICIPANT_COORDINATOR,
                    who={
                        "p": (participant.user, Member.Part.PARTICIPANT),
                        "c": (coord, Member.Part.COORDINATOR),
                    },
                    names={"p": participant.first_name},
                    start=start,
                    rng=rng,
                )
