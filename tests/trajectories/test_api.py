"""The trajectories API: scoped like the pages; writes answer 4xx with a reason."""

from __future__ import annotations

from django_scopes import scopes_disabled

from buddynet.trajectories import services
from buddynet.trajectories.models import JournalEntry
from tests.trajectories.factories import journal_entries, own_trajectory


def api(world, trajectory, rest=""):
    return f"/api/v1/projects/{world.project.code}/trajectories/{trajectory.code}{rest}"


def test_professional_reads_only_shared_entries(world, client_for):
    trajectory = own_trajectory(world)
    journal_entries(world, trajectory, world.buddy_user)
    prof = client_for(world.prof).get(api(world, trajectory, "/journal")).json()
    assert [e["visibility"] for e in prof["items"]] == ["shared"]
    coord = client_for(world.coord).get(api(world, trajectory, "/journal")).json()
    assert {e["visibility"] for e in coord["items"]} == {"team", "shared", "coordinator"}
    assert (
        client_for(world.participant_user).get(api(world, trajectory, "/journal")).json()["items"]
        == []
    )


def test_buddy_writes_an_entry_and_bad_input_gets_a_reason(world, client_for):
    trajectory = own_trajectory(world)
    client = client_for(world.buddy_user)
    ok = client.post(
        api(world, trajectory, "/journal"),
        {"kind": "phone", "duration_minutes": 15, "note": "Even gebeld"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    with scopes_disabled():
        entry = JournalEntry.objects.get(code=ok.json()["code"])
        assert entry.kind == "phone" and entry.duration_minutes == 15
        trajectory.refresh_from_db()
        assert trajectory.last_contact_on is not None
    future = client.post(
        api(world, trajectory, "/journal"),
        {"kind": "visit", "on": "2999-01-01"},
        content_type="application/json",
    )
    assert future.status_code == 400 and future.json()["detail"]
    junk = client.post(
        api(world, trajectory, "/journal"),
        {"kind": "dance", "duration_minutes": -4},
        content_type="application/json",
    )
    assert junk.status_code == 422 and junk.json()["detail"]


def test_agreement_status_and_goals(world, client_for):
    trajectory = own_trajectory(world)
    with scopes_disabled():
        version = services.agreement_save(
            trajectory=trajectory, by=world.coord, data={"purpose": "x"}
        )
        services.agreement_sign(
            trajectory=trajectory,
            party="buddy",
            signed_name="Bram Buddyman",
            shown_hash=version.document_hash,
            by=world.buddy_user,
        )
        services.goal_add(trajectory=trajectory, by=world.coord, title="Zelf de bus nemen")
    status = client_for(world.participant_user).get(api(world, trajectory, "/agreement")).json()
    assert status["version"] == 1 and status["document_hash"] == version.document_hash
    assert status["missing"] == ["participant", "professional", "coordinator"]
    assert status["signatures"][0]["party"] == "buddy"
    goals = client_for(world.prof).get(api(world, trajectory, "/goals")).json()
    assert goals[0]["title"] == "Zelf de bus nemen" and goals[0]["history"][0]["level"] == 1
    listing = (
        client_for(world.buddy_user)
        .get(f"/api/v1/projects/{world.project.code}/trajectories")
        .json()
    )
    assert [t["code"] for t in listing["items"]] == [str(trajectory.code)]
    bad = client_for(world.coord).get(
        f"/api/v1/projects/{world.project.code}/trajectories", {"status": "nonsense"}
    )
    assert bad.status_code == 400 and bad.json()["detail"]
