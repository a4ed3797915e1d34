"""The personal calendar feed: valid RFC 5545 read back line by line, Brussels time
with a VTIMEZONE, first names only, and a secret address that can be revoked."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
from django.urls import reverse

from buddynet.followup import clock, services
from buddynet.followup.models import CalendarFeed, FollowUp


def parse(body: bytes) -> list[dict]:
    """Unfold and split into components; checks the line rules of RFC 5545 on the way."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    raw_lines = text.split("\r\n")[:-1]
    for line in raw_lines:
        assert len(line.encode()) <= 75, line
        assert "\n" not in line and "\r" not in line
    lines: list[str] = []
    for line in raw_lines:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    stack, components, current = [], [], None
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                components.append(current)
                current = None
        elif current is not None:
            current[name] = value
    assert stack == []
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Europe/Brussels" in lines
    return components


def feed_url(raw: str) -> str:
    return reverse("calendar_feed", kwargs={"token": raw})


def test_coordinator_feed(world, trajectory, client):
    _feed, raw = services.calendar_feed_create(user=world.coord)
    response = client.get(feed_url(raw))  # no session: the secret is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = parse(response.content)
    assert len(events) == 3
    first = next(e for e in events if "Telefonische" in e["SUMMARY"] or "Phone" in e["SUMMARY"])
    contact = FollowUp.objects.get(trajectory=trajectory, series="contact")
    assert first["UID"] == f"followup-{contact.code}@buddynet"
    local = clock.local(contact.due_at)
    assert first["DTSTART;TZID=Europe/Brussels"] == local.strftime("%Y%m%dT%H%M%S")
    assert first["DURATION"] == "PT30M"
    assert first["DTSTAMP"].endswith("Z")
    assert "Bram" in first["SUMMARY"] and "Fatma" in first["SUMMARY"]
    body = response.content.decode()
    for last_name in ("Buddyman", "Zelfzicht"):
        assert last_name not in body
    assert CalendarFeed.objects.get(user=world.coord).last_used_at is not None


def test_buddy_feed_shows_only_their_conversations(world, trajectory, client):
    _feed, raw = services.calendar_feed_create(user=world.buddy_user)
    events = parse(client.get(feed_url(raw)).content)
    kinds = {FollowUp.objects.get(code=e["UID"][9:45]).series for e in events}
    assert kinds == {"contact", "supervision"}  # the review is with the participant
    body = client.get(feed_url(raw)).content.decode()
    assert "Fatma" in body and "Bram" not in body and "URL:" not in body


def test_revoked_or_replaced_addresses_stop(world, trajectory, client):
    _feed, old = services.calendar_feed_create(user=world.coord)
    _feed, new = services.calendar_feed_create(user=world.coord)
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    services.calendar_feed_revoke(user=world.coord)
    assert client.get(feed_url(new)).status_code == 404
    assert client.get(feed_url("x" * 43)).status_code == 404
    assert not CalendarFeed.objects.filter(token_hash__contains=new).exists()  # only a hash


def test_inactive_users_feed_stops(world, trajectory, client):
    _feed, raw = services.calendar_feed_create(user=world.coord)
    world.coord.is_active = False
    world.coord.save()
    assert client.get(feed_url(raw)).status_code == 404


def test_settings_page_shows_the_address_once(world, client_for):
    client = client_for(world.buddy_user)
    url = reverse("calendar_settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "create"})
    assert response.status_code == 200
    assert ".ics" in response.content.decode()
    assert ".ics" not in client.get(url).content.decode()
    assert client.post(url, {"action": "revoke"}).status_code == 302
    assert not CalendarFeed.objects.filter(user=world.buddy_user, revoked_at__isnull=True).exists()
    assert client.post(url, {"action": "nonsense"}).status_code == 400


def test_long_names_are_folded_and_escaped(world, trajectory, client):
    """Folding at 75 octets (never inside a UTF-8 character) and escaping are the
    library's: a long first name with commas and semicolons survives the round trip."""
    name = "Éléonore-Françoise, dite; Zoë \\ " * 3
    participant = trajectory.participant
    participant.first_name = name.strip()
    participant.save()
    _feed, raw = services.calendar_feed_create(user=world.coord)
    body = client.get(feed_url(raw)).content
    events = parse(body)  # every physical line at most 75 octets
    assert any("\\," in e["SUMMARY"] and "\\;" in e["SUMMARY"] for e in events)
    calendar = icalendar.Calendar.from_ical(body)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert any(s.endswith(f"Bram & {name.strip()}") for s in summaries), summaries
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Brussels"
    start = next(e for e in calendar.walk("VEVENT") if "Bram" in str(e["SUMMARY"]))
    assert str(start.decoded("DTSTART").tzinfo) == "Europe/Brussels"


def test_an_empty_feed_still_has_its_time_zone(world, client):
    _feed, raw = services.calendar_feed_create(user=world.buddy_user)
    assert parse(client.get(feed_url(raw)).content) == []


def test_times_across_the_october_change(world, trajectory, client):
    item = FollowUp.objects.get(trajectory=trajectory, series="contact")
    item.due_at = clock.at(date(2026, 10, 25), 10)  # the day clocks go back
    item.save()
    _feed, raw = services.calendar_feed_create(user=world.coord)
    import time_machine

    with time_machine.travel(datetime(2026, 10, 20, 8, 0, tzinfo=clock.PROJECT_TZ)):
        events = parse(client.get(feed_url(raw)).content)
    event = next(e for e in events if e["UID"] == f"followup-{item.code}@buddynet")
    assert event["DTSTART;TZID=Europe/Brussels"] == "20261025T100000"
    assert (item.due_at.utcoffset() or timedelta()) == timedelta(hours=1)
