"""Demo trajectories (called by seed-demo): a trajectory for every matched participant
with an active buddy, so that "matched" on the dashboards is the number of trajectories
running. Per project the first few are told in detail, one of them the demo buddy's with
a signed agreement, journal entries and goals with progress, and one starting trajectory
that still waits for signatures."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone, translation

from buddynet.participants.models import Participant
from buddynet.volunteers.models import Buddy, PipelineStep

from . import services
from .models import (
    AgreementSignature,
    AgreementVersion,
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
# The role division's tasks: one row per task, in the order of TASK_FIELDS.
TASK_FIELDS = ("kind", "description", "owner", "mandate")
# What a journal entry says fits what they did and how long it took: a phone call is
# short and no coffee is drunk during it.
NOTES = {
    "visit": [
        "Samen koffie gedronken in het buurthuis; we praatten over familie.",
        "Wandeling in het park, veel gelachen.",
        "Samen Nederlands geoefend met de krant.",
        "Samen gekookt en gegeten; het recept gaat mee naar huis.",
    ],
    "activity": [
        "Boodschappen gedaan; de weg naar de markt gaat al vlotter.",
        "Samen naar de bibliotheek; er gingen twee boeken mee naar huis.",
        "Met de bus naar het stadhuis; het ticket zelf gekocht aan de automaat.",
    ],
    "phone": [
        "Kort gebeld om de afspraak van volgende week te bevestigen.",
        "Even gebeld: alles goed, volgende week zien we elkaar weer.",
    ],
}
MINUTES = {"visit": [60, 60, 90, 120], "activity": [60, 90, 120], "phone": [15, 30]}


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


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
    change = StatusChange.objects.create(
        trajectory=trajectory,
        project_id=trajectory.project_id,
        from_status=Trajectory.Status.STARTING,
        to_status=Trajectory.Status.ACTIVE,
        by=coordinator,
        reason="Het afsprakenkader is door iedereen ondertekend.",
    )
    StatusChange.objects.filter(pk=change.pk).update(at=when)


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
                # The history shows the day it started, not the day the demo was loaded.
                StatusChange.objects.filter(trajectory=trajectory).update(at=_at(started, 10))
                if n == 1:
                    # A starting trajectory: the agreement is written, nobody signed yet.
                    version = services.agreement_save(
                        trajectory=trajectory,
                        by=coordinator,
                        data={
                            "purpose": "Samen de buurt leren kennen en Nederlands oefenen.",
                        },
                    )
                    AgreementVersion.objects.filter(pk=version.pk).update(
                        created_at=_at(started, 14)
                    )
                    continue
                version = services.agreement_save(
                    trajectory=trajectory,
                    by=coordinator,
                    data={
                        "purpose": "Iemand om op terug te vallen en samen dingen doen buitenshuis.",
                    },
                )
                # Written the day after the start, signed by everyone two days later (not
                # the day the demo was loaded).
                AgreementVersion.objects.filter(pk=version.pk).update(
                    created_at=_at(started + timedelta(days=1), 14)
                )
                _sign_all(trajectory, version, coordinator, _at(started + timedelta(days=3), 18))
                detailed = n < PER_PROJECT
                entries = []
                # A long journal for the detailed ones; the last weeks for the others.
                day = started + timedelta(days=4)
                if not detailed:
                    day = max(day, today - timedelta(days=20))
                while day <= today:
                    kind = rng.choice(["visit", "visit", "activity", "phone"])
                    entries.append(
                        JournalEntry(
                            project_id=project.pk,
                            trajectory=trajectory,
                            author=buddy.user or coordinator,
                            on=day,
                            duration_minutes=rng.choice(MINUTES[kind]),
                            kind=kind,
                            note=rng.choice(NOTES[kind]),
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
    _active_since_first_trajectory(projects)
    progress(f"trajectories: {made}")


def _active_since_first_trajectory(projects) -> None:
    """A buddy's history says "accompanying someone" from the day their first trajectory
    started (the recruitment demo could not know that day), when they were ready by then."""
    first: dict[int, date] = {}
    for buddy_id, started_on in (
        Trajectory.objects.filter(project__in=projects)
        .order_by("started_on")
        .values_list("buddy_id", "started_on")
    ):
        first.setdefault(buddy_id, started_on)
    steps = list(
        PipelineStep.objects.filter(
            buddy_id__in=list(first), to_status__in=(Buddy.Status.READY, Buddy.Status.ACTIVE)
        )
    )
    ready = {s.buddy_id: s.created_at for s in steps if s.to_status == Buddy.Status.READY}
    moved = []
    for step in steps:
        since = first[step.buddy_id]
        ready_on = timezone.localdate(ready[step.buddy_id]) if step.buddy_id in ready else None
        if step.to_status == Buddy.Status.ACTIVE and ready_on and ready_on <= since:
            step.created_at = _at(since, 10)
            moved.append(step)
    PipelineStep.objects.bulk_update(moved, ["created_at"], batch_size=2000)
    buddies = list(
        Buddy.objects.filter(pk__in=[s.buddy_id for s in moved], status=Buddy.Status.ACTIVE)
    )
    for buddy in buddies:
        buddy.status_changed_on = first[buddy.pk]
    Buddy.objects.bulk_update(buddies, ["status_changed_on"], batch_size=2000)


def delete_extra(*, projects) -> None:
    """Remove the demo trajectories before the buddies and participants they protect."""
    Trajectory.objects.filter(project__in=projects).delete()
