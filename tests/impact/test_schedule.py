"""The measurement moments in the follow-up schedule: planned like any other item
(the trajectory's schedule, the coordinator's list, the calendar), done when the
answers are entered, left alone by the follow-up's own cancelling, and gone when the
consent for impact measurement is withdrawn."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.followup import clock, selectors
from buddynet.followup import services as followup_services
from buddynet.followup.models import FollowUp
from buddynet.impact import services
from buddynet.impact.models import ImpactPlan, Measurement
from buddynet.tenancy.access import access_for_user
from tests.impact import factories as imf

pytestmark = pytest.mark.django_db


def _moments(t) -> dict[int, FollowUp]:
    with scopes_disabled():
        return {
            item.number: item
            for item in FollowUp.objects.filter(trajectory=t, series="measurement")
        }


def _calendar(user) -> list[FollowUp]:
    with scopes_disabled():
        items = selectors.calendar_items(user=user, access=access_for_user(user))
    return [item for item, _role in items if item.series == "measurement"]


def test_start_and_mid_point_are_in_the_schedule_with_the_projects_defaults(world):
    with scopes_disabled():
        ImpactPlan.objects.create(project=world.project, mid_after_months=3)
    started = clock.today()
    t = imf.start(world.buddy, world.participant, world.coord, started_on=started)
    items = _moments(t)
    assert set(items) == {1, 2}  # start and mid-point; closure when it closes
    assert all(i.kind == "questionnaire" and i.with_whom == "participant" for i in items.values())
    assert clock.local_date(items[1].due_at) == started
    mid = clock.local_date(items[2].due_at)
    assert 89 <= (mid - started).days <= 92  # three months, the project's choice
    assert clock.local(items[1].due_at).hour == 10  # the cadence's hour
    with scopes_disabled():
        schedule = selectors.schedule_of(t)
        listed = selectors.followups_list(project=world.project, days_ahead=400)
    assert {r.item.pk for r in schedule["open"]} >= {items[1].pk, items[2].pk}
    assert items[1].pk in {r.item.pk for r in listed}
    # The coordinator's calendar has them; the buddy's does not (not their meeting).
    assert {i.pk for i in _calendar(world.coord)} == {items[1].pk, items[2].pk}
    assert _calendar(world.buddy_user) == []


def test_nothing_is_in_the_schedule_without_consent(world):
    from buddynet.trajectories.services import trajectory_start

    with scopes_disabled():
        t = trajectory_start(buddy=world.buddy, participant=world.participant, by=world.coord)
        assert FollowUp.objects.filter(trajectory=t).exists()  # the conversations are
    assert _moments(t) == {}


def test_entering_the_answers_marks_the_moment_done(world):
    t = imf.start(world.buddy, world.participant, world.coord)
    imf.enter(t, "baseline", who5_value=3, by=world.coord)
    items = _moments(t)
    assert items[1].done_at is not None and items[1].recorded_by == world.coord
    assert items[2].is_open


def test_closure_moment_is_planned_and_the_followups_own_cancelling_leaves_it(world):
    t = imf.start(world.buddy, world.participant, world.coord, started_on=date(2026, 1, 5))
    with scopes_disabled():
        followup_services.closure_start(
            trajectory=t, by=world.coord, planned=True, reason="goals_reached"
        )
        t.refresh_from_db()
    items = _moments(t)
    assert 3 in items and items[3].is_open
    with scopes_disabled():
        followup_services.cancel_open(t, keep_aftercare=False)
    assert all(i.is_open for i in _moments(t).values())
    with scopes_disabled():
        regular = FollowUp.objects.filter(trajectory=t, series="contact").first()
    assert regular.cancelled_at is not None


def test_closing_before_the_mid_point_drops_it_from_the_schedule(world):
    t = imf.start(world.buddy, world.participant, world.coord)  # mid-point in 6 months
    with scopes_disabled():
        followup_services.closure_start(
            trajectory=t, by=world.coord, planned=True, reason="goals_reached"
        )
    items = _moments(t)
    assert items[2].cancelled_at is not None
    assert items[1].is_open and items[3].is_open
    with scopes_disabled():
        mid = Measurement.objects.get(trajectory=t, moment="mid")
    assert mid.cancelled_at is not None


def test_withdrawing_consent_removes_the_planned_moments(world):
    t = imf.start(world.buddy, world.participant, world.coord)
    imf.enter(t, "baseline", who5_value=3, by=world.coord)
    imf.give_consent(world.participant, by=world.coord, given=False)
    items = _moments(t)
    assert items[1].done_at is not None and items[1].cancelled_at is None  # history stays
    assert items[2].cancelled_at is not None
    assert _calendar(world.coord) == []
    # Saving the trajectory again plans nothing while the consent is withdrawn.
    with scopes_disabled():
        t.save()
    assert len(_moments(t)) == 2


def test_the_record_page_sends_the_coordinator_to_the_questionnaire(world, client_for):
    t = imf.start(world.buddy, world.participant, world.coord)
    item = _moments(t)[1]
    client = client_for(world.coord)
    page = client.get(
        reverse("followup_record", kwargs={"project": world.project.code, "code": item.code})
    )
    assert page.status_code == 302
    assert page["Location"] == reverse(
        "impact_person", kwargs={"project": world.project.code, "code": t.code}
    )
    with scopes_disabled(), pytest.raises(followup_services.FollowupError):
        followup_services.followup_record(
            followup=item, by=world.coord, held_on=clock.today(), report="Gebeld"
        )
    assert _moments(t)[1].is_open


def test_a_questionnaire_is_not_a_kind_of_conversation_to_plan(world):
    t = imf.start(world.buddy, world.participant, world.coord)
    with scopes_disabled(), pytest.raises(followup_services.FollowupError):
        followup_services.followup_plan(
            trajectory=t,
            by=world.coord,
            kind="questionnaire",
            with_whom="participant",
            due_on=clock.today(),
        )


def test_moments_planned_before_the_schedule_knew_them_get_their_item(world):
    t = imf.start(world.buddy, world.participant, world.coord)
    with scopes_disabled():
        FollowUp.objects.filter(trajectory=t, series="measurement").delete()
        services.measurements_plan(trajectory=t)
    assert set(_moments(t)) == {1, 2}
