"""The wait estimate, tested against a constructed history with a known answer."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db.models import Case, IntegerField, Value, When
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


def _line_by_counting_everyone(project) -> tuple[list[Participant], dict[int, int]]:
    """The list's order and places as they were computed before issue 12: every waiting
    person read in order, the ones not paused numbered one by one."""
    with scopes_disabled():
        everyone = list(
            Participant.objects.filter(project=project, status="waiting").order_by(
                Case(
                    When(urgency="high", then=Value(0)),
                    When(urgency="low", then=Value(2)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                "waiting_since",
                "pk",
            )
        )
    places: dict[int, int] = {}
    for person in everyone:
        if person.waiting_reason != "paused":
            places[person.pk] = len(places) + 1
    return everyone, places


def test_places_on_any_page_equal_counting_the_whole_line(db, time_machine):
    """The places are computed for the page only (a count of who is ahead of its first
    person in line, then the page's stretch of the line): on every page, with every
    filter, they equal numbering the whole line, through ties on the date, paused people,
    people without a waiting date, and other projects and statuses mixed in."""
    time_machine.move_to(TODAY)
    rng = random.Random(12)
    with scopes_disabled():
        project, other = f.ProjectFactory(), f.ProjectFactory()
        for i in range(60):
            f.ParticipantFactory(
                project=project if i % 5 else other,
                status="waiting" if i % 7 else rng.choice(["matched", "intake"]),
                urgency=rng.choice(["high", "normal", "normal", "low"]),
                waiting_reason=rng.choice(["no_buddy", "no_buddy", "participant", "paused"]),
                # Few dates, so many people share one; two have none.
                waiting_since=None if i in (11, 23) else TODAY - timedelta(days=rng.randint(1, 6)),
                last_name=rng.choice(["Peeters", "Janssens", "Maes"]),
            )
        everyone, expected = _line_by_counting_everyone(project)
        assert 10 < len(expected) < len(everyone)
        filters = [(None, None), ("participant", None), ("paused", None), (None, "Maes")]
        for reason, query in filters:
            shown, places, matches = waiting_list(
                project=project, today=TODAY, reason=reason, query=query
            )
            assert len(places) == len(expected)
            seen = []
            for start in range(0, shown.count(), 7):
                page = list(shown[start : start + 7])
                rows = waiting_rows(
                    page, project=project, positions=places, matches=matches, today=TODAY
                )
                seen += [row.participant.pk for row in rows]
                assert [row.position for row in rows] == [expected.get(p.pk) for p in page]
            # The order shown is the order of the whole line, filtered.
            assert seen == [p.pk for p in everyone if p.pk in set(seen)]
        for person in everyone:
            assert places.get(person.pk) == expected.get(person.pk)
            assert participant_wait(participant=person, today=TODAY)[0] == expected.get(person.pk)


def test_the_stored_urgency_rank_follows_the_urgency_however_it_is_written(db):
    """The rank is computed by the database: a save, a bulk update and ``update()`` all
    keep it equal to the model's ``URGENCY_RANK`` of the urgency."""
    with scopes_disabled():
        person = f.ParticipantFactory(urgency="low")

        def rank() -> int:
            return Participant.objects.values_list("urgency_rank", flat=True).get(pk=person.pk)

        assert rank() == Participant.URGENCY_RANK["low"] == 2
        person.urgency = "high"
        person.save()
        assert rank() == 0
        Participant.objects.filter(pk=person.pk).update(urgency="normal")
        assert rank() == 1
        person.urgency = "low"
        Participant.objects.bulk_update([person], ["urgency"])
        assert rank() == 2
        assert set(Participant.URGENCY_RANK) == set(Participant.Urgency.values)
