"""Social-map benchmark: searching 20,000 services across the 565 municipalities by
need + town + language, next to a plain indexed lookup, in the same run.

Seeds one network with generated services (bulk inserts of the services and their
``ServiceFacet`` rows: each service helps with 1-4 needs, speaks 1-4 languages and
serves 1-12 municipalities, nearby towns more often), then times, on the same data:
- the reference: a plain indexed lookup (one service by its code);
- ``search.services_matching`` by need + town + language (the first page of 25, and
  the count), for a spread of towns, needs and languages;
- the same with the town only;
- the map page through the full middleware stack (the test client), need + town +
  language.

Usage: ``python bench/community.py [--services 20000] [--repeat 30]`` (``DATABASE_URL``
for PostgreSQL, else a temporary SQLite file). Prints a table; copy it into
BENCHMARKS.md. Not a test: nothing fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed_each(calls, repeat: int) -> list[float]:
    """Each sample is one call, cycling through ``calls`` (different towns/needs)."""
    for call in calls[:2]:
        call()
    samples = []
    for i in range(repeat):
        call = calls[i % len(calls)]
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="buddynet-bench-community-"))
    os.environ.setdefault("BUDDYNET_DATA_DIR", str(data_dir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "buddynet.settings_test"
    os.environ["BUDDYNET_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from buddynet.accounts.models import User
    from buddynet.community import search
    from buddynet.community.models import Service, ServiceFacet
    from buddynet.community.services import NEEDS
    from buddynet.core import geo
    from buddynet.core.choices import LANGUAGES
    from buddynet.tenancy.models import Membership, Network, Organisation, Project, Role

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    rng = random.Random(16)
    network = Network.objects.create(name=f"Bench {time.time_ns()}")
    org = Organisation.objects.create(network=network, name="Bench vzw")
    project = Project.objects.create(
        organisation=org,
        name="Bench project",
        target_group="iedereen",
        require_coordinator_2fa=False,
    )
    towns = [m.nis_code for m in geo.municipalities()]
    needs = list(NEEDS)
    languages = [code for code, _label in LANGUAGES]
    kinds = [k for k, _label in Service.Kind.choices]
    started = time.perf_counter()
    batch = []
    for i in range(args.services):
        first = rng.randrange(len(towns))
        served = sorted(
            {towns[(first + rng.randrange(-6, 7)) % len(towns)] for _ in range(rng.randint(1, 12))}
        )
        batch.append(
            Service(
                network=network,
                name=f"Dienst {i}",
                organisation=f"Organisatie {i % 900}",
                kind=rng.choice(kinds),
                topics=sorted(set(rng.sample(needs, rng.randint(1, 4)))),
                languages=sorted({"nl", *rng.sample(languages, rng.randint(0, 3))}),
                municipalities=served,
                checked_on=time.strftime("%Y-%m-%d"),
            )
        )
    Service.objects.bulk_create(batch, batch_size=2000)
    facets = [
        ServiceFacet(network=network, service=s, facet=facet)
        for s in Service.objects.filter(network=network)
        for facet in search.facets_of(s)
    ]
    ServiceFacet.objects.bulk_create(facets, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE community_service; ANALYZE community_servicefacet;")
    seeded = time.perf_counter() - started
    codes = list(Service.objects.filter(network=network).values_list("code", flat=True)[:200])

    rows = []
    rows.append(
        (
            "reference: one service by its code (indexed lookup)",
            timed_each([lambda c=c: Service.objects.get(code=c) for c in codes], args.repeat),
            None,
        )
    )
    queries = [
        (rng.choice(needs), rng.choice(towns), rng.choice(["nl", "fr", "ar", "en"]))
        for _ in range(40)
    ]
    hits = []

    def full(need, town, lang):
        def run():
            qs = search.services_matching(
                network_id=network.pk, topics=[need], nis_code=town, languages=[lang]
            )
            page = list(qs[:25])
            hits.append(qs.count() if len(page) == 25 else len(page))

        return run

    rows.append(
        (
            "map search need + town + language (first 25 + count)",
            timed_each([full(*q) for q in queries], args.repeat),
            round(statistics.median(hits)) if hits else 0,
        )
    )
    town_hits = []

    def town_only(town):
        def run():
            qs = search.services_matching(network_id=network.pk, nis_code=town)
            page = list(qs[:25])
            town_hits.append(qs.count() if len(page) == 25 else len(page))

        return run

    rows.append(
        (
            "map search town only (first 25 + count)",
            timed_each([town_only(q[1]) for q in queries], args.repeat),
            round(statistics.median(town_hits)) if town_hits else 0,
        )
    )
    user = User.objects.create_user(email=f"bench{time.time_ns()}@example.be", password="x")
    Membership.objects.create(user=user, project=project, role=Role.PROJECT_COORDINATOR)
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    url = reverse("community_map", kwargs={"project": project.code})

    def page(need, town, lang):
        def run():
            response = client.get(url, {"need": need, "town": town, "language": lang})
            assert response.status_code == 200, response.status_code

        return run

    rows.append(
        (
            "map page need + town + language (full stack)",
            timed_each([page(*q) for q in queries], args.repeat),
            None,
        )
    )

    floor = statistics.median(rows[0][1])
    print(
        f"\n{connection.vendor}: {args.services} services, {len(facets)} facets, "
        f"{len(towns)} municipalities, seeded in {seeded:.0f} s; median and p95 of "
        f"{args.repeat} runs after 2 warm-ups\n"
    )
    print(f"| {'case':<56} | median ms |  p95 ms | x lookup | hits |")
    print(f"|{'-' * 58}|-----------|---------|----------|------|")
    for name, samples, found in rows:
        median = statistics.median(samples)
        print(
            f"| {name:<56} | {median:9.2f} | {p95(samples):7.2f} | {median / floor:8.0f} | "
            f"{found if found is not None else '':>4} |"
        )


if __name__ == "__main__":
    main()
