"""The dashboards' figures against a project whose answers are counted by hand.

Every number the coordinator dashboard, the waiting list, the network overview and the
network figures endpoint show is compared with the hand count, and a quantity shown in
two places must be the same in both (issue 11: '20 matched' next to a trajectory table
of 5, a waiting list badge of 29 next to a dashboard tile of 30).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.followup.models import FollowUp
from buddynet.participants.models import Participant
from buddynet.trajectories.models import Trajectory
from buddynet.trajectories.services import trajectory_start
from buddynet.volunteers.models import Buddy
from tests import factories as f

P = Participant.Status
B = Buddy.Status
T = Trajectory.Status


@pytest.fixture
def project_world(db):
    today = timezone.localdate()
    project = f.ProjectFactory()
    network = project.organisation.network
    coordinator = f.member(project, "project_coordinator")
    netco = f.UserFactory()
    f.MembershipFactory(user=netco, role="network_coordinator", network=network, project=None)
    # Another project of another network: nothing of it may be counted.
    other = f.ProjectFactory()
    f.ParticipantFactory(project=other, status=P.WAITING)
    f.BuddyFactory(project=other, status=B.ACTIVE)

    def person(status, **kwargs):
        return f.ParticipantFactory(project=project, status=status, **kwargs)

    with scopes_disabled():
        person(P.REFERRED, waiting_since=None)
        for _ in range(2):
            person(P.INTAKE, waiting_since=None)
        # On the waiting list: four, one of them paused (no place in line, still listed).
        person(P.WAITING, waiting_since=today - timedelta(days=10))
        person(P.WAITING, waiting_since=today - timedelta(days=20), next_contact_due=today)
        person(
            P.WAITING,
            waiting_since=today - timedelta(days=30),
            next_contact_due=today - timedelta(days=3),
        )
        person(
            P.WAITING,
            waiting_since=today - timedelta(days=40),
            waiting_reason=Participant.WaitingReason.PAUSED,
        )
        person(P.CLOSED, waiting_since=None, closed_on=today)
        for status in (B.APPLIED, B.APPLIED, B.TRAINING, B.READY, B.STOPPED):
            f.BuddyFactory(project=project, status=status)
        # Four running trajectories (one per running status) and one closed, with
        # three buddies: one accompanies two people.
        walking = [f.BuddyFactory(project=project, status=B.READY, capacity=2) for _ in range(3)]
        trajectories = {}
        for status, buddy in zip(
            (T.STARTING, T.ACTIVE, T.PAUSED, T.CLOSING, T.CLOSED),
            (walking[0], walking[0], walking[1], walking[2], walking[2]),
            strict=True,
        ):
            participant = person(P.WAITING, waiting_since=today - timedelta(days=50))
            trajectory = trajectory_start(buddy=buddy, participant=participant, by=coordinator)
            Trajectory.objects.filter(pk=trajectory.pk).update(status=status)
            trajectories[status] = trajectory
        # The closed trajectory's participant left the project.
        Participant.objects.filter(pk=trajectories[T.CLOSED].participant_id).update(
            status=P.CLOSED, closed_on=today
        )
        # A quiet trajectory: active, nothing in the journal for 60 days.
        Trajectory.objects.filter(pk=trajectories[T.ACTIVE].pk).update(
            started_on=today - timedelta(days=90), last_contact_on=today - timedelta(days=60)
        )
        # Two follow-up conversations overdue, the others ahead.
        open_items = FollowUp.objects.filter(
            project=project, done_at__isnull=True, cancelled_at__isnull=True
        ).order_by("pk")
        assert open_items.count() >= 2
        FollowUp.objects.filter(pk__in=[i.pk for i in open_items[:2]]).update(
            due_at=timezone.now() - timedelta(days=2)
        )
        FollowUp.objects.filter(pk__in=[i.pk for i in open_items[2:]]).update(
            due_at=timezone.now() + timedelta(days=5)
        )
    return project, network, coordinator, netco


# The answers, counted by hand from the fixture.
PARTICIPANTS = {"referred": 1, "intake": 2, "waiting": 4, "matched": 4, "closed": 2}
BUDDIES = {
    "applied": 2,
    "intake": 0,
    "screening": 0,
    "training": 1,
    "decision": 0,
    "ready": 1,
    "active": 3,
    "paused": 0,
    "stopped": 1,
}
TRAJECTORIES = {"starting": 1, "active": 1, "paused": 1, "closing": 1, "closed": 1}
CONTACTS_DUE = 2
OVERDUE_FOLLOWUPS = 2
QUIET = 1


def _panel(context, template):
    return next(p for p in context["coordinator"]["panels"] if p["template"] == template)


def test_coordinator_dashboard_figures(project_world, client_for):
    project, _network, coordinator, _netco = project_world
    response = client_for(coordinator).get(reverse("dashboard"), secure=True)
    assert response.status_code == 200
    (row,) = response.context["coordinator"]["projects"]
    assert row["participants"]["by_status"] == PARTICIPANTS
    assert row["participants"]["total"] == sum(PARTICIPANTS.values())
    assert row["participants"]["needing_contact"] == CONTACTS_DUE
    assert row["participants"]["median_wait_days"] == 25  # 10, 20, 30, 40 days
    assert row["buddies"]["by_status"] == BUDDIES
    assert row["buddies"]["pipeline"] == 3  # applied, applied, training

    trajectories = _panel(response.context, "trajectories/_dashboard_panel.html")
    counts = {status: n for _label, status, n in trajectories["counts"]}
    assert counts == TRAJECTORIES
    # Matched participants are exactly the running trajectories; active buddies exactly
    # the buddies walking with someone.
    running = sum(n for s, n in counts.items() if s != "closed")
    assert running == row["participants"]["by_status"]["matched"]
    with scopes_disabled():
        walking = (
            Trajectory.objects.filter(project=project)
            .exclude(status=T.CLOSED)
            .values("buddy")
            .distinct()
            .count()
        )
    assert walking == row["buddies"]["by_status"]["active"]

    participants = _panel(response.context, "participants/_dashboard_panel.html")
    assert len(participants["contacts_due"]) == CONTACTS_DUE
    followup = _panel(response.context, "followup/_dashboard_panel.html")
    assert followup["overdue_count"] == OVERDUE_FOLLOWUPS
    assert len(followup["inactive"]) == QUIET

    text = response.content.decode()
    assert '<span class="figure-number">4</span>' in text  # on the waiting list
    assert '<span class="figure-number">2</span>' in text  # contacts due


def test_waiting_list_badge_equals_the_dashboard_tile(project_world, client_for):
    project, _network, coordinator, _netco = project_world
    client = client_for(coordinator)
    response = client.get(reverse("waiting_list", kwargs={"project": project.code}), secure=True)
    assert response.status_code == 200
    assert response.context["total"] == PARTICIPANTS["waiting"]
    # Everyone counted is listed; the paused person has no place in line.
    assert len(response.context["rows"]) == PARTICIPANTS["waiting"]
    assert sorted(r.position or 0 for r in response.context["rows"]) == [0, 1, 2, 3]
    dashboard = client.get(reverse("dashboard"), secure=True)
    (row,) = dashboard.context["coordinator"]["projects"]
    assert row["participants"]["by_status"]["waiting"] == response.context["total"]


def test_network_overview_page_and_api_agree(project_world, client_for):
    project, network, coordinator, netco = project_world
    client = client_for(netco)
    page = client.get(reverse("network_detail", kwargs={"network": network.code}), secure=True)
    assert page.status_code == 200
    (row,) = page.context["overview"]
    assert row["project"] == project
    assert row["participants"]["by_status"] == PARTICIPANTS
    assert row["participants"]["needing_contact"] == CONTACTS_DUE
    assert row["buddies"]["by_status"] == BUDDIES

    api = client.get(f"/api/v1/networks/{network.code}/overview", secure=True)
    assert api.status_code == 200
    (figures,) = api.json()
    assert figures["project"] == str(project.code)
    assert figures["participants_by_status"] == PARTICIPANTS
    assert figures["participants_needing_contact"] == CONTACTS_DUE
    assert figures["participants_median_wait_days"] == 25
    assert figures["buddies_by_status"] == BUDDIES

    # The network coordinator's dashboard: table and chart show the same numbers.
    dashboard = client.get(reverse("dashboard"), secure=True)
    (item,) = dashboard.context["networks"]
    (dash_row,) = item["overview"]
    assert dash_row["participants"]["by_status"] == PARTICIPANTS
    assert item["chart"]["rows"] == [
        [project.name, PARTICIPANTS["waiting"], PARTICIPANTS["matched"]]
    ]

    # And the project coordinator sees the same figures as the network.
    own = client_for(coordinator).get(reverse("dashboard"), secure=True)
    (coord_row,) = own.context["coordinator"]["projects"]
    assert coord_row["participants"] == row["participants"]
    assert coord_row["buddies"] == row["buddies"]
