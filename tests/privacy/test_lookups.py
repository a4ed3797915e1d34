"""Who looked at what: a project's readings from the audit log, filtered by whose file,
by who looked and by period, a page of 50 in a constant number of queries; the alert
on someone opening many files in a short time, raised and mailed once per burst."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.core.models import AuditEntry
from buddynet.privacy import lookups, retention
from buddynet.privacy.models import LookupAlert
from tests import factories as f

pytestmark = pytest.mark.django_db

TERMS = {"participant_months": 24, "buddy_months": 24, "alert_files": 5, "alert_minutes": 10}


def opened(person, by, *, at=None):
    entry = person.log_action(f"{person._meta.model_name}.viewed", user=by)
    if at is not None:
        AuditEntry.unscoped.filter(pk=entry.pk).update(created_at=at)
    return entry


def url(w, **query):
    from urllib.parse import urlencode

    base = reverse("privacy_lookups", kwargs={"project": w.project.code})
    return f"{base}?{urlencode(query)}" if query else base


def test_the_list_and_its_filters(world, client_for):
    with scopes_disabled():
        opened(world.participant, world.coord)
        opened(world.buddy, world.prof)
        opened(world.own_participant, world.prof, at=timezone.now() - datetime.timedelta(days=40))
        opened(world.other_participant, world.other_coord)  # another project
        world.participant.log_action("participant.referred", user=world.coord)  # not a reading
    client = client_for(world.coord)
    page = client.get(url(world))
    assert page.status_code == 200
    files = [row.file for row in page.context["rows"]]
    assert files == [
        world.buddy.full_name,
        world.participant.full_name,
        world.own_participant.full_name,
    ]
    assert world.other_participant.full_name not in page.text
    by_prof = client.get(url(world, reader=str(world.prof.code)))
    assert [r.entry.actor for r in by_prof.context["rows"]] == [world.prof, world.prof]
    recent = client.get(
        url(world, since=(timezone.localdate() - datetime.timedelta(days=7)).isoformat())
    )
    assert len(recent.context["rows"]) == 2
    one_file = client.get(url(world, file=str(world.participant.code)))
    assert [r.file for r in one_file.context["rows"]] == [world.participant.full_name]
    assert client.get(url(world, file=str(world.other_participant.code))).status_code == 404


def test_a_bad_filter_is_a_400_with_the_reason(world, client_for):
    client = client_for(world.coord)
    response = client.get(url(world, since="2026-05-01", until="2026-04-01"))
    assert response.status_code == 400
    assert "until" in response.context["form"].errors
    assert client.get(url(world, reader="nobody")).status_code == 400


def test_a_page_takes_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.coord)
    client.get(url(world))  # the content types and the session, read once

    def count(n):
        with scopes_disabled():
            for _ in range(n):
                opened(f.ParticipantFactory(project=world.project), world.coord)
                opened(f.BuddyFactory(project=world.project), world.prof)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(world))
        assert response.status_code == 200
        return len(queries)

    few = count(3)
    many = count(40)  # more than a page
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(url(world, page="2"))


def test_the_alert_fires_once_per_burst_and_mails_the_coordinators_and_officer(world):
    now = timezone.now()
    with scopes_disabled():
        retention.settings_update(project=world.project, by=world.coord, **TERMS)
        people = [
            f.ParticipantFactory(
                project=world.project, first_name=f"Geheim{i}", last_name="Naamloos"
            )
            for i in range(7)
        ]
        for person in people[:5]:
            opened(person, world.prof, at=now - datetime.timedelta(minutes=3))
            opened(person, world.prof, at=now - datetime.timedelta(minutes=2))  # same file
        assert lookups.lookups_watch(now=now) == []  # 5 files: not more than 5
        opened(people[5], world.prof, at=now - datetime.timedelta(minutes=1))
        raised = lookups.lookups_watch(now=now)
        assert [(a.user, a.files) for a in raised] == [(world.prof, 6)]
        # The project's coordinator and its privacy officer, one mail each.
        assert [m.to for m in mail.outbox] == [[world.coord.email], [world.officer.email]]
        body = mail.outbox[0].body
        assert world.prof.display_name in body and "6" in body
        for person in people:
            assert person.last_name not in body and person.first_name not in body
        # The next runs of the watch, with the burst going on: no new alert, no new mail.
        assert lookups.lookups_watch(now=now + datetime.timedelta(minutes=5)) == []
        opened(people[6], world.prof)
        assert lookups.lookups_watch(now=timezone.now()) == []
        assert LookupAlert.objects.count() == 1
        assert LookupAlert.objects.get().files == 7
        assert len(mail.outbox) == 2
        assert AuditEntry.unscoped.filter(action="privacy.lookup_alert").count() == 1
        # A new burst much later is a new alert.
        later = now + datetime.timedelta(hours=3)
        for person in people:
            opened(person, world.prof, at=later - datetime.timedelta(minutes=1))
        assert len(lookups.lookups_watch(now=later)) == 1
        assert len(mail.outbox) == 4


def test_the_default_alert_is_30_files_in_10_minutes(world):
    now = timezone.now()
    with scopes_disabled():
        people = [f.ParticipantFactory(project=world.project) for _ in range(31)]
        for person in people[:30]:
            opened(person, world.coord, at=now - datetime.timedelta(minutes=5))
        opened(people[30], world.coord, at=now - datetime.timedelta(minutes=11))  # too early
        assert lookups.lookups_watch(now=now) == []
        opened(people[30], world.coord, at=now - datetime.timedelta(minutes=4))
        assert len(lookups.lookups_watch(now=now)) == 1


def test_the_alert_shows_on_the_privacy_pages_and_the_dashboard(world, client_for):
    with scopes_disabled():
        retention.settings_update(project=world.project, by=world.coord, **TERMS)
        for _ in range(6):
            opened(f.ParticipantFactory(project=world.project), world.prof)
        assert len(lookups.lookups_watch()) == 1
    client = client_for(world.coord)
    for page in ("privacy_lookups", "privacy_register"):
        response = client.get(reverse(page, kwargs={"project": world.project.code}))
        assert [(a.user, a.files) for a in response.context["alerts"]] == [(world.prof, 6)]
        assert "alert-warning" in response.text
    dashboard = client.get(reverse("dashboard")).text
    assert "privacy-dashboard" in dashboard and world.prof.display_name in dashboard
    other = client_for(world.other_coord).get(reverse("dashboard")).text
    assert "privacy-dashboard" not in other
