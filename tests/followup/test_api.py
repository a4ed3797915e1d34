"""The follow-up API: scoped like the pages, 4xx with a reason on bad input."""

from __future__ import annotations

from datetime import timedelta

from buddynet.followup import clock
from buddynet.followup.models import FollowUp, Signal


def base(world):
    return f"/api/v1/projects/{world.project.code}"


def test_list_and_record(world, trajectory, client_for):
    client = client_for(world.coord)
    page = client.get(f"{base(world)}/followups").json()
    rows = page["items"]
    assert page["count"] == len(rows) == 1  # the first contact; the others come later
    assert {r["kind"] for r in rows} >= {"phone"}
    assert client.get(f"{base(world)}/followups?page=10000000000").status_code == 422
    assert client.get(f"{base(world)}/followups?state=nonsense").status_code == 400
    item = FollowUp.objects.get(trajectory=trajectory, series="contact")
    record = f"{base(world)}/followups/{item.code}/record"
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = client.post(
        record, {"held_on": tomorrow, "report": "x"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["detail"]
    response = client.post(record, {"report": "x"}, content_type="application/json")
    assert response.status_code == 422
    response = client.post(
        record,
        {"held_on": clock.today().isoformat(), "report": "Goed", "kind": "feedback"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert any(r["kind"] == "phone" for r in data["next_planned"])
    again = client.post(
        record,
        {"held_on": clock.today().isoformat(), "report": "Goed"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "already_recorded"


def test_signals_through_the_api(world, trajectory, client_for):
    client = client_for(world.participant_user)
    raise_url = f"{base(world)}/trajectories/{trajectory.code}/signals"
    response = client.post(
        raise_url,
        {"kind": "boundary", "severity": "high", "description": "Te veel gevraagd."},
        content_type="application/json",
    )
    assert response.status_code == 201
    code = response.json()["code"]
    assert response.json()["raised_as"] == "participant"
    bad = client.post(
        raise_url,
        {"kind": "boundary", "severity": "huge", "description": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    mine = client.get(f"{base(world)}/signals").json()
    assert [s["code"] for s in mine["items"]] == [code] and mine["count"] == 1
    # The buddy is in the same trajectory and still does not see it.
    buddy = client_for(world.buddy_user)
    assert buddy.get(f"{base(world)}/signals").json() == {"items": [], "count": 0}
    assert buddy.get(f"{base(world)}/signals/{code}").status_code == 404
    coord = client_for(world.coord)
    steps = f"{base(world)}/signals/{code}/steps"
    out_of_order = coord.post(
        steps, {"step": "close", "note": "x"}, content_type="application/json"
    )
    assert out_of_order.status_code == 400 and out_of_order.json()["detail"]
    assert (
        coord.post(
            steps, {"step": "acknowledge", "note": "Gebeld"}, content_type="application/json"
        ).status_code
        == 201
    )
    detail = coord.get(f"{base(world)}/signals/{code}").json()
    assert detail["stage"] == "acknowledged" and detail["steps"][0]["note"] == "Gebeld"
    assert Signal.objects.get(code=code).steps.count() == 1


def test_closure_through_the_api(world, trajectory, client_for):
    client = client_for(world.coord)
    closure_url = f"{base(world)}/trajectories/{trajectory.code}/closure"
    assert client.get(closure_url).status_code == 404
    response = client.post(
        closure_url, {"planned": False, "reason": "other"}, content_type="application/json"
    )
    assert response.status_code == 400
    response = client.post(
        closure_url,
        {"planned": False, "reason": "no_click", "went_badly": True},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "closing"
    data = client.get(closure_url).json()
    assert data["went_badly"] is True and data["exits_held"] == []
    again = client.post(
        closure_url, {"planned": True, "reason": "goals_reached"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_closing"


def test_exit_conversations_and_completion_through_the_api(world, trajectory, client_for):
    from buddynet.followup import services

    services.closure_start(trajectory=trajectory, by=world.coord, planned=True, reason="moved")
    client = client_for(world.coord)
    closure_url = f"{base(world)}/trajectories/{trajectory.code}/closure"
    for party in ("buddy", "participant", "professional"):
        response = client.post(
            f"{closure_url}/exits",
            {"party": party, "held_on": clock.today().isoformat(), "rating": 4},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    bad = client.post(
        f"{closure_url}/exits",
        {"party": "buddy", "held_on": clock.today().isoformat(), "rating": 9},
        content_type="application/json",
    )
    assert bad.status_code == 422
    too_soon = client.post(
        f"{closure_url}/complete",
        {
            "continues": "nothing",
            "contact_policy": "none",
            "aftercare_on": [clock.today().isoformat()],
        },
        content_type="application/json",
    )
    assert too_soon.status_code == 400 and too_soon.json()["detail"]
    response = client.post(
        f"{closure_url}/complete",
        {
            "continues": "family_coach",
            "continues_note": "Gezinscoach CAW",
            "contact_policy": "via_project",
            "aftercare_on": [(clock.today() + timedelta(days=20)).isoformat()],
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "closed"
    assert data["exits_held"] == ["buddy", "participant", "professional"]
    assert FollowUp.objects.filter(trajectory=trajectory, series="aftercare").count() == 1
