"""Page benchmarks on a benchmark-size demo network (default 100,000 participants).

Measures the median and 90th-percentile server time of the main pages through Django's
full middleware stack (test client, no network), next to two references measured in the
same run on the same data:
- the floor: ``/healthz`` (the same middleware stack and one ``SELECT 1``);
- the data: one raw aggregate over all participants of the project.

Impact (issue 13): before the pages are timed, every trajectory of the network gets a
start measurement and a later one (closure for the closed trajectories, else the
mid-point) filled in within the last year, in bulk (``seed_impact_at_scale``), so the
outcome page and the network comparison pair every measured person of the network.

Usage: ``python bench/run.py [--scale 100000] [--repeat 15]``. Prints a table; copy it
into BENCHMARKS.md. Not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def seed_impact_at_scale(today) -> int:
    """Start and later measurements, with the answers scored as published, for every
    trajectory that has none yet (the demo measures 40 per project). Idempotent."""
    import random
    from datetime import datetime, time, timedelta

    from django.utils import timezone
    from django_scopes import scopes_disabled

    from buddynet.impact import demo as impact_demo
    from buddynet.impact import instruments
    from buddynet.impact.models import Measurement, Response
    from buddynet.trajectories.models import Trajectory

    rng = random.Random(13)
    made = 0
    with scopes_disabled():
        measured = set(Measurement.objects.values_list("trajectory_id", flat=True))
        todo = (
            Trajectory.objects.exclude(pk__in=measured)
            .values_list("pk", "project_id", "participant_id", "started_on", "status")
            .order_by("pk")
        )
        rows: list[tuple[Measurement, dict]] = []
        for pk, project_id, participant_id, started_on, status in todo.iterator():
            person = {"lonely": rng.uniform(0.3, 0.8), "wellbeing": rng.uniform(1.2, 3.0)}
            later_on = today - timedelta(days=rng.randint(0, 330))
            start_on = min(started_on or later_on, later_on - timedelta(days=90))
            later = "closure" if status == Trajectory.Status.CLOSED else "mid"
            for moment, on, progress in (("baseline", start_on, 0), (later, later_on, 1)):
                at = timezone.make_aware(datetime.combine(on, time(10)))
                measurement = Measurement(
                    project_id=project_id,
                    trajectory_id=pk,
                    participant_id=participant_id,
                    moment=moment,
                    due_on=on,
                    instruments=["djg6", "who5"],
                    completed_at=at,
                    completed_on=on,
                    entered_by="coordinator",
                )
                rows.append((measurement, impact_demo._answers(rng, person, progress)))
        for start in range(0, len(rows), 2000):
            chunk = rows[start : start + 2000]
            Measurement.objects.bulk_create([m for m, _a in chunk])
            responses = []
            for measurement, answers in chunk:
                for code, given in answers.items():
                    scores = instruments.score(code, given)
                    responses.append(
                        Response(
                            project_id=measurement.project_id,
                            measurement=measurement,
                            instrument=code,
                            answers=given,
                            scores=scores,
                            headline=instruments.headline(code, scores),
                        )
                    )
            Response.objects.bulk_create(responses)
            made += len(chunk)
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--data-dir", default=None, help="reuse a seeded data folder")
    args = parser.parse_args()

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="buddynet-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)  # a new folder named on the command line
    os.environ["BUDDYNET_DATA_DIR"] = str(data_dir)
    # Plain static storage, no https redirect, an immediate queue.
    os.environ["DJANGO_SETTINGS_MODULE"] = "buddynet.settings_test"
    os.environ["BUDDYNET_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # one line per PDF step
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation
    from django_scopes import scopes_disabled

    from buddynet.accounts.models import User
    from buddynet.core import clock
    from buddynet.impact import reports
    from buddynet.impact.models import Measurement
    from buddynet.impact.periods import period
    from buddynet.participants.models import Participant
    from buddynet.site import demo
    from buddynet.tenancy.models import Network, Project

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not demo.demo_exists():
        started = time.perf_counter()
        demo.seed_demo(scale=args.scale)
        print(f"seeded {args.scale} participants in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    made = seed_impact_at_scale(clock.today())
    if made:
        print(f"impact: {made:,} measurements in {time.perf_counter() - started:.1f} s")

    project = Project.objects.get(name="Buddywerking Gent")
    network = Network.objects.get(name=demo.NETWORK_NAME)
    with scopes_disabled():
        n_project = Participant.objects.filter(project=project).count()
        total = Participant.objects.count()
        pairs = Measurement.objects.filter(
            moment="baseline", completed_at__isnull=False, excluded_at__isnull=True
        ).count()
        project_pairs = Measurement.objects.filter(
            project=project, moment="baseline", completed_at__isnull=False
        ).count()
        waiting = Participant.objects.filter(project=project, status="waiting")
        late_page = max(1, waiting.count() // 50)  # the last full page of the waiting list
        in_line = waiting.exclude(waiting_reason="paused").order_by("pk")
        someone_waiting = in_line.values_list("code", flat=True)[in_line.count() // 2]

    def client_for(email: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(email=email))
        return client

    coord = client_for(f"coordinator@{demo.DEMO_DOMAIN}")
    netco = client_for(f"netwerk@{demo.DEMO_DOMAIN}")
    prof = client_for(f"doorverwijzer@{demo.DEMO_DOMAIN}")

    def raw_aggregate():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status, COUNT(*) FROM participants_participant "
                "WHERE project_id = %s GROUP BY status",
                [project.pk],
            )
            cursor.fetchall()

    def funder_report():
        # What the queued job does (``reports.report_run_execute`` minus the storage).
        with translation.override("nl"), scopes_disabled():
            default = period()
            reports.build_files(project=project, date_from=default.start, date_to=default.end)

    cases = [
        ("reference: /healthz (middleware floor)", lambda: coord.get("/healthz")),
        ("reference: raw status count, 1 project", raw_aggregate),
        ("coordinator dashboard /", lambda: coord.get("/")),
        ("participant list, page 1", lambda: coord.get(f"/p/{project.code}/participants/")),
        (
            "participant list, waiting, page 5",
            lambda: coord.get(f"/p/{project.code}/participants/?status=waiting&page=5"),
        ),
        (
            "participant search 'peeters'",
            lambda: coord.get(f"/p/{project.code}/participants/?q=peeters"),
        ),
        ("buddy list, page 1", lambda: coord.get(f"/p/{project.code}/buddies/")),
        ("waiting list, page 1", lambda: coord.get(f"/p/{project.code}/waiting-list/")),
        (
            f"waiting list, page {late_page}",
            lambda: coord.get(f"/p/{project.code}/waiting-list/?page={late_page}"),
        ),
        (
            "waiting list, contacts due",
            lambda: coord.get(f"/p/{project.code}/waiting-list/?due=1"),
        ),
        (
            "API waiting list, page 1",
            lambda: coord.get(f"/api/v1/projects/{project.code}/waiting-list"),
        ),
        (
            f"API waiting list, page {late_page}",
            lambda: coord.get(f"/api/v1/projects/{project.code}/waiting-list?page={late_page}"),
        ),
        (
            "ranking buddies for a participant",
            lambda: coord.get(f"/p/{project.code}/matching/participants/{someone_waiting}/"),
        ),
        (
            "API ranking buddies",
            lambda: coord.get(
                f"/api/v1/projects/{project.code}/matching/participants/{someone_waiting}/buddies"
            ),
        ),
        ("network coordinator dashboard /", lambda: netco.get("/")),
        ("network overview", lambda: netco.get(f"/network/{network.code}/")),
        ("referrer dashboard /", lambda: prof.get("/")),
        (
            "API participants, page 1",
            lambda: coord.get(f"/api/v1/projects/{project.code}/participants"),
        ),
        ("impact: project outcome page", lambda: coord.get(f"/p/{project.code}/impact/outcomes/")),
        (
            "  reference: the same, cache emptied",
            lambda: cold(lambda: coord.get(f"/p/{project.code}/impact/outcomes/")),
        ),
        ("impact: network comparison", lambda: netco.get(f"/network/{network.code}/impact/")),
        (
            "  reference: the same, cache emptied",
            lambda: cold(lambda: netco.get(f"/network/{network.code}/impact/")),
        ),
        ("impact: funder report, PDF + XLSX (job)", funder_report),
    ]

    def cold(call):
        """The page as the first visitor after a change sees it: nothing cached (the
        figures are kept under the data version; sessions are in the database)."""
        cache.clear()
        return call()

    print(
        f"\n{connection.vendor}, {total:,} participants ({n_project:,} in the measured "
        f"project; {pairs:,} people with a start measurement, {project_pairs:,} in it), "
        f"median of {args.repeat} runs after 2 warm-ups\n"
    )
    header = (
        f"| {'case':<40} | {'median ms':>9} | {'p90 ms':>7} | {'x floor':>7} | {'queries':>7} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    floor = None
    for name, call in cases:
        for _ in range(2):
            call()
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - started) * 1000)
            if result is not None and getattr(result, "status_code", 200) != 200:
                sys.exit(f"{name}: status {result.status_code}")
        with CaptureQueriesContext(connection) as ctx:
            call()
        median = statistics.median(times)
        p90 = sorted(times)[int(0.9 * (len(times) - 1))]
        if floor is None:
            floor = median
        print(
            f"| {name:<40} | {median:>9.1f} | {p90:>7.1f} | {median / floor:>7.1f} | "
            f"{len(ctx.captured_queries):>7} |"
        )


if __name__ == "__main__":
    main()
