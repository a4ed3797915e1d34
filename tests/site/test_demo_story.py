"""The demo tells one story: whoever is marked matched walks with an active buddy, an
active buddy walks with someone, and the same figure is the same number everywhere."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count, F
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.accounts.models import User
from buddynet.participants.models import Participant
from buddynet.site import demo
from buddynet.tenancy.models import Network, Project
from buddynet.trajectories.models import Trajectory
from buddynet.trajectories.services import OPEN_STATUSES
from buddynet.volunteers.models import Buddy

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize("scale", [60, 250])
def test_matched_means_one_running_trajectory_with_an_active_buddy(db, scale):
    demo.seed_demo(scale=scale, today=TODAY)
    with scopes_disabled():
        running = Trajectory.objects.filter(status__in=OPEN_STATUSES)
        matched = set(
            Participant.objects.filter(status=Participant.Status.MATCHED).values_list(
                "pk", flat=True
            )
        )
        assert matched, "the demo has matched participants"
        per_participant = dict(
            running.values("participant").annotate(n=Count("pk")).values_list("participant", "n")
        )
        # matched ⇔ exactly one running trajectory
        assert set(per_participant) == matched
        assert set(per_participant.values()) == {1}
        # Running trajectories are walked by active buddies, within their capacity, and
        # every active buddy walks with someone.
        active = dict(
            Buddy.objects.filter(status=Buddy.Status.ACTIVE).values_list("pk", "capacity")
        )
        per_buddy = dict(running.values("buddy").annotate(n=Count("pk")).values_list("buddy", "n"))
        assert set(per_buddy) == set(active)
        assert all(n <= max(active[pk], 1) for pk, n in per_buddy.items())
        # The demo buddy walks with one person (their other place: the introduction).
        assert running.filter(buddy__user__email=f"buddy@{demo.DEMO_DOMAIN}").count() == 1
        # A closed trajectory closed its participant's file.
        closed = Trajectory.objects.filter(status=Trajectory.Status.CLOSED)
        assert closed.exists()
        assert not closed.exclude(participant__status=Participant.Status.CLOSED).exists()
        # The participant was matched the day the trajectory started.
        assert not running.exclude(started_on=F("participant__matched_on")).exists()


def test_demo_figures_agree_across_pages(db, client_for):
    demo.seed_demo(scale=60, today=TODAY)
    coordinator = User.objects.get(email=f"coordinator@{demo.DEMO_DOMAIN}")
    netco = User.objects.get(email=f"netwerk@{demo.DEMO_DOMAIN}")
    network = Network.objects.get(name=demo.NETWORK_NAME)
    project = Project.objects.get(name="Buddywerking Gent")

    client = client_for(coordinator)
    dashboard = client.get(reverse("dashboard"), secure=True)
    assert dashboard.status_code == 200
    (row,) = dashboard.context["coordinator"]["projects"]
    panel = next(
        p
        for p in dashboard.context["coordinator"]["panels"]
        if p["template"] == "trajectories/_dashboard_panel.html"
    )
    counts = {status: n for _label, status, n in panel["counts"]}
    assert sum(counts[s] for s in OPEN_STATUSES) == row["participants"]["by_status"]["matched"]
    waiting = client.get(reverse("waiting_list", kwargs={"project": project.code}), secure=True)
    assert waiting.context["total"] == row["participants"]["by_status"]["waiting"]

    client = client_for(netco)
    page = client.get(reverse("network_detail", kwargs={"network": network.code}), secure=True)
    api = client.get(f"/api/v1/networks/{network.code}/overview", secure=True).json()
    by_code = {r["project"]: r for r in api}
    for overview_row in page.context["overview"]:
        figures = by_code[str(overview_row["project"].code)]
        assert figures["participants_by_status"] == overview_row["participants"]["by_status"]
        assert figures["buddies_by_status"] == overview_row["buddies"]["by_status"]
        if overview_row["project"] == project:
            assert overview_row["participants"] == row["participants"]
            assert overview_row["buddies"] == row["buddies"]
