"""The journal, goals, role division, the list and the dashboard: who sees what, and lists
that stay cheap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.core.models import AuditEntry
from buddynet.trajectories import selectors, services
from buddynet.trajectories.models import JournalEntry, TaskKind, Trajectory
from buddynet.trajectories.services import TrajectoryError
from tests import factories as f
from tests.trajectories.factories import journal_entries, own_trajectory, start


@pytest.fixture
def trajectory(world):
    return own_trajectory(world)


def url(world, trajectory, rest=""):
    return f"/p/{world.project.code}/trajectories/{trajectory.code}/{rest}"


# --- Journal ----------------------------------------------------------------------------


def test_journal_keeps_last_contact_up_to_date(world, trajectory):
    today = timezone.localdate()
    with scopes_disabled():
        services.journal_add(trajectory=trajectory, by=world.buddy_user, data={"kind": "visit"})
        trajectory.refresh_from_db()
        assert trajectory.last_contact_on == today
        entry = JournalEntry.objects.get(trajectory=trajectory)
        assert entry.duration_minutes == 60 and entry.visibility == "team"
        # An older entry does not move the last contact back.
        trajectory.started_on = today - timedelta(days=30)
        trajectory.save()
        services.journal_add(
            trajectory=trajectory,
            by=world.buddy_user,
            data={"kind": "phone", "on": today - timedelta(days=3)},
        )
        trajectory.refresh_from_db()
        assert trajectory.last_contact_on == today
        with pytest.raises(TrajectoryError, match=r"future|toekomst"):
            services.journal_add(
                trajectory=trajectory,
                by=world.buddy_user,
                data={"kind": "visit", "on": today + timedelta(days=1)},
            )


def test_journal_visibility(world, trajectory):
    entries = journal_entries(world, trajectory, world.buddy_user)
    with scopes_disabled():
        coord_note = services.journal_add(
            trajectory=trajectory,
            by=world.coord,
            data={"kind": "other", "note": "Alleen coördinator", "visibility": "coordinator"},
        )
    detail = url(world, trajectory)
    coord = client_for_body(world, world.coord, detail)
    assert all(f"Notitie {v}" in coord for v in entries) and "Alleen coördinator" in coord
    prof = client_for_body(world, world.prof, detail)
    assert "Notitie shared" in prof
    assert "Notitie team" not in prof and "Notitie coordinator" not in prof
    assert "Alleen coördinator" not in prof
    buddy = client_for_body(world, world.buddy_user, detail)
    assert "Notitie team" in buddy and "Notitie shared" in buddy
    assert "Notitie coordinator" in buddy  # they wrote it themselves
    assert "Alleen coördinator" not in buddy
    participant = client_for_body(world, world.participant_user, detail)
    assert "Notitie" not in participant
    assert coord_note.pk


def client_for_body(world, user, path):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get(path)
    assert response.status_code == 200, (user, path, response.status_code)
    return response.content.decode()


def test_journal_form_defaults_and_bad_input(world, client_for, trajectory):
    client = client_for(world.buddy_user)
    page = client.get(url(world, trajectory, "journal/new/"))
    body = page.content.decode()
    assert page.status_code == 200
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in body
    assert 'value="60"' in body and "checked" in body
    bad = client.post(
        url(world, trajectory, "journal/new/"),
        {
            "on": "2020-01-01",
            "kind": "visit",
            "duration_minutes": "60",
            "visibility": "team",
            "note": "Samen gewandeld",
        },
    )
    assert bad.status_code == 400
    assert "Samen gewandeld" in bad.content.decode()
    ok = client.post(
        url(world, trajectory, "journal/new/"),
        {
            "on": f"{timezone.localdate():%Y-%m-%d}",
            "kind": "visit",
            "duration_minutes": "60",
            "visibility": "shared",
            "mood": "good",
            "note": "Samen gewandeld",
        },
    )
    assert ok.status_code == 302
    with scopes_disabled():
        entry = JournalEntry.objects.get(trajectory=trajectory)
    assert entry.author == world.buddy_user and entry.visibility == "shared"
    # The participant and the professional do not write in the journal.
    assert client_for(world.prof).get(url(world, trajectory, "journal/new/")).status_code == 403


def test_a_buddy_never_sees_another_buddys_trajectory(world, client_for):
    with scopes_disabled():
        other_buddy = f.BuddyFactory(project=world.project)
        participant = f.ParticipantFactory(project=world.project)
        theirs = start(buddy=other_buddy, participant=participant, by=world.coord)
    for user in (world.buddy_user, world.prof, world.participant_user):
        client = client_for(user)
        assert client.get(url(world, theirs)).status_code == 404
        assert client.get(url(world, theirs, "agreement/")).status_code == 404
        listing = client.get(f"/p/{world.project.code}/trajectories/").content.decode()
        assert participant.last_name not in listing


def test_every_view_is_audited(world, client_for, trajectory):
    client_for(world.prof).get(url(world, trajectory))
    client_for(world.buddy_user).get(url(world, trajectory, "agreement/"))
    with scopes_disabled():
        actions = list(
            AuditEntry.unscoped.filter(
                object_id=trajectory.pk, action__endswith="viewed"
            ).values_list("action", "actor")
        )
    assert ("trajectory.viewed", world.prof.pk) in actions
    assert ("agreement.viewed", world.buddy_user.pk) in actions


def test_the_list_takes_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    with scopes_disabled():
        for _ in range(12):
            start(
                buddy=f.BuddyFactory(project=world.project),
                participant=f.ParticipantFactory(project=world.project),
                by=world.coord,
            )
    client = client_for(world.coord)
    list_url = f"/p/{world.project.code}/trajectories/"
    client.get(list_url)
    with django_assert_max_num_queries(12):
        response = client.get(list_url, {"status": "starting"})
    assert response.status_code == 200
    assert len(response.context["trajectories"]) == 12


# --- Goals ------------------------------------------------------------------------------


def test_goal_levels_are_kept_with_their_dates_and_charted(world, client_for, trajectory):
    today = timezone.localdate()
    with scopes_disabled():
        goal = services.goal_add(
            trajectory=trajectory,
            by=world.buddy_user,
            title="Zelf boodschappen doen",
            agreed_on=today - timedelta(days=20),
        )
        services.goal_set_level(
            goal=goal, by=world.buddy_user, level=2, on=today - timedelta(days=10)
        )
        with pytest.raises(TrajectoryError):
            services.goal_set_level(goal=goal, by=world.buddy_user, level=2)
        services.goal_set_level(goal=goal, by=world.coord, level=3, on=today)
        assert [(c.level, c.on) for c in goal.changes.all()] == [
            (1, today - timedelta(days=20)),
            (2, today - timedelta(days=10)),
            (3, today),
        ]
        days, series = selectors.goal_progress(selectors.goals_for(trajectory=trajectory))
    assert series == [("Zelf boodschappen doen", [1, 2, 3])] and len(days) == 3
    page = client_for(world.participant_user).get(url(world, trajectory, "goals/"))
    body = page.content.decode()
    assert "chart-goals-data" in body and "Zelf boodschappen doen" in body
    # The participant reads their goals but does not change them.
    assert (
        client_for(world.participant_user)
        .post(url(world, trajectory, "goals/"), {"title": "x", "level": "1"})
        .status_code
        == 403
    )
    response = client_for(world.buddy_user).post(
        url(world, trajectory, "goals/"),
        {"goal": str(goal.code), "level": "3", "on": today.isoformat()},
    )
    # The same change sent again (a double click) is recorded once.
    assert response.status_code == 302
    with scopes_disabled():
        assert goal.changes.count() == 3
    response = client_for(world.buddy_user).post(
        url(world, trajectory, "goals/"),
        {"goal": str(goal.code), "level": "3", "on": (today - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400  # already at that level: said, not a crash


# --- Role division ----------------------------------------------------------------------


def test_role_division_flags_tasks_in_the_wrong_hands(world, client_for, trajectory):
    with scopes_disabled():
        kinds = {k.pk: k for k in selectors.task_kinds(project=world.project)}
        paperwork = next(k for k in kinds.values() if k.belongs_to == TaskKind.Belongs.PROFESSIONAL)
        company = next(k for k in kinds.values() if k.belongs_to == TaskKind.Belongs.BUDDY)
        ok = services.role_task_add(
            trajectory=trajectory,
            by=world.coord,
            description="Wandelen",
            owner="buddy",
            kind=company,
        )
        wrong = services.role_task_add(
            trajectory=trajectory,
            by=world.coord,
            description="Brieven van de mutualiteit",
            owner="buddy",
            kind=paperwork,
        )
        reverse = services.role_task_add(
            trajectory=trajectory,
            by=world.coord,
            description="Koffie drinken",
            owner="professional",
            kind=company,
        )
        assert not ok.out_of_role and wrong.out_of_role and reverse.out_of_role
        flagged = selectors.out_of_role_tasks(project_ids=[world.project.pk])
        assert {t.pk for t in flagged} == {wrong.pk, reverse.pk}
    page = client_for(world.buddy_user).get(url(world, trajectory, "roles/")).content.decode()
    assert "Brieven van de mutualiteit" in page and "list-group-item-warning" in page
    dashboard = client_for(world.coord).get("/").content.decode()
    assert "Brieven van de mutualiteit" in dashboard
    # Only the coordinator divides tasks.
    assert (
        client_for(world.buddy_user)
        .post(url(world, trajectory, "roles/"), {"description": "x", "owner": "buddy"})
        .status_code
        == 403
    )


# --- Dashboard --------------------------------------------------------------------------


def test_dashboards(world, client_for, trajectory):
    with scopes_disabled():
        services.agreement_save(trajectory=trajectory, by=world.coord, data={"purpose": "Doel"})
    coord = client_for(world.coord).get("/").content.decode()
    assert "Bram Buddyman" in coord and "agreement/" in coord  # starting, unsigned
    buddy = client_for(world.buddy_user).get("/").content.decode()
    assert url(world, trajectory, "journal/new/") in buddy
    assert url(world, trajectory, "agreement/") in buddy  # sign the agreement
    participant = client_for(world.participant_user).get("/").content.decode()
    assert url(world, trajectory, "agreement/") in participant
    assert url(world, trajectory, "journal/new/") not in participant
    prof = client_for(world.prof).get("/").content.decode()
    assert url(world, trajectory) in prof


def test_dashboard_panels_take_constant_queries(world, django_assert_max_num_queries):
    from buddynet.trajectories.dashboard import coordinator_panel

    with scopes_disabled():
        for _ in range(8):
            start(
                buddy=f.BuddyFactory(project=world.project),
                participant=f.ParticipantFactory(project=world.project),
                by=world.coord,
            )
        with django_assert_max_num_queries(3):
            panel = coordinator_panel(project_ids=[world.project.pk], user=world.coord)
            assert len(panel["starting"]) == 8
            [p.buddy.full_name for p in panel["starting"]]


def test_closed_trajectories_are_read_only(world, trajectory):
    with scopes_disabled():
        services.trajectory_set_status(trajectory=trajectory, to_status="closing", by=world.coord)
        services.trajectory_set_status(trajectory=trajectory, to_status="closed", by=world.coord)
        trajectory.refresh_from_db()
        assert trajectory.status == Trajectory.Status.CLOSED
        with pytest.raises(TrajectoryError):
            services.journal_add(trajectory=trajectory, by=world.buddy_user, data={"kind": "visit"})
        with pytest.raises(TrajectoryError):
            services.agreement_save(trajectory=trajectory, by=world.coord, data={"purpose": "x"})


def test_a_changed_agreement_shows_on_the_coordinators_dashboard(world, client_for, trajectory):
    from tests.trajectories.test_agreement import sign_all

    with scopes_disabled():
        services.agreement_save(trajectory=trajectory, by=world.coord, data={"purpose": "Doel"})
        sign_all(world, trajectory)
        assert selectors.starting_unsigned(project_ids=[world.project.pk]) == []
        services.agreement_save(trajectory=trajectory, by=world.coord, data={"purpose": "Nieuw"})
        waiting = selectors.starting_unsigned(project_ids=[world.project.pk])
        assert [t.pk for t in waiting] == [trajectory.pk] and waiting[0].latest_number == 2
    assert "Bram Buddyman" in client_for(world.coord).get("/").content.decode()


# --- Consent: the professional follows the trajectory only while the participant agrees


def test_withdrawing_consent_to_share_hides_the_trajectory_from_the_professional(
    world, trajectory, client_for
):
    from buddynet.participants import consent
    from buddynet.participants import services as participant_services

    journal_entries(world, trajectory, world.buddy_user)
    client = client_for(world.prof)
    assert client.get(url(world, trajectory)).status_code == 200
    api = f"/api/v1/projects/{world.project.code}/trajectories"
    assert [t["code"] for t in client.get(api).json()["items"]] == [str(trajectory.code)]
    assert "Zelfzicht" in client.get("/").content.decode()  # their dashboard panel

    with scopes_disabled():
        participant_services.consent_record(
            participant=trajectory.participant,
            purpose=consent.SHARE_WITH_REFERRER,
            given=False,
            by=world.coord,
        )
    assert client.get(url(world, trajectory)).status_code == 404
    assert client.get(url(world, trajectory, "agreement/")).status_code == 404
    assert client.get(f"{api}/{trajectory.code}/journal").status_code == 404
    assert client.get(api).json()["items"] == []
    assert "Zelfzicht" not in client.get("/").content.decode()
    # The buddy and the coordinator still see it.
    assert client_for(world.buddy_user).get(url(world, trajectory)).status_code == 200
    assert client_for(world.coord).get(url(world, trajectory)).status_code == 200


# --- Pause and resume -------------------------------------------------------------------


def test_the_coordinator_pauses_with_a_reason_and_resumes(world, trajectory, client_for):
    with scopes_disabled():
        services.trajectory_set_status(
            trajectory=trajectory, to_status=Trajectory.Status.ACTIVE, by=world.coord
        )
    client = client_for(world.coord)
    page = url(world, trajectory, "status/")
    assert f'href="{page}"' in client.get(url(world, trajectory)).content.decode()
    # Pausing without a reason: a clear message, nothing changes.
    response = client.post(page, {"to_status": "paused", "reason": "  "})
    assert response.status_code == 400
    with scopes_disabled():
        trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.ACTIVE

    response = client.post(page, {"to_status": "paused", "reason": "Deelnemer in het ziekenhuis"})
    assert response.status_code == 302
    with scopes_disabled():
        trajectory.refresh_from_db()
        assert trajectory.status == Trajectory.Status.PAUSED
        change = trajectory.status_changes.order_by("-at", "-pk").first()
        assert change.reason == "Deelnemer in het ziekenhuis" and change.by == world.coord
        assert AuditEntry.objects.filter(action="trajectory.status_changed").count() == 2
    # A second "pause" (a double click, a stale page) changes nothing and says so.
    assert client.post(page, {"to_status": "paused", "reason": "x"}).status_code == 302
    with scopes_disabled():
        assert trajectory.status_changes.filter(to_status="paused").count() == 1
    assert client.post(page, {"to_status": "active"}).status_code == 302
    with scopes_disabled():
        trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.ACTIVE
    # A buddy cannot pause their own trajectory here (they signal a boundary instead).
    assert client_for(world.buddy_user).post(page, {"to_status": "paused"}).status_code == 403


def test_a_starting_trajectory_cannot_be_paused(world, trajectory, client_for):
    response = client_for(world.coord).get(url(world, trajectory, "status/"))
    assert response.status_code == 200
    assert 'name="to_status"' not in response.content.decode()


def test_the_list_flags_quiet_trajectories(world, client_for):
    """Nothing in the journal for longer than the project allows (21 days by default):
    the coordinator sees it in the list."""
    today = timezone.localdate()
    with scopes_disabled():
        quiet = start(
            buddy=f.BuddyFactory(project=world.project),
            participant=f.ParticipantFactory(project=world.project),
            by=world.coord,
        )
        busy = start(
            buddy=f.BuddyFactory(project=world.project),
            participant=f.ParticipantFactory(project=world.project),
            by=world.coord,
        )
        Trajectory.objects.filter(pk=quiet.pk).update(started_on=today - timedelta(days=30))
        Trajectory.objects.filter(pk=busy.pk).update(
            started_on=today - timedelta(days=30), last_contact_on=today - timedelta(days=3)
        )
    response = client_for(world.coord).get(f"/p/{world.project.code}/trajectories/")
    rows = {t.pk: t.days_quiet for t in response.context["trajectories"]}
    assert rows == {quiet.pk: 30, busy.pk: None}
    assert "30" in response.content.decode()
