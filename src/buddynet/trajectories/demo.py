"""Demo trajectories (called by seed-demo): a trajectory for every matched participant
with an active buddy, so that "matched" on the dashboards is the number of trajectories
running. Per project the first few are told in detail, one of them the demo buddy's with
a signed agreement, journal entries and goals with progress, and one starting trajectory
that still waits for signatures."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from buddynet.core.bulk import bulk_update_rows
from buddynet.core.models import AuditEntry
from buddynet.participants.models import Participant
from buddynet.volunteers.models import Buddy, PipelineStep

from . import services
from .models import (
    Agreement,
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
SIGNED_REASON = "Het afsprakenkader is door iedereen ondertekend."
BRIEF_PURPOSE = "Iemand om op terug te vallen en samen dingen doen buitenshuis."
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
GOALS = [
    ("Zelf boodschappen doen", "In de winkel de weg vinden en betalen."),
    ("Met de bus naar het OCMW", "De juiste bus nemen en het loket vinden."),
    ("Een praatje maken in het Nederlands", "Bij de bakker of aan de schoolpoort."),
]


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _signatures(trajectory, version, coordinator, when) -> list[AgreementSignature]:
    """Every party's signature on ``version``: the buddy and professional with their own
    account, the participant on the coordinator's device."""
    names = {
        Party.BUDDY: trajectory.buddy.full_name,
        Party.PARTICIPANT: trajectory.participant.full_name,
        Party.PROFESSIONAL: (
            trajectory.professional.get_full_name() if trajectory.professional else ""
        ),
        Party.COORDINATOR: coordinator.get_full_name() or coordinator.email,
    }
    return [
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


def _sign_all(trajectory, version, coordinator, when) -> None:
    AgreementSignature.objects.bulk_create(_signatures(trajectory, version, coordinator, when))
    version.fully_signed_at = when
    version.save(update_fields=["fully_signed_at"])
    Trajectory.objects.filter(pk=trajectory.pk).update(status=Trajectory.Status.ACTIVE)
    change = _activated(trajectory, coordinator)
    change.save()
    StatusChange.objects.filter(pk=change.pk).update(at=when)


def _activated(trajectory, coordinator) -> StatusChange:
    """The history row of a trajectory that became active when everyone signed."""
    return StatusChange(
        trajectory=trajectory,
        project_id=trajectory.project_id,
        from_status=Trajectory.Status.STARTING,
        to_status=Trajectory.Status.ACTIVE,
        by=coordinator,
        reason=SIGNED_REASON,
    )


def _signed_at(started):
    """Written the day after the start, signed by everyone two days later (not the day
    the demo was loaded)."""
    return _at(started + timedelta(days=3), 18)


def _started(participant, rng, today):
    """The day the trajectory started: the day the participant was matched, at least
    two weeks ago."""
    started = participant.matched_on or today - timedelta(days=rng.randint(20, 200))
    return min(started, today - timedelta(days=14))


def _journal(trajectory, author, rng, today, *, detailed: bool) -> list[JournalEntry]:
    """A long journal for the detailed ones; the last weeks for the others."""
    entries = []
    day = trajectory.started_on + timedelta(days=4)
    if not detailed:
        day = max(day, today - timedelta(days=20))
    while day <= today:
        kind = rng.choice(["visit", "visit", "activity", "phone"])
        entries.append(
            JournalEntry(
                trajectory=trajectory,
                author=author,
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
    return entries


def _brief(project, pairs, coordinator, rng, today) -> int:
    """The trajectories told briefly, written in bulk: the rows the services write for a
    trajectory that started, whose agreement everyone signed, with a journal of the last
    weeks (the detailed ones go through the services). At 100,000 participants there are
    some 11,000 of these; one by one through the services they took most of the seed.
    The schedule of their conversations is the follow-up demo's."""
    if not pairs:
        return 0
    values = {
        **services.agreement_template_for(project=project).section_values(),
        "purpose": BRIEF_PURPOSE,
    }
    trajectories: list[Trajectory] = []
    journal: list[JournalEntry] = []
    for buddy, participant in pairs:
        trajectory = Trajectory(
            buddy=buddy,
            participant=participant,
            professional=participant.referred_by,
            started_on=_started(participant, rng, today),
            status=Trajectory.Status.ACTIVE,
        )
        entries = _journal(trajectory, buddy.user or coordinator, rng, today, detailed=False)
        if entries:
            trajectory.last_contact_on = entries[-1].on
        trajectories.append(trajectory)
        journal += entries
    Trajectory.objects.bulk_create(trajectories)
    # The participant was matched the day the trajectory started.
    for trajectory in trajectories:
        trajectory.participant.matched_on = trajectory.started_on
        trajectory.participant.next_contact_due = None
    bulk_update_rows([t.participant for t in trajectories], ["matched_on", "next_contact_due"])
    changes = StatusChange.objects.bulk_create(
        [
            StatusChange(
                trajectory=t,
                project_id=t.project_id,
                to_status=Trajectory.Status.STARTING,
                by=coordinator,
            )
            for t in trajectories
        ]
        + [_activated(t, coordinator) for t in trajectories]
    )
    # bulk_create stamps the history with now; the days they happened:
    for change in changes:
        started = change.trajectory.started_on
        is_start = change.to_status == Trajectory.Status.STARTING
        change.at = _at(started, 10) if is_start else _signed_at(started)
    bulk_update_rows(changes, ["at"])
    agreements = [Agreement(project_id=t.project_id, trajectory=t, **values) for t in trajectories]
    Agreement.objects.bulk_create(agreements)
    versions = []
    for trajectory, agreement in zip(trajectories, agreements, strict=True):
        text = services.agreement_text(trajectory=trajectory, values=agreement.section_values())
        versions.append(
            AgreementVersion(
                project_id=trajectory.project_id,
                agreement=agreement,
                number=1,
                text=text,
                document_hash=services.document_hash(text),
                language="nl",
                parties=services.required_parties(trajectory),
                created_by=coordinator,
                fully_signed_at=_signed_at(trajectory.started_on),
            )
        )
    AgreementVersion.objects.bulk_create(versions)
    for version in versions:
        version.created_at = _at(version.agreement.trajectory.started_on + timedelta(days=1), 14)
    bulk_update_rows(versions, ["created_at"])
    AgreementSignature.objects.bulk_create(
        [
            signature
            for trajectory, version in zip(trajectories, versions, strict=True)
            for signature in _signatures(trajectory, version, coordinator, version.fully_signed_at)
        ]
    )
    kind = ContentType.objects.get_for_model(Trajectory)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                action="agreement.version_created",
                actor=coordinator,
                actor_email=coordinator.email,
                content_type=kind,
                object_id=trajectory.pk,
                object_code=trajectory.code,
                project=project,
                data={"version": version.number, "hash": version.document_hash},
            )
            for trajectory, version in zip(trajectories, versions, strict=True)
        ]
    )
    JournalEntry.objects.bulk_create(journal)
    return len(trajectories)


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
            brief = []
            for n, (buddy, participant) in enumerate(
                _pairs(buddies, participants, demo_user_id=demo_buddy_user.pk)
            ):
                if n >= PER_PROJECT:
                    brief.append((buddy, participant))
                    continue
                # Starting: matched two days ago, the agreement waits for signatures.
                started = today - timedelta(days=2) if n == 1 else _started(participant, rng, today)
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
                    trajectory=trajectory, by=coordinator, data={"purpose": BRIEF_PURPOSE}
                )
                AgreementVersion.objects.filter(pk=version.pk).update(
                    created_at=_at(started + timedelta(days=1), 14)
                )
                _sign_all(trajectory, version, coordinator, _signed_at(started))
                entries = _journal(trajectory, buddy.user or coordinator, rng, today, detailed=True)
                JournalEntry.objects.bulk_create(entries)
                if entries:
                    Trajectory.objects.filter(pk=trajectory.pk).update(
                        last_contact_on=entries[-1].on
                    )
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
            made += _brief(project, brief, coordinator, rng, today)
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
    bulk_update_rows(moved, ["created_at"])
    buddies = list(
        Buddy.objects.filter(pk__in=[s.buddy_id for s in moved], status=Buddy.Status.ACTIVE)
    )
    for buddy in buddies:
        buddy.status_changed_on = first[buddy.pk]
    bulk_update_rows(buddies, ["status_changed_on"])


def delete_extra(*, projects) -> None:
    """Remove the demo trajectories before the buddies and participants they protect."""
    Trajectory.objects.filter(project__in=projects).delete()
