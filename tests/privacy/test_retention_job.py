"""The daily retention job with the real erasure (``privacy.erasure``): the files past
their project's term are anonymised, the others left alone, the job reports per project
(audit entry, a mail to the coordinators with counts only) and its own queries are a
constant number per batch, however many people a batch holds."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from buddynet.contact.models import Message
from buddynet.core import clock, personal
from buddynet.core.models import AuditEntry
from buddynet.expenses.models import NamedListEntry
from buddynet.participants.models import Participant
from buddynet.privacy import retention
from buddynet.privacy.models import PrivacySettings
from buddynet.trajectories.models import AgreementSignature, AgreementVersion
from buddynet.volunteers.models import Buddy, InformationNote
from tests import factories as f
from tests.privacy import records

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

    erasure.candidates_for([])  # the content types' cache, read once per process
    small, small_batches = own_queries(3, size=3)
    large, large_batches = own_queries(12, size=3)
    assert small_batches == 1
    # 4 batches of 3, or 5 when the erasure leaves no mark and the first 3 come again.
    assert large_batches in (4, 5)
    # Per batch of the participants three reads (the people, the audit log's entries
    # and the notifications that may name them); the rest (terms, the buddies' and the
    # records' empty reads, the report) is the same for both runs.
    assert large - small == 3 * (large_batches - small_batches)


# --- Records with a term of their own --------------------------------------------------

DAY = datetime.date(2026, 12, 10)


def _values(model, pk):
    return model._base_manager.values().get(pk=pk)


def test_each_kind_of_record_goes_at_the_end_of_its_own_term(world):
    with scopes_disabled():
        young = records.closed_pair(world.project, closed_on=retention.months_before(DAY, 11))
        chatty = records.closed_pair(
            world.project, closed_on=retention.months_before(DAY, 13), name="Kletskous"
        )
        old = records.closed_pair(
            world.project, closed_on=retention.months_before(DAY, 61), name="Oudpaar"
        )
        buddy, note, message = records.stopped_buddy(
            world.project, on=retention.months_before(DAY, 61), name="Notaris"
        )
        _recent, recent_note, _m = records.stopped_buddy(
            world.project, on=retention.months_before(DAY, 30), name="Recentje"
        )
        gone_line = records.named_line(world.project, year=DAY.year - 8, name="Oudlijst")
        kept_line = records.named_line(world.project, year=DAY.year - 7, name="Nieuwlijst")
        lines_total = sum(e.amount for e in NamedListEntry.objects.all())
        counts = {m: m._base_manager.count() for m in (Message, NamedListEntry, InformationNote)}

        report = retention.retention_run(today=DAY)

        assert report.erased[world.project.pk] == {
            "buddy": 2,  # both stopped more than 24 months ago: erased (the note kept)
            "messages": 4,  # 13 and 61 months after the trajectory closed
            "proof": 3,  # the old pair's version and signature, the old buddy's note
            "named_list": 1,
        }
        # Messages: emptied 12 months after the trajectory closed, not before.
        assert all(_values(Message, m.pk)["body"] == "" for m in chatty.messages + old.messages)
        assert all(_values(Message, m.pk)["body"].startswith("Dag") for m in young.messages)
        # Proof: 5 years, after the file's erasure (the buddy) or alone (the pair).
        assert _values(AgreementVersion, old.version.pk)["text"] == personal.ERASED
        assert _values(AgreementSignature, old.signature.pk)["signed_name"] == personal.ERASED
        assert _values(AgreementVersion, chatty.version.pk)["text"].endswith("Kletskous")
        assert _values(InformationNote, note.pk)["signed_name"] == personal.ERASED
        assert _values(InformationNote, note.pk)["text"] == personal.ERASED
        assert _values(InformationNote, recent_note.pk)["signed_name"] == "Recentje"
        buddy.refresh_from_db()
        assert buddy.erased_at is not None and message.body  # the file's erasure took it
        assert _values(Message, message.pk)["body"] == ""
        # The named list: seven years after the end of its year.
        assert _values(NamedListEntry, gone_line.pk)["volunteer_name"] == personal.ERASED
        assert _values(NamedListEntry, kept_line.pk)["volunteer_name"] == "Nieuwlijst"
        # Rows, amounts and dates stay: the reports' totals do not change.
        assert {m: m._base_manager.count() for m in counts} == counts
        assert sum(e.amount for e in NamedListEntry.objects.all()) == lines_total
        assert _values(NamedListEntry, gone_line.pk)["on"] == gone_line.on
        entry = AuditEntry.unscoped.get(action="privacy.retention_applied")
        assert entry.data == {"on": DAY.isoformat(), **report.erased[world.project.pk]}
    body = mail.outbox[0].body
    assert "4" in body and "3" in body
    for name in ("Kletskous", "Oudpaar", "Notaris", "Oudlijst"):
        assert name not in body and name not in str(entry.data)
    # Twice: nothing more to do, nothing changes.
    with scopes_disabled():
        snapshot = [_values(Message, m.pk) for m in young.messages + old.messages]
        again = retention.retention_run(today=DAY)
        assert again.total == 0
        assert [_values(Message, m.pk) for m in young.messages + old.messages] == snapshot
        assert AuditEntry.unscoped.filter(action="privacy.retention_applied").count() == 1


def test_the_named_list_survives_seven_years_then_goes(world):
    with scopes_disabled():
        line = records.named_line(world.project, year=2019)
        last_day = datetime.date(2026, 12, 31)
        assert retention.retention_run(today=last_day).total == 0
        assert _values(NamedListEntry, line.pk)["volunteer_name"] == "Lijstnaam"
        # A project cannot keep it shorter than the law says.
        row = PrivacySettings(project=world.project, named_list_years=5)
        with pytest.raises(ValidationError):
            row.full_clean(exclude=["project"])
        report = retention.retention_run(today=datetime.date(2027, 1, 1))
        assert report.erased == {world.project.pk: {"named_list": 1}}
        assert _values(NamedListEntry, line.pk)["volunteer_name"] == personal.ERASED


def test_a_projects_own_message_term_and_another_projects_default(world):
    with scopes_disabled():
        retention.settings_update(project=world.project, by=world.coord, message_months=3)
        here = records.closed_pair(world.project, closed_on=retention.months_before(DAY, 4))
        there = records.closed_pair(world.other, closed_on=retention.months_before(DAY, 4))
        report = retention.retention_run(today=DAY)
    assert report.erased == {world.project.pk: {"messages": 2}}
    assert _values(Message, here.messages[0].pk)["body"] == ""
    assert _values(Message, there.messages[0].pk)["body"] != ""


def test_the_records_job_makes_the_same_queries_for_one_or_many_records(world):
    def queries(pairs: int) -> int:
        with scopes_disabled():
            for _ in range(pairs):
                records.closed_pair(world.project, closed_on=retention.months_before(DAY, 70))
            AuditEntry.unscoped.all().delete()
            with CaptureQueriesContext(connection) as captured:
                report = retention.retention_run(today=DAY)
        assert report.erased[world.project.pk]["messages"] == 2 * pairs
        return len(captured)

    assert queries(1) == queries(5)


def test_the_daily_job_reads_the_audit_log_once_per_batch_not_per_person(world):
    """The free-text scan of the audit log (names, addresses in its details) is one
    query per batch of people, however many people the batch holds."""

    def scans(people: int, size: int) -> int:
        with scopes_disabled():
            for n in range(people):
                person = closed(world.project, 30, first_name=f"Naam{n}", last_name="Scan")
                person.log_action("participant.imported", data={"who": person.full_name})
            with CaptureQueriesContext(connection) as captured:
                retention.retention_run(size=size)
        table = AuditEntry._meta.db_table
        return sum(
            1
            for q in captured
            if table in q["sql"] and "LIKE" in q["sql"].upper() and q["sql"].startswith("SELECT")
        )

    assert scans(1, size=10) == 1
    assert scans(6, size=10) == 1
    assert scans(6, size=3) == 2
    with scopes_disabled():
        assert not AuditEntry.unscoped.filter(data__icontains="Scan").exists()
