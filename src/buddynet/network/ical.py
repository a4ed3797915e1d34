"""The iCalendar invitation to an intervision (RFC 5545/5546, METHOD:REQUEST), built
with the ``icalendar`` library like the follow-up's feed: text escaped, lines folded,
the Europe/Brussels VTIMEZONE written out."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from buddynet.core import clock
from buddynet.followup.ical import vtimezone

PRODID = "-//buddynet//intervision//NL"


def invitation(session, invitation) -> str:
    start = clock.local(session.starts_at)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    calendar.add_component(vtimezone(start.year, start.year + 1))
    event = Event()
    event.add("uid", f"intervision-{session.code}@buddynet")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=session.minutes))
    event.add("summary", session.title)
    event.add("location", session.place or session.video_link)
    url = settings.SITE_URL + reverse(
        "network_intervision",
        kwargs={"network": session.network.code, "code": session.code},
    )
    event.add("url", url)
    event.add("description", url)
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('> ')}")
    organizer.params["cn"] = vText(session.network.name)
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{invitation.user.email}")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("TRUE")
    event.add("attendee", attendee, encode=False)
    event.add("sequence", 0)
    calendar.add_component(event)
    return calendar.to_ical().decode()
