"""The task queue on its real storages: embedded SQLite, and Redis at 127.0.0.1:6379.

E-mail is enqueued by the queued backend, picked up by a worker, delivered to a real
SMTP server, and retried when the server is down.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.mail import EmailMultiAlternatives
from huey import RedisHuey, SqliteHuey
from huey.contrib import djhuey

from buddynet.core import tasks
from buddynet.core.mail import message_to_payload, payload_to_message
from tests.smtp import body_text, free_port, smtp_server


def _message():
    message = EmailMultiAlternatives(
        subject="Uw buddy is gevonden",
        body="Goed nieuws: we hebben een buddy voor u.",
        from_email="project@example.be",
        to=["deelnemer@example.be"],
        reply_to=["coordinator@example.be"],
    )
    message.attach_alternative("<p>Goed nieuws</p>", "text/html")
    return message


def test_payload_round_trip_keeps_everything():
    original = _message()
    copy = payload_to_message(message_to_payload(original))
    assert copy.subject == original.subject
    assert copy.body == original.body
    assert copy.to == original.to
    assert copy.reply_to == original.reply_to
    assert copy.alternatives[0][0] == "<p>Goed nieuws</p>"


@pytest.fixture(params=["sqlite", "redis"])
def real_queue(request, tmp_path, monkeypatch):
    """The project's Huey, taken out of immediate mode, on a real storage."""
    name = f"buddynet-test-{uuid.uuid4().hex[:8]}"
    if request.param == "sqlite":
        storage = SqliteHuey(name=name, filename=str(tmp_path / "queue.sqlite3")).storage
    else:
        storage = RedisHuey(name=name, url="redis://127.0.0.1:6379/15").storage
    huey = djhuey.HUEY
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", storage)
    yield huey
    storage.flush_all()


def _run_pending(huey) -> None:
    """What a worker does: dequeue each task and execute it."""
    while True:
        task = huey.dequeue()
        if task is None:
            break
        huey.execute(task)


def test_queued_email_is_delivered_by_the_worker(real_queue, settings, db):
    settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
    settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with smtp_server() as inbox:
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = inbox.port
        assert _message().send() == 1
        assert inbox.messages == []  # nothing is sent inside the request
        assert real_queue.pending_count() == 1
        _run_pending(real_queue)
        assert len(inbox.messages) == 1
        assert "buddy" in body_text(inbox.messages[0])


def test_failed_delivery_is_retried(real_queue, settings, db):
    settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
    settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens: delivery fails
    settings.EMAIL_TIMEOUT = 2
    _message().send()
    task = real_queue.dequeue()
    assert task.retries == tasks.EMAIL_RETRIES
    real_queue.execute(task)
    # The failure put the task back with one retry fewer, scheduled after the delay.
    assert real_queue.scheduled_count() == 1
    retried = real_queue.scheduled()[0]
    assert retried.retries == tasks.EMAIL_RETRIES - 1


def test_periodic_session_clean_up_is_registered_and_works(db):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    periodic = [t.__name__ for t in djhuey.HUEY._registry._periodic_tasks]
    assert "clear_expired_sessions" in periodic
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    Session.objects.create(
        session_key="y" * 32, session_data="", expire_date=timezone.now() + timedelta(days=1)
    )
    tasks.clear_expired_sessions.call_local()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["y" * 32]


def test_queue_uses_redis_when_redis_url_is_set(monkeypatch):
    import importlib

    from buddynet import settings as project_settings

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.HUEY["huey_class"] == "huey.RedisHuey"
        assert reloaded.CACHES["default"]["BACKEND"].endswith("RedisCache")
    finally:
        monkeypatch.delenv("REDIS_URL")
        reloaded = importlib.reload(project_settings)
        assert reloaded.HUEY["huey_class"] == "huey.SqliteHuey"
