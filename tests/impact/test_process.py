"""The process figures next to the outcomes: exact figures on hand-built data, a
constant number of queries, and the same figures on the page, in the funder report
(PDF and XLSX) and in the API."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.followup.models import Closure, Signal
from buddynet.impact import process, stats
from buddynet.trajectories.models import Goal, GoalLevelChange, JournalEntry, Trajectory
from tests import factories as f

pytestmark = pytest.mark.django_db

FROM, TO = date(2026, 1, 1), date(2026, 6, 30)
BRUSSELS = ZoneInfo("Europe/Brussels")
PERIOD = {"date_from": FROM.isoformat(), "date_to": TO.isoformat()}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _person(project, referred_on, matched_on=None):
    status = "matched" if matched_on else "waiting"
    return f.ParticipantFactory(
        project=project, referred_on=referred_on, matched_on=matched_on, status=status
    )


def _trajectory(project, started_on, closed_on=None, *, planned=None):
    t = Trajectory.objects.create(
        project=project,
        buddy=f.BuddyFactory(project=project),
        participant=_person(project, date(2020, 1, 1)),
        status="closed" if closed_on else "active",
        started_on=started_on,
        closed_on=closed_on,
    )
    if planned is not None:
        Closure.objects.create(project=project, trajectory=t, planned=planned, reason="other")
    return t


def _contacts(t, *days):
    for day in days:
        JournalEntry.objects.create(project=t.project, trajectory=t, on=day, kind="visit")


def _goal(t, *levels):
    """A goal with its levels as (level, day), the first one when it was agreed."""
    goal = Goal.objects.create(
        project=t.project, trajectory=t, title="Zelf boodschappen doen", agreed_on=levels[0][1]
    )
    for level, day in levels:
        GoalLevelChange.objects.create(project=t.project, goal=goal, level=level, on=day)
    return goal


def _signal(t, severity, when: datetime):
    s = Signal.objects.create(
        project=t.project,
        trajectory=t,
        raised_as="buddy",
        kind="boundary",
        severity=severity,
        description="Te veel gevraagd",
    )
    Signal.objects.filter(pk=s.pk).update(created_at=when)


def _build(project):
    """The hand-built project (figures worked out in the comments)."""
    # Referrals in the period: the 1st, 3rd, 4th and 5th person (4).
    # Matched in the period: 1st, 2nd, 3rd (3), waiting 10, 62 and 30 days.
    _person(project, date(2026, 1, 10), date(2026, 1, 20))
    _person(project, date(2025, 12, 1), date(2026, 2, 1))
    _person(project, date(2026, 3, 1), date(2026, 3, 31))
    _person(project, date(2026, 5, 1))
    _person(project, date(2026, 6, 1), date(2026, 7, 15))
    _person(project, date(2025, 11, 1), date(2025, 12, 15))
    # Trajectories. Days running within the period: 59 + 91 + 92 + 150 = 392.
    t1 = _trajectory(project, date(2025, 10, 1), date(2026, 2, 28), planned=True)  # 150 d
    t2 = _trajectory(project, date(2026, 1, 15), date(2026, 4, 15), planned=False)  # 90 d
    t3 = _trajectory(project, date(2026, 3, 1), date(2026, 5, 31))  # 91 d, no closure
    t4 = _trajectory(project, date(2026, 2, 1))  # still running
    t5 = _trajectory(project, date(2025, 1, 1), date(2025, 12, 31), planned=True)  # before
    _trajectory(project, date(2026, 8, 1))  # after
    # Contacts in the period: 2 + 3 + 5 = 10 (two outside the period).
    _contacts(t1, date(2025, 12, 20), date(2026, 1, 5), date(2026, 2, 20))
    _contacts(t2, date(2026, 1, 16), date(2026, 2, 16), date(2026, 3, 16))
    _contacts(t4, *(date(2026, m, 3) for m in range(2, 7)))
    _contacts(t5, date(2025, 12, 1))
    # Goals that could move (not at "alone" when the period began): g1, g2, g4, g6, g7.
    _goal(t2, (1, date(2026, 1, 20)), (2, date(2026, 3, 1)), (3, date(2026, 4, 1)))  # g1 ↑ alone
    _goal(t4, (2, date(2026, 2, 5)))  # g2: stays
    _goal(t4, (3, date(2026, 2, 5)))  # g3: already alone, not counted
    _goal(t1, (1, date(2025, 11, 1)), (2, date(2025, 12, 1)), (3, date(2026, 7, 10)))  # g4
    _goal(t5, (1, date(2025, 2, 1)), (3, date(2025, 6, 1)))  # g5: trajectory not running
    _goal(t1, (2, date(2025, 11, 1)), (1, date(2026, 2, 1)))  # g6: went down
    _goal(t3, (1, date(2026, 3, 2)), (2, date(2026, 5, 1)))  # g7: ↑, not alone
    # Signals raised in the period: 2 high, 1 medium, 1 low (one medium just before).
    _signal(t2, "high", datetime(2026, 2, 1, 12, tzinfo=BRUSSELS))
    _signal(t4, "high", datetime(2026, 3, 1, 12, tzinfo=BRUSSELS))
    _signal(t4, "low", datetime(2026, 1, 1, 0, 30, tzinfo=BRUSSELS))
    _signal(t4, "medium", datetime(2026, 6, 30, 23, 30, tzinfo=BRUSSELS))
    _signal(t1, "medium", datetime(2025, 12, 31, 23, 30, tzinfo=BRUSSELS))


def _figures(project):
    return process.process_figures(project=project, date_from=FROM, date_to=TO)


def test_process_figures_are_exact_on_hand_built_data(world):
    with scopes_disabled():
        _build(world.project)
        _person(world.sibling, date(2026, 2, 2), date(2026, 2, 3))  # another project
        figures = _figures(world.project)
    got = {row.key: (row.value, row.n) for row in figures.rows}
    assert got["referrals"] == (4, 4)
    assert got["matched"] == (3, 3)
    waiting = figures["waiting_days"]
    # Waits 10, 30, 62: median 30; 10th percentile 10 + 0.2·20, 90th 30 + 0.8·32.
    assert (waiting.value, waiting.n) == (30, 3)
    assert waiting.low == pytest.approx(14) and waiting.high == pytest.approx(55.6)
    assert got["started"] == (3, 3)
    assert got["closed"] == (3, 3)
    length = figures["length_days"]
    # Lengths 90, 91, 150: median 91; 90 + 0.2·1 and 91 + 0.8·59.
    assert (length.value, length.n) == (91, 3)
    assert length.low == pytest.approx(90.2) and length.high == pytest.approx(138.2)
    assert got["planned"] == (1, 3)
    assert got["unplanned"] == (2, 3)
    per_month = figures["contacts_per_month"]
    assert per_month.n == 4
    assert per_month.value == pytest.approx(10 / (392 / 30.4375))
    assert got["goals_moved"] == (2, 5)
    assert got["goals_alone"] == (1, 5)
    assert got["signals_high"] == (2, 4)
    assert got["signals_medium"] == (1, 4)
    assert got["signals_low"] == (1, 4)


def test_an_empty_period_has_zeros_and_no_medians(world):
    with scopes_disabled():
        figures = process.process_figures(
            project=world.project, date_from=date(2000, 1, 1), date_to=date(2000, 12, 31)
        )
    assert figures["referrals"].value == 0
    assert figures["waiting_days"].value is None and figures["waiting_days"].n == 0
    assert figures["contacts_per_month"].value is None
    assert figures["goals_moved"].n == 0


def test_the_number_of_queries_does_not_grow_with_the_project(world):
    with scopes_disabled():
        _build(world.project)
        with CaptureQueriesContext(connection) as small:
            _figures(world.project)
        _build(world.project)  # twice the people, trajectories, goals and signals
        with CaptureQueriesContext(connection) as large:
            doubled = _figures(world.project)
    assert len(small.captured_queries) == len(large.captured_queries) == 5
    assert doubled["referrals"].value == 8 and doubled["goals_moved"].value == 4


def test_quantiles_interpolate_between_ranks():
    assert stats.quantile([1, 2, 3, 4], 0.5) == 2.5
    assert stats.median_and_80([5]) == (5, 5, 5)
    assert stats.median_and_80([]) == (None, None, None)
    assert stats.median_and_80(list(range(11))) == (5, 1, 9)


def test_report_cells_suppress_below_five():
    small = process.ProcessFigure("waiting_days", "Wait", 30, 3, 14, 55.6, unit="days")
    assert process.report_cells(small) == {
        "label": "Wait",
        "value": "",
        "low": "",
        "high": "",
        "n": stats.SUPPRESSED,
    }
    big = process.ProcessFigure("waiting_days", "Wait", 30, 5, 14.04, 55.6, unit="days")
    assert process.report_cells(big)["value"] == 30 and process.report_cells(big)["low"] == 14.0
    assert process.report_cells(process.ProcessFigure("matched", "M", 4, 4))["value"] == "< 5"
    assert process.report_cells(process.ProcessFigure("matched", "M", 5, 5))["value"] == 5


def test_page_report_and_api_show_the_process_figures(world, client_for):
    with scopes_disabled():
        _build(world.project)
    client = client_for(world.coord)
    kw = {"project": world.project.code}
    page = client.get(reverse("impact_outcomes", kwargs=kw), PERIOD)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-figure="waiting_days"' in body
    assert "14.0 \N{EN DASH} 55.6" in body  # the 80% range of the waiting time
    assert 'data-figure="goals_moved"' in body

    from openpyxl import load_workbook

    xlsx = client.get(reverse("impact_report_xlsx", kwargs=kw), PERIOD)
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = next(s for s in book.worksheets if s.title.startswith(("Procescijfers", "Process")))
    rows = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True)}
    with scopes_disabled():
        labels = {row.key: str(row.label) for row in _figures(world.project).rows}
    # Fewer than five: "< 5", and no median or range derived from them.
    assert rows[labels["referrals"]][0] == "< 5"
    assert rows[labels["waiting_days"]] == (None, None, None, "< 5")  # empty cells
    assert rows[labels["contacts_per_month"]] == (None, None, None, "< 5")  # 4 trajectories
    assert rows[labels["goals_moved"]][-1] == 5  # five goals: shown

    from pypdf import PdfReader

    pdf = client.get(reverse("impact_report_pdf", kwargs=kw), PERIOD)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert labels["goals_moved"] in " ".join(text.split())
    assert "< 5" in text

    api = client.get(
        f"/api/v1/projects/{world.project.code}/impact/outcomes",
        {"date_from": FROM.isoformat(), "date_to": TO.isoformat()},
    )
    assert api.status_code == 200
    data = api.json()
    by_key = {row["key"]: row for row in data["process_figures"]}
    assert by_key["waiting_days"]["value"] == 30 and by_key["waiting_days"]["n"] == 3
    assert by_key["waiting_days"]["low"] == pytest.approx(14)
    assert by_key["signals_high"]["value"] == 2 and by_key["signals_high"]["n"] == 4
    assert data["process"]["planned"] == 1
