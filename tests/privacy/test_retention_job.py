"""The daily retention job with the real erasure (``privacy.erasure``): the files past
their project's term are anonymised, the others left alone, the job reports per project
(audit entry, a mail to the coordinators with counts only) and its own queries are a
constant number per batch, however many people a batch holds."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.core.models import AuditEntry
from buddynet.participants.models import Participant
from buddynet.privacy import retention
from buddynet.volunteers.models import Buddy
from tests import factories as f

pytestmark = pytest.mark.django_db

# Built on another branch (h/erase): this file runs once both are merged.
erasure = pytest.importorskip("buddynet.privacy.erasure")


def closed(project, months_ago, **kwargs):
    return f.ParticipantFactory(
        project=project,
        status=Participant.Status.CLOSED,
        closed_on=retention.months_before(clock.today(), months_ago),
        **kwargs,
    )


def test_expired_files_are_erased_and_reported(world):
    with scopes_disabled():
        old = closed(world.project, 25, first_name="Oudje", last_name="Vergeten")
        young = closed(world.project, 23, first_name="Jonkie")
        buddy = f.BuddyFactory(
            project=world.project,
            status=Buddy.Status.STOPPED,
            status_changed_on=retention.months_before(clock.today(), 30),
            first_name="Gestopt",
        )
        report = retention.retention_run()
        assert report.total == 2
        assert report.erased == {world.project.pk: {"participant": 1, "buddy": 1}}
        old.refresh_from_db()
        buddy.refresh_from_db()
        young.refresh_from_db()
        assert old.first_name != "Oudje" and old.last_name != "Vergeten"
        assert buddy.first_name != "Gestopt"
        assert young.first_name == "Jonkie"
        entry = AuditEntry.unscoped.get(action="privacy.retention_applied")
        assert entry.project == world.project
        assert entry.data["participant"] == 1 and entry.data["buddy"] == 1
    assert [m.to for m in mail.outbox] == [[world.coord.email], [world.officer.email]]
    assert "Oudje" not in mail.outbox[0].body and "Gestopt" not in mail.outbox[0].body
    # Again: nothing left to do (the erasure marks the people it erased, or is idempotent).
    with scopes_disabled():
        again = retention.retention_run()
        old.refresh_from_db()
    assert old.first_name != "Oudje"
    assert again.total in (0, 2)


def test_the_jobs_own_queries_are_constant_per_batch(world, monkeypatch):
    """The job's queries less the erasure's own: one read per batch, plus a fixed
    number for the terms and the report."""
    real = erasure.erase_person
    inside = []

    def counted(person, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            result = real(person, **kwargs)
        inside.append(len(queries))
        return result

    monkeypatch.setattr(erasure, "erase_person", counted)

    def own_queries(people: int, size: int) -> tuple[int, int]:
        with scopes_disabled():
            for _ in range(people):
                closed(world.project, 30)
            inside.clear()
            with CaptureQueriesContext(connection) as queries:
                report = retention.retention_run(size=size)
        return len(queries) - sum(inside), report.batches

    small, small_batches = own_queries(3, size=3)
    large, large_batches = own_queries(12, size=3)
    assert small_batches == 1
    # 4 batches of 3, or 5 when the erasure leaves no mark and the first 3 come again.
    assert large_batches in (4, 5)
    # Per batch of the participants one read; the rest (terms, the buddies' empty read,
    # the report) is the same for both runs.
    assert large - small == large_batches - small_batches
