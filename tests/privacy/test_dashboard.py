"""The privacy panel on the dashboard: the same number of queries for one project as for
many (each with its own terms), with the right count per project."""

from __future__ import annotations

import datetime

import pytest
from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.privacy import dashboard, retention
from tests import factories as f
from tests.privacy.test_retention import TERMS, closed, stopped

pytestmark = pytest.mark.django_db


def _expiring_soon(project, months: int, *, participants: int, buddies: int) -> None:
    """Files whose term of ``months`` ends in 10 days (and one that does not)."""
    today = clock.today()
    soon = retention.months_before(today, months) + datetime.timedelta(days=10)
    for _ in range(participants):
        closed(project, on=soon)
    for _ in range(buddies):
        stopped(project, on=soon)
    closed(project, on=retention.months_before(today, months - 3))


def test_the_panel_counts_with_a_constant_number_of_queries(world, django_assert_num_queries):
    with scopes_disabled():
        one = [world.project]
        many = [world.project] + [f.ProjectFactory(name=f"Project {n}") for n in range(5)]
        _expiring_soon(world.project, 24, participants=2, buddies=1)
        for n, project in enumerate(many[1:], start=1):
            months = 6 + n  # each its own term, and one on the defaults
            if n < 5:
                retention.settings_update(
                    project=project,
                    by=world.coord,
                    **{**TERMS, "participant_months": months, "buddy_months": months},
                )
            else:
                months = 24
            _expiring_soon(project, months, participants=n, buddies=0)
        # The alerts, the terms, one count per kind of file, the projects with files.
        queries = 1 + 1 + len(retention.KINDS) + 1
        with django_assert_num_queries(queries):
            small = dashboard.coordinator_panel(project_ids=[p.pk for p in one], user=world.coord)
        with django_assert_num_queries(queries):
            large = dashboard.coordinator_panel(project_ids=[p.pk for p in many], user=world.coord)
    assert small is not None and large is not None
    assert small["expiring"] == [(world.project, 3)]
    assert dict(large["expiring"]) == {
        world.project: 3,
        **{project: n for n, project in enumerate(many[1:], start=1)},
    }
    assert [project.name for project, _count in large["expiring"]] == sorted(
        project.name for project in many
    )
    assert retention.expiring_count(project_ids=[p.pk for p in many]) == 3 + 1 + 2 + 3 + 4 + 5


def test_no_files_expiring_no_panel(world, django_assert_max_num_queries):
    with scopes_disabled(), django_assert_max_num_queries(4):
        assert dashboard.coordinator_panel(project_ids=[world.project.pk], user=world.coord) is None
