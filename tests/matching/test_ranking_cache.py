"""The ranking of buddies for a participant is kept (rendered rows for the page, the output
for the API) under the project's data version, and never shown after a change it depends
on: the participant's own side (their wishes, urgency, exclusions), the settings, a
buddy's name, a proposal. A warm page reads no buddy, proposal or household row, and the
kept rows carry each reader's own CSRF token. The services commit for real
(``transactional_db``), as in production; on PostgreSQL too (``DATABASE_URL``).
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.matching import adapters, services
from buddynet.participants import services as participants
from buddynet.volunteers.models import Buddy
from tests.matching.factories import ready_buddy, waiting_participant

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture(autouse=True)
def _nothing_kept():
    cache.clear()
    adapters._KEPT.clear()


@pytest.fixture
def scene(transactional_db, world):
    with scopes_disabled():
        buddies = [
            ready_buddy(
                world.project, first_name=f"Buddy{i}", last_name="Klaar", birth_year=1950 + 9 * i
            )
            for i in range(4)
        ]
        person = waiting_participant(world.project, first_name="Zoekt", email="zoekt@example.be")
    return world, buddies, person


def _page_url(world, person) -> str:
    return reverse(
        "matching_rank_buddies", kwargs={"project": world.project.code, "code": person.code}
    )


def _api_url(world, person) -> str:
    return f"/api/v1/projects/{world.project.code}/matching/participants/{person.code}/buddies"


def _page(client, world, person) -> str:
    response = client.get(_page_url(world, person))
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode())


def _both(client, world, person) -> tuple[str, dict]:
    api = client.get(_api_url(world, person))
    assert api.status_code == 200
    return _page(client, world, person), api.json()


def _fresh(client, world, person) -> tuple[str, dict]:
    cache.clear()
    adapters._KEPT.clear()
    return _both(client, world, person)


def test_a_kept_ranking_is_never_shown_after_a_change_it_depends_on(scene, client_for):
    world, buddies, person = scene
    client = client_for(world.coord)
    shown = _both(client, world, person)
    assert "Buddy0 Klaar" in shown[0]
    assert _both(client, world, person) == shown  # kept

    def rename():
        buddy = Buddy.objects.get(pk=buddies[1].pk)
        buddy.last_name = "Hernoemd"
        buddy.save()

    changes = [
        # the participant's own side: not in the buddy pool's version
        (
            "the participant's wishes",
            lambda: services.profile_update(
                participant=person,
                data={"buddy_genders": ["m"], "buddy_gender_strength": "would_like"},
                by=world.coord,
            ),
        ),
        (
            "the participant's urgency",
            lambda: participants.participant_update_waiting(
                participant=person, by=world.coord, data={"urgency": "high"}
            ),
        ),
        (
            "a pair excluded",
            lambda: services.pair_exclude(
                buddy=buddies[2], participant=person, reason="no_click", by=world.coord
            ),
        ),
        (
            "the weights",
            lambda: services.settings_update(
                project=world.project, data={"weight_age": 10, "weight_distance": 0}, by=world.coord
            ),
        ),
        ("a buddy's name", rename),
        (
            "a proposal",
            lambda: services.proposal_create(participant=person, buddy=buddies[3], by=world.coord),
        ),
    ]
    for step, change in changes:
        with scopes_disabled():
            change()
        through_cache = _both(client, world, person)
        fresh = _fresh(client, world, person)
        assert through_cache == fresh, f"after {step} the kept ranking was shown"
        assert fresh != shown, f"{step} changed nothing the ranking shows"
        shown = fresh
    assert "Buddy1 Hernoemd" in shown[0]


def test_a_warm_ranking_page_reads_no_buddy_and_few_queries(scene, client_for):
    world, _buddies, person = scene
    client = client_for(world.coord)
    _page(client, world, person)
    with CaptureQueriesContext(connection) as ctx:
        page = _page(client, world, person)
    assert "Buddy0 Klaar" in page
    sql = [q["sql"] for q in ctx.captured_queries]
    for table in (
        "volunteers_buddy",
        "matching_proposal",
        "participants_householdmember",
        "matching_matchingsettings",
    ):
        assert not [q for q in sql if f'FROM "{table}"' in q], table
    # session, user, roles, project, participant, the "viewed" entry, the version, the menu
    # (and the cache's own read when the cache is the database)
    assert len([q for q in sql if "buddynet_cache" not in q]) <= 8
    api = client.get(_api_url(world, person))
    assert api.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_api_url(world, person)).status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if 'FROM "volunteers_buddy"' in q]
    assert len([q for q in sql if "buddynet_cache" not in q]) <= 8


def test_the_kept_rows_carry_each_readers_own_csrf_token(scene):
    """The rows are kept with a slot for the proposal forms' token: another session reads
    the same kept rows, finds its own token there, and can propose."""
    world, buddies, person = scene
    first = Client(enforce_csrf_checks=True)
    first.force_login(world.coord)
    first.get(_page_url(world, person))
    second = Client(enforce_csrf_checks=True)
    second.force_login(world.coord)
    with CaptureQueriesContext(connection) as ctx:
        page = second.get(_page_url(world, person)).content.decode()
    assert not [q for q in ctx.captured_queries if 'FROM "volunteers_buddy"' in q["sql"]]
    assert "csrf-token-slot" not in page
    propose = reverse("matching_propose", kwargs={"project": world.project.code})
    tokens = re.findall(
        rf'action="{re.escape(propose)}"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        page,
    )
    assert len(tokens) == len(buddies)  # a form per ranked buddy, each with this token
    response = second.post(
        propose,
        {
            "csrfmiddlewaretoken": tokens[0],
            "buddy": buddies[0].code,
            "participant": person.code,
            "feeling": "",
        },
    )
    assert response.status_code == 302
