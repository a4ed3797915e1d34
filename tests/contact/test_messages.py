"""Messages inside buddynet: who may talk to whom, who may read what, uploads, read
receipts, reporting a message as a boundary signal, consent withdrawal, and that no
phone number or e-mail address is ever shown to the other side."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.contact import selectors, services
from buddynet.contact.models import Conversation, Member, Message, Notification
from buddynet.core.models import AuditEntry
from buddynet.followup.models import Signal
from buddynet.participants import consent
from buddynet.participants.services import consent_record
from buddynet.tenancy.access import access_for_user
from tests.contact import factories as cf
from tests.followup import factories as ff

pytestmark = pytest.mark.django_db


def audited(action: str, **kw) -> bool:
    with scopes_disabled():
        return AuditEntry.objects.filter(action=action, **kw).exists()


def send(conversation, user, part, body="Hallo", **kw):
    return services.message_send(conversation=conversation, by=user, part=part, body=body, **kw)


def test_buddy_and_participant_exchange_messages_with_read_receipts(world, client_for):
    conversation = cf.pair(world)
    send(conversation, world.buddy_user, "buddy", "Dag Fatma, gaat donderdag?")
    client = client_for(world.participant_user)
    page = client.get(reverse("contact_conversation", kwargs={"code": conversation.code}))
    assert page.status_code == 200
    assert "Dag Fatma, gaat donderdag?" in page.content.decode()
    assert "Bram (buddy)" in page.content.decode()
    # The participant opened it: the buddy sees it was read.
    seat = selectors.seat_for(
        access=access_for_user(world.buddy_user), user=world.buddy_user, code=conversation.code
    )
    lines, _more, _members = selectors.lines(seat=seat, user=world.buddy_user)
    assert lines[-1].mine and lines[-1].read
    # The participant answers through the page's form.
    answer = client.post(
        reverse("contact_conversation", kwargs={"code": conversation.code}),
        {"body": "Ja, om twee uur."},
    )
    assert answer.status_code == 302
    with scopes_disabled():
        assert Message.objects.filter(conversation=conversation).count() == 2
    # The buddy was told (in buddynet and by e-mail, the default for messages).
    notice = Notification.objects.get(user=world.buddy_user)
    assert notice.kind == "message" and notice.about == ""


def test_no_phone_number_or_address_is_shown_to_the_other_side(world, client_for):
    with scopes_disabled():
        for person, phone in (
            (world.buddy, "0470 11 22 33"),
            (world.own_participant, "0480 99 88 77"),
        ):
            type(person).objects.filter(pk=person.pk).update(
                phone=phone, email=f"{person.first_name}@thuis.be"
            )
    conversation = cf.pair(world)
    send(conversation, world.buddy_user, "buddy")
    send(conversation, world.participant_user, "participant")
    secrets = [
        "0470 11 22 33",
        "0480 99 88 77",
        "Bram@thuis.be",
        "Fatma@thuis.be",
        world.buddy_user.email,
        world.participant_user.email,
        world.buddy.last_name,
        world.own_participant.last_name,
    ]
    for user in (world.buddy_user, world.participant_user):
        client = client_for(user)
        for url in (
            reverse("contact_inbox"),
            reverse("contact_conversation", kwargs={"code": conversation.code}),
            reverse("contact_live", kwargs={"code": conversation.code}),
            f"/api/v1/projects/{world.project.code}/messages/conversations",
            f"/api/v1/projects/{world.project.code}/messages/conversations/{conversation.code}",
        ):
            body = client.get(url).content.decode()
            leaked = [s for s in secrets if s in body and s != user.email]
            assert not leaked, (user, url, leaked)


def test_a_coordinator_of_another_project_cannot_read_a_conversation(world, client_for):
    conversation = cf.coordination(world)
    send(conversation, world.buddy_user, "buddy", "Ik ben ziek deze week.")
    client = client_for(world.other_coord)
    for url in (
        reverse("contact_conversation", kwargs={"code": conversation.code}),
        reverse("contact_live", kwargs={"code": conversation.code}),
        f"/api/v1/projects/{world.other.code}/messages/conversations/{conversation.code}",
    ):
        assert client.get(url).status_code == 404, url
    with pytest.raises(Http404):
        selectors.seat_for(
            access=access_for_user(world.other_coord),
            user=world.other_coord,
            code=conversation.code,
        )
    # Their own project's coordinator reads it and answers.
    own = client_for(world.coord)
    page = own.get(reverse("contact_conversation", kwargs={"code": conversation.code}))
    assert "Ik ben ziek deze week." in page.content.decode()


def test_coordinators_read_a_pair_only_where_the_rules_say_so_and_it_says_so(world, client_for):
    conversation = cf.pair(world)
    send(conversation, world.buddy_user, "buddy", "Tot straks")
    url = reverse("contact_conversation", kwargs={"code": conversation.code})
    assert client_for(world.coord).get(url).status_code == 404
    assert "coordinators-read" not in client_for(world.buddy_user).get(url).content.decode()
    services.rules_update(
        project=world.project, by=world.coord, pair_messages=True, coordinators_read_pairs=True
    )
    page = client_for(world.coord).get(url)
    assert page.status_code == 200 and "Tot straks" in page.content.decode()
    assert 'id="send"' not in page.content.decode()  # reads, does not write
    assert audited("conversation.read_by_coordinator")
    for user in (world.buddy_user, world.participant_user):
        assert "coordinators-read" in client_for(user).get(url).content.decode()
    with pytest.raises(services.ContactError):
        send(conversation, world.coord, selectors.READER)


def test_pair_needs_the_projects_rules_and_the_participants_consent(world):
    trajectory = ff.trajectory(world)
    access = access_for_user(world.buddy_user)
    with pytest.raises(services.ContactError, match="akkoord"):
        services.conversation_open(
            access=access, user=world.buddy_user, kind="pair", target=trajectory
        )
    cf.agree(world.own_participant, world.coord)
    services.rules_update(
        project=world.project, by=world.coord, pair_messages=False, coordinators_read_pairs=False
    )
    with pytest.raises(services.ContactError, match="gebruikt geen"):
        services.conversation_open(
            access=access, user=world.buddy_user, kind="pair", target=trajectory
        )
    # Someone outside the pair cannot open it at all.
    with pytest.raises(services.ContactNotAllowed):
        services.conversation_open(
            access=access_for_user(world.coord), user=world.coord, kind="pair", target=trajectory
        )


def test_withdrawing_consent_closes_the_conversation_at_once(world, client_for):
    conversation = cf.pair(world)
    with scopes_disabled():
        consent_record(
            participant=world.own_participant,
            purpose=consent.MESSAGES,
            given=False,
            by=world.coord,
        )
    conversation.refresh_from_db()
    assert conversation.closed_at is not None
    with pytest.raises(services.ContactConflict):
        send(conversation, world.buddy_user, "buddy")
    page = client_for(world.buddy_user).get(
        reverse("contact_conversation", kwargs={"code": conversation.code})
    )
    assert 'id="send"' not in page.content.decode()


def test_report_a_message_as_a_boundary_signal_in_two_taps(
    world, client_for, django_capture_on_commit_callbacks
):
    message = cf.pair_message(world)  # written by the participant
    client = client_for(world.buddy_user)
    # Tap one: "Report" under the message.
    page = client.get(reverse("contact_conversation", kwargs={"code": message.conversation.code}))
    report_url = reverse("contact_report", kwargs={"code": message.code})
    assert report_url in page.content.decode()
    # Tap two: what it is.
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(report_url, {"kind": "boundary"})
    assert answer.status_code == 302
    with scopes_disabled():
        signal = Signal.objects.get()
        assert signal.raised_by == world.buddy_user
        assert "Zie ik je donderdag aan de bib?" in signal.description
        message.refresh_from_db()
        assert message.signal == signal
    # Again: the same signal, not a second one.
    client.post(report_url, {"kind": "boundary"})
    with scopes_disabled():
        assert Signal.objects.count() == 1
    # The coordinators were notified.
    assert Notification.objects.filter(user=world.coord, kind="signal").exists()
    # One's own message cannot be reported.
    with pytest.raises(services.ContactError):
        services.message_report(
            message=message,
            by=world.participant_user,
            access=access_for_user(world.participant_user),
            kind="boundary",
        )


@pytest.mark.parametrize(
    ("name", "data", "ok"),
    [
        ("foto.png", cf.PNG, True),
        ("brief.pdf", cf.PDF, True),
        ("foto.jpg", cf.PNG, False),  # a PNG pretending to be a JPG
        ("virus.exe", b"MZ\x90\x00", False),
        ("script.pdf", b"<script>", False),
    ],
)
def test_uploads_are_checked_by_their_first_bytes(world, name, data, ok, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    conversation = cf.coordination(world)
    if ok:
        message = send(conversation, world.buddy_user, "buddy", "", upload=cf.upload(name, data))
        assert message.attachment.name.startswith("contact/")
        assert message.attachment_kind in ("photo", "document")
    else:
        with pytest.raises(services.ContactError):
            send(conversation, world.buddy_user, "buddy", "", upload=cf.upload(name, data))


def test_a_too_large_photo_is_refused_and_the_form_keeps_the_text(world, client_for, monkeypatch):
    monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 10)
    conversation = cf.coordination(world)
    response = client_for(world.buddy_user).post(
        reverse("contact_conversation", kwargs={"code": conversation.code}),
        {"body": "Kijk eens", "attachment": cf.upload()},
    )
    assert response.status_code == 400
    assert "Kijk eens" in response.content.decode()


def test_the_attachment_is_served_to_the_conversation_only_and_audited(
    world, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    message = cf.photo_message(world)
    url = reverse("contact_attachment", kwargs={"code": message.code})
    response = client_for(world.coord).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert audited("message.attachment.opened", actor=world.coord)
    assert client_for(world.participant_user).get(url).status_code == 404
    assert client_for(world.other_coord).get(url).status_code == 404


def test_a_double_tap_sends_one_message(world):
    conversation = cf.coordination(world)
    first = send(conversation, world.buddy_user, "buddy", "Oké")
    again = send(conversation, world.buddy_user, "buddy", "Oké")
    assert first.pk == again.pk


def test_live_fragment_gives_only_newer_messages(world, client_for):
    conversation = cf.coordination(world)
    first = send(conversation, world.buddy_user, "buddy", "Eerste")
    send(conversation, world.coord, "coordinator", "Tweede")
    client = client_for(world.buddy_user)
    body = client.get(
        reverse("contact_live", kwargs={"code": conversation.code}) + f"?after={first.code}"
    ).content.decode()
    assert "Tweede" in body and "Eerste" not in body
    assert 'hx-trigger="every 4s"' in body


def test_buddy_coordinator_conversation_notifies_every_coordinator_first(world):
    conversation = cf.coordination(world)
    send(conversation, world.buddy_user, "buddy", "Vraagje")
    assert Notification.objects.filter(user=world.coord, kind="message").exists()
    with scopes_disabled():
        assert Member.objects.filter(conversation=conversation, user=world.coord).count() == 0


def test_intervision_group_conversation(world, client_for):
    from tests.network.access_rows import intervision

    session = intervision(world, "network")
    conversation = services.conversation_open(
        access=access_for_user(world.buddy_user),
        user=world.buddy_user,
        kind=Conversation.Kind.INTERVISION,
        target=session,
    )
    send(conversation, world.buddy_user, "member", "Tot dinsdag!")
    url = reverse("contact_conversation", kwargs={"code": conversation.code})
    assert client_for(world.coord).get(url).status_code == 200
    assert client_for(world.participant_user).get(url).status_code == 404
    assert client_for(world.other_coord).get(url).status_code == 404
