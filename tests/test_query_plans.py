"""The measured pages read a project's people through indexes (PostgreSQL only).

Every query that the waiting list, the dashboards and the network pages send to the
participants table is captured from the real request (so whatever the selectors become,
the test checks the SQL they produce now) and ``EXPLAIN``ed as the planner chooses by
itself, on a table big enough for the choice to mean something: 16,000 people over five
projects in two networks, a project's rows spread over the whole heap (as in
``seed-demo``), ``VACUUM ANALYZE``d as after the seed. On a table of a few hundred rows
the planner prefers a sequential scan whatever the indexes; at this size it reads a
project's people through an index only when one serves the query, so a ``Seq Scan`` on
the table, or a full walk of an unrelated index (an index scan without an index
condition), is a missing index. The waiting list's page and places are also checked
node by node: its ids read in order from ``participant_waiting_line`` alone (index-only,
no sort), its rows by primary key, the places from one range of that index.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.participants.models import Participant
from tests import factories as f

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"),
    # VACUUM cannot run in a transaction: these tests commit (and flush after).
    pytest.mark.django_db(transaction=True),
]

TABLE = Participant._meta.db_table
TODAY = date(2026, 11, 27)
INDEX_SCANS = ("Index Scan", "Index Only Scan", "Bitmap Index Scan")
PEOPLE = 16_000


def _seed(world, n: int = PEOPLE) -> None:
    """``n`` people in every status, with the dates the figures read, over five projects
    in the demo's proportions (the measured project has 28%, its network 43%), drawn at
    random so that a project's rows are spread over the heap; then ``VACUUM ANALYZE``
    (fresh statistics, and the visibility map that index-only scans need)."""
    rng = random.Random(12)
    with scopes_disabled():
        more = [f.ProjectFactory(organisation__network=world.other_network) for _ in range(2)]
    projects = [world.project, world.sibling, world.other, *more]
    shares = [28, 15, 20, 22, 15]
    statuses = ["referred", "intake", "waiting", "waiting", "matched", "closed"]
    people = []
    for i in range(n):
        status = rng.choice(statuses)
        referred = TODAY - timedelta(days=rng.randint(1, 400))
        since = referred + timedelta(days=10) if status in ("waiting", "matched") else None
        people.append(
            Participant(
                project=rng.choices(projects, weights=shares)[0],
                first_name=f"P{i}",
                last_name=rng.choice(["Peeters", "Janssens", "Maes", "Jacobs"]),
                status=status,
                urgency=rng.choice(["high", "normal", "normal", "low"]),
                waiting_reason=rng.choice(["no_buddy", "no_buddy", "participant", "paused"]),
                referred_on=referred,
                waiting_since=since,
                last_contact_on=since,
                next_contact_due=since + timedelta(days=30) if since else None,
                matched_on=since + timedelta(days=20) if status == "matched" else None,
                closed_on=referred + timedelta(days=30) if status == "closed" else None,
                referred_by=world.prof if i % 10 == 0 else None,
            )
        )
    with scopes_disabled():
        Participant.objects.bulk_create(people, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}")


def _plan(sql: str) -> dict:
    """The plan the planner chooses by itself (every kind of scan allowed)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (raw,) = cursor.fetchone()
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _participant_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [TABLE])
        return {name for (name,) in cursor.fetchall()}


def _reads_of_people(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if f'"{TABLE}"' in q["sql"] and q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]


def _scans_of_people(sql: str, indexes: set[str]) -> list[dict]:
    return [
        node
        for node in _nodes(_plan(sql))
        if node.get("Relation Name") == TABLE or node.get("Index Name") in indexes
    ]


def _problems(sql: str, indexes: set[str]) -> list[str]:
    """What in this query's plan reads the participants table without an index that
    serves it: a sequential scan, or an index walked from end to end."""
    found = []
    for node in _scans_of_people(sql, indexes):
        kind = node["Node Type"]
        if kind == "Seq Scan":
            found.append("Seq Scan")
        elif kind in INDEX_SCANS and not node.get("Index Cond"):
            found.append(f"{kind} on {node['Index Name']} without an index condition")
    return found


