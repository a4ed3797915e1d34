"""Notifications: per kind and per person (in buddynet, e-mail, SMS, a daily digest),
quiet hours, the SMS adapter (file backend; the HTTP gateway against a local fake
gateway), and never the content of a message in an e-mail or a text message."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from buddynet.contact import notify, services, sms
from buddynet.contact.models import Channel, Notification, NotificationProfile
from buddynet.core import notices
from tests.contact import factories as cf

pytestmark = pytest.mark.django_db

SECRET = "Mijn nieuwe adres is Kerkstraat 12"


@pytest.fixture
def sent_mail(settings):
    """E-mail straight to Django's outbox (not through the queue)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mail.outbox


def _send(world, conversation, body=SECRET):
    return services.message_send(
        conversation=conversation, by=world.buddy_user, part="buddy", body=body
    )


def test_a_new_message_by_email_says_only_that_there_is_one(
    world, sent_mail, django_capture_on_commit_callbacks
):
    conversation = cf.pair(world)
    with django_capture_on_commit_callbacks(execute=True):
        _send(world, conversation)
    assert len(sent_mail) == 1
    email = sent_mail[0]
    assert email.to == [world.participant_user.email]
    assert SECRET not in email.body and SECRET not in email.subject
    assert world.buddy.first_name not in email.body
    assert reverse("contact_conversation", kwargs={"code": conversation.code}) in email.body


def test_each_person_chooses_per_kind(world, sent_mail, django_capture_on_commit_callbacks):
    services.notification_choices_set(
        user=world.participant_user, channels={"message": Channel.IN_APP}
    )
    with django_capture_on_commit_callbacks(execute=True):
        _send(world, cf.pair(world))
    assert sent_mail == []
    notice = Notification.objects.get(user=world.participant_user)
    assert notice.channel == Channel.IN_APP and notice.send_after is None


def test_quiet_hours_hold_the_email_until_they_end(world, sent_mail):
    services.notification_choices_set(
        user=world.participant_user,
        channels={"message": Channel.EMAIL},
        quiet_from=time(22, 0),
        quiet_until=time(7, 0),
    )
    profile = NotificationProfile.objects.get(user=world.participant_user)
    night = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)  # 00:30 in Brussels
    end = notify.quiet_end(profile, night)
    assert end is not None and end.hour == 7 and end.date().day == 4
    assert notify.quiet_end(profile, datetime(2026, 3, 3, 12, 0, tzinfo=UTC)) is None
    evening = datetime(2026, 3, 3, 21, 30, tzinfo=UTC)  # 22:30 in Brussels
    assert notify.quiet_end(profile, evening).day == 4
    [notice] = notify.deliver("message", users=[world.participant_user])
    Notification.objects.filter(pk=notice.pk).update(send_after=end)
    assert notify.send_waiting(now=night) == 0
    assert sent_mail == []
    assert notify.send_waiting(now=end) == 1
    assert len(sent_mail) == 1
    assert notify.send_waiting(now=end) == 0  # sent once


def test_the_daily_digest_gathers_what_waited(world, sent_mail):
    services.notification_choices_set(
        user=world.coord, channels={"message": Channel.DIGEST, "signal": Channel.DIGEST}
    )
    notify.deliver("message", users=[world.coord], link="/messages/")
    notices.emit("signal", users=[world.coord], about="Project A", link="/")
    assert notify.send_digests() == 1
    [email] = sent_mail
    assert str(notify.KINDS["signal"].label) in email.body or "signaal" in email.body.lower()
    assert notify.send_digests() == 0


def test_sms_goes_through_the_file_backend(world, settings, tmp_path):
    settings.BUDDYNET_SMS_BACKEND = "file"
    settings.BUDDYNET_SMS_FILE_DIR = str(tmp_path)
    services.notification_choices_set(
        user=world.participant_user, channels={"message": Channel.SMS}, sms_number="0470 12 34 56"
    )
    [notice] = notify.deliver("message", users=[world.participant_user], link="/messages/x/")
    assert notify.send_waiting(ids=[notice.pk]) == 1
    [written] = list(tmp_path.iterdir())
    text = written.read_text()
    assert "To: +32470123456" in text and "/messages/x/" in text


def test_sms_needs_a_mobile_number(world):
    with pytest.raises(services.ContactError):
        services.notification_choices_set(user=world.buddy_user, channels={"message": Channel.SMS})
    with pytest.raises(services.ContactError):
        services.notification_choices_set(
            user=world.buddy_user, channels={"message": Channel.SMS}, sms_number="hallo"
        )


class FakeGateway(BaseHTTPRequestHandler):
    received: list[dict] = []
    answer = 202

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        FakeGateway.received.append(
            {"auth": self.headers.get("Authorization"), **json.loads(self.rfile.read(length))}
        )
        self.send_response(FakeGateway.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeGateway.received = []
    FakeGateway.answer = 202
    settings.BUDDYNET_SMS_BACKEND = "http"
    settings.BUDDYNET_SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.BUDDYNET_SMS_TOKEN = "geheim-token"
    settings.BUDDYNET_SMS_SENDER = "Buddywerk"
    yield FakeGateway
    server.shutdown()
    server.server_close()


def test_sms_through_the_http_gateway_without_the_message(
    world, gateway, django_capture_on_commit_callbacks
):
    services.notification_choices_set(
        user=world.participant_user,
        channels={"message": Channel.SMS},
        sms_number="+32 480 11 22 33",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _send(world, cf.pair(world))
    [request] = gateway.received
    assert request["to"] == "+32480112233"
    assert request["from"] == "Buddywerk"
    assert request["auth"] == "Bearer geheim-token"
    assert SECRET not in request["text"] and "buddynet" in request["text"]


def test_a_gateway_refusal_is_an_error_to_retry(world, gateway):
    gateway.answer = 500
    with pytest.raises(sms.SmsError):
        sms.send_now("+32480112233", "Test")


def test_settings_page_saves_choices_and_keeps_bad_input(world, client_for):
    client = client_for(world.buddy_user)
    url = reverse("contact_notification_settings")
    page = client.get(url)
    assert page.status_code == 200
    data = {f"kind_{k}": "app" for k in notify.KINDS}
    bad = client.post(url, {**data, "kind_message": "sms", "sms_number": "geen"})
    assert bad.status_code == 400 and "geen" in bad.content.decode()
    good = client.post(
        url, {**data, "kind_signal": "digest", "quiet_from": "22:00", "quiet_until": "07:00"}
    )
    assert good.status_code == 302
    assert notify.choices_of(world.buddy_user)["signal"] == "digest"


def test_the_notification_list_and_mark_read(world, client_for):
    notify.deliver("proposal", users=[world.buddy_user], about="Project A", link="/")
    client = client_for(world.buddy_user)
    page = client.get(reverse("contact_notifications"))
    assert "Project A" in page.content.decode()
    client.post(reverse("contact_notifications"))
    assert not Notification.objects.filter(user=world.buddy_user, read_at__isnull=True).exists()


def test_followup_reminder_notifies(world, sent_mail):
    """The follow-up's daily reminder also lands in the coordinator's notifications."""
    from datetime import timedelta

    from buddynet.core import clock
    from buddynet.followup import tasks
    from tests.followup import factories as ff

    ff.trajectory(world)
    assert tasks.send_due_reminders(today=clock.today() + timedelta(days=400)) >= 1
    notice = Notification.objects.get(kind="followup_due", user=world.coord)
    assert notice.link == reverse("dashboard")
