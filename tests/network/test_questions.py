"""Questions to the network: the asker is told of answers by e-mail, one at a time or in
a daily digest (through the queue and core mail, in the asker's language)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from buddynet.network import services, tasks
from buddynet.network.models import Answer, Question
from tests.network import factories as nf

pytestmark = pytest.mark.django_db


def test_each_answer_mails_the_asker(world, django_capture_on_commit_callbacks):
    question = nf.question(world.network, world.project, world.coord)
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(
            question=question, project=world.sibling, by=world.netco, body="Ja"
        )
    assert [m.to for m in mail.outbox] == [[world.coord.email]]


def test_the_daily_digest(world, django_capture_on_commit_callbacks):
    world.coord.preferred_language = "en"
    world.coord.save()
    first = nf.question(world.network, world.project, world.coord, notify="digest")
    second = nf.question(
        world.network, world.project, world.coord, title="Wie doet jullie intake?", notify="digest"
    )
    quiet = nf.question(world.network, world.project, world.coord, title="Stil", notify="none")
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(question=first, project=world.sibling, by=world.netco, body="A1")
        services.question_answer(question=second, project=world.sibling, by=world.netco, body="B1")
        services.question_answer(question=quiet, project=world.sibling, by=world.netco, body="C1")
        # The asker's own reply is not sent back to them.
        services.question_answer(question=first, project=world.project, by=world.coord, body="Dank")
    assert mail.outbox == []  # nothing at once
    with django_capture_on_commit_callbacks(execute=True):
        assert services.answer_digests() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.coord.email]
    assert message.subject == "New answers to your questions in the network"
    assert "A1" in message.body and "B1" in message.body
    assert "C1" not in message.body and "Dank" not in message.body
    # The next day: nothing new, nothing sent; a new answer goes out once.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.answer_digests() == 0
        services.question_answer(question=first, project=world.sibling, by=world.netco, body="A2")
        assert tasks.answer_digests.call_local() is None
    assert len(mail.outbox) == 2 and "A2" in mail.outbox[1].body and "A1" not in mail.outbox[1].body
    assert (
        not Answer.objects.filter(question__notify="digest", digested_at=None)
        .exclude(by=world.coord)
        .exists()
    )


def test_dutch_digest_and_choice_on_the_form(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.coord)
    response = client.post(
        reverse("network_question_ask", kwargs={"network": world.network.code}),
        {"title": "Hoe vinden jullie mannelijke buddy's?", "notify": "digest"},
    )
    assert response.status_code == 302
    question = Question.objects.get(title__startswith="Hoe vinden")
    assert question.notify == Question.Notify.DIGEST
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(question=question, project=world.sibling, by=world.netco, body="X")
        services.answer_digests()
    assert mail.outbox[-1].subject == "Nieuwe antwoorden op je vragen in het netwerk"