def _page_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, secure=True)
    assert response.status_code == 200, url
    return _reads_of_people(ctx.captured_queries)


def test_measured_pages_read_people_only_through_indexes(world, client_for, time_machine):
    """Cold (nothing cached yet): every read of the people of these pages goes through
    an index that serves it, by the planner's own choice. Warm: the dashboards and the
    network pages read no person at all (their figures are cached under the projects'
    data versions)."""
    time_machine.move_to(TODAY)
    _seed(world)
    indexes = _participant_indexes()
    project = world.project.code
    waiting = reverse("waiting_list", kwargs={"project": project})
    figures = [
        (world.coord, reverse("dashboard")),
        (world.netco, reverse("dashboard")),
        (world.netco, reverse("network_detail", kwargs={"network": world.network.code})),
        (world.netco, f"/api/v1/networks/{world.network.code}/overview"),
    ]
    pages = [
        *figures,
        (world.coord, waiting),
        (world.coord, waiting + "?page=3"),
        (world.coord, waiting + "?page=20"),
        (world.coord, waiting + "?reason=participant"),
        (world.coord, waiting + "?due=1"),
        (world.coord, f"/api/v1/projects/{project}/waiting-list?page=2"),
        (world.prof, reverse("dashboard")),
        (world.prof, reverse("participant_list", kwargs={"project": project})),
    ]
    problems = {}
    for user, url in pages:
        queries = _page_queries(client_for(user), url)
        if "waiting" in url or user == world.prof:
            assert queries, f"{url} reads no participants?"
        for sql in queries:
            found = _problems(sql, indexes)
            if found:
                problems[f"{url}: {sql[:300]}"] = found
    assert not problems, json.dumps(problems, indent=2)
    for user, url in figures:  # warm: no query from the people's table (a join by key may)
        queries = _page_queries(client_for(user), url)
        assert not [sql for sql in queries if f'FROM "{TABLE}"' in sql], url


def test_the_waiting_list_reads_its_page_from_its_index(world, client_for, time_machine):
    """A page of the waiting list, far down too: its ids in their order straight from
    ``participant_waiting_line`` (index-only, cut at the page: no sort of the project's
    waiting people, no table row read for the rows it skips), then its fifty rows by
    primary key; the places from that index alone (an index-only scan of one range)."""
    time_machine.move_to(TODAY)
    _seed(world)
    base = reverse("waiting_list", kwargs={"project": world.project.code})
    api = f"/api/v1/projects/{world.project.code}/waiting-list"
    queries = []
    for url in (base, base + "?page=7", base + "?reason=no_buddy&page=3", api, api + "?page=4"):
        queries += _page_queries(client_for(world.coord), url)
    indexes = _participant_indexes()
    line = '"waiting_since", "participants_participant"."id")'  # a row comparison
    places = [sql for sql in queries if line in sql]
    ids = [
        sql
        for sql in queries
        if sql.startswith(f'SELECT "{TABLE}"."id" AS "pk" FROM') and line not in sql
    ]
    rows = [sql for sql in queries if '"id" IN (' in sql and "LIMIT" not in sql]
    assert len(ids) == 5 and len(rows) == 5 and len(places) == 10, queries
    for sql in ids:
        nodes = list(_nodes(_plan(sql)))
        assert not [n for n in nodes if "Sort" in n["Node Type"]], sql
        scans = _scans_of_people(sql, indexes)
        assert [(n["Node Type"], n.get("Index Name")) for n in scans] == [
            ("Index Only Scan", "participant_waiting_line")
        ], sql
    for sql in rows:
        scans = _scans_of_people(sql, indexes)
        assert scans and all(n["Node Type"] != "Seq Scan" for n in scans), sql
        assert all(
            n.get("Index Name") == f"{TABLE}_pkey" for n in scans if n["Node Type"] in INDEX_SCANS
        ), sql
    # The count of who is ahead and the page's stretch of the line: one range of the
    # index each, read from the index alone.
    for sql in places:
        scans = _scans_of_people(sql, indexes)
        assert [(n["Node Type"], n.get("Index Name")) for n in scans] == [
            ("Index Only Scan", "participant_waiting_line")
        ], sql
        assert "urgency_rank" in scans[0]["Index Cond"], sql
