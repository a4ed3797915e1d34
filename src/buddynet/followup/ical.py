"""A personal iCalendar feed (RFC 5545), built with the ``icalendar`` library: it
escapes text, folds lines at 75 octets and writes the VTIMEZONE for Europe/Brussels
from the zoneinfo database, so summer and winter time follow the official rules.

A calendar on a phone is often synced to a cloud and shown on a lock screen: the feed
names nobody by their full name. A coordinator sees first names (buddy & participant),
a buddy sees only the participant's first name; no reports, no signals.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from . import clock, selectors

PRODID = "-//buddynet//follow-up//NL"
DURATION = timedelta(minutes=30)
REFRESH = timedelta(hours=1)
# Events further than this from today are not written (the selector already keeps to
# about three years ahead); the time zone block covers the years of the events.
YEARS_AROUND = 5

log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def vtimezone(first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of Europe/Brussels covering the given years (slow to build, so
    cached; a feed asks for the years of its events)."""
    return Timezone.from_tzid(
        clock.TZID, first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31)
    )


def summary(item, role: str) -> str:
    trajectory = item.trajectory
    kind = item.get_kind_display()
    kind = kind[:1].upper() + kind[1:]
    if role == "coordinator":
        return f"{kind}: {trajectory.buddy.first_name} & {trajectory.participant.first_name}"
    if item.involves_participant:
        return f"{kind} ({trajectory.participant.first_name})"
    return _("%(kind)s with the project") % {"kind": kind}


def event_for(item, role: str, *, stamp: datetime) -> Event:
    event = Event()
    # Stable per follow-up: a calendar updates the event instead of adding a new one.
    event.add("uid", f"followup-{item.code}@buddynet")
    event.add("dtstamp", stamp)
    event.add("dtstart", clock.local(item.due_at))  # TZID=Europe/Brussels
    event.add("duration", DURATION)
    event.add("summary", summary(item, role))
    if role == "coordinator":
        url = settings.SITE_URL.rstrip("/") + reverse(
            "followup_record", kwargs={"project": item.project.code, "code": item.code}
        )
        event.add("url", url)
        event.add("description", f"{item.project.name} · {url}")
    else:
        event.add(
            "description",
            _("The coordinator of %(project)s will contact you.") % {"project": item.project.name},
        )
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def feed_for(*, user, access) -> str:
    """The whole feed. One row that cannot be written as an event (a date beyond what a
    calendar can hold, a broken record) is left out and logged; it never breaks the
    feed of everyone who shares that trajectory."""
    stamp = timezone.now()
    today = clock.today()
    with translation.override(getattr(user, "preferred_language", None) or "nl"):
        calendar = Calendar()
        calendar.add("version", "2.0")
        calendar.add("prodid", PRODID)
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("buddynet follow-up"))
        calendar.add("x-wr-timezone", clock.TZID)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        events = []
        for item, role in selectors.calendar_items(user=user, access=access):
            try:
                year = clock.local_date(item.due_at).year
                if not today.year - YEARS_AROUND <= year <= today.year + YEARS_AROUND:
                    raise ValueError(f"due year {year} is outside the feed's range")
                events.append((year, event_for(item, role, stamp=stamp)))
            except Exception:  # one bad row must not break the whole feed
                log.exception("Calendar feed: left out follow-up %s", item.code)
        years = [year for year, _event in events] or [today.year]
        calendar.add_component(vtimezone(min(*years, today.year), max(years) + 1))
        for _year, event in events:
            calendar.add_component(event)
    return calendar.to_ical().decode()
