"""The demo network gets a library, two playbooks (one adopted), a past intervision with
attendance counted in a buddy's follow-up, a coming one, and answered questions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from buddynet.followup.models import FollowUp
from buddynet.network.models import AdoptedPiece, Intervision, LibraryItem, Playbook, Question
from buddynet.network.search import search
from buddynet.site import demo


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
    hits = search(network=network, text="vrijwilligers", buddy_only=False)
    assert hits
    assert not [m for m in mail.outbox if "network" in m.subject.lower()]
