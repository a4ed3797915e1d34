"""The outcome figures are cached under the projects' data versions
(``impact.selectors.summaries``, ``core.versions``): a second visit pairs nothing again,
and a change shows on the next visit. Committed transactions, as in production: inside
a test's own transaction every project counts as being changed, and no cache is used."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.impact import factories as imf

pytestmark = pytest.mark.django_db(transaction=True)

PAIRED_OR_COUNTED = ('"impact_response"', '"participants_participant"', '"trajectories_trajectory"')


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_the_figures_are_cached_under_the_data_version_and_stay_exact(world, client_for):
    """A second visit pairs no measurements and counts no people again (no answer,
    participant or trajectory row is read); a new measurement moves the project's
    version, and the next visit counts it."""
    imf.measured_people(world.project, world.coord, 5)
    outcomes = reverse("impact_outcomes", kwargs={"project": world.project.code})
    coord = client_for(world.coord)

    def visit():
        with CaptureQueriesContext(connection) as ctx:
            response = coord.get(outcomes)
        assert response.status_code == 200
        read = [
            q["sql"]
            for q in ctx.captured_queries
            # the answers paired, and the process figures' people and trajectories
            if any(table in q["sql"] for table in PAIRED_OR_COUNTED)
        ]
        return response.context["figures"]["outcomes"][0].summary.n, read

    assert visit()[0] == 5
    n, read = visit()
    assert n == 5
    assert read == []  # from the cache

    imf.measured_people(world.project, world.coord, 1)
    n, read = visit()
    assert n == 6
    assert read  # paired again after the change
