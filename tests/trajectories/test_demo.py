"""Demo trajectories: the demo buddy has a signed one with a journal and goals; one
starting trajectory waits for signatures; a reset removes them all."""

from __future__ import annotations

from datetime import date

from django_scopes import scopes_disabled

from buddynet.site import demo
from buddynet.trajectories import services
from buddynet.trajectories.models import Trajectory

TODAY = date(2026, 11, 27)


def test_demo_trajectories(db, client):
    demo.seed_demo(scale=120, today=TODAY)
    with scopes_disabled():
        mine = Trajectory.objects.filter(buddy__user__email="buddy@demo.buddynet.be")
        assert mine.exists()
        trajectory = mine.get(status="active")
        version = services.current_version(trajectory)
        assert version.fully_signed_at and not services.missing_parties(version)
        assert trajectory.journal_entries.count() >= 2 and trajectory.goals.count() >= 2
        assert trajectory.last_contact_on is not None
        assert Trajectory.objects.filter(status="starting").exists()
        # Running trajectories: an active buddy with a matched participant (the closed
        # one of the follow-up demo closed its participant's file).
        running = Trajectory.objects.filter(status__in=services.OPEN_STATUSES)
        assert all(t.buddy.status == "active" for t in running)
        assert all(t.participant.status == "matched" for t in running)
    from buddynet.accounts.models import User

    buddy = User.objects.get(email="buddy@demo.buddynet.be")
    client.force_login(buddy, backend="allauth.account.auth_backends.AuthenticationBackend")
    dashboard = client.get("/").content.decode()
    base = f"/p/{trajectory.project.code}/trajectories/{trajectory.code}/"
    assert f"{base}journal/new/" in dashboard
    for path in (base, base + "agreement/", base + "goals/", base + "roles/"):
        assert client.get(path).status_code == 200, path
    demo.demo_delete()
    with scopes_disabled():
        assert not Trajectory.objects.exists()
