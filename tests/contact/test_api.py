"""The contact API: conversations of a project, messages, sending, notification choices."""

from __future__ import annotations

import pytest

from tests.contact import factories as cf

pytestmark = pytest.mark.django_db


def test_list_read_and_send(world, client_for):
    conversation = cf.coordination(world)
    client = client_for(world.buddy_user)
    base = f"/api/v1/projects/{world.project.code}/messages/conversations"
    sent = client.post(
        f"{base}/{conversation.code}", {"body": "Hallo"}, content_type="application/json"
    )
    assert sent.status_code == 201, sent.content
    listed = client.get(base).json()
    assert [c["code"] for c in listed] == [str(conversation.code)]
    read = client.get(f"{base}/{conversation.code}").json()
    assert read["messages"][0]["body"] == "Hallo" and read["messages"][0]["mine"]
    coordinator = client_for(world.coord).get(f"{base}/{conversation.code}").json()
    assert coordinator["messages"][0]["author"] == "Bram (buddy)"


def test_bad_input_is_a_4xx_with_a_reason(world, client_for):
    conversation = cf.coordination(world)
    client = client_for(world.buddy_user)
    base = f"/api/v1/projects/{world.project.code}/messages/conversations/{conversation.code}"
    assert client.post(base, {"body": ""}, content_type="application/json").status_code == 422
    assert (
        client.post(base, {"body": "x" * 5000}, content_type="application/json").status_code == 422
    )
    assert client.get(f"{base}?before=nope").status_code == 422
    closed = cf.pair(world)
    closed.closed_at = closed.created_at
    closed.save()
    answer = client.post(
        f"/api/v1/projects/{world.project.code}/messages/conversations/{closed.code}",
        {"body": "Hallo"},
        content_type="application/json",
    )
    assert answer.status_code == 409 and answer.json()["code"] == "closed"


def test_notification_choices(world, client_for):
    client = client_for(world.participant_user)
    got = client.get("/api/v1/me/notifications").json()
    assert got["channels"]["message"] == "email"
    changed = client.post(
        "/api/v1/me/notifications",
        {"channels": {"message": "sms"}, "sms_number": "0470123456"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["channels"]["message"] == "sms"
    assert changed.json()["sms_number"] == "+32470123456"
    bad = client.post(
        "/api/v1/me/notifications",
        {"channels": {"message": "pigeon"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    unknown = client.post(
        "/api/v1/me/notifications",
        {"channels": {"weather": "app"}},
        content_type="application/json",
    )
    assert unknown.status_code == 400
