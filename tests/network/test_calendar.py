"""The network's calendar and news: events with a capacity and a waiting list,
registration and cancellation with an iCalendar file by e-mail (real SMTP), the
organiser's list, news, and both on the dashboard."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from buddynet.network import services
from buddynet.network.models import Event, Registration
from tests.network import factories as nf

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    from tests.smtp import smtp_server

    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
        settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = inbox.port
        yield inbox


def _calendar_of(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


def test_register_mails_a_valid_ical(world, smtp, django_capture_on_commit_callbacks):
    event = nf.event(world.network, world.netco)
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.event_register(event=event, by=world.coord, project=world.project)
    assert mine.status == Registration.Status.REGISTERED
    assert [m["To"] for m in smtp.messages] == [world.coord.email]
    calendar = _calendar_of(smtp.messages[0])
    assert calendar["method"] == "REQUEST"
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["summary"]) == event.title
    assert vevent.decoded("dtstart") == event.starts_at
    assert vevent.decoded("dtend") == event.starts_at + timedelta(minutes=180)
    assert calendar.walk("VTIMEZONE")


def test_registering_twice_gives_the_same_registration(world):
    event = nf.event(world.network, world.netco)
    first = services.event_register(event=event, by=world.coord, project=world.project)
    again = services.event_register(event=event, by=world.coord, project=world.project)
    assert first.pk == again.pk
    assert Registration.objects.filter(event=event).count() == 1


def test_capacity_waiting_list_and_the_first_waiting_gets_the_place(
    world, smtp, django_capture_on_commit_callbacks
):
    event = nf.event(world.network, world.netco, capacity=1)
    first = services.event_register(event=event, by=world.coord, project=world.project)
    waiting = services.event_register(event=event, by=world.buddy_user, project=world.project)
    assert (first.status, waiting.status) == ("registered", "waiting")
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(registration=first, by=world.coord)
    waiting.refresh_from_db()
    first.refresh_from_db()
    assert (first.status, waiting.status) == ("cancelled", "registered")
    by_to = {m["To"]: m for m in smtp.messages}
    assert _calendar_of(by_to[world.coord.email])["method"] == "CANCEL"
    promoted = _calendar_of(by_to[world.buddy_user.email])
    assert promoted["method"] == "REQUEST"
    # Registering again after cancelling: the event is full, so the end of the line.
    again = services.event_register(event=event, by=world.coord, project=world.project)
    assert again.pk == first.pk and again.status == "waiting"
    # Cancelling twice is harmless; someone else's registration cannot be cancelled.
    with pytest.raises(services.NetworkError):
        services.event_cancel(registration=again, by=world.buddy_user)


def test_who_may_register(world):
    for_coordinators = nf.event(world.network, world.netco, audience="coordinators")
    with pytest.raises(services.NetworkError):
        services.event_register(event=for_coordinators, by=world.buddy_user, project=world.project)
    # A project of another network cannot be used, nor can one the person has no role in.
    event = nf.event(world.network, world.netco)
    with pytest.raises(services.NetworkError):
        services.event_register(event=event, by=world.other_coord, project=world.other)
    with pytest.raises(services.NetworkError):
        services.event_register(event=event, by=world.coord, project=world.sibling)
    # After the start, nobody registers.
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    event.refresh_from_db()
    with pytest.raises(services.NetworkError):
        services.event_register(event=event, by=world.coord, project=world.project)


def test_plan_refuses_the_past_and_no_place(world):
    with pytest.raises(services.NetworkError):
        nf.event(world.network, world.netco, days=-1)
    with pytest.raises(services.NetworkError):
        nf.event(world.network, world.netco, place="", video_link="")


def test_pages_register_cancel_and_the_organisers_list(world, client_for):
    event = nf.event(world.network, world.netco, capacity=1)
    nf.news(world.network, world.netco)
    kw = {"network": world.network.code, "code": event.code}
    client = client_for(world.coord)
    page = client.get(reverse("network_calendar", kwargs={"network": world.network.code}))
    assert page.status_code == 200
    assert event.title in page.content.decode() and "Nieuwe subsidieronde" in page.content.decode()
    response = client.post(
        reverse("network_event_register", kwargs=kw), {"project": str(world.project.code)}
    )
    assert response.status_code == 302
    assert Registration.objects.get(user=world.coord).status == "registered"
    # A project code that is not theirs: 400, nothing registered for the buddy.
    buddy = client_for(world.buddy_user)
    bad = buddy.post(
        reverse("network_event_register", kwargs=kw), {"project": str(world.other.code)}
    )
    assert bad.status_code == 400
    buddy.post(reverse("network_event_register", kwargs=kw), {"project": str(world.project.code)})
    assert Registration.objects.get(user=world.buddy_user).status == "waiting"
    organiser = client_for(world.netco)
    listing = organiser.get(reverse("network_event_registrations", kwargs=kw))
    text = listing.content.decode()
    assert listing.status_code == 200
    assert text.index(world.coord.display_name) < text.index(world.buddy_user.display_name)
    client = client_for(world.coord)
    assert client.post(reverse("network_event_cancel", kwargs=kw)).status_code == 302
    assert Registration.objects.get(user=world.buddy_user).status == "registered"
    # Nothing left to cancel: 404.
    assert client.get(reverse("network_event_cancel", kwargs=kw)).status_code == 404


def test_the_dashboard_shows_coming_events_and_news(world, client_for):
    client = client_for(world.buddy_user)
    client.get(reverse("dashboard"))  # cached before the news exists
    event = nf.event(world.network, world.netco, title="Netwerkdag Gent")
    nf.news(world.network, world.netco, title="Welkom aan drie nieuwe projecten")
    nf.news(world.network, world.netco, title="Alleen voor coördinatoren", audience="coordinators")
    text = client.get(reverse("dashboard")).content.decode()
    assert event.title in text
    assert "Welkom aan drie nieuwe projecten" in text
    assert "Alleen voor coördinatoren" not in text


def test_another_network_sees_nothing(world, client_for):
    event = nf.event(world.network, world.netco)
    item = nf.news(world.network, world.netco)
    client = client_for(world.other_coord)
    for name, code in (("network_event", event.code), ("network_news", item.code)):
        url = reverse(name, kwargs={"network": world.network.code, "code": code})
        assert client.get(url).status_code == 404
        url = reverse(name, kwargs={"network": world.other_network.code, "code": code})
        assert client.get(url).status_code == 404
