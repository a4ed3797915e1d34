"""Matching test data: buddies and participants that can meet (same town, a shared
language and time slot), and the steps of the flow through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from buddynet.matching import services
from buddynet.matching.models import MatchingProfile
from buddynet.participants import consent
from buddynet.participants.models import ConsentRecord, Participant
from buddynet.volunteers.models import Buddy
from tests import factories as f

SLOTS = ["wed_afternoon", "sat_morning"]


def ready_buddy(project, **changes) -> Buddy:
    values = dict(
        project=project,
        postcode="9000",
        town="Gent",
        languages=["nl"],
        availability=list(SLOTS),
        interests=["wandelen", "koken"],
        birth_year=1975,
        gender="f",
        capacity=1,
        max_distance_km=15,
        status=Buddy.Status.READY,
    )
    values.update(changes)
    return f.BuddyFactory(**values)


def waiting_participant(project, **changes) -> Participant:
    values = dict(
        project=project,
        postcode="9000",
        town="Gent",
        languages=["nl"],
        availability=list(SLOTS),
        interests=["koken"],
        birth_year=1980,
        status=Participant.Status.WAITING,
        waiting_since=timezone.localdate() - timedelta(days=60),
        phone="0470 99 88 77",
        email="deelnemer.matching@example.be",
    )
    values.update(changes)
    participant = f.ParticipantFactory(**values)
    consents_to_support(participant)
    return participant


def consents_to_support(participant) -> None:
    """On the waiting list means: consent for support by a buddy was recorded (the
    participants app requires it before someone joins the list)."""
    ConsentRecord.objects.create(
        project=participant.project,
        participant=participant,
        purpose=consent.SUPPORT,
        given=True,
    )


def publish(participant, summary="Zoekt iemand om samen te wandelen en Nederlands te oefenen."):
    profile = services.profile_get_or_create(participant=participant)
    MatchingProfile.objects.filter(pk=profile.pk).update(published=True, public_summary=summary)
    profile.refresh_from_db()
    return profile


def approved(participant, buddy, by):
    proposal = services.proposal_create(participant=participant, buddy=buddy, by=by)
    return services.proposal_approve(proposal=proposal, by=by)


def introduction(participant, buddy, by, *, days_ago: int = 1):
    proposal = approved(participant, buddy, by)
    return services.introduction_plan(
        proposal=proposal,
        meets_at=timezone.now() - timedelta(days=days_ago),
        place="Het projectlokaal",
        staff_present="Sarah (coördinator)",
        by=by,
    )
