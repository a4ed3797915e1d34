"""Closure: planned or not, confidential exit conversations, what continues, aftercare
contacts, and the buddy's wish for a new match."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from buddynet.core.models import AuditEntry
from buddynet.followup import clock, services
from buddynet.followup.models import Closure, FollowUp
from buddynet.volunteers.models import Buddy

EXIT = {
    "held_on": None,
    "rating": 3,
    "what_helped": "Het wekelijkse wandelen.",
    "what_was_hard": "De eerste weken.",
    "for_the_project": "Vaker bellen.",
}


def exit_data(**kwargs):
    return {**EXIT, "held_on": clock.today(), **kwargs}


def test_closure_from_start_to_closed(world, trajectory):
    closure = services.closure_start(
        trajectory=trajectory, by=world.coord, planned=True, reason="goals_reached"
    )
    trajectory.refresh_from_db()
    assert trajectory.status == "closing"
    # The regular follow-up stops.
    assert not FollowUp.objects.filter(trajectory=trajectory, cancelled_at__isnull=True).exists()
    assert services.parties(trajectory) == ["buddy", "participant", "professional"]
    for party in services.parties(trajectory):
        services.exit_record(closure=closure, party=party, by=world.coord, data=exit_data())
    # Recording again replaces, never duplicates.
    services.exit_record(closure=closure, party="buddy", by=world.coord, data=exit_data(rating=4))
    assert closure.exits.count() == 3
    assert closure.exits.get(party="buddy").rating == 4
    aftercare = clock.today() + timedelta(days=30)
    services.closure_complete(
        closure=closure,
        by=world.coord,
        continues="neighbourhood",
        continues_note="Zorgzame buurt Ledeberg",
        contact_policy="via_project",
        aftercare_on=[aftercare],
    )
    trajectory.refresh_from_db()
    assert trajectory.status == "closed" and trajectory.closed_on == clock.today()
    planned = FollowUp.objects.get(trajectory=trajectory, series="aftercare")
    assert clock.local_date(planned.due_at) == aftercare and planned.kind == "aftercare"
    # The answers never enter the audit log.
    for entry in AuditEntry.objects.filter(action__startswith="closure."):
        assert "wandelen" not in str(entry.data)


def test_closure_rules(world, trajectory):
    with pytest.raises(services.FollowupError):
        services.closure_start(trajectory=trajectory, by=world.coord, planned=True, reason="x")
    with pytest.raises(services.FollowupError):
        services.closure_start(trajectory=trajectory, by=world.coord, planned=False, reason="other")
    closure = services.closure_start(
        trajectory=trajectory, by=world.coord, planned=False, reason="no_click", went_badly=True
    )
    with pytest.raises(services.FollowupError):
        services.closure_start(
            trajectory=trajectory, by=world.coord, planned=True, reason="goals_reached"
        )
    with pytest.raises(services.FollowupError):
        services.exit_record(
            closure=closure,
            party="buddy",
            by=world.coord,
            data=exit_data(held_on=clock.today() + timedelta(days=1)),
        )
    with pytest.raises(services.FollowupError):
        services.closure_complete(
            closure=closure,
            by=world.coord,
            continues="referral",
            continues_note="",
            contact_policy="none",
        )
    with pytest.raises(services.FollowupError):
        services.closure_complete(
            closure=closure,
            by=world.coord,
            continues="nothing",
            continues_note="",
            contact_policy="none",
            aftercare_on=[clock.today()],
        )


def test_unplanned_and_bad_excludes_the_pair(world, trajectory):
    from buddynet.matching.models import PairExclusion

    closure = services.closure_start(
        trajectory=trajectory, by=world.coord, planned=False, reason="no_click", went_badly=True
    )
    services.closure_complete(
        closure=closure,
        by=world.coord,
        continues="nothing",
        continues_note="",
        contact_policy="none",
    )
    exclusion = PairExclusion.objects.get(
        buddy=trajectory.buddy, participant=trajectory.participant
    )
    assert exclusion.reason == "ended_badly" and exclusion.created_by == world.coord
    assert "did not work" in exclusion.note or "niet" in exclusion.note


def test_a_refused_exclusion_does_not_stop_the_closure(world, trajectory, monkeypatch):
    """Matching refusing the exclusion (its own rule) is logged; the closure holds."""
    from buddynet.matching.models import PairExclusion
    from buddynet.matching.services import MatchingError

    def refuse(**kwargs):
        raise MatchingError("nope")

    monkeypatch.setattr(services, "pair_exclude", refuse)
    closure = services.closure_start(
        trajectory=trajectory, by=world.coord, planned=False, reason="boundary", went_badly=True
    )
    services.closure_complete(
        closure=closure,
        by=world.coord,
        continues="nothing",
        continues_note="",
        contact_policy="none",
    )
    trajectory.refresh_from_db()
    assert trajectory.status == "closed"
    assert not PairExclusion.objects.filter(buddy=trajectory.buddy).exists()


def test_planned_closure_does_not_exclude(world, trajectory):
    from buddynet.matching.models import PairExclusion

    closure = services.closure_start(
        trajectory=trajectory,
        by=world.coord,
        planned=True,
        reason="goals_reached",
        went_badly=True,
    )
    assert closure.went_badly is False
    services.closure_complete(
        closure=closure,
        by=world.coord,
        continues="nothing",
        continues_note="",
        contact_policy="informal",
    )
    assert not PairExclusion.objects.filter(
        buddy=trajectory.buddy, participant=trajectory.participant
    ).exists()


def _closed(world, trajectory) -> Closure:
    closure = services.closure_start(
        trajectory=trajectory, by=world.coord, planned=True, reason="term_ended"
    )
    services.closure_complete(
        closure=closure,
        by=world.coord,
        continues="nothing",
        continues_note="",
        contact_policy="informal",
    )
    return closure


def test_buddy_wants_a_new_match(world, trajectory, client_for):
    closure = _closed(world, trajectory)
    buddy = trajectory.buddy
    buddy.refresh_from_db()
    assert buddy.status == "active"
    client = client_for(world.buddy_user)
    url = reverse(
        "closure_buddy_wish", kwargs={"project": world.project.code, "code": trajectory.code}
    )
    assert client.post(url, {"wish": "ready"}).status_code == 302
    buddy.refresh_from_db()
    closure.refresh_from_db()
    assert buddy.status == Buddy.Status.READY and closure.buddy_wish == "ready"
    assert AuditEntry.objects.filter(
        action="buddy.availability_changed", object_id=buddy.pk
    ).exists()


def test_a_buddy_still_walking_with_someone_stays_active(world, trajectory):
    from tests import factories as f
    from tests.followup import factories as ff

    ff._start(world.buddy, f.ParticipantFactory(project=world.project), world.coord)
    closure = _closed(world, trajectory)
    assert services.buddy_wish_set(closure=closure, wish="pause", by=world.coord) is False
    trajectory.buddy.refresh_from_db()
    assert trajectory.buddy.status == "active"
    assert Closure.objects.get(pk=closure.pk).buddy_wish == "pause"


def test_closure_pages_keep_answers_confidential(world, trajectory, client_for):
    coord = client_for(world.coord)
    start = reverse(
        "closure_start", kwargs={"project": world.project.code, "code": trajectory.code}
    )
    response = coord.post(start, {"planned": "yes", "reason": "other"})
    assert response.status_code == 400  # "other" needs a note, the choice is kept
    assert 'value="yes" class="choice-list one-column" required id="id_planned_0" checked' in (
        response.content.decode()
    )
    response = coord.post(start, {"planned": "no", "reason": "moved", "reason_note": "Verhuisd"})
    assert response.status_code == 302
    exit_url = reverse(
        "closure_exit",
        kwargs={"project": world.project.code, "code": trajectory.code, "party": "participant"},
    )
    response = coord.post(
        exit_url, {**EXIT, "held_on": clock.today().isoformat(), "what_helped": "Geheim antwoord"}
    )
    assert response.status_code == 302
    detail = reverse(
        "closure_detail", kwargs={"project": world.project.code, "code": trajectory.code}
    )
    assert "Geheim antwoord" in coord.get(detail).content.decode()
    # Not a coordinator: no follow-up rights in the project (403), or none at all.
    for persona in (world.buddy_user, world.prof, world.participant_user, world.netco):
        response = client_for(persona).get(detail)
        assert response.status_code == 403, persona
        assert "Geheim antwoord" not in response.content.decode()
    coord = client_for(world.coord)  # one test client: log the coordinator in again
    bogus = exit_url.replace("/participant/", "/nobody/")
    assert coord.get(bogus).status_code == 404
    response = coord.post(
        detail,
        {"continues": "family_coach", "contact_policy": "none", "continues_note": "Gezinscoach"},
    )
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == "closed"
