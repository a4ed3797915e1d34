"""The project's calendar: dates people act on are Brussels dates.

Whether something is due, overdue or quiet is decided on the *local date in Brussels*,
never on the date in UTC, on the server's zone or on the zone a user's browser is in.
Shared by every app (``followup.clock`` adds working days and holidays on top).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

PROJECT_TZ = ZoneInfo("Europe/Brussels")
TZID = "Europe/Brussels"


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """Today's date in Brussels, whatever zone is active for the request or the server."""
    return timezone.now().astimezone(PROJECT_TZ).date()


def local(moment: datetime) -> datetime:
    return moment.astimezone(PROJECT_TZ)


def local_date(moment: datetime) -> date:
    return moment.astimezone(PROJECT_TZ).date()
