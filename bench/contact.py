"""Contact benchmark: a buddy's conversation list and a conversation of 500 messages,
among many other conversations (default 20,000 conversations of 10 messages: 200,000
messages), through the full middleware stack (the test client).

Measured, next to a plain indexed lookup (one message by its code) in the same run:
- the buddy's list of conversations (``/messages/``, 12 conversations with unread counts);
- the conversation of 500 messages (``/messages/<code>/``: the latest page, read receipts);
- the live fragment the page polls (``/messages/<code>/live/?after=…``);
- the API's messages of that conversation.
Each row also gives its number of queries (constant: see tests/contact/test_queries.py).

Usage: ``python bench/contact.py [--conversations 20000] [--repeat 15]`` (``DATABASE_URL``
for PostgreSQL, else a temporary SQLite file). Prints a table; copy it into BENCHMARKS.md.
Not a test: nothing fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def timed(fn, repeat: int) -> list[float]:
    for _ in range(2):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--per-conversation", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("BUDDYNET_DATA_DIR", tempfile.mkdtemp(prefix="buddynet-bench-contact-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "buddynet.settings_test"
    os.environ["BUDDYNET_ALLOWED_HOSTS"] = "testserver"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from buddynet.accounts.models import User
    from buddynet.contact.models import Conversation, Member, Message
    from buddynet.tenancy.models import Membership, Network, Organisation, Project, Role
    from buddynet.volunteers.models import Buddy

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    with scopes_disabled():
        network = Network.objects.create(name=f"Bench contact {time.time_ns()}")
        org = Organisation.objects.create(network=network, name="Bench vzw")
        project = Project.objects.create(
            organisation=org, name="Bench", target_group="iedereen", require_coordinator_2fa=False
        )
        tag = time.time_ns()
        buddy_user = User.objects.create_user(f"buddy{tag}@bench.local", "x")
        coord = User.objects.create_user(f"coord{tag}@bench.local", "x")
        Membership.objects.create(user=buddy_user, project=project, role=Role.BUDDY)
        Membership.objects.create(user=coord, project=project, role=Role.PROJECT_COORDINATOR)
        buddies = Buddy.objects.bulk_create(
            Buddy(project=project, first_name=f"B{i}", last_name="Bench")
            for i in range(args.conversations)
        )
        mine = Buddy.objects.create(
            project=project, user=buddy_user, first_name="Bram", last_name="B"
        )
        conversations = Conversation.objects.bulk_create(
            Conversation(kind="buddy_coordinator", project=project, buddy=b) for b in buddies
        )
        Member.objects.bulk_create(
            Member(conversation=c, user=coord, part="coordinator") for c in conversations
        )
        batch: list = []
        for c in conversations:
            batch += [
                Message(conversation=c, author=coord, part="coordinator", body=f"Bericht {i}")
                for i in range(args.per_conversation)
            ]
            if len(batch) > 20_000:
                Message.objects.bulk_create(batch)
                batch = []
        Message.objects.bulk_create(batch)
        # The buddy's own: one conversation of 500 messages and 11 smaller ones.
        own = [Conversation.objects.create(kind="buddy_coordinator", project=project, buddy=mine)]
        for i in range(11):
            extra = Buddy.objects.create(project=project, first_name=f"E{i}", last_name="Bench")
            own.append(
                Conversation.objects.create(kind="buddy_coordinator", project=project, buddy=extra)
            )
        for c in own:
            Member.objects.create(conversation=c, user=buddy_user, part="buddy")
            Member.objects.create(conversation=c, user=coord, part="coordinator")
        big = own[0]
        Message.objects.bulk_create(
            Message(
                conversation=big,
                author=buddy_user if i % 2 else coord,
                part="buddy" if i % 2 else "coordinator",
                body=f"Bericht {i} " + "tekst " * 10,
            )
            for i in range(500)
        )
        for c in own[1:]:
            Message.objects.bulk_create(
                Message(conversation=c, author=coord, part="coordinator", body="Hallo")
                for _ in range(20)
            )
        last = Message.objects.filter(conversation=big).order_by("-pk")[5]
        one = Message.objects.order_by("pk")[len(buddies)].code
    seeded = time.perf_counter() - started
    client = Client()
    client.force_login(buddy_user, backend="allauth.account.auth_backends.AuthenticationBackend")

    def get(url):
        def fn():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return fn

    def lookup():
        with scopes_disabled():
            Message.objects.get(code=one)

    rows = [
        ("reference: one message by code", lookup),
        ("conversation list (12)", get("/messages/")),
        ("conversation of 500 messages", get(f"/messages/{big.code}/")),
        ("live fragment (5 new)", get(f"/messages/{big.code}/live/?after={last.code}")),
        (
            "API: messages of the conversation",
            get(f"/api/v1/projects/{project.code}/messages/conversations/{big.code}"),
        ),
    ]
    print(
        f"{connection.vendor}, {args.conversations:,} other conversations, "
        f"{args.conversations * args.per_conversation + 720:,} messages (seeded in {seeded:.0f} s)"
    )
    print("| what | median ms | max ms | queries |")
    print("|---|---:|---:|---:|")
    for name, fn in rows:
        samples = timed(fn, args.repeat)
        with CaptureQueriesContext(connection) as queries:
            fn()
        print(
            f"| {name} | {statistics.median(samples):.1f} | {max(samples):.1f} | {len(queries)} |"
        )


if __name__ == "__main__":
    main()
