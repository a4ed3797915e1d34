"""Privacy benchmark (issue 17): a participant's full export, and the retention job.

Measured on a demo network (``--scale`` participants, seeded here) or on a database as it
is (``--existing``: ``DATABASE_URL`` / ``BUDDYNET_DATA_DIR``), each next to a reference
in the same run:

- the export of the participant with the most records (the longest trajectory's
  journal, follow-ups, goals, measurements). The demo's trajectories are at most a year
  old, so the seed here adds one participant with a three-year trajectory
  (``long_trajectory``: a weekly journal, monthly follow-ups, goals whose level moves
  each quarter, measurements at the start, after 18 months and now, messages); with
  ``--existing`` the database's own longest one is taken. The reference is gathering
  the data alone
  (``export_data``: every app's declared parts, the file's history); the export is the
  whole ZIP (``build_zip``: that data as JSON, the PDF, the files);
- the retention job: the daily job itself (``retention.retention_run``) over
  ``--files`` expired closed files (the others closed today), timed per file with the
  erasure's queries per file, the job's own queries per batch (its reads, the scan of
  the audit log and the notifications once per batch, the terms and the report:
  constant per batch), that scan timed apart, and the records of each kind it
  anonymised; the reference is the dry run of one of those files (``plan_erasure``:
  the same reads, nothing written).

The retention part runs in a transaction that is rolled back: nothing is erased, also
with ``--existing``. Prints a table; copy it into BENCHMARKS.md. Not a test: nothing
fails on a slow machine.

Usage: ``python bench/privacy.py [--scale 20000] [--files 200] [--existing]``.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

MONTHS = 36


def long_trajectory(project, by, today: datetime.date):
    """A participant and buddy of ``project`` with a trajectory started ``MONTHS``
    months before ``today``, with what three years leave: a journal entry a week,
    a follow-up a month (done, with a report), four goals whose level changes each
    quarter, measurements at the start, mid-way and now, and a message a week in the
    pair's conversation. Written in bulk (a seed, not a test of the services)."""
    from datetime import timedelta

    from django.utils import timezone

    from buddynet.contact.models import Conversation, Message
    from buddynet.followup.models import FollowUp
    from buddynet.impact.models import Measurement, Response
    from buddynet.participants import consent
    from buddynet.participants import services as participant_services
    from buddynet.participants.models import Participant
    from buddynet.trajectories import services as trajectory_services
    from buddynet.trajectories.models import Goal, GoalLevelChange, JournalEntry
    from buddynet.volunteers.models import Buddy

    started = today - timedelta(days=MONTHS * 365 // 12)
    buddy = Buddy.objects.create(
        project=project, first_name="Karel", last_name="Langeloop", status="active"
    )
    participant = Participant.objects.create(
        project=project,
        first_name="Rosa",
        last_name="Driejaar",
        status=Participant.Status.WAITING,
        referred_on=started - timedelta(days=60),
        waiting_since=started - timedelta(days=40),
        help_request="Wil weer zelf boodschappen doen en de weg vinden in de stad.",
        languages=["nl"],
    )
    for purpose in (consent.SUPPORT, consent.IMPACT):
        participant_services.consent_record(
            participant=participant, purpose=purpose, given=True, by=by
        )
    trajectory = trajectory_services.trajectory_start(
        buddy=buddy, participant=participant, by=by, started_on=started
    )
    weeks = (today - started).days // 7
    JournalEntry.objects.bulk_create(
        JournalEntry(
            project=project,
            trajectory=trajectory,
            author=by,
            on=started + timedelta(weeks=week),
            duration_minutes=90,
            kind=("visit", "activity", "phone")[week % 3],
            mood=("good", "okay", "difficult")[week % 5 % 3],
            visibility="team",
            note=f"Week {week + 1}: samen naar de markt en de bibliotheek; "
            "over de brief van het OCMW gesproken.",
        )
        for week in range(weeks)
    )
    numbers = FollowUp.objects.filter(trajectory=trajectory, series="contact").count()
    FollowUp.objects.bulk_create(
        FollowUp(
            project=project,
            trajectory=trajectory,
            series="contact",
            number=numbers + month + 1,
            kind="phone",
            with_whom="both",
            due_at=timezone.make_aware(
                datetime.datetime.combine(started + timedelta(days=30 * month), datetime.time(10))
            ),
            done_at=timezone.make_aware(
                datetime.datetime.combine(started + timedelta(days=30 * month), datetime.time(11))
            ),
            recorded_by=by,
            report=f"Maand {month + 1}: het gaat goed, de afspraken lopen.",
        )
        for month in range(MONTHS)
    )
    goals = Goal.objects.bulk_create(
        Goal(
            project=project,
            trajectory=trajectory,
            title=title,
            description="Afgesproken bij de start.",
            level=1,
            agreed_on=started,
            created_by=by,
        )
        for title in (
            "Zelf de bus nemen",
            "Boodschappen doen",
            "Naar de dokter gaan",
            "Een hobby vinden",
        )
    )
    GoalLevelChange.objects.bulk_create(
        GoalLevelChange(
            project=project,
            goal=goal,
            level=min(5, 1 + quarter // 3),
            on=started + timedelta(days=91 * quarter),
            note="Besproken bij de opvolging.",
            by=by,
        )
        for goal in goals
        for quarter in range(1, MONTHS // 3 + 1)
    )
    for moment, day in (("baseline", 0), ("mid", (today - started).days // 2), ("closure", 0)):
        on = started + timedelta(days=day) if moment != "closure" else today
        measurement, _new = Measurement.objects.update_or_create(
            trajectory=trajectory,
            moment=moment,
            defaults={
                "project": project,
                "participant": participant,
                "due_on": on,
                "instruments": ["djg6", "who5"],
                "completed_on": on,
                "entered_by": "coordinator",
                "entered_by_user": by,
            },
        )
        Response.objects.get_or_create(
            measurement=measurement,
            instrument="who5",
            defaults={"project": project, "answers": dict.fromkeys("12345", 3), "headline": 60},
        )
    conversation = Conversation.objects.create(
        project=project, kind=Conversation.Kind.PAIR, trajectory=trajectory
    )
    Message.objects.bulk_create(
        Message(
            conversation=conversation,
            author=by,
            part="coordinator",
            body=f"Tot donderdag, week {week + 1}!",
        )
        for week in range(weeks)
    )
    return participant


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--existing", action="store_true", help="measure the database as it is")
    parser.add_argument("--files", type=int, default=200, help="closed files the job erases")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("BUDDYNET_DATA_DIR", tempfile.mkdtemp(prefix="buddynet-bench-privacy-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "buddynet.settings_test"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from buddynet.accounts.models import User
    from buddynet.core import clock
    from buddynet.core.models import AuditEntry
    from buddynet.participants.models import Participant
    from buddynet.privacy import erasure, retention, services
    from buddynet.privacy.retention import REPORTED
    from buddynet.site import demo
    from buddynet.tenancy.models import Project
    from buddynet.trajectories.models import Trajectory

    if not args.existing:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        network = demo.seed_demo(scale=args.scale, seed=1)
        with scopes_disabled(), transaction.atomic():
            project = Project.objects.filter(organisation__network=network).order_by("pk")[0]
            by = User.objects.filter(email__startswith="coordinator@").get()
            long_trajectory(project, by, clock.today())
    connection.ensure_connection()
    # The job's queries are counted whole: Django's log keeps only the last 9,000.
    connection.queries_log = collections.deque(maxlen=10_000_000)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows: list[tuple[str, float, str, str]] = []

    def timed(work, repeat: int) -> tuple[float, int]:
        samples, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                work()
                samples.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
        return statistics.median(samples), queries

    with scopes_disabled():
        participants = Participant.objects.count()
        longest = (
            Trajectory.objects.annotate(entries=Count("journal_entries"))
            .order_by("-entries", "started_on")
            .select_related("participant")
            .first()
        )
        person = longest.participant
        days = (clock.today() - longest.started_on).days if longest.started_on else 0
        _data, sections = services.export_data(person)
        records = sum(len(section.records) for section in sections)
        what = f"{records} records in {len(sections)} parts, a trajectory of {days} days"
        ms, queries = timed(lambda: services.export_data(person), args.repeat)
        rows.append(("reference: gather one participant's data", ms, str(queries), what))
        size = len(services.build_zip(person))
        ms, queries = timed(lambda: services.build_zip(person), args.repeat)
        rows.append(
            ("export: the ZIP (JSON + PDF + files)", ms, str(queries), f"{size / 1024:.0f} KB")
        )

        # The daily job itself over ``--files`` expired closed files: those files closed
        # ten years ago, every other closed file today (not expired); the records with
        # their own term (messages, proof, the named list) as the seed left them.
        today = clock.today()
        long_ago = today - datetime.timedelta(days=3653)
        kind = retention.KINDS[0]
        with transaction.atomic():
            closed = list(
                Participant.objects.filter(**kind.closed, erased_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if len(closed) < args.files:  # close more files for the run
                more = Participant.objects.exclude(pk__in=closed).filter(erased_at__isnull=True)
                closed += list(more.order_by("pk").values_list("pk", flat=True)[: args.files])
            chosen = closed[: args.files]
            Participant.objects.filter(pk__in=closed).update(
                status=Participant.Status.CLOSED, closed_on=today
            )
            Participant.objects.filter(pk__in=chosen).update(closed_on=long_ago)
            # The closed trajectories too: their messages and signed agreements expire.
            Trajectory.objects.filter(status=Trajectory.Status.CLOSED).update(closed_on=long_ago)
            total_closed = len(closed)
            entries = AuditEntry.unscoped.count()
            one = Participant.objects.get(pk=chosen[0])
            ms, queries = timed(lambda: erasure.plan_erasure(one), 1)
            rows.append(("reference: dry run of one closed file", ms, str(queries), ""))

            real = erasure.erase_person
            inside: list[int] = []
            scans: list[float] = []

            def counted(person, **kwargs):
                with CaptureQueriesContext(connection) as captured:
                    result = real(person, **kwargs)
                inside.append(len(captured))
                return result

            candidates = erasure.candidates_for

            def timed_scan(people):
                started = time.perf_counter()
                found = candidates(people)
                scans.append((time.perf_counter() - started) * 1000)
                return found

            anonymise = retention.anonymise_records
            record_ms: list[float] = []

            def timed_records(kind, batch):
                started = time.perf_counter()
                anonymise(kind, batch)
                record_ms.append((time.perf_counter() - started) * 1000)

            erasure.erase_person = counted
            erasure.candidates_for = timed_scan
            retention.anonymise_records = timed_records
            try:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    report = retention.retention_run(today=today)
                    job_ms = (time.perf_counter() - started) * 1000
            finally:
                erasure.erase_person = real
                erasure.candidates_for = candidates
                retention.anonymise_records = anonymise
            transaction.set_rollback(True)
    erased = sum(per.get(k, 0) for per in report.erased.values() for k in ("participant", "buddy"))
    own = len(captured) - sum(inside)
    per_kind = {key: sum(per.get(key, 0) for per in report.erased.values()) for key in REPORTED}
    rows.append(
        (
            f"retention job: {erased} expired files (the chosen and the seed's), per file",
            (job_ms - sum(record_ms)) / max(erased, 1),
            f"{min(inside)}-{max(inside)}" if inside else "-",
            f"whole run {job_ms / 1000:.1f} s",
        )
    )
    rows.append(
        (
            f"retention job: its own queries, {report.batches} batches (of {retention.BATCH})",
            0.0,
            f"{own / max(report.batches, 1):.1f} per batch",
            f"{own} in all (terms, reads, report)",
        )
    )
    if scans:
        rows.append(
            (
                "retention job: the scan of the audit log and notifications, per batch",
                statistics.median(scans),
                "2",
                f"{entries:,} audit entries; {len(scans)} scans",
            )
        )
    rows.append(
        (
            "retention job: records anonymised (all batches)",
            sum(record_ms),
            "2 per batch",
            ", ".join(f"{key} {n}" for key, n in per_kind.items()),
        )
    )
    median = (job_ms - sum(record_ms)) / max(erased, 1)
    hours = median * total_closed / 1000 / 3600
    print(
        f"\n{connection.vendor}, {participants:,} participants, {total_closed:,} closed "
        f"participant files; load average at start {load}\n"
    )
    print("| case | median ms | queries | notes |")
    print("|---|---:|---:|---|")
    for name, ms, queries, notes in rows:
        shown = f"{ms:.1f}" if ms else "-"
        print(f"| {name} | {shown} | {queries} | {notes} |")
    print(
        f"\nAt that rate, the job would take {hours:.1f} h for this network's "
        f"{total_closed:,} closed files, or {median * 100_000 / 1000 / 3600:.1f} h for "
        "100,000 (arithmetic, not measured)."
    )


if __name__ == "__main__":
    main()
