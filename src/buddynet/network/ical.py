"""The iCalendar invitations of the network (RFC 5545/5546): to an intervision and to a
calendar event (METHOD:REQUEST; METHOD:CANCEL when a registration is cancelled), built
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

PRODID = "-//buddynet//network//NL"


def _calendar(
    *,
    uid: str,
    starts_at,
    minutes: int,
    title: str,
    location: str,
    path: str,
    network,
    email: str,
    cancel: bool = False,
) -> str:
    start = clock.local(starts_at)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    calendar.add_component(vtimezone(start.year, start.year + 1))
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("summary", title)
    event.add("location", location)
    url = settings.SITE_URL + path
    event.add("url", url)
    event.add("description", url)
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('> ')}")
    organizer.params["cn"] = vText(network.name)
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params["partstat"] = vText("DECLINED" if cancel else "NEEDS-ACTION")
    attendee.params["rsvp"] = vText("FALSE" if cancel else "TRUE")
    event.add("attendee", attendee, encode=False)
    # A cancellation must carry a higher sequence than the request it cancels.
    event.add("sequence", 1 if cancel else 0)
    if cancel:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _of(planned, *, uid: str, route: str, email: str, cancel: bool = False) -> str:
    """The calendar entry of something the network plans (an intervision, an event):
    the same fields on both, its page as the link."""
    return _calendar(
        uid=uid,
        starts_at=planned.starts_at,
        minutes=planned.minutes,
        title=planned.title,
        location=planned.place or planned.video_link,
        path=reverse(route, kwargs={"network": planned.network.code, "code": planned.code}),
        network=planned.network,
        email=email,
        cancel=cancel,
    )


def invitation(session, invitation) -> str:
    """The invitation to an intervision."""
    return _of(
        session,
        uid=f"intervision-{session.code}@buddynet",
        route="network_intervision",
        email=invitation.user.email,
    )


def event_invitation(event, registration, *, cancel: bool = False) -> str:
    """A registered person's calendar entry for an event (or its cancellation). The UID
    is per registration and the moment it was asked, so registering again after a
    cancellation is a new entry."""
    asked = int(registration.asked_at.timestamp())
    return _of(
        event,
        uid=f"event-{event.code}-{registration.code}-{asked}@buddynet",
        route="network_event",
        email=registration.user.email,
        cancel=cancel,
    )
