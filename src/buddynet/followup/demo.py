"""Demo follow-up (called by seed-demo after the trajectories demo): the schedule of every
trajectory with its past conversations recorded, a few left overdue, a quiet trajectory,
one open boundary signal with a first aftercare step, and one closed trajectory with its
exit conversations and an aftercare contact."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from buddynet.core.models import AuditEntry
from buddynet.participants.models import Participant
from buddynet.trajectories import demo as trajectories_demo
from buddynet.trajectories.models import Trajectory

from . import clock, services
from .models import Cadence, Closure, FollowUp, Signal, SignalStep

REPORTS = [
    "Kort gebeld met de buddy: het loopt goed, ze zien elkaar wekelijks.",
    "Feedbackgesprek: de buddy twijfelt soms hoeveel ze mag helpen met papieren.",
    "Evaluatie met de deelnemer: tevreden, wil graag meer samen naar buiten.",
    "Opvolging: afspraken blijven haalbaar, niets aan te passen.",
    "Gesprek over grenzen: de buddy geeft geen geld meer, dat is nu duidelijk.",
]
EXIT = {
    "buddy": ("Het vertrouwen dat groeide.", "Afscheid nemen.", "Een terugkomdag voor buddy's."),
    "participant": ("Iemand die luisterde.", "Toen de buddy op vakantie was.", ""),
    "professional": ("De korte lijn met de coördinator.", "", "Sneller terugkoppelen."),
}


def _record_past(trajectory, coordinator, rng, today, keep_overdue: bool) -> int:
    """Record what would have been held by now; optionally leave the latest one open.

    The latest, not the oldest: an open conversation holds its series back (the next one
    is planned when it is recorded), so leaving the first phone call of July open kept
    that series stuck on a date months ago, and a coordinator's real backlog is the last
    few weeks, not the start of the trajectory."""
    recorded = 0
    for _round in range(40):
        items = [
            i
            for i in FollowUp.objects.filter(
                trajectory=trajectory, done_at__isnull=True, cancelled_at__isnull=True
            ).order_by("due_at")
            if clock.local_date(i.due_at) < today - timedelta(days=2)
        ]
        if keep_overdue:
            items = items[:-1]
        if not items:
            break
        item = items[0]
        held_on = clock.local_date(item.due_at) + timedelta(days=rng.randint(0, 2))
        services.followup_record(
            followup=item,
            by=coordinator,
            held_on=min(held_on, clock.today()),
            report=rng.choice(REPORTS),
            adjust_agreement=rng.random() < 0.1,
        )
        recorded += 1
    return recorded


def _open_signal(trajectory, buddy_user, coordinator) -> None:
    signal = Signal.objects.create(
        project_id=trajectory.project_id,
        trajectory=trajectory,
        raised_by=buddy_user,
        raised_as=Signal.RaisedAs.BUDDY,
        kind=Signal.Kind.TOO_MUCH,
        severity=Signal.Severity.MEDIUM,
        description=(
            "De familie vraagt of ik elke dag kan langskomen en ook de kinderen "
            "naar school kan brengen. Dat is te veel voor mij."
        ),
    )
    signal.log_action("signal.raised", user=buddy_user, via="system")
    services.signal_step(
        signal=signal,
        by=coordinator,
        step=SignalStep.Step.ACKNOWLEDGE,
        note="Gebeld met de buddy: goed dat je het zegt. Gesprek gepland.",
    )


def _plan_brief(project, trajectories, rng, today) -> None:
    """The schedule of the trajectories told briefly, written in bulk: what
    ``services.schedule_for`` plans for a running trajectory (the first conversation of
    each regular series), due 3 to 40 days ahead, so that the overdue ones on the
    dashboard are the few chosen in the detailed ones."""
    hour = services.cadence_for(project).due_hour
    items: list[FollowUp] = []
    entries: list[AuditEntry] = []
    kind_of_record = ContentType.objects.get_for_model(Trajectory)
    for trajectory in trajectories:
        planned = []
        for series in services.REGULAR_SERIES:
            kind, with_whom = services.SERIES_KIND[series]
            day = today + timedelta(days=rng.randint(3, 40))
            planned.append(f"{series}:{day}")
            items.append(
                FollowUp(
                    project_id=trajectory.project_id,
                    trajectory=trajectory,
                    series=series,
                    number=1,
                    kind=kind,
                    with_whom=with_whom,
                    due_at=clock.at(day, hour),
                )
            )
        entries.append(
            AuditEntry(
                action="followup.scheduled",
                content_type=kind_of_record,
                object_id=trajectory.pk,
                object_code=trajectory.code,
                project_id=trajectory.project_id,
                data={"planned": planned},
                via="system",
            )
        )
    FollowUp.objects.bulk_create(items)
    AuditEntry.objects.bulk_create(entries)


def _after_closure(trajectory, coordinator, today) -> None:
    """What follows a closed trajectory: the participant's file is closed (they no longer
    count as matched) and the buddy, with nobody else to accompany, is ready again."""
    Participant.objects.filter(pk=trajectory.participant_id).update(
        status=Participant.Status.CLOSED, closed_on=today, next_contact_due=None
    )
    closure = Closure.objects.get(trajectory=trajectory)
    services.buddy_wish_set(closure=closure, wish=Closure.BuddyWish.READY, by=coordinator)


def _close(trajectory, coordinator, rng, today) -> None:
    closure = services.closure_start(
        trajectory=trajectory,
        by=coordinator,
        planned=True,
        reason="goals_reached",
        reason_note="De deelnemer doet de boodschappen en de bus nu zelf.",
    )
    for party in services.parties(trajectory):
        helped, hard, better = EXIT[party]
        services.exit_record(
            closure=closure,
            party=party,
            by=coordinator,
            data={
                "held_on": min(today, clock.today()) - timedelta(days=1),
                "rating": rng.choice([3, 4]),
                "what_helped": helped,
                "what_was_hard": hard,
                "for_the_project": better,
            },
        )
    services.closure_complete(
        closure=closure,
        by=coordinator,
        continues="neighbourhood",
        continues_note="Zorgzame buurt: de koffieochtend in het buurthuis",
        contact_policy="informal",
        aftercare_on=[clock.next_working_day(max(today, clock.today()) + timedelta(days=30))],
    )


def seed_extra(*, projects, users, rng, today, progress) -> None:
    coordinator = users["coordinator"]
    demo_buddy_user = users["buddy"]
    recorded = 0
    all_active: list[Trajectory] = []
    running = 0
    with translation.override("nl"):
        for project in projects:
            trajectories = list(
                Trajectory.objects.filter(project=project)
                .select_related("buddy", "participant", "project")
                .order_by("pk")
            )
            brief = []
            for number, trajectory in enumerate(trajectories):
                if number >= trajectories_demo.PER_PROJECT:
                    # The trajectories told briefly: their next conversations are ahead,
                    # so the overdue ones on the dashboard are the few chosen below.
                    if trajectory.status in services.SCHEDULING_STATUSES:
                        brief.append(trajectory)
                    if trajectory.status == Trajectory.Status.ACTIVE:
                        all_active.append(trajectory)
                    continue
                services.schedule_for(trajectory)
                if trajectory.status not in services.SCHEDULING_STATUSES:
                    continue
                # A few overdue items: every other running trajectory keeps one open,
                # except the demo buddy's own, whose dashboard shows their next
                # conversation with the project.
                own_trajectory = trajectory.buddy.user_id == demo_buddy_user.pk
                keep = running % 2 == 0 and not own_trajectory
                recorded += _record_past(trajectory, coordinator, rng, today, keep_overdue=keep)
                running += 1
                if trajectory.status == Trajectory.Status.ACTIVE:
                    all_active.append(trajectory)
            _plan_brief(project, brief, rng, today)
        own = next((t for t in all_active if t.buddy.user_id == demo_buddy_user.pk), None)
        if own is not None:
            _open_signal(own, demo_buddy_user, coordinator)
        # One closed trajectory with its exit conversations and aftercare.
        others = [t for t in all_active if t is not own]
        if others:
            _close(others[-1], coordinator, rng, today)
            _after_closure(others[-1], coordinator, today)
        if len(others) > 1:
            # A quiet trajectory for the inactivity alert.
            Trajectory.objects.filter(pk=others[-2].pk).update(
                last_contact_on=today - timedelta(days=33)
            )
    progress(f"follow-up: {recorded} conversations recorded, 1 signal, 1 closure")


def delete_extra(*, projects) -> None:
    """What belongs to the demo projects, before the people and projects go."""
    Signal.objects.filter(project__in=projects).delete()
    Closure.objects.filter(project__in=projects).delete()
    FollowUp.objects.filter(project__in=projects).delete()
    Cadence.objects.filter(project__in=projects).delete()
