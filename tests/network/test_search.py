"""Full-text search: a Dutch word form finds its base form, ranked, matching words
marked; buddies see buddy items only; another network's items never show. Runs on both
backends (PostgreSQL full-text search, SQLite FTS5)."""

from __future__ import annotations

import pytest

from buddynet.network import search
from buddynet.network.selectors import space_for
from buddynet.tenancy.access import access_for_user
from tests.network import factories as nf

pytestmark = pytest.mark.django_db


def test_dutch_word_form_finds_the_base_form(world):
    found = nf.item(world.network, title="De vrijwilliger en zijn grenzen", body="Over grenzen.")
    nf.item(world.network, title="Wachtlijsten beheren", body="Bel elke maand.", themes=[])
    hits = search.search(network=world.network, text="vrijwilligers", buddy_only=False)
    assert [h.obj for h in hits][:1] == [found]
    assert "<mark>" in hits[0].snippet
    assert "vrijwilliger" in hits[0].snippet.lower()


def test_plural_query_and_english(world):
    dutch = nf.item(world.network, title="Wachtlijst", body="Een wachtlijst warm houden.")
    english = nf.item(
        world.network,
        title="Recruiting volunteers",
        body="A volunteer finds the project through friends.",
        language="en",
    )
    assert [
        h.obj for h in search.search(network=world.network, text="wachtlijsten", buddy_only=False)
    ] == [dutch]
    hits = search.search(network=world.network, text="volunteer", buddy_only=False)
    assert english in [h.obj for h in hits]


def test_title_ranks_above_body(world):
    in_body = nf.item(world.network, title="Over de opstart", body="Iets over grenzen hier.")
    in_title = nf.item(world.network, title="Grenzen bewaken", body="Tekst.")
    hits = search.search(network=world.network, text="grenzen", buddy_only=False)
    assert [h.obj for h in hits] == [in_title, in_body]


def test_buddies_see_buddy_items_only(world):
    nf.item(world.network, title="Grenzen voor coördinatoren", audience="coordinators")
    for_buddies = nf.item(world.network, title="Grenzen voor buddy's", audience="buddies")
    space = space_for(access=access_for_user(world.buddy_user), code=world.network.code)
    assert space.buddy_only
    hits = search.search(network=world.network, text="grenzen", buddy_only=space.buddy_only)
    assert [h.obj for h in hits] == [for_buddies]


def test_other_network_never_shows(world):
    nf.item(world.other_network, title="Grenzen elders")
    assert search.search(network=world.network, text="grenzen", buddy_only=False) == []


def test_answered_questions_are_found(world):
    from buddynet.network import services

    question = nf.question(world.network, world.project, world.coord, title="Wachtlijst te lang")
    assert search.search(network=world.network, text="wachtlijst", buddy_only=False) == []
    services.question_answer(
        question=question, project=world.sibling, by=world.netco, body="Wij bellen maandelijks."
    )
    hits = search.search(network=world.network, text="maandelijks", buddy_only=False)
    assert [(h.kind, h.obj) for h in hits] == [("question", question)]


def test_snippet_escapes_html(world):
    nf.item(world.network, title="Grenzen", body="<script>alert(1)</script> grenzen")
    hits = search.search(network=world.network, text="grenzen", buddy_only=False)
    assert "<script>" not in hits[0].snippet


def test_theme_filter(world):
    nf.item(world.network, title="Grenzen A", themes=["boundaries"])
    b = nf.item(world.network, title="Grenzen B", themes=["privacy"])
    hits = search.search(network=world.network, text="grenzen", buddy_only=False, theme="privacy")
    assert [h.obj for h in hits] == [b]


def test_empty_query(world):
    assert search.search(network=world.network, text="  ?! ", buddy_only=False) == []


def test_dutch_prefix():
    assert search.dutch_prefix("vrijwilligers") == "vrijwilliger"
    assert search.dutch_prefix("wachtlijsten") == "wachtlijst"
    assert search.dutch_prefix("buddy") == "buddy"
