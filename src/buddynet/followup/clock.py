"""Dates and times of the follow-up, always in the project's zone (Europe/Brussels).

Follow-ups are stored as aware datetimes. Whether one is due or overdue is decided on
the *local date in Brussels*, never on the date in UTC, on the server's zone or on the
zone a user's browser is in: a conversation due on Sunday 29 March is overdue from
Monday 00:00 in Brussels, whatever the clock says elsewhere, and daylight saving time
does not move a 10:00 appointment to 09:00 or 11:00.

A project's staff call on working days: a due day the schedule computes is moved off
Saturdays, Sundays and Belgian public holidays (the ``holidays`` library's calendar for
BE) to the next working day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from buddynet.core.clock import PROJECT_TZ, TZID, local, local_date, now, today

HOLIDAY_COUNTRY = "BE"

# The Brussels date and time are core's (shared with trajectories); re-exported here.
__all__ = ["PROJECT_TZ", "TZID", "local", "local_date", "now", "today"]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """The aware moment ``hour:minute`` on ``day`` in Brussels (DST handled by zoneinfo)."""
    return datetime.combine(day, time(hour, minute), tzinfo=PROJECT_TZ)


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in Brussels, as an aware datetime."""
    return at(day, 0)


def end_of(day: date) -> datetime:
    """Midnight at the end of ``day`` in Brussels (the start of the next day)."""
    return start_of(day + timedelta(days=1))


def state(due_at: datetime, *, on: date | None = None) -> str:
    """'overdue' (its Brussels date has passed), 'due' (today) or 'upcoming'."""
    on = on or today()
    due_day = local_date(due_at)
    if due_day < on:
        return "overdue"
    if due_day == on:
        return "due"
    return "upcoming"


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(HOLIDAY_COUNTRY, years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Belgian public holiday."""
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
