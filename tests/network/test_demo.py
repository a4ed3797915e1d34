"""The demo network gets a library, two playbooks (one adopted), a past intervision with
attendance counted in a buddy's follow-up, a coming one, and answered questions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from buddynet.followup.models import FollowUp
from buddynet.network.models import (
    AdoptedPiece,
    Event,
    Intervision,
    LibraryItem,
    NetworkSettings,
    NewsItem,
    Playbook,
    Question,
    Registration,
)
from buddynet.network.search import search
from buddynet.site import demo
from buddynet.volunteers.models import TrainingRecord


@pytest.mark.django_db
def test_demo_network(settings):
    demo.seed_demo(scale=60, today=date(2026, 11, 27))
    network = LibraryItem.objects.first().network
    assert LibraryItem.objects.filter(network=network).count() >= 10
    assert Playbook.objects.filter(network=network).count() == 2
    assert Intervision.objects.filter(network=network).count() == 2
    assert Question.objects.filter(network=network, answer_count__gt=0).count() >= 2
    with scopes_disabled():
        assert AdoptedPiece.objects.exists()
        assert FollowUp.objects.filter(
            kind=FollowUp.Kind.INTERVISION, done_at__isnull=False
        ).exists()
    assert Event.objects.filter(network=network).count() == 4
    assert NewsItem.objects.filter(network=network).count() == 3
    assert Registration.objects.filter(status=Registration.Status.WAITING).exists()
    with scopes_disabled():
        chosen = NetworkSettings.objects.exclude(intervision_module=None).first()
        if chosen is not None:  # the first project's intervision counts as training
            assert TrainingRecord.objects.filter(module=chosen.intervision_module).exists()
    hits = search(network=network, text="vrijwilligers", buddy_only=False)
    assert hits
    assert not [m for m in mail.outbox if "network" in m.subject.lower()]
