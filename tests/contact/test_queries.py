"""Constant queries: a buddy's conversation list and a conversation of 500 messages
cost the same number of queries as small ones (the bench row in bench/contact.py times
them at scale)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.contact.models import Conversation, Member, Message
from tests import factories as f
from tests.contact import factories as cf

pytestmark = pytest.mark.django_db


def _messages(conversation, world, n):
    with scopes_disabled():
        Message.objects.bulk_create(
            Message(
                conversation=conversation,
                author=world.buddy_user if i % 2 else world.participant_user,
                part="buddy" if i % 2 else "participant",
                body=f"Bericht {i}",
            )
            for i in range(n)
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_conversation_of_500_messages_costs_what_one_of_10_does(world, client_for):
    conversation = cf.pair(world)
    client = client_for(world.buddy_user)
    url = reverse("contact_conversation", kwargs={"code": conversation.code})
    _messages(conversation, world, 10)
    client.get(url)
    small = _count(client, url)
    _messages(conversation, world, 490)
    large = _count(client, url)
    assert large == small, (small, large)
    page = client.get(url).content.decode()
    assert "?before=" in page  # the earlier ones a tap away, not all 500 at once
    live = reverse("contact_live", kwargs={"code": conversation.code})
    last = Message.objects.filter(conversation=conversation).order_by("-pk")[1]
    assert _count(client, f"{live}?after={last.code}") <= small


def test_the_conversation_list_costs_the_same_for_2_or_12_conversations(world, client_for):
    cf.pair(world)
    cf.coordination(world)
    client = client_for(world.buddy_user)
    url = reverse("contact_inbox")
    client.get(url)
    few = _count(client, url)
    with scopes_disabled():
        for i in range(10):
            participant = f.ParticipantFactory(project=world.project, first_name=f"P{i}")
            conversation = Conversation.objects.create(
                kind=Conversation.Kind.PARTICIPANT_COORDINATOR,
                project=world.project,
                participant=participant,
            )
            Member.objects.create(conversation=conversation, user=world.buddy_user, part="buddy")
            _messages(conversation, world, 5)
    many = _count(client, url)
    assert many == few, (few, many)
