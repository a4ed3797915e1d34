"""Retention terms per project: defaults from the consent registry, changed through a
form (audited, the same values twice change nothing), the files that expire in the
next 30 days, and the daily job's selection in batches with a constant number of
queries per batch (the job itself, which erases, is in ``test_retention_job.py``)."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.core.models import AuditEntry
from buddynet.participants import consent
from buddynet.participants.models import Participant
from buddynet.privacy import retention
from buddynet.privacy.models import PrivacySettings
from buddynet.volunteers.models import Buddy
from tests import factories as f
from tests.privacy import records

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)

TERMS = {
    "participant_months": 24,
    "buddy_months": 24,
    "message_months": 12,
    "proof_years": 5,
    "named_list_years": 7,
    "alert_files": 30,
    "alert_minutes": 10,
}


def closed(project, *, on, **kwargs):
    return f.ParticipantFactory(
        project=project, status=Participant.Status.CLOSED, closed_on=on, **kwargs
    )


def stopped(project, *, on, **kwargs):
    return f.BuddyFactory(
        project=project, status=Buddy.Status.STOPPED, status_changed_on=on, **kwargs
    )


def test_months_before_keeps_the_day_or_the_month_end():
    assert retention.months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert retention.months_before(datetime.date(2026, 1, 15), 24) == datetime.date(2024, 1, 15)
    assert retention.months_after(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)


def test_the_defaults_follow_the_consent_registry(world, monkeypatch):
    support = consent.BY_KEY[consent.SUPPORT]
    terms = retention.settings_for(world.project)
    assert terms.participant_months == support.kept_months_after_close == 24
    assert terms.pk is None  # nothing saved by reading
    longer = replace(support, kept_months_after_close=36)
    monkeypatch.setattr(
        consent, "PURPOSES", tuple(longer if p is support else p for p in consent.PURPOSES)
    )
    assert retention.settings_for(world.project).participant_months == 36


def test_settings_update_is_audited_once(world):
    with scopes_disabled():
        retention.settings_update(project=world.project, by=world.coord, **TERMS)
        retention.settings_update(project=world.project, by=world.coord, **TERMS)
        changed = {**TERMS, "participant_months": 12}
        row = retention.settings_update(project=world.project, by=world.coord, **changed)
        assert row.participant_months == 12
        assert PrivacySettings.objects.filter(project=world.project).count() == 1
        entries = AuditEntry.unscoped.filter(action="privacy.settings_changed")
        assert entries.count() == 2
        assert entries.first().data == {"participant_months": 12}


def test_the_form_saves_and_a_bad_value_is_a_400_keeping_what_was_typed(world, client_for):
    client = client_for(world.coord)
    url = reverse("privacy_retention_edit", kwargs={"project": world.project.code})
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["participant_months"] == 24
    bad = client.post(url, {**TERMS, "participant_months": "0", "buddy_months": "17"})
    assert bad.status_code == 400
    assert bad.context["form"]["buddy_months"].value() == "17"
    assert "participant_months" in bad.context["form"].errors
    good = client.post(url, {**TERMS, "participant_months": "18"})
    assert good.status_code == 302
    assert good["Location"] == reverse("privacy_retention", kwargs={"project": world.project.code})
    with scopes_disabled():
        assert retention.settings_for(world.project).participant_months == 18


def test_the_files_expiring_in_the_next_30_days(world, client_for):
    today = clock.today()
    with scopes_disabled():
        soon = closed(
            world.project,
            on=retention.months_before(today, 24) + datetime.timedelta(days=10),
            first_name="Binnenkortje",
        )
        gone = closed(
            world.project, on=retention.months_before(today, 25), first_name="Verlopenmans"
        )
        later = closed(world.project, on=retention.months_before(today, 12), first_name="Laatkomer")
        buddy = stopped(
            world.project,
            on=retention.months_before(today, 24) + datetime.timedelta(days=29),
            first_name="Stopgezetter",
        )
        closed(world.other, on=retention.months_before(today, 30), first_name="Eldersnaam")
        found = retention.expiring(project=world.project, today=today)
    assert [item.person for item in found] == [gone, soon, buddy]
    assert found[1].expires_on == today + datetime.timedelta(days=10)
    assert later not in [item.person for item in found]
    assert retention.expiring_count(project_ids=[world.project.pk], today=today) == 3
    page = client_for(world.coord).get(
        reverse("privacy_retention", kwargs={"project": world.project.code})
    )
    assert page.status_code == 200
    for name in ("Binnenkortje", "Verlopenmans", "Stopgezetter"):
        assert name in page.text
    assert "Laatkomer" not in page.text and "Eldersnaam" not in page.text


def test_a_shorter_term_brings_files_forward(world):
    today = clock.today()
    with scopes_disabled():
        person = closed(world.project, on=retention.months_before(today, 7))
        assert retention.expiring(project=world.project, today=today) == []
        retention.settings_update(
            project=world.project, by=world.coord, **{**TERMS, "participant_months": 6}
        )
        assert [i.person for i in retention.expiring(project=world.project, today=today)] == [
            person
        ]


def test_the_job_reads_the_expired_in_batches_with_constant_queries(
    world, django_assert_num_queries
):
    today = clock.today()
    with scopes_disabled():
        retention.settings_update(
            project=world.other, by=world.other_coord, **{**TERMS, "participant_months": 6}
        )
        expired = [closed(world.project, on=retention.months_before(today, 25)) for _ in range(5)]
        expired += [closed(world.other, on=retention.months_before(today, 7)) for _ in range(2)]
        closed(world.project, on=retention.months_before(today, 7))  # within 24 months
        closed(world.other, on=retention.months_before(today, 5))  # within 6 months
        kind = retention.KINDS[0]
        # The terms (1), each batch (1), the empty read that ends (1): for 7 people in
        # 4 batches of 2 as for 7 in 1 batch of 10.
        with django_assert_num_queries(1 + 4 + 1):
            batches = list(retention.expired_batches(kind, today=today, size=2))
        with django_assert_num_queries(1 + 1 + 1):
            whole = list(retention.expired_batches(kind, today=today, size=10))
    assert [len(b) for b in batches] == [2, 2, 2, 1]
    assert sorted(p.pk for b in batches for p in b) == sorted(p.pk for p in expired)
    assert [p.pk for p in whole[0]] == sorted(p.pk for p in expired)


def test_the_records_expiring_in_the_next_30_days_are_counted_per_kind(world, client_for):
    today = datetime.date(2026, 12, 10)
    with scopes_disabled():
        records.closed_pair(
            world.project,
            closed_on=retention.months_before(today, 12) + datetime.timedelta(days=10),
            name="Binnenkort",
        )
        records.closed_pair(world.project, closed_on=retention.months_before(today, 10))
        records.closed_pair(world.project, closed_on=retention.months_before(today, 60))
        records.stopped_buddy(world.project, on=retention.months_before(today, 60) + DAY)
        records.named_line(world.project, year=2019)  # goes on 1 January 2027
        records.named_line(world.project, year=2020)
        records.closed_pair(world.other, closed_on=retention.months_before(today, 12))
        found = retention.expiring_records(project=world.project, today=today)
    by_kind: dict[str, int] = {}
    for item in found:
        name = item.kind.model.__name__
        by_kind[name] = by_kind.get(name, 0) + item.count
    assert by_kind == {
        "Message": 2 + 2 + 1,  # in 10 days; already expired (60 months); the buddy's
        "AgreementVersion": 1,
        "AgreementSignature": 1,
        "InformationNote": 1,
        "NamedListEntry": 1,
    }
    soon = next(i for i in found if i.kind.key == "messages" and i.expires_on > today)
    assert soon.expires_on == today + datetime.timedelta(days=10)
    line = next(i for i in found if i.kind.key == "named_list")
    assert line.expires_on == datetime.date(2027, 1, 1)
    assert [i.expires_on for i in found] == sorted(i.expires_on for i in found)


def test_the_retention_page_shows_every_term_and_the_records_counted(world, client_for):
    with scopes_disabled():
        records.closed_pair(
            world.project, closed_on=retention.months_before(clock.today(), 13), name="Geheimpje"
        )
    page = client_for(world.coord).get(
        reverse("privacy_retention", kwargs={"project": world.project.code})
    )
    assert page.status_code == 200
    assert "Geheimpje" not in page.text
    assert [i.count for i in page.context["records"]] == [2]
    assert len(page.context["terms"]) == 5


def test_proof_is_kept_at_least_as_long_as_the_files_and_the_named_list_cannot_change(
    world, client_for
):
    client = client_for(world.coord)
    url = reverse("privacy_retention_edit", kwargs={"project": world.project.code})
    short = client.post(url, {**TERMS, "buddy_months": "36", "proof_years": "2"})
    assert short.status_code == 400
    assert "proof_years" in short.context["form"].errors
    tampered = client.post(url, {**TERMS, "named_list_years": "1", "proof_years": "6"})
    assert tampered.status_code == 302
    with scopes_disabled():
        terms = retention.settings_for(world.project)
    assert (terms.proof_years, terms.named_list_years) == (6, 7)
