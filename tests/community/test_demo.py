"""The demo network gets a realistic social map, a hand-over in each state, a transfer
offer and the buddy's moment on trajectories."""

from __future__ import annotations

from datetime import date

import pytest
from django_scopes import scopes_disabled

from buddynet.community.models import Handover, Service, Transfer
from buddynet.site import demo
from buddynet.trajectories.models import Trajectory


@pytest.mark.django_db
def test_demo_social_map_and_handovers():
    demo.seed_demo(scale=60, today=date(2026, 11, 27))
    assert Service.objects.count() >= 10
    assert Service.objects.filter(checked_on__lt=date(2025, 11, 27)).count() == 2
    with scopes_disabled():
        states = set(Handover.objects.values_list("status", flat=True))
        assert {"sent", "accepted", "first_contact", "ongoing", "ended", "declined"} <= states
        assert Transfer.objects.filter(status="offered").exists()
        assert Trajectory.objects.exclude(buddy_moment="").exists()
