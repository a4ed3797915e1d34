"""Page benchmarks on a benchmark-size demo network (default 100,000 participants).

Measures the median and 90th-percentile server time of the main pages through Django's
full middleware stack (test client, no network), next to two references measured in the
same run on the same data:
- the floor: ``/healthz`` (the same middleware stack and one ``SELECT 1``);
- the data: one raw aggregate over all participants of the project.

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--data-dir", default=None, help="reuse a seeded data folder")
    args = parser.parse_args()

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="buddynet-bench-"))
    os.environ["BUDDYNET_DATA_DIR"] = str(data_dir)
    # Plain static storage, no https redirect, an immediate queue.
    os.environ["DJANGO_SETTINGS_MODULE"] = "buddynet.settings_test"
    os.environ["BUDDYNET_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from buddynet.accounts.models import User
    from buddynet.participants.models import Participant
    from buddynet.site import demo
    from buddynet.tenancy.models import Network, Project

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not demo.demo_exists():
        started = time.perf_counter()
        demo.seed_demo(scale=args.scale)
        print(f"seeded {args.scale} participants in {time.perf_counter() - started:.1f} s")

    project = Project.objects.get(name="Buddywerking Gent")
    network = Network.objects.get(name=demo.NETWORK_NAME)
    with scopes_disabled():
        n_project = Participant.objects.filter(project=project).count()
        total = Participant.objects.count()
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
    ]
    print(
        f"\n{connection.vendor}, {total:,} participants ({n_project:,} in the measured "
        f"project), median of {args.repeat} runs after 2 warm-ups\n"
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
