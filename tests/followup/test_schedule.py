"""The schedule: generated at the start, idempotent, rolls forward when recorded; due and
overdue decided on the Brussels date, across daylight saving changes and other zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from buddynet.core.models import AuditEntry
from buddynet.followup import clock, selectors, services
from buddynet.followup.models import Cadence, FollowUp
from buddynet.trajectories.models import Trajectory
from buddynet.trajectories.services import trajectory_set_status
from tests import factories as f
from tests.followup import factories as ff

BRUSSELS = ZoneInfo("Europe/Brussels")


def open_items(trajectory):
    return {
        i.series: i
        for i in FollowUp.objects.filter(
            trajectory=trajectory, done_at__isnull=True, cancelled_at__isnull=True
        )
    }


def test_starting_a_trajectory_plans_the_default_cadence(trajectory):
    items = open_items(trajectory)
    assert set(items) == {"contact", "supervision", "review"}
    start = trajectory.started_on
    # Moved to the next working day when the cadence lands on a weekend or holiday.
    assert clock.local_date(items["contact"].due_at) == clock.next_working_day(
        start + timedelta(days=14)
    )
    assert clock.local_date(items["supervision"].due_at) == clock.next_working_day(
        start + timedelta(days=42)
    )
    assert clock.local_date(items["review"].due_at) == clock.next_working_day(
        start + timedelta(days=91)
    )
    assert items["contact"].kind == "phone" and items["contact"].with_whom == "both"
    assert items["supervision"].kind == "feedback" and items["supervision"].with_whom == "buddy"
    assert items["review"].kind == "review" and items["review"].with_whom == "participant"
    # 10:00 Brussels time, stored aware.
    assert clock.local(items["contact"].due_at).hour == 10
    assert timezone.is_aware(items["contact"].due_at)


def test_schedule_for_is_idempotent(trajectory):
    before = FollowUp.objects.count()
    assert services.schedule_for(trajectory) == []
    assert services.schedule_for(trajectory) == []
    trajectory.save()  # the post_save receiver runs again
    assert FollowUp.objects.count() == before == 3


def test_recording_rolls_the_series_forward(trajectory, world):
    start = trajectory.started_on
    first = open_items(trajectory)["contact"]
    with time_machine.travel(clock.at(start + timedelta(days=15), 14), tick=False):
        services.followup_record(
            followup=first, by=world.coord, held_on=clock.today(), report="Loopt goed."
        )
        second = open_items(trajectory)["contact"]
        assert second.number == 2
        # Second of the first month: day 28 (at least a week after the first).
        assert clock.local_date(second.due_at) == clock.next_working_day(start + timedelta(days=28))
        services.followup_record(
            followup=second, by=world.coord, held_on=clock.today(), report="Nog eens."
        )
        third = open_items(trajectory)["contact"]
        # Both first-month contacts held on day 15: the second one's minimum gap wins
        # for the planning, then monthly from the day it was held.
        assert clock.local_date(third.due_at) == clock.next_working_day(
            start + timedelta(days=15 + 30)
        )
    assert AuditEntry.objects.filter(action="followup.recorded").count() == 2
    first.refresh_from_db()
    assert first.recorded_by == world.coord and first.report == "Loopt goed."


def test_project_cadence_is_used(world, unscoped):
    Cadence.objects.create(
        project=world.project,
        first_month_contacts=1,
        contact_every_days=14,
        supervision_every_days=28,
        review_every_days=60,
        due_hour=9,
    )
    t = ff.trajectory(world)
    items = open_items(t)
    assert clock.local_date(items["contact"].due_at) == clock.next_working_day(
        t.started_on + timedelta(days=28)
    )
    assert clock.local_date(items["supervision"].due_at) == clock.next_working_day(
        t.started_on + timedelta(days=28)
    )
    assert clock.local(items["review"].due_at).hour == 9


def test_record_refuses_the_future_and_twice(trajectory, world):
    item = open_items(trajectory)["contact"]
    with pytest.raises(services.FollowupError):
        services.followup_record(
            followup=item, by=world.coord, held_on=clock.today() + timedelta(days=1), report="x"
        )
    with pytest.raises(services.FollowupError):
        services.followup_record(followup=item, by=world.coord, held_on=clock.today(), report=" ")
    services.followup_record(followup=item, by=world.coord, held_on=clock.today(), report="ok")
    with pytest.raises(services.FollowupError):
        services.followup_record(
            followup=item, by=world.coord, held_on=clock.today(), report="again"
        )


def test_paused_or_closed_trajectories_plan_nothing_new(trajectory, world):
    Trajectory.objects.filter(pk=trajectory.pk).update(status="active")
    trajectory.refresh_from_db()
    trajectory_set_status(trajectory=trajectory, to_status="paused", by=world.coord)
    item = open_items(trajectory)["contact"]
    services.followup_record(followup=item, by=world.coord, held_on=clock.today(), report="ok")
    assert "contact" not in open_items(trajectory)
    trajectory_set_status(trajectory=trajectory, to_status="active", by=world.coord)
    assert "contact" in open_items(trajectory)  # resumes: planned again


# --- Working days: not on a weekend, not on a Belgian public holiday ------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 8), date(2026, 4, 8)),  # an ordinary Wednesday stays
        (date(2026, 4, 6), date(2026, 4, 7)),  # Easter Monday
        (date(2026, 4, 4), date(2026, 4, 7)),  # Saturday → Easter Sunday → Easter Monday
        (date(2026, 7, 25), date(2026, 7, 27)),  # a Saturday
        (date(2026, 7, 26), date(2026, 7, 27)),  # a Sunday
        (date(2026, 7, 21), date(2026, 7, 22)),  # national holiday (a Tuesday)
        (date(2026, 5, 14), date(2026, 5, 15)),  # Ascension Day
        (date(2026, 12, 25), date(2026, 12, 28)),  # Christmas on a Friday
        (date(2027, 11, 1), date(2027, 11, 2)),  # All Saints' Day on a Monday
        # 11 July is the Flemish Community's holiday, not a national one: the library's
        # BE calendar does not list it, so a Tuesday 11 July is a working day.
        (date(2028, 7, 11), date(2028, 7, 11)),
    ],
)
def test_next_working_day(day, expected):
    assert clock.next_working_day(day) == expected
    assert clock.is_working_day(expected)


def _started_on(world, day: date) -> Trajectory:
    with time_machine.travel(clock.at(day, 9), tick=False):
        return ff._start(
            world.buddy, f.ParticipantFactory(project=world.project), world.coord, started_on=day
        )


def test_a_due_day_on_easter_monday_moves_to_tuesday(world, unscoped):
    t = _started_on(world, date(2026, 3, 23))  # + 14 days = Easter Monday 6 April
    items = open_items(t)
    assert clock.local_date(items["contact"].due_at) == date(2026, 4, 7)
    assert clock.local(items["contact"].due_at).hour == 10
    assert clock.local_date(items["supervision"].due_at) == date(2026, 5, 4)  # a Monday
    assert clock.local_date(items["review"].due_at) == date(2026, 6, 22)  # a Monday


def test_due_days_on_a_weekend_move_to_monday(world, unscoped):
    """The demo buddy's case: started on Saturday 11 July 2026, every cadence (14, 42
    and 91 days) lands on a Saturday."""
    t = _started_on(world, date(2026, 7, 11))
    items = open_items(t)
    assert clock.local_date(items["contact"].due_at) == date(2026, 7, 27)
    assert clock.local_date(items["supervision"].due_at) == date(2026, 8, 24)
    assert clock.local_date(items["review"].due_at) == date(2026, 10, 12)
    assert all(clock.is_working_day(clock.local_date(i.due_at)) for i in items.values())


def test_rolling_forward_onto_a_holiday_moves_too(world, unscoped):
    t = _started_on(world, date(2026, 9, 7))  # a Monday
    for held_on in (date(2026, 9, 21), date(2026, 10, 12)):  # both first-month contacts
        with time_machine.travel(clock.at(held_on, 15), tick=False):
            services.followup_record(
                followup=open_items(t)["contact"], by=world.coord, held_on=held_on, report="ok"
            )
    # Monthly from the day it was held: 12 October + 30 = Wednesday 11 November,
    # Armistice Day → Thursday 12 November.
    assert clock.local_date(open_items(t)["contact"].due_at) == date(2026, 11, 12)


# --- Due and overdue across time zones and daylight saving ----------------------------


def _item_due(trajectory, day: date, hour: int = 10) -> FollowUp:
    item = open_items(trajectory)["contact"]
    item.due_at = clock.at(day, hour)
    item.save()
    return item


@pytest.mark.parametrize(
    ("utc_now", "due_day", "expected"),
    [
        # Spring forward: Sunday 29 March 2026, 02:00 CET → 03:00 CEST.
        # 23:30 UTC on Saturday is already 00:30 Sunday in Brussels (UTC+1).
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29), "due"),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28), "overdue"),
        # 22:30 UTC on Sunday is 00:30 Monday in Brussels (now UTC+2): Sunday is past.
        (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), date(2026, 3, 29), "overdue"),
        (datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29), "due"),
        # Fall back: Sunday 25 October 2026, 03:00 CEST → 02:00 CET.
        # 22:30 UTC on Saturday is 00:30 Sunday in Brussels (still UTC+2).
        (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), date(2026, 10, 25), "due"),
        (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), date(2026, 10, 24), "overdue"),
        # 22:30 UTC on Sunday is 23:30 Sunday in Brussels (now UTC+1): still due.
        (datetime(2026, 10, 25, 22, 30, tzinfo=UTC), date(2026, 10, 25), "due"),
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 25), "overdue"),
        # The hour of the changes themselves.
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 29), "due"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), date(2026, 10, 26), "upcoming"),
    ],
)
def test_due_and_overdue_on_the_brussels_date(trajectory, utc_now, due_day, expected):
    item = _item_due(trajectory, due_day)
    with time_machine.travel(utc_now, tick=False):
        assert clock.state(item.due_at) == expected
        due = {
            row.item.pk: row.state for row in selectors.followups_due(project_ids=[item.project_id])
        }
        if expected == "upcoming":
            assert item.pk not in due
        else:
            assert due[item.pk] == expected


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo", "UTC", "Pacific/Kiritimati"])
def test_another_zone_active_does_not_change_the_answer(trajectory, zone):
    """A user (or a server) in another zone: the Brussels date still decides."""
    item = _item_due(trajectory, date(2026, 3, 29))
    # 22:30 UTC Sunday: Monday in Brussels, Sunday in New York, Monday in Tokyo.
    with (
        time_machine.travel(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), tick=False),
        timezone.override(ZoneInfo(zone)),
    ):
        if zone == "America/New_York":
            assert timezone.localdate() == date(2026, 3, 29)  # still Sunday there
        assert clock.today() == date(2026, 3, 30)
        assert clock.state(item.due_at) == "overdue"
        rows = selectors.followups_due(project_ids=[item.project_id])
        assert [r.state for r in rows if r.item.pk == item.pk] == ["overdue"]


def test_the_hour_stays_10_across_daylight_saving(world, unscoped):
    """A trajectory started before the spring change: its 10:00 stays 10:00 local, so
    08:00 UTC in summer and 09:00 UTC in winter."""
    participant = f.ParticipantFactory(project=world.project)
    with time_machine.travel(datetime(2026, 3, 15, 9, 0, tzinfo=UTC), tick=False):
        t = ff._start(world.buddy, participant, world.coord)
    items = open_items(t)
    # 15 March + 14 = Sunday 29 March, the day of the change: called on Monday 30 March.
    contact = items["contact"]
    assert clock.local_date(contact.due_at) == date(2026, 3, 30)
    assert contact.due_at.astimezone(UTC).hour == 8  # CEST
    assert clock.local(contact.due_at).hour == 10
    with time_machine.travel(datetime(2026, 10, 20, 9, 0, tzinfo=UTC), tick=False):
        t2 = ff._start(world.buddy, f.ParticipantFactory(project=world.project), world.coord)
    contact2 = open_items(t2)["contact"]  # 20 October + 14 = 3 November: winter
    assert contact2.due_at.astimezone(UTC).hour == 9  # CET
    assert clock.local(contact2.due_at).hour == 10


def test_rolling_forward_across_the_october_change_keeps_the_local_hour(trajectory, world):
    item = open_items(trajectory)["contact"]
    with time_machine.travel(datetime(2026, 10, 24, 10, 0, tzinfo=UTC), tick=False):
        Trajectory.objects.filter(pk=trajectory.pk).update(started_on=date(2026, 9, 1))
        trajectory.refresh_from_db()
        services.followup_record(
            followup=item, by=world.coord, held_on=date(2026, 10, 24), report="ok"
        )
        following = open_items(trajectory)["contact"]
    assert clock.local(following.due_at).hour == 10
    assert following.due_at.astimezone(UTC).hour == 9  # winter time in November


def test_due_list_takes_constant_queries(world, unscoped, django_assert_max_num_queries):
    for _ in range(6):
        ff._start(world.buddy, f.ParticipantFactory(project=world.project), world.coord)
    FollowUp.objects.update(due_at=clock.at(clock.today() - timedelta(days=2), 10))
    with django_assert_max_num_queries(1):
        rows = selectors.followups_due(project_ids=[world.project.pk])
        names = [(r.item.trajectory.buddy.first_name, r.item.project.name) for r in rows]
    assert len(names) == 18
    assert all(r.state == "overdue" and r.days_overdue == 2 for r in rows)


# --- Inactivity -----------------------------------------------------------------------


def test_inactivity_uses_the_last_contact_or_the_start(world, unscoped):
    today = clock.today()
    quiet = ff._start(
        world.buddy,
        f.ParticipantFactory(project=world.project),
        world.coord,
        started_on=today - timedelta(days=30),
    )
    recent = ff._start(
        world.buddy,
        f.ParticipantFactory(project=world.project),
        world.coord,
        started_on=today - timedelta(days=30),
    )
    Trajectory.objects.filter(pk=recent.pk).update(last_contact_on=today - timedelta(days=3))
    found = selectors.inactive_trajectories(project_ids=[world.project.pk])
    assert [t.pk for t in found] == [quiet.pk]
    assert found[0].days_quiet == 30
    # A project setting of 45 days: nothing is quiet any more.
    Cadence.objects.create(project=world.project, inactivity_alert_days=45)
    assert selectors.inactive_trajectories(project_ids=[world.project.pk]) == []
    quiet.refresh_from_db()
    assert selectors.is_inactive(quiet) is None


def test_closed_trajectories_are_never_quiet(world, unscoped):
    t = ff._start(
        world.buddy,
        f.ParticipantFactory(project=world.project),
        world.coord,
        started_on=clock.today() - timedelta(days=60),
    )
    services.closure_start(trajectory=t, by=world.coord, planned=True, reason="goals_reached")
    assert selectors.inactive_trajectories(project_ids=[world.project.pk]) == []
