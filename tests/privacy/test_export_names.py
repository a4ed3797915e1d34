"""Another person's account is named in an export by their name, never by their e-mail
address: a user without a name (an invited coordinator, an imported buddy) would
otherwise show up as their address in a participant's messages or file history."""

from __future__ import annotations

import pytest
from django.utils import translation

from buddynet.core import personal
from buddynet.core.models import AuditEntry
from buddynet.privacy.services import file_history
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_is_named_by_name_or_as_someone_without_a_name():
    named = UserFactory(first_name="Lotte", last_name="Peeters", email="lotte@example.org")
    nameless = UserFactory(first_name="", last_name="", email="geheim@example.org")
    assert personal.json_value(named) == "Lotte Peeters"
    with translation.override("nl"):
        assert personal.json_value(nameless) == "iemand zonder naam in buddynet"
    with translation.override("en"):
        assert personal.json_value(nameless) == "someone without a name in buddynet"


def test_the_file_history_does_not_show_a_nameless_readers_address():
    participant = ParticipantFactory()
    reader = UserFactory(first_name="", last_name="", email="lezer@example.org")
    AuditEntry.record("participant.viewed", obj=participant, user=reader)
    history = file_history(participant)
    assert history and all("lezer@example.org" not in row["who"] for row in history)
