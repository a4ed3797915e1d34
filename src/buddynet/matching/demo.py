"""Demo data for matching (called by seed-demo after the people exist), in the first demo
project: what the intake recorded for matching (time slots, interests, skills), a few help
requests shown anonymously to buddies with raised hands on some of them, an introductory
meeting of the demo buddy with the demo participant that both still have to answer, and a
finished global proposal whose pairs wait for the coordinator's approval."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from buddynet.core.bulk import bulk_update_rows
from buddynet.participants.models import Participant
from buddynet.volunteers.models import Buddy

from . import services
from .adapters import READY_STATUSES
from .models import HandRaise, Introduction, MatchingProfile, Proposal, ProposalRun

DAYTIME = [
    f"{day}_{part}"
    for day in ("mon", "tue", "wed", "thu", "fri")
    for part in ("morning", "afternoon")
]
WEEKEND = ["wed_afternoon", "sat_morning", "sat_afternoon", "sun_afternoon"]
EVENINGS = [f"{day}_evening" for day in ("mon", "tue", "wed", "thu")]
INTERESTS = ["wandelen", "koken", "fietsen", "lezen", "muziek", "voetbal", "tuinieren", "film"]
SKILLS = [
    "Ik help graag met papieren en brieven.",
    "Handig met de computer en de smartphone.",
    "Ik ken de stad goed: bus, tram en fiets.",
    "Huiswerkbegeleiding, ik was leerkracht.",
    "Samen Nederlands oefenen bij een koffie.",
    "Mee naar afspraken bij de dokter of het OCMW.",
    "Budgetteren en rekeningen op orde houden.",
]
SUMMARIES = [
    "Een moeder met twee kinderen die graag Nederlands wil oefenen en de buurt wil leren kennen.",
    "Een oudere man die sinds kort alleen woont en graag samen zou wandelen.",
    "Een jonge vrouw die net op zichzelf woont en hulp zoekt met brieven en afspraken.",
    "Een gezin dat nieuw is in de stad en iemand zoekt om samen de weg te vinden.",
    "Iemand die graag samen kookt en op zoek is naar een vast aanspreekpunt.",
    "Een student die hulp zoekt met plannen en de bus leren nemen.",
]


def seed_extra(*, projects, users, rng, today, progress) -> None:
    project = projects[0]
    waiting = list(
        Participant.objects.filter(project=project, status=Participant.Status.WAITING).order_by(
            "pk"
        )
    )
    for person in waiting:
        if not person.availability:
            person.availability = sorted(rng.sample(DAYTIME, 3) + rng.sample(WEEKEND, 2))
        if not person.interests:
            person.interests = rng.sample(INTERESTS, rng.randint(1, 3))
    bulk_update_rows(waiting, ["availability", "interests"])
    helpers = list(Buddy.objects.filter(project=project, status__in=READY_STATUSES).order_by("pk"))
    for buddy in helpers:
        if not buddy.skills:
            buddy.skills = " ".join(rng.sample(SKILLS, 2))
        if not set(buddy.availability or ()) & set(WEEKEND + DAYTIME):
            buddy.availability = sorted(set(buddy.availability or ()) | set(rng.sample(WEEKEND, 2)))
    bulk_update_rows(helpers, ["skills", "availability"])
    progress("matching: time slots, interests and skills in the first project")

    coordinator = users["coordinator"]
    demo_buddy = Buddy.objects.filter(user=users["buddy"]).first()
    demo_participant = Participant.objects.filter(user=users["participant"]).first()
    if demo_buddy is not None and demo_participant is not None:
        _introduction(project, demo_buddy, demo_participant, coordinator, today)
        progress("matching: an introduction to answer for the demo buddy and participant")

    # Help requests shown anonymously to buddies, with a few raised hands.
    published = [p for p in waiting if p.pk != getattr(demo_participant, "pk", None)][:6]
    for person, summary in zip(published, SUMMARIES, strict=False):
        MatchingProfile.objects.update_or_create(
            participant=person,
            defaults={"project": project, "published": True, "public_summary": summary},
        )
    ready = [b for b in helpers if b.status == Buddy.Status.READY]
    for person, buddy in zip(published[:3], ready, strict=False):
        HandRaise.objects.create(
            project=project,
            buddy=buddy,
            participant=person,
            note="Dit spreekt me aan, ik wil graag kennismaken.",
        )
    progress("matching: anonymised help requests and raised hands")

    # A finished global proposal: its pairs wait for the coordinator.
    run = ProposalRun.objects.create(
        project=project,
        network_id=project.organisation.network_id,
        scope=ProposalRun.Scope.PROJECT,
        project_ids=[project.pk],
        started_by=coordinator,
    )
    run = services.run_execute(run.pk)
    progress(f"matching: a global proposal with {run.pairs_count} pending pairs")


def _introduction(project, buddy, participant, coordinator, today) -> None:
    """The demo buddy met the demo participant yesterday; both still have to answer."""
    shared = ["wed_afternoon", "sat_morning"]
    Buddy.objects.filter(pk=buddy.pk).update(
        availability=sorted(set(buddy.availability or ()) | set(shared)),
        languages=sorted(set(buddy.languages or ()) | {"nl"}),
        capacity=max(buddy.capacity, 2),
    )
    Participant.objects.filter(pk=participant.pk).update(
        availability=[*shared, "mon_morning"],
        languages=sorted(set(participant.languages or ()) | {"nl"}),
        interests=["koken", "wandelen"],
    )
    buddy.refresh_from_db()
    participant.refresh_from_db()
    _why, breakdown = services.pair_explanation(participant=participant, buddy=buddy)
    pair = {"project": project, "buddy": buddy, "participant": participant}
    proposal = Proposal.objects.create(
        **pair,
        score=breakdown["score"],
        breakdown=breakdown,
        source=Proposal.Source.RANKING,
        status=Proposal.Status.APPROVED,
        feeling="+",
        feeling_note="Allebei graag koken; Jan heeft ervaring met papieren.",
        created_by=coordinator,
        decided_by=coordinator,
        decided_at=timezone.now() - timedelta(days=6),
    )
    meets = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(14, 0)))
    Introduction.objects.create(
        **pair,
        proposal=proposal,
        meets_at=meets,
        place=f"Het projectlokaal, {project.town}",
        staff_present=coordinator.get_full_name() or coordinator.email,
        notes="Vlotte kennismaking bij een koffie; allebei wat verlegen in het begin.",
        status=Introduction.Status.HELD,
        planned_by=coordinator,
    )


def delete_extra(*, projects) -> None:
    """Remove what protects the demo people and projects (called by demo_delete)."""
    from .models import IntroductionAnswer, MatchingSettings, PairExclusion

    for model in (
        IntroductionAnswer,
        Introduction,
        HandRaise,
        PairExclusion,
        Proposal,
        ProposalRun,
        MatchingProfile,
        MatchingSettings,
    ):
        model.objects.filter(project__in=projects).delete()
