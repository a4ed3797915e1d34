"""The daily reminder: each coordinator gets one e-mail with their due follow-ups, in
their own language, through the queue to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from buddynet.followup import clock, tasks
from buddynet.followup.models import FollowUp
from tests import factories as f
from tests.smtp import body_text


def test_due_followups_are_mailed_to_each_coordinator(world, trajectory, smtp):
    english = f.member(world.project, "project_coordinator", email="second@example.be")
    english.preferred_language = "en"
    english.save()
    overdue = FollowUp.objects.get(trajectory=trajectory, series="contact")
    overdue.due_at = clock.at(clock.today() - timedelta(days=3), 10)
    overdue.save()
    taken = FollowUp.objects.get(trajectory=trajectory, series="review")
    taken.due_at = clock.at(clock.today(), 10)
    taken.responsible = world.coord  # taken on by one coordinator: only they hear of it
    taken.save()
    assert tasks.send_due_reminders() == 2
    by_to = {m["To"]: m for m in smtp.messages}
    assert set(by_to) == {"coord@example.be", "second@example.be"}
    text_en = body_text(by_to["second@example.be"])
    assert "3 days overdue" in text_en
    assert str(overdue.code) in text_en and str(taken.code) not in text_en
    assert "follow-up conversation due" in by_to["second@example.be"]["Subject"]
    text_nl = body_text(by_to["coord@example.be"])
    assert str(taken.code) in text_nl and str(overdue.code) in text_nl
    assert "3 dagen te laat" in text_nl
    # First names only in a mailbox.
    assert "Buddyman" not in text_nl and "Zelfzicht" not in text_nl


def test_nothing_due_sends_nothing(world, trajectory, smtp):
    assert tasks.send_due_reminders() == 0
    assert smtp.messages == []


def test_the_periodic_task_is_declared():
    from huey.contrib.djhuey import HUEY

    periodic = HUEY._registry._periodic_tasks
    assert any("followup_reminders" in repr(task) for task in periodic)
