"""Query pieces more than one app needs (``core.queries``)."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from buddynet.core.queries import project_record
from buddynet.followup.models import Cadence

pytestmark = pytest.mark.django_db


def test_a_project_without_its_record_gets_the_defaults_unsaved(world):
    cadence = project_record(Cadence, world.project)
    assert cadence.pk is None
    assert cadence.project == world.project
    with scopes_disabled():
        assert not Cadence.objects.filter(project=world.project).exists()


def test_a_project_with_its_record_gets_that_record(world):
    with scopes_disabled():
        saved = Cadence.objects.create(project=world.project, contact_every_days=14)
    found = project_record(Cadence, world.project)
    assert found.pk == saved.pk
    assert found.contact_every_days == 14
