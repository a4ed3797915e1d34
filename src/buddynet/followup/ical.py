"""A personal iCalendar feed (RFC 5545), written by hand: CRLF lines folded at 75
octets, text escaped, times with TZID=Europe/Brussels and a VTIMEZONE.

A calendar on a phone is often synced to a cloud and shown on a lock screen: the feed
names nobody by their full name. A coordinator sees first names (buddy & participant),
a buddy sees only the participant's first name; no reports, no signals.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import clock, selectors

PRODID = "-//buddynet//follow-up//NL"
DURATION = "PT30M"

# Europe/Brussels since 1996: CET in winter, CEST from the last Sunday of March
# 02:00 to the last Sunday of October 03:00.
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Brussels",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > limit:
            parts.append(current.decode())
            current, limit = b"", 74  # continuation lines start with a space
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return clock.local(moment).strftime("%Y%m%dT%H%M%S")


def summary(item, role: str) -> str:
    trajectory = item.trajectory
    kind = item.get_kind_display()
    kind = kind[:1].upper() + kind[1:]
    if role == "coordinator":
        return f"{kind}: {trajectory.buddy.first_name} & {trajectory.participant.first_name}"
    if item.involves_participant:
        return f"{kind} ({trajectory.participant.first_name})"
    return _("%(kind)s with the project") % {"kind": kind}


def event_lines(item, role: str, *, stamp: datetime) -> list[str]:
    site = settings.SITE_URL.rstrip("/")
    lines = [
        "BEGIN:VEVENT",
        f"UID:followup-{item.code}@buddynet",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART;TZID={clock.TZID}:{_local(item.due_at)}",
        f"DURATION:{DURATION}",
        f"SUMMARY:{escape(summary(item, role))}",
    ]
    if role == "coordinator":
        url = site + reverse(
            "followup_record", kwargs={"project": item.project.code, "code": item.code}
        )
        lines.append(f"URL:{url}")
        lines.append(f"DESCRIPTION:{escape(item.project.name + ' · ' + url)}")
    else:
        text = _("The coordinator of %(project)s will contact you.") % {
            "project": item.project.name
        }
        lines.append(f"DESCRIPTION:{escape(text)}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def feed_for(*, user, access) -> str:
    stamp = timezone.now()
    with translation.override(getattr(user, "preferred_language", None) or "nl"):
        name = _("buddynet follow-up")
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{PRODID}",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{escape(name)}",
            f"X-WR-TIMEZONE:{clock.TZID}",
            "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
            *VTIMEZONE,
        ]
        for item, role in selectors.calendar_items(user=user, access=access):
            lines += event_lines(item, role, stamp=stamp)
        lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
