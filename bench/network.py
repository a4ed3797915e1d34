"""Learning-network benchmark: full-text search over 10,000 library items and 20,000
answered questions, and adopting a full playbook in one transaction.

Seeds one network with generated Dutch and English texts (bulk inserts, then the search
index in bulk: one UPDATE of the tsvectors on PostgreSQL, the FTS5 rows on SQLite), then
times, in the same run on the same data:
- search (``network.search.search``: ranked, with the matching words) for a set of
  Dutch and English queries, including word forms ("vrijwilligers", "wachtlijsten");
- the same through the library page (the full middleware stack, the test client);
- the reference: a plain indexed lookup (one library item by its code);
- ``playbook_adopt`` of a full playbook (volunteer terms, agreement template, cadence,
  matching weights, impact plan, 8 task kinds, 12 training modules) into a fresh project.

Usage: ``python bench/network.py [--items 10000] [--questions 20000] [--repeat 15]``
(``DATABASE_URL`` for PostgreSQL, else a temporary SQLite file). Prints a table; copy it
into BENCHMARKS.md. Not a test: nothing fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

WORDS_NL = [
    "vrijwilliger",
    "vrijwilligers",
    "buddy",
    "buddy's",
    "wachtlijst",
    "wachtlijsten",
    "grenzen",
    "grens",
    "werving",
    "werven",
    "diversiteit",
    "impact",
    "verankering",
    "matching",
    "rolverdeling",
    "privacy",
    "gezin",
    "budget",
    "papieren",
    "samen",
    "koken",
    "wandelen",
    "taal",
    "oefenen",
    "eenzaamheid",
    "ouderen",
    "jongeren",
    "nieuwkomers",
    "opvolging",
    "intervisie",
    "coördinator",
    "project",
    "gemeente",
    "vorming",
    "overeenkomst",
    "afspraken",
    "nabijheid",
    "vertrouwen",
    "afscheid",
    "evaluatie",
    "netwerk",
    "vereniging",
    "buurt",
]
WORDS_EN = [
    "volunteer",
    "volunteers",
    "buddy",
    "waiting",
    "list",
    "boundaries",
    "recruitment",
    "diversity",
    "impact",
    "anchoring",
    "matching",
    "roles",
    "privacy",
    "family",
    "budget",
    "paperwork",
    "cooking",
    "walking",
    "language",
    "loneliness",
    "elderly",
    "young",
    "newcomers",
    "follow-up",
    "supervision",
    "coordinator",
    "project",
    "training",
    "agreement",
    "trust",
    "evaluation",
    "network",
    "neighbourhood",
]
QUERIES = [
    "vrijwilligers",
    "wachtlijsten",
    "grenzen bewaken",
    "eenzaamheid ouderen",
    "samen koken",
    "volunteers",
    "waiting list",
    "loneliness",
    "intervisie",
    "budget papieren",
]
THEMES = [
    "recruitment",
    "boundaries",
    "diversity",
    "project_management",
    "impact",
    "anchoring",
    "matching",
    "waiting_lists",
    "role_division",
    "privacy",
]


def text(rng: random.Random, words, n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


def timed(fn, repeat: int) -> list[float]:
    for _ in range(2):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--adoptions", type=int, default=10)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="buddynet-bench-network-"))
    os.environ.setdefault("BUDDYNET_DATA_DIR", str(data_dir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "buddynet.settings_test"
    os.environ["BUDDYNET_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from buddynet.accounts.models import User
    from buddynet.followup.models import Cadence
    from buddynet.impact.models import ImpactPlan
    from buddynet.matching.models import MatchingSettings
    from buddynet.network import search, services
    from buddynet.network.models import Answer, LibraryItem, Question
    from buddynet.tenancy.models import Membership, Network, Organisation, Project, Role
    from buddynet.trajectories.models import AgreementTemplate, TaskKind
    from buddynet.volunteers.models import TrainingModule, VolunteerTerms

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    rng = random.Random(15)
    started = time.perf_counter()
    network = Network.objects.create(name=f"Bench {time.time_ns()}")
    org = Organisation.objects.create(network=network, name="Bench vzw")
    projects = [
        Project.objects.create(
            organisation=org,
            name=f"Bench project {i}",
            target_group="iedereen",
            require_coordinator_2fa=False,
        )
        for i in range(2)
    ]
    user = User.objects.create_user(email=f"bench{time.time_ns()}@example.be", password="x")
    Membership.objects.create(user=user, role=Role.PROJECT_COORDINATOR, project=projects[0])

    items = []
    for i in range(args.items):
        english = i % 4 == 0
        words = WORDS_EN if english else WORDS_NL
        items.append(
            LibraryItem(
                network=network,
                kind=rng.choice(["clip", "article", "document", "template"]),
                title=text(rng, words, 6),
                summary=text(rng, words, 20),
                body=text(rng, words, 120),
                language="en" if english else "nl",
                themes=[rng.choice(THEMES)],
                audience=rng.choice(["coordinators", "buddies", "both"]),
            )
        )
    LibraryItem.objects.bulk_create(items, batch_size=2000)
    questions = [
        Question(
            network=network,
            from_project=projects[i % 2],
            title=text(rng, WORDS_NL, 8),
            body=text(rng, WORDS_NL, 40),
            themes=[rng.choice(THEMES)],
            answer_count=1,
        )
        for i in range(args.questions)
    ]
    Question.objects.bulk_create(questions, batch_size=2000)
    question_ids = list(Question.objects.filter(network=network).values_list("pk", flat=True))
    Answer.objects.bulk_create(
        [
            Answer(question_id=qid, from_project=projects[1], body=text(rng, WORDS_NL, 30))
            for qid in question_ids
        ],
        batch_size=2000,
    )
    answers = dict(
        Answer.objects.filter(question__network=network).values_list("question_id", "body")
    )
    if search.is_postgres():
        from django.contrib.postgres.search import SearchVector

        search.reindex_pg_items(LibraryItem.objects.filter(network=network))
        vector = None
        for config in ("dutch", "english"):
            part = SearchVector("title", weight="A", config=config) + SearchVector(
                "body", weight="B", config=config
            )
            vector = part if vector is None else vector + part
        # The answers' words are in the body here (one UPDATE for the bulk).
        Question.objects.filter(network=network).update(search_vector=vector)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE network_libraryitem; ANALYZE network_question")
    else:
        search.fts_bulk(
            (
                "item",
                i.pk,
                network.pk,
                i.audience,
                i.title,
                i.summary,
                i.body,
            )
            for i in LibraryItem.objects.filter(network=network)
        )
        search.fts_bulk(
            ("question", q.pk, network.pk, "coordinators", q.title, q.body, answers[q.pk])
            for q in Question.objects.filter(network=network)
        )
    seeded = time.perf_counter() - started
    print(
        f"{connection.vendor}: seeded {args.items} items and {args.questions} answered "
        f"questions in {seeded:.1f} s"
    )

    rows = []
    one = LibraryItem.objects.filter(network=network).order_by("?").first()

    def lookup():
        LibraryItem.objects.filter(code=one.code).defer("search_vector").get()

    rows.append(("reference: one item by its code (index)", timed(lookup, args.repeat * 5), 1))
    counts = {}
    for query in QUERIES:
        counts[query] = len(search.search(network=network, text=query, buddy_only=False))
        rows.append(
            (
                f"search '{query}' (top 20)",
                timed(
                    lambda q=query: search.search(network=network, text=q, buddy_only=False),
                    args.repeat,
                ),
                counts[query],
            )
        )
    all_search = [s for _name, samples, _n in rows[1:] for s in samples]
    rows.append(("search, all queries together", all_search, None))
    client = Client()
    client.force_login(user)
    url = reverse("network_library", kwargs={"network": network.code})
    rows.append(
        (
            "library page, search 'vrijwilligers'",
            timed(lambda: client.get(url, {"q": "vrijwilligers"}), args.repeat),
            None,
        )
    )

    # A full playbook: every piece filled in, then adopted into fresh projects.
    source = projects[1]
    with scopes_disabled():
        VolunteerTerms.objects.create(
            project=source,
            purpose=text(rng, WORDS_NL, 30),
            insurer="Ethias",
            policy_number="1",
            discretion=text(rng, WORDS_NL, 20),
            contact_person="An",
            contact_details="03",
        )
        AgreementTemplate.objects.create(
            project=source,
            **{f: text(rng, WORDS_NL, 15) for f in AgreementTemplate.SECTION_FIELDS},
        )
        Cadence.objects.create(project=source)
        MatchingSettings.objects.create(project=source)
        ImpactPlan.objects.create(project=source)
        for preset in TaskKind.PRESETS:
            TaskKind.objects.create(project=source, preset=preset)
        for m in range(12):
            TrainingModule.objects.create(project=source, title=f"Module {m}", hours=2)
    version = services.playbook_publish(project=source, by=user, title="Bench", guide="Stap")
    targets = [
        Project.objects.create(
            organisation=org, name=f"Adopter {i}", target_group="x", require_coordinator_2fa=False
        )
        for i in range(args.adoptions)
    ]
    samples = []
    for target in targets:
        begun = time.perf_counter()
        with transaction.atomic():
            outcome = services.playbook_adopt(project=target, version=version, by=user)
        samples.append((time.perf_counter() - begun) * 1000)
    rows.append(
        (f"adopt a full playbook ({len(outcome['created'])} pieces, 1 transaction)", samples, None)
    )

    floor = statistics.median(rows[0][1])
    print(f"\n{connection.vendor}, median and p95 of {args.repeat} runs after 2 warm-ups\n")
    print(f"| {'case':<58} | median ms |  p95 ms | x lookup | hits |")
    print(f"|{'-' * 60}|-----------|---------|----------|------|")
    for name, samples, hits in rows:
        median = statistics.median(samples)
        print(
            f"| {name:<58} | {median:9.2f} | {p95(samples):7.2f} | {median / floor:8.0f} | "
            f"{hits if hits is not None else '':>4} |"
        )


if __name__ == "__main__":
    main()
