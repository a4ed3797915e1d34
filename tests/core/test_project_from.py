"""A row whose project is always its parent's (``ProjectRow.project_from``) takes it on
save and in ``bulk_create``, and refuses another project; a record without a name of its
own shows its kind and code."""

from datetime import date

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from buddynet.matching.models import PairExclusion
from buddynet.participants.models import ConsentRecord, Offer


@pytest.fixture
def rows(world):
    with scopes_disabled():
        yield world


def test_create_takes_the_parents_project(rows):
    record = ConsentRecord.objects.create(
        participant=rows.participant, purpose="support", given=True
    )
    assert record.project_id == rows.participant.project_id


def test_bulk_create_takes_the_parents_project(rows):
    [offer] = Offer.objects.bulk_create(
        [
            Offer(
                participant=rows.other_participant,
                kind="group",
                description="Koor",
                offered_on=date(2026, 1, 5),
            )
        ]
    )
    assert Offer.objects.get(pk=offer.pk).project_id == rows.other.pk


def test_another_project_is_refused(rows):
    with pytest.raises(ValueError, match="its project is its participant's"):
        ConsentRecord.objects.create(
            project=rows.other, participant=rows.participant, purpose="support", given=True
        )
    assert not ConsentRecord.objects.filter(participant=rows.participant, project=rows.other)


def test_a_record_without_a_name_shows_its_kind_and_code(rows):
    exclusion = PairExclusion.objects.create(
        project=rows.project, buddy=rows.buddy, participant=rows.participant, reason="other"
    )
    with translation.override("en"):
        assert str(exclusion) == f"excluded pair {exclusion.code}"
