"""Boundary signals: anyone in the trajectory raises one, the coordinators hear at once
(through the queue), aftercare goes step by step, a serious one can pause the
trajectory, and nobody else ever sees it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from buddynet.core.models import AuditEntry
from buddynet.followup import selectors, services
from buddynet.followup.models import Signal
from buddynet.tenancy.access import access_for_user
from buddynet.trajectories.models import Trajectory
from tests import factories as f
from tests.smtp import body_text


def raise_as(world, trajectory, user, **kwargs):
    defaults = {"kind": "too_much", "severity": "medium", "description": "Vraagt om geld."}
    return services.signal_raise(
        trajectory=trajectory, by=user, access=access_for_user(user), **{**defaults, **kwargs}
    )


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("buddy_user", "buddy"),
        ("participant_user", "participant"),
        ("prof", "professional"),
        ("coord", "coordinator"),
    ],
)
def test_everyone_in_the_trajectory_can_raise(world, trajectory, persona, role):
    signal = raise_as(world, trajectory, getattr(world, persona))
    assert signal.raised_as == role and signal.stage == "open"
    assert AuditEntry.objects.filter(action="signal.raised", object_id=signal.pk).exists()


def test_outsiders_cannot_raise(world, trajectory):
    outsider = f.member(world.project, "buddy")
    with pytest.raises(services.FollowupError):
        raise_as(world, trajectory, outsider)
    with pytest.raises(services.FollowupError):
        raise_as(world, trajectory, world.netco)


def test_bad_input_is_refused_with_a_reason(world, trajectory):
    for kwargs in ({"kind": "nope"}, {"severity": "extreme"}, {"description": "  "}):
        with pytest.raises(services.FollowupError):
            raise_as(world, trajectory, world.buddy_user, **kwargs)


def test_coordinators_get_an_email_without_details(
    world, trajectory, smtp, django_capture_on_commit_callbacks
):
    second = f.member(world.project, "project_coordinator", email="coord2@example.be")
    second.preferred_language = "en"
    second.save()
    with django_capture_on_commit_callbacks(execute=True):
        signal = raise_as(world, trajectory, world.buddy_user, severity="high")
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == ["coord2@example.be", "coord@example.be"]
    by_to = {m["To"]: m for m in smtp.messages}
    english = body_text(by_to["coord2@example.be"])
    assert "signalled a boundary" in english
    assert reverse(
        "signal_detail", kwargs={"project": world.project.code, "code": signal.code}
    ) in (english)
    dutch = body_text(by_to["coord@example.be"])
    assert "grens" in dutch.lower()
    for message in smtp.messages:
        text = body_text(message) + message["Subject"]
        # No names, no description in a mailbox.
        for secret in ("Bram", "Fatma", "Vraagt om geld", "Buddyman"):
            assert secret not in text


def test_visible_only_to_coordinators_and_the_raiser(world, trajectory):
    signal = raise_as(world, trajectory, world.buddy_user)
    sees = {}
    for persona in ("coord", "buddy_user", "participant_user", "prof", "netco", "other_coord"):
        user = getattr(world, persona)
        access = access_for_user(user)
        listed = list(selectors.signals_for_user(access=access, user=user, project=world.project))
        sees[persona] = signal in listed
    assert sees == {
        "coord": True,
        "buddy_user": True,
        "participant_user": False,
        "prof": False,
        "netco": False,
        "other_coord": False,
    }


def test_aftercare_goes_step_by_step_with_history(world, trajectory):
    signal = raise_as(world, trajectory, world.participant_user)
    with pytest.raises(services.FollowupError, match=r"Acknowledge|Bevestig"):
        services.signal_step(signal=signal, by=world.coord, step="talk", note="x")
    with pytest.raises(services.FollowupError):
        services.signal_step(signal=signal, by=world.coord, step="acknowledge", note="  ")
    for number, (step, stage) in enumerate(
        (
            ("acknowledge", "acknowledged"),
            ("talk", "talked"),
            ("actions", "actions"),
            ("actions", "actions"),  # a second action, in other words: a new step
            ("close", "closed"),
        )
    ):
        services.signal_step(
            signal=signal, by=world.coord, step=step, note=f"Notitie {step} {number}"
        )
        signal.refresh_from_db()
        assert signal.stage == stage
    assert signal.closed_at is not None
    assert [s.step for s in signal.steps.all()] == [
        "acknowledge",
        "talk",
        "actions",
        "actions",
        "close",
    ]
    with pytest.raises(services.FollowupError, match=r"closed|afgesloten"):
        services.signal_step(signal=signal, by=world.coord, step="actions", note="later")
    assert AuditEntry.objects.filter(action="signal.step", object_id=signal.pk).count() == 5


def test_a_serious_signal_can_pause_the_trajectory(world, trajectory):
    Trajectory.objects.filter(pk=trajectory.pk).update(status="active")
    trajectory.refresh_from_db()
    low = raise_as(world, trajectory, world.buddy_user, severity="low")
    with pytest.raises(services.FollowupError):
        services.signal_step(
            signal=low, by=world.coord, step="acknowledge", note="gezien", pause=True
        )
    high = raise_as(world, trajectory, world.buddy_user, severity="high")
    step = services.signal_step(
        signal=high, by=world.coord, step="acknowledge", note="Even pauzeren.", pause=True
    )
    assert step.paused_trajectory
    trajectory.refresh_from_db()
    assert trajectory.status == "paused"
    change = trajectory.status_changes.last()
    assert change.to_status == "paused" and change.by == world.coord


def test_signal_pages(world, trajectory, client_for):
    client = client_for(world.buddy_user)
    url = reverse("signal_create", kwargs={"project": world.project.code, "code": trajectory.code})
    page = client.get(url)
    assert page.status_code == 200
    # Bad input keeps what was typed, with a message.
    response = client.post(url, {"kind": "boundary", "description": "Hij belt 's nachts."})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Hij belt" in body and 'value="boundary"' in body
    response = client.post(
        url, {"kind": "boundary", "severity": "high", "description": "Hij belt 's nachts."}
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert response["Location"].endswith(f"/signals/{signal.code}/")
    assert client.get(response["Location"]).status_code == 200
    # The coordinator acknowledges on the page; the buddy cannot post a step.
    detail = reverse("signal_detail", kwargs={"project": world.project.code, "code": signal.code})
    assert client.post(detail, {"step": "acknowledge", "note": "x"}).status_code == 403
    coord = client_for(world.coord)
    assert coord.post(detail, {"step": "talk", "note": "x"}).status_code == 400
    assert coord.post(detail, {"step": "acknowledge", "note": "Gebeld."}).status_code == 302
    signal.refresh_from_db()
    assert signal.stage == "acknowledged"
    assert AuditEntry.objects.filter(action="signal.viewed", object_id=signal.pk).exists()


def test_signal_list_queries_are_constant(
    world, trajectory, client_for, django_assert_max_num_queries
):
    for number in range(3):
        raise_as(world, trajectory, world.buddy_user, description=f"Melding {number}")
    client = client_for(world.coord)
    url = reverse("signal_list", kwargs={"project": world.project.code})
    client.get(url)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for number in range(10):
        raise_as(world, trajectory, world.prof, description=f"Zorg {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("/signals/") >= 13


def test_a_starting_trajectory_cannot_be_paused(world, trajectory):
    assert trajectory.status == "starting"
    high = raise_as(world, trajectory, world.buddy_user, severity="high")
    assert services.can_pause(high) is False
    with pytest.raises(services.FollowupError):
        services.signal_step(signal=high, by=world.coord, step="acknowledge", note="x", pause=True)
    high.refresh_from_db()
    assert high.stage == "open"  # nothing half-done
