from __future__ import annotations

import random
import statistics
from datetime import date, timedelta

import pytest
from django_scopes import scopes_disabled

from buddynet.participants.models import Participant
from buddynet.participants.selectors import (
    median_from_histogram,
    participant_figures,
    participant_inflow_by_month,
)
from tests import factories as f

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize("seed", range(25))
def test_median_from_histogram_equals_the_median(seed):
    rng = random.Random(seed)
    values = [rng.randint(0, 60) for _ in range(rng.randint(1, 40))]
    histogram: dict[int, int] = {}
    for value in values:
        histogram[value] = histogram.get(value, 0) + 1
    assert median_from_histogram(list(histogram.items())) == statistics.median(values)


def test_figures_with_a_known_answer(db):
    with scopes_disabled():
        project = f.ProjectFactory()
        for days in (10, 20, 30, 100):  # median wait 25 days
            f.ParticipantFactory(
                project=project,
                status=Participant.Status.WAITING,
                waiting_since=TODAY - timedelta(days=days),
                last_contact_on=TODAY - timedelta(days=days // 2),
                next_contact_due=TODAY - timedelta(days=days // 2) + timedelta(days=28),
            )
        f.ParticipantFactory(project=project, status=Participant.Status.MATCHED)
        figures = participant_figures(project_ids=[project.pk], today=TODAY)[project.pk]
    assert figures["median_wait_days"] == 25
    assert figures["by_status"]["waiting"] == 4
    assert figures["by_status"]["matched"] == 1
    assert figures["total"] == 5
    # Contacts due: last contact 50 days ago (+28 = overdue) and 15 days ago (+28 = in
    # 13 days, not due); 5 and 10 days ago are not due either.
    assert figures["needing_contact"] == 1
    # Without contact for longer than the project's 42 days: only the one at 50 days.
    assert figures["flagged"] == 1


def test_inflow_by_month_counts_per_month(db):
    with scopes_disabled():
        project = f.ProjectFactory()
        for referred_on in (date(2026, 11, 2), date(2026, 11, 20), date(2026, 9, 30)):
            f.ParticipantFactory(project=project, referred_on=referred_on)
        f.ParticipantFactory(project=project, referred_on=date(2024, 1, 1))  # too old
        rows = dict(participant_inflow_by_month(project_ids=[project.pk], today=TODAY))
    assert len(rows) == 12
    assert rows["2026-11"] == 2 and rows["2026-09"] == 1 and rows["2026-10"] == 0
    assert "2025-12" in rows and "2025-11" not in rows
