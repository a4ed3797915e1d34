"""Demo trajectories (called by seed-demo): a trajectory for every matched participant
with an active buddy, so that "matched" on the dashboards is the number of trajectories
running. Per project the first few are told in detail, one of them the demo buddy's with
a signed agreement, journal entries and goals with progress, and one starting trajectory
that still waits for signatures."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone, translation

from buddynet.participants.models import Participant
from buddynet.volunteers.models import Buddy

from . import services
from .models import (
    AgreementSignature,
    Goal,
    GoalLevelChange,
    JournalEntry,
    Level,
    Party,
    RoleTask,
    StatusChange,
    TaskKind,
    Trajectory,
)

PER_PROJECT = 5
NOTES = [
    "Samen koffie gedronken in het buurthuis; ze vertelde over haar familie.",
    "Boodschappen gedaan; de weg naar de markt gaat al vlotter.",
    "Kort gebeld om de afspraak van volgende week te bevestigen.",
    "Wandeling in het park, veel gelachen.",
    "Samen Nederlands geoefend met de krant.",
    "Was wat moe vandaag; we hielden het kort.",
]
# The role division's tasks: one row per task, in the order of TASK_FIELDS.
TASK_FIELDS = ("kind", "description", "owner", "mandate")
GOALS = [
    ("Zelf boodschappen doen", "In de winkel de weg vinden en betalen."),
    ("Met de bus naar het OCMW", "De juiste bus nemen en het loket vinden."),
    ("Een praatje maken in het Nederlands", "Bij de bakker of aan de schoolpoort."),
]


def _sign_all(trajectory, version, coordinator, when) -> None:
    names = {
        Party.BUDDY: trajectory.buddy.full_name,
        Party.PARTICIPANT: trajectory.participant.full_name,
        Party.PROFESSIONAL: (
            trajectory.professional.get_full_name() if trajectory.professional else ""
        ),
        Party.COORDINATOR: coordinator.get_full_name() or coordinator.email,
    }
    AgreementSignature.objects.bulk_create(
        [
            AgreementSignature(
                project_id=trajectory.project_id,
                version=version,
                party=party,
                signed_name=names[party],
                signed_at=when,
                document_hash=version.document_hash,
                signed_by={
                    Party.BUDDY: trajectory.buddy.user,
                    Party.PROFESSIONAL: trajectory.professional,
                }.get(party, coordinator),
                on_device_of=coordinator if party == Party.PARTICIPANT else None,
            )
            for party in version.parties
        ]
    )
    version.fully_signed_at = when
    version.save(update_fields=["fully_signed_at"])
    Trajectory.objects.filter(pk=trajectory.pk).update(status=Trajectory.Status.ACTIVE)
    StatusChange.objects.create(
        trajectory=trajectory,
        project_id=trajectory.project_id,
        from_status=Trajectory.Status.STARTING,
        to_status=Trajectory.Status.ACTIVE,
        by=coordinator,
        reason="Het afsprakenkader is door iedereen ondertekend.",
    )


def _pairs(buddies, participants, *, demo_user_id):
    """Every matched participant with an active buddy: each buddy one first, then up to
    their capacity (the site demo made sure there is room and nobody is left idle). The
    demo buddy walks with one person; their other place is for the demo participant."""
    load = {b.pk: 0 for b in buddies}
    room = {b.pk: 1 if b.user_id == demo_user_id else max(b.capacity, 1) for b in buddies}
    pairs = []
    for participant in participants:
        free = [b for b in buddies if load[b.pk] < room[b.pk]]
        if not free:
            break
        buddy = min(free, key=lambda b: load[b.pk])
        load[buddy.pk] += 1
        pairs.append((buddy, participant))
    return pairs


def seed_extra(*, projects, users, rng, today, progress) -> None:
    """A trajectory for every matched participant. The first PER_PROJECT of a project are
    told in detail (goals, tasks, a long journal); the others have a signed agreement and
    a recent journal, so that they do not all show up as quiet."""
    coordinator = users["coordinator"]
    demo_buddy_user = users["buddy"]
    made = 0
    with translation.override("nl"):
        for index, project in enumerate(projects):
            buddies = list(
                Buddy.objects.filter(project=project, status=Buddy.Status.ACTIVE).order_by("pk")
            )
            if index == 0:
                buddies.sort(key=lambda b: b.user_id != demo_buddy_user.pk)
            participants = list(
                Participant.objects.filter(project=project, status=Participant.Status.MATCHED)
                .select_related("referred_by")
                .order_by("pk")
            )
            if index == 0:
                # The referrer's people first, so the demo professional has trajectories.
                participants.sort(key=lambda p: p.referred_by_id is None)
            services.task_kinds_seed(project=project)
            kinds = list(TaskKind.objects.filter(project=project))
            professional_kind = next(
                k for k in kinds if k.belongs_to == TaskKind.Belongs.PROFESSIONAL
            )
            buddy_kind = next(k for k in kinds if k.belongs_to == TaskKind.Belongs.BUDDY)
            for n, (buddy, participant) in enumerate(
                _pairs(buddies, participants, demo_user_id=demo_buddy_user.pk)
            ):
                if n == 1:
                    # Starting: matched two days ago, the agreement waits for signatures.
                    started = today - timedelta(days=2)
                else:
                    started = participant.matched_on or today - timedelta(days=rng.randint(20, 200))
                    started = min(started, today - timedelta(days=14))
                trajectory = services.new_trajectory(
                    buddy=buddy,
                    participant=participant,
                    professional_id=participant.referred_by_id,
                    started_on=started,
                    by=coordinator,
                )
                # The participant was matched the day the trajectory started.
                Participant.objects.filter(pk=participant.pk).update(
                    matched_on=started, next_contact_due=None
                )
                made += 1
                if n == 1:
                    # A starting trajectory: the agreement is written, nobody signed yet.
                    services.agreement_save(
                        trajectory=trajectory,
                        by=coordinator,
                        data={
                            "purpose": "Samen de buurt leren kennen en Nederlands oefenen.",
                        },
                    )
                    continue
                version = services.agreement_save(
                    trajectory=trajectory,
                    by=coordinator,
                    data={
                        "purpose": "Iemand om op terug te vallen en samen dingen doen buitenshuis.",
                    },
                )
                _sign_all(
                    trajectory,
                    version,
                    coordinator,
                    timezone.make_aware(datetime.combine(started + timedelta(days=3), time(18))),
                )
                detailed = n < PER_PROJECT
                entries = []
                # A long journal for the detailed ones; the last weeks for the others.
                day = started + timedelta(days=4)
                if not detailed:
                    day = max(day, today - timedelta(days=20))
                while day <= today:
                    entries.append(
                        JournalEntry(
                            project_id=project.pk,
                            trajectory=trajectory,
                            author=buddy.user or coordinator,
                            on=day,
                            duration_minutes=rng.choice([30, 60, 60, 90, 120]),
                            kind=rng.choice(["visit", "visit", "activity", "phone"]),
                            note=rng.choice(NOTES),
                            mood=rng.choice(["good", "good", "okay", "difficult"]),
                            visibility=rng.choice(
                                ["team", "team", "shared", "coordinator"]
                                if trajectory.professional_id
                                else ["team", "team", "coordinator"]
                            ),
                        )
                    )
                    day += timedelta(days=rng.randint(5, 12))
                JournalEntry.objects.bulk_create(entries)
                if entries:
                    Trajectory.objects.filter(pk=trajectory.pk).update(
                        last_contact_on=entries[-1].on
                    )
                if not detailed:
                    continue
                for title, description in rng.sample(GOALS, k=2 if n else 3):
                    goal = Goal.objects.create(
                        project=project,
                        trajectory=trajectory,
                        title=title,
                        description=description,
                        level=Level.BUDDY,
                        agreed_on=started + timedelta(days=3),
                        created_by=coordinator,
                    )
                    changes = [
                        GoalLevelChange(project=project, goal=goal, level=1, on=goal.agreed_on)
                    ]
                    span = (today - goal.agreed_on).days
                    for level in (2, 3):
                        if span > 30 and rng.random() < 0.7:
                            on = goal.agreed_on + timedelta(days=span * (level - 1) // 3)
                            changes.append(
                                GoalLevelChange(project=project, goal=goal, level=level, on=on)
                            )
                            goal.level = level
                        else:
                            break
                    GoalLevelChange.objects.bulk_create(changes)
                    Goal.objects.filter(pk=goal.pk).update(level=goal.level)
                tasks = [
                    (
                        buddy_kind,
                        "Samen wandelen en koffie drinken",
                        "buddy",
                        "Kiest samen met de deelnemer wat ze doen.",
                    ),
                    (None, "Afspraken in de agenda zetten", "participant", ""),
                ]
                if n == 3:
                    tasks.append(
                        (
                            professional_kind,
                            "Hulp bij de brieven van de mutualiteit",
                            "buddy",
                            "Leest mee, beslist niets.",
                        )
                    )
                RoleTask.objects.bulk_create(
                    RoleTask(
                        project=project,
                        trajectory=trajectory,
                        **dict(zip(TASK_FIELDS, task, strict=True)),
                    )
                    for task in tasks
                )
    progress(f"trajectories: {made}")


def delete_extra(*, projects) -> None:
    """Remove the demo trajectories before the buddies and participants they protect."""
    Trajectory.objects.filter(project__in=projects).delete()
