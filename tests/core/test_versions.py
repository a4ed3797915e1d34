"""Per-project data versions (core.versions): every write path moves them, inside the
writing transaction, once per transaction; a rolled-back change leaves no trace; folding
keeps the sum; a transaction's own unsaved change is never cached.

These tests commit for real (``transactional_db``): the cache only trusts committed
versions, as in production.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from buddynet.core import versions
from buddynet.core.models import ProjectChange
from buddynet.matching.adapters import POOL_KIND
from buddynet.participants.models import ContactMoment, HouseholdMember, Participant
from buddynet.tenancy.models import Project
from buddynet.volunteers.models import Buddy
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _unscoped():
    cache.clear()
    with scopes_disabled():
        yield


@pytest.fixture
def two():
    return f.ProjectFactory(), f.ProjectFactory()


def version(project, kind=versions.DATA) -> int:
    found = versions.current([project.pk], kind)[project.pk]
    assert found is not None
    return found[1]


def test_a_save_moves_its_project_only(two):
    a, b = two
    before_a, before_b = version(a), version(b)
    person = f.ParticipantFactory(project=a)
    assert version(a) > before_a
    assert version(b) == before_b
    moved = version(a)
    person.first_name = "Anders"
    person.save()
    assert version(a) > moved


def test_every_write_path_moves_the_version(two):
    a, _b = two
    person = f.ParticipantFactory(project=a)
    paths = {
        "update()": lambda: Participant.objects.filter(pk=person.pk).update(town="Aalst"),
        "bulk_create()": lambda: ContactMoment.objects.bulk_create(
            [
                ContactMoment(
                    project=a,
                    participant=person,
                    contacted_on=date.today(),
                    kind="phone",
                    outcome="reached",
                )
            ]
        ),
        "bulk_update()": lambda: Participant.objects.bulk_update(
            [Participant(pk=person.pk, project_id=a.pk, town="Gent")], ["town"]
        ),
        "a plain model's bulk_create()": lambda: HouseholdMember.objects.bulk_create(
            [HouseholdMember(project=a, participant=person, first_name="K", relation="child")]
        ),
        "delete()": lambda: ContactMoment.objects.filter(participant=person).delete(),
        "the project itself": lambda: Project.objects.get(pk=a.pk).save(),
    }
    for name, write in paths.items():
        before = version(a)
        write()
        assert version(a) > before, name


def test_an_update_that_changes_nothing_moves_nothing(two):
    a, _b = two
    before = version(a)
    assert Participant.objects.filter(project=a, town="Nergens").update(town="X") == 0
    assert version(a) == before


def test_every_model_with_a_project_key_is_watched():
    """A new model with a project key is picked up by itself: its saves and deletes send
    a receiver, and its queryset moves the version on update and bulk writes."""
    watched = []
    for model in apps.get_models():
        if model._meta.label in versions.NOT_PROJECT_DATA:
            continue
        if not versions._project_key(model):
            continue
        watched.append(model)
        assert post_save.has_listeners(model), model
        assert post_delete.has_listeners(model), model
        with scopes_disabled():
            queryset = model.objects.all()
        assert isinstance(queryset, versions.ProjectRecordQuerySet), model
    assert {Participant, Buddy, HouseholdMember} <= set(watched)
    assert len(watched) > 30


def test_once_per_transaction_and_kind(two, monkeypatch):
    # Rows are folded after a commit when a new row's id is a multiple of FOLD_EVERY;
    # ids run on over the whole run, so without this the count depended on the order.
    monkeypatch.setattr(versions, "FOLD_EVERY", 10**12)
    a, _b = two
    buddy = f.BuddyFactory(project=a)
    rows = ProjectChange.objects.filter(project=a).count()
    with transaction.atomic():
        for town in ("Gent", "Aalst", "Deinze"):
            buddy.town = town
            buddy.save()
    # One row for the data version, one for the buddy pool (buddies move it too).
    assert ProjectChange.objects.filter(project=a).count() == rows + 2
    assert set(
        ProjectChange.objects.filter(project=a).order_by("-pk").values_list("kind", flat=True)[:2]
    ) == {versions.DATA, POOL_KIND}


def test_a_participant_does_not_move_the_buddy_pool(two):
    a, _b = two
    before = version(a, POOL_KIND)
    f.ParticipantFactory(project=a)
    assert version(a, POOL_KIND) == before
    f.BuddyFactory(project=a)
    assert version(a, POOL_KIND) > before


def test_a_rolled_back_change_leaves_the_version(two):
    a, _b = two
    before = version(a)
    with pytest.raises(RuntimeError), transaction.atomic():
        f.ParticipantFactory(project=a)
        raise RuntimeError
    assert version(a) == before
    # And a savepoint rolled back inside a transaction that goes on: the later write in
    # the same transaction still moves the version (the first marker left with its
    # savepoint).
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            f.ParticipantFactory(project=a)
            raise RuntimeError
        assert version(a) == before
        f.ParticipantFactory(project=a)
    assert version(a) > before


def test_inside_an_uncommitted_change_the_cache_is_not_used(two):
    a, b = two
    computed = []

    def compute(ids):
        computed.append(list(ids))
        return {pid: Participant.objects.filter(project_id=pid).count() for pid in ids}

    assert versions.per_project("count", [a.pk, b.pk], compute) == {a.pk: 0, b.pk: 0}
    assert versions.per_project("count", [a.pk, b.pk], compute) == {a.pk: 0, b.pk: 0}
    assert computed == [[a.pk, b.pk]]  # the second time from the cache
    with transaction.atomic():
        f.ParticipantFactory(project=a)
        assert versions.pending(a.pk) and not versions.pending(b.pk)
        # Its own change is seen, and not stored for others...
        assert versions.per_project("count", [a.pk, b.pk], compute) == {a.pk: 1, b.pk: 0}
        assert computed[-1] == [a.pk]
    assert not versions.pending(a.pk)
    # ...who see it once committed, under the new version.
    assert versions.per_project("count", [a.pk, b.pk], compute) == {a.pk: 1, b.pk: 0}
    assert computed[-1] == [a.pk]


def test_folding_keeps_the_version(two):
    a, _b = two
    for _ in range(5):
        f.ParticipantFactory(project=a)
    before = version(a)
    versions._fold(a.pk, versions.DATA)
    assert ProjectChange.objects.filter(project=a, kind=versions.DATA).count() == 1
    assert version(a) == before
    # Rows fold by themselves now and then, after a commit.
    for _ in range(versions.FOLD_EVERY + 1):
        f.ParticipantFactory(project=a)
    assert ProjectChange.objects.filter(project=a, kind=versions.DATA).count() < (
        versions.FOLD_EVERY
    )
    assert version(a) >= before + versions.FOLD_EVERY + 1


def test_reading_versions_is_one_query(two):
    a, b = two
    with CaptureQueriesContext(connection) as ctx:
        found = versions.current([a.pk, b.pk])
    assert len(ctx.captured_queries) == 1
    assert found[a.pk][0] == str(a.code)


def test_a_new_name_moves_the_projects_of_the_user_only(two):
    """Cached panels show names (who is responsible, who referred): a user's new name
    moves the versions of the projects they have a role in; a log-in (``last_login``
    only) moves nothing."""
    a, b = two
    user = f.member(a, "project_coordinator")
    before_a, before_b = version(a), version(b)
    user.save(update_fields=["last_login"])
    assert (version(a), version(b)) == (before_a, before_b)
    user.first_name = "Anders"
    user.save()
    assert version(a) > before_a
    assert version(b) == before_b
