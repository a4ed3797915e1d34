"""The ranking of buddies for a participant reuses the project's encoded buddy pool
(``adapters.ranking_pool``) until a change it depends on: a buddy, a trajectory, a
proposal, an introduction, a raised hand or the volunteer terms. After each such change
the kept pool is not used, and the ranking is the one a fresh build gives; other changes
(a participant's file, a journal entry) keep it. The services commit for real
(``transactional_db``), as in production; on PostgreSQL too (``DATABASE_URL``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.matching import adapters, engine, selectors, services
from buddynet.matching.engine.core import Vocabularies
from buddynet.matching.models import Proposal
from buddynet.participants import services as participants
from buddynet.tenancy.access import access_for_user
from buddynet.trajectories import services as trajectories
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers import services as volunteers
from buddynet.volunteers.models import Buddy
from tests import factories as f
from tests.matching.factories import publish, ready_buddy, waiting_participant
from tests.volunteers.factories import VolunteerTermsFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _unscoped():
    cache.clear()
    with scopes_disabled():
        yield


class Scene:
    def __init__(self, world):
        self.w = world
        project = world.project
        self.terms = VolunteerTermsFactory(
            project=project, requires_record_check=True, record_check_valid_months=36
        )
        today = timezone.localdate()
        self.buddies = [
            ready_buddy(
                project,
                first_name=f"Buddy{i}",
                capacity=2 if i % 2 else 1,
                birth_year=1950 + 7 * i,
                interests=["koken", "wandelen", "schaken"][: 1 + i % 3],
                record_check_on=today - timedelta(days=30 * i),
            )
            for i in range(6)
        ]
        self.buddies.append(
            ready_buddy(project, first_name="InOpleiding", status=Buddy.Status.TRAINING)
        )
        self.person = waiting_participant(project, first_name="Zoekt", email="zoekt@example.be")
        self.other = waiting_participant(project, first_name="Ander", email="ander@example.be")
        self.third = waiting_participant(project, first_name="Derde", email="derde@example.be")
        publish(self.person)

    def ranking(self):
        return selectors.ranking_for_participant(
            access=access_for_user(self.w.coord),
            project=self.w.project,
            participant=self.person,
            user=self.w.coord,
        )

    def kept(self):
        found = adapters._KEPT.get(self.w.project.pk)
        return found[1] if found else None


def plain(ranking) -> list:
    """What the page shows of a ranking, as plain values."""

    def row(r):
        return (
            r.person.pk,
            r.person.full_name,
            round(r.score, 9),
            [(x.name, round(x.points, 9), str(x.text)) for x in r.reasons],
            round(r.distance_km, 6),
            str(r.failure),
            r.hand.pk if r.hand else None,
            r.pending.pk if r.pending else None,
            r.signals,
        )

    return [
        [row(r) for r in ranking.rows],
        [row(r) for r in ranking.near],
        ranking.feasible_count,
        ranking.pool_size,
        str(ranking.notice),
    ]


def fresh(scene) -> list:
    """The ranking computed from nothing kept: no pool, no cached ranking."""
    adapters._KEPT.clear()
    cache.clear()
    return plain(scene.ranking())


@pytest.fixture
def scene(transactional_db, world):
    adapters._KEPT.clear()
    return Scene(world)


def test_the_pool_is_kept_until_a_change_it_depends_on(scene):
    w = scene.w
    first = plain(scene.ranking())
    pool = scene.kept()
    assert pool is not None
    assert plain(scene.ranking()) == first
    assert scene.kept() is pool  # reused
    new: dict = {}

    def propose():
        new["proposal"] = services.proposal_create(
            participant=scene.other, buddy=scene.buddies[1], by=w.coord
        )

    def plan():
        new["intro"] = services.introduction_plan(
            proposal=Proposal.objects.get(pk=new["proposal"].pk),
            meets_at=timezone.now() - timedelta(days=1),
            place="Lokaal",
            staff_present="Sarah",
            by=w.coord,
        )

    def raise_hand():
        new["hand"] = services.hand_raise(
            buddy=scene.buddies[3], participant=scene.person, by=w.coord
        )

    def other_trajectory():
        return Trajectory.objects.get(participant=scene.other)

    depends = [
        (
            "a buddy's profile",
            lambda: volunteers.buddy_profile_update(
                buddy=Buddy.objects.get(pk=scene.buddies[0].pk),
                user=w.coord,
                data={"interests": ["koken", "fietsen"], "availability": ["sat_morning"]},
            ),
        ),
        (
            "a buddy's status",
            lambda: volunteers.buddy_move(
                buddy=Buddy.objects.get(pk=scene.buddies[2].pk), to_status="paused", user=w.coord
            ),
        ),
        (
            "the volunteer terms",
            lambda: volunteers.terms_save(
                project=w.project, user=w.coord, data={"record_check_valid_months": 3}
            ),
        ),
        ("a proposal", propose),
        (
            "an approval (the buddy is engaged)",
            lambda: services.proposal_approve(
                proposal=Proposal.objects.get(pk=new["proposal"].pk), by=w.coord
            ),
        ),
        ("an introduction", plan),
        ("a raised hand", raise_hand),
        ("a hand withdrawn", lambda: services.hand_withdraw(hand=new["hand"], by=w.coord)),
        (
            "the buddy's yes",
            lambda: services.introduction_answer(
                introduction=new["intro"], side="buddy", yes=True, by=w.coord
            ),
        ),
        (
            "a trajectory starts",
            lambda: services.introduction_answer(
                introduction=new["intro"], side="participant", yes=True, by=w.coord
            ),
        ),
        (
            "a trajectory closes",
            lambda: trajectories.trajectory_set_status(
                trajectory=other_trajectory(), to_status="closing", by=w.coord
            ),
        ),
        (
            "a buddy's record check (a queryset update)",
            lambda: Buddy.objects.filter(pk=scene.buddies[4].pk).update(
                record_check_on=date(2000, 1, 1)
            ),
        ),
    ]
    for step, call in depends:
        before = scene.kept()
        call()
        through_pool = plain(scene.ranking())
        assert scene.kept() is not before, f"after {step} the old pool was used"
        assert through_pool == fresh(scene), f"after {step}"

    # Changes the buddy pool does not depend on keep it (the ranking reads the
    # participant's side afresh every time): a participant's file, another project.
    scene.ranking()
    pool = scene.kept()
    participants.contact_log(
        participant=scene.third,
        by=w.coord,
        data={"contacted_on": timezone.localdate(), "kind": "phone", "outcome": "reached"},
    )
    f.ParticipantFactory(project=w.project)
    ready_buddy(w.sibling)
    through_pool = plain(scene.ranking())
    assert scene.kept() is pool
    assert through_pool == fresh(scene)


def test_the_participants_own_changes_show_with_a_kept_pool(scene):
    """The participant's side is never kept: their wishes, hands and exclusions show at
    once, with the same pool."""
    w = scene.w
    first = plain(scene.ranking())
    pool = scene.kept()
    services.pair_exclude(
        buddy=scene.buddies[0], participant=scene.person, reason="no_click", by=w.coord
    )
    after = plain(scene.ranking())
    assert scene.kept() is pool
    assert after == fresh(scene)
    assert scene.buddies[0].pk not in [r[0] for r in after[0]]
    assert first != after


def test_a_warm_ranking_reads_only_the_buddies_it_shows(scene):
    scene.ranking()
    cache.clear()  # the ranking itself computed again, from the kept pool
    with CaptureQueriesContext(connection) as ctx:
        ranking = scene.ranking()
    shown = {r.person.pk for r in (*ranking.rows, *ranking.near)}
    buddy_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "volunteers_buddy"' in q["sql"]]
    assert len(buddy_reads) == 1
    assert '"volunteers_buddy"."id" IN' in buddy_reads[0]
    assert len(shown) <= 15
    # (besides the cache's own, when the cache is the database: a miss stores the ranking)
    assert len([q for q in ctx.captured_queries if "buddynet_cache" not in q["sql"]]) <= 15


def test_the_buddies_own_vocabulary_ranks_as_the_shared_one():
    """The kept pool encodes words with the buddies' vocabularies only; a participant's
    word no buddy has matches nobody either way, so every score is the same."""
    buddies = [
        engine.Buddy(
            id=i,
            latitude=51.05 + i / 1000,
            longitude=3.72,
            max_km=15.0,
            languages=frozenset({"nl", "fr"} if i % 2 else {"nl"}),
            slots=frozenset({"wed_afternoon"}),
            interests=frozenset({"koken", "wandelen"} if i % 3 else {"schaken"}),
            birth_year=1950 + 5 * i,
            skills=frozenset({"admin"} if i % 2 else {"language"}),
            life_experience=frozenset({"migration"} if i % 4 == 0 else ()),
            capacity_left=1,
        )
        for i in range(12)
    ]
    participant = engine.Participant(
        id=1,
        latitude=51.05,
        longitude=3.72,
        max_km=15.0,
        languages=frozenset({"nl", "ar"}),
        slots=frozenset({"wed_afternoon", "sat_morning"}),
        interests=frozenset({"koken", "voetbal"}),
        birth_year=1980,
        needs=frozenset({"admin", "housing"}),
        experience_wanted=frozenset({"migration", "illness"}),
        waiting_days=30,
    )
    shared = engine.BuddyPool(
        buddies, vocabularies=Vocabularies.of([participant], buddies), reference_year=2026
    )
    own = engine.BuddyPool(buddies, vocabularies=Vocabularies.of(buddies), reference_year=2026)
    a = engine.rank_buddies(participant, shared, k=12, near_misses=12)
    b = engine.rank_buddies(participant, own, k=12, near_misses=12)
    assert [(c.id, c.score) for c in a.candidates] == [(c.id, c.score) for c in b.candidates]
    assert [(c.id, c.score) for c in a.near_misses] == [(c.id, c.score) for c in b.near_misses]
    assert a.feasible_count == b.feasible_count
