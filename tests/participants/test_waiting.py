"""The wait estimate, tested against a constructed history with a known answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django_scopes import scopes_disabled

from buddynet.participants.models import Participant
from buddynet.participants.selectors import participant_wait, waiting_list, waiting_rows
from buddynet.participants.waiting import estimate_wait, match_rate_interval
from tests import factories as f

TODAY = date(2026, 11, 27)


def test_rate_interval_matches_the_exact_poisson_interval():
    # 12 matches in 6 months. Garwood 80% interval for the count: chi2(0.10; 24)/2 =
    # 15.6587/2 and chi2(0.90; 26)/2 = 35.5632/2 (statistical tables), per month / 6.
    low, high = match_rate_interval(12, 6)
    assert low == pytest.approx(15.6587 / 2 / 6, abs=1e-3)
    assert high == pytest.approx(35.5632 / 2 / 6, abs=1e-3)


def test_estimate_with_a_known_answer():
    # 4 people ahead, 12 matches in 6 months (2 a month): the 5th match is ~2.5 months away.
    estimate = estimate_wait(people_ahead=4, matches=12, window_months=6)
    assert estimate.months == pytest.approx(2.5)
    assert estimate.low_months == pytest.approx(5 / (35.5632 / 12), abs=0.01)  # ~1.69
    assert estimate.high_months == pytest.approx(5 / (15.6587 / 12), abs=0.01)  # ~3.83
    assert estimate.low_months < estimate.months < estimate.high_months
    assert estimate.days == 76


def test_no_matches_means_no_estimate():
    estimate = estimate_wait(people_ahead=3, matches=0)
    assert not estimate.known and estimate.months is None


def test_first_in_line_waits_less_than_the_tenth():
    first = estimate_wait(people_ahead=0, matches=6)
    tenth = estimate_wait(people_ahead=9, matches=6)
    assert first.months < tenth.months


def test_positions_and_estimates_from_a_constructed_history(db, time_machine):
    time_machine.move_to(TODAY)
    with scopes_disabled():
        project = f.ProjectFactory()
        # 12 matches in the last six months.
        for i in range(12):
            f.ParticipantFactory(
                project=project,
                status=Participant.Status.MATCHED,
                matched_on=TODAY - timedelta(days=5 + i * 14),
            )
        # An old match outside the window does not count.
        f.ParticipantFactory(
            project=project, status="matched", matched_on=TODAY - timedelta(days=300)
        )
        waiting = []
        for days, urgency, reason in [
            (100, "normal", "no_buddy"),  # 2nd: urgent ones go first
            (90, "normal", "paused"),  # paused: not in line
            (80, "high", "no_buddy"),  # 1st
            (70, "normal", "participant"),  # 3rd
            (60, "low", "no_buddy"),  # 5th: low urgency after normal
            (50, "normal", "no_buddy"),  # 4th
        ]:
            waiting.append(
                f.ParticipantFactory(
                    project=project,
                    status="waiting",
                    waiting_since=TODAY - timedelta(days=days),
                    urgency=urgency,
                    waiting_reason=reason,
                )
            )
        shown, positions, matches = waiting_list(project=project, today=TODAY)
        assert matches == 12
        order = [positions.get(p.pk) for p in waiting]
        assert order == [2, None, 1, 3, 5, 4]
        rows = {
            row.participant.pk: row
            for row in waiting_rows(
                list(shown), project=project, positions=positions, matches=matches, today=TODAY
            )
        }
        fifth = rows[waiting[4].pk]
        assert fifth.estimate.months == pytest.approx(2.5)  # 4 ahead, 2 matches a month
        assert rows[waiting[1].pk].estimate is None
        # The single-person query agrees with the list.
        position, estimate = participant_wait(participant=waiting[4], today=TODAY)
        assert position == 5 and estimate.months == pytest.approx(2.5)
        assert participant_wait(participant=waiting[1], today=TODAY) == (None, None)
