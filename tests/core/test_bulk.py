"""``bulk_update_rows``: the same rows as Django's ``bulk_update``, written by a join."""

from __future__ import annotations

from datetime import date

from django_scopes import scopes_disabled

from buddynet.core.bulk import bulk_update_rows
from buddynet.participants.models import Participant
from tests import factories as f


def test_bulk_update_rows_writes_every_kind_of_field_and_nothing_else(db):
    with scopes_disabled():
        project = f.ProjectFactory()
        people = [
            f.ParticipantFactory(project=project, first_name=f"P{i}", health_notes="")
            for i in range(205)
        ]
        untouched = f.ParticipantFactory(project=project, help_request="stays")
        for i, person in enumerate(people):
            person.help_request = f"new {i} — 'quoted' \"text\""
            person.intake_on = date(2026, 1, 1 + i % 28) if i % 3 else None
            person.household_size = i % 5 + 1
            person.interests = ["wandelen", f"i{i}"]
            person.waiting_reason = "paused" if i % 2 else "participant"
            person.first_name = "not written"
        fields = ["help_request", "intake_on", "household_size", "interests", "waiting_reason"]
        bulk_update_rows(people, fields, batch_size=50)
        stored = {p.pk: p for p in Participant.objects.filter(project=project)}
        for i, person in enumerate(people):
            row = stored[person.pk]
            assert row.help_request == person.help_request
            assert row.intake_on == person.intake_on
            assert row.household_size == person.household_size
            assert row.interests == ["wandelen", f"i{i}"]
            assert row.waiting_reason == person.waiting_reason
            assert row.first_name == f"P{i}"
        assert stored[untouched.pk].help_request == "stays"
        bulk_update_rows([], fields)  # nothing to write, no statement
