"""The measured pages read a project's people through indexes (PostgreSQL only).

Every query that the waiting list, the dashboards and the network pages send to the
participants table is captured from the real request (so whatever the selectors become,
the test checks the SQL they produce now) and ``EXPLAIN``ed with ``enable_seqscan`` off.

Why ``enable_seqscan = off`` rather than relying on the planner's choice for the seeded
rows: with it, PostgreSQL still picks a sequential scan when no index can serve the
query at all (it only makes that plan very expensive), so a ``Seq Scan`` in the plan
proves a missing index. The planner's own choice depends on the number of rows, the
statistics and the cost settings; on a test-size table it prefers a sequential scan
whatever the indexes. The check is therefore deterministic and independent of the data
size. A full walk of an unrelated index (e.g. the primary key) is the other way a plan
can avoid a sequential scan without an index for the query: every index scan of the
table must have an index condition. The waiting list's page is also read in its order
straight from the index (no sort of the project's waiting people).
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

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"
)

TABLE = Participant._meta.db_table
TODAY = date(2026, 11, 27)
INDEX_SCANS = ("Index Scan", "Index Only Scan", "Bitmap Index Scan")


def _seed(world, n: int = 3000) -> None:
    """A few thousand people over the network's projects and another network, in every
    status, with the dates the figures read; then fresh statistics."""
    rng = random.Random(12)
    projects = [world.project, world.project, world.sibling, world.other]
    statuses = ["referred", "intake", "waiting", "waiting", "matched", "closed"]
    people = []
    for i in range(n):
        status = rng.choice(statuses)
        referred = TODAY - timedelta(days=rng.randint(1, 400))
        since = referred + timedelta(days=10) if status in ("waiting", "matched") else None
        people.append(
            Participant(
                project=rng.choice(projects),
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
        Participant.objects.bulk_create(people, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")


def _plan(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (raw,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = on")
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


def _problems(sql: str, indexes: set[str]) -> list[str]:
    """What in this query's plan reads the participants table without an index."""
    found = []
    for node in _nodes(_plan(sql)):
        kind = node["Node Type"]
        on_people = node.get("Relation Name") == TABLE or node.get("Index Name") in indexes
        if not on_people:
            continue
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
    time_machine.move_to(TODAY)
    _seed(world)
    indexes = _participant_indexes()
    project = world.project.code
    pages = [
        (world.coord, reverse("dashboard")),
        (world.coord, reverse("waiting_list", kwargs={"project": project})),
        (world.coord, reverse("waiting_list", kwargs={"project": project}) + "?page=3"),
        (world.coord, reverse("waiting_list", kwargs={"project": project}) + "?reason=participant"),
        (world.coord, reverse("waiting_list", kwargs={"project": project}) + "?due=1"),
        (world.coord, f"/api/v1/projects/{project}/waiting-list?page=2"),
        (world.netco, reverse("dashboard")),
        (world.netco, reverse("network_detail", kwargs={"network": world.network.code})),
        (world.netco, f"/api/v1/networks/{world.network.code}/overview"),
        (world.prof, reverse("dashboard")),
    ]
    problems = {}
    for user, url in pages:
        queries = _page_queries(client_for(user), url)
        if "waiting" in url:
            assert queries, f"{url} reads no participants?"
        for sql in queries:
            found = _problems(sql, indexes)
            if found:
                problems[f"{url}: {sql[:300]}"] = found
    assert not problems, json.dumps(problems, indent=2)


@pytest.mark.django_db(transaction=True)
def test_the_waiting_list_reads_its_page_from_its_index(world, client_for, time_machine):
    """With the planner's own choice on a realistic table (a project's people spread over
    it, ``VACUUM ANALYZE``d as after ``seed-demo``): the waiting list's page comes in its
    order straight from ``participant_waiting_line``, cut at the page (no sort of all the
    project's waiting people), and the places are counted from that index alone (an
    index-only scan: no row of the table is read to number the line)."""
    time_machine.move_to(TODAY)
    _seed(world, n=12000)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
    base = reverse("waiting_list", kwargs={"project": world.project.code})
    queries = []
    for url in (base, base + "?page=7", f"/api/v1/projects/{world.project.code}/waiting-list"):
        queries += _page_queries(client_for(world.coord), url)
    row_compare = '"waiting_since", "participants_participant"."id") <'
    pages = [
        sql
        for sql in queries
        if "LIMIT" in sql and sql.startswith('SELECT "participants_participant"."id", ')
    ]
    places = [sql for sql in queries if row_compare in sql]
    assert len(pages) == 3 and len(places) == 6, queries
    for sql in queries:
        scans = [n for n in _nodes(_natural_plan(sql)) if n.get("Relation Name") == TABLE]
        assert "Seq Scan" not in [n["Node Type"] for n in scans], sql
    for sql in pages:
        nodes = list(_nodes(_natural_plan(sql)))
        assert not [n for n in nodes if "Sort" in n["Node Type"]], sql
        assert any(n.get("Index Name") == "participant_waiting_line" for n in nodes), sql
    # The count of who is ahead and the page's stretch of the line: one range of the
    # index each, read from the index alone.
    for sql in places:
        scans = [n for n in _nodes(_natural_plan(sql)) if n.get("Relation Name") == TABLE]
        assert [(n["Node Type"], n.get("Index Name")) for n in scans] == [
            ("Index Only Scan", "participant_waiting_line")
        ], sql
        assert "urgency_rank" in scans[0]["Index Cond"], sql


def _natural_plan(sql: str) -> dict:
    """The plan the planner chooses by itself (every kind of scan allowed)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (raw,) = cursor.fetchone()
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
