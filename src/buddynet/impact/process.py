"""The process figures a funder asks for next to the outcomes, per project and period
(both days included), each with the number of people, trajectories, goals or signals
it is about (``n``). Five queries, whatever the size of the project.

- referrals: people referred in the period (``Participant.referred_on``);
- people matched: people matched with a buddy in the period (``matched_on``);
- waiting time: days from referral to match of the people matched in the period,
  median and 80% range (10th to 90th percentile);
- trajectories started in the period; trajectory length: days from start to closure
  of the trajectories closed in the period, median and 80% range;
- planned and unplanned closures of those (a closure recorded as unplanned, or a
  trajectory closed without a closure record, is unplanned);
- contacts per month: journal entries in the period per month that the trajectories
  ran within the period (all trajectories running at some day of the period);
- goals moved towards "alone": goals of those trajectories, not yet at "alone" when
  the period began (or when agreed within it), whose level was higher at its end; and
  how many of them reached "alone";
- boundary signals raised in the period, per severity.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from buddynet.core import versions
from buddynet.followup import clock as followup_clock
from buddynet.followup.models import Signal
from buddynet.participants.models import Participant
from buddynet.trajectories.models import GoalLevelChange, JournalEntry, Level, Trajectory

from . import stats

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class ProcessFigure:
    """One figure: ``value`` (a count, a median or a rate), its 80% range where it has
    one, and ``n``: how many people, trajectories, goals or signals it is about."""

    key: str
    label: str | Promise
    value: float | None
    n: int
    low: float | None = None
    high: float | None = None
    unit: str = "count"  # count, days, per_month

    @property
    def has_range(self) -> bool:
        return self.low is not None


@dataclass(frozen=True)
class ProcessFigures:
    rows: list[ProcessFigure]

    def __getitem__(self, key: str) -> ProcessFigure:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def values(self) -> dict[str, float | None]:
        """``{key: value}``: the flat form the API's ``process`` field keeps."""
        return {row.key: row.value for row in self.rows}


def _in(day: date | None, date_from: date, date_to: date) -> bool:
    return day is not None and date_from <= day <= date_to


def _running_in(date_from: date, date_to: date, prefix: str = "") -> Q:
    """Trajectories that ran on at least one day of the period."""
    return Q(**{f"{prefix}started_on__lte": date_to}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": date_from})
    )


def _people(project, date_from: date, date_to: date) -> list[ProcessFigure]:
    rows = (
        Participant.objects.filter(project=project)
        .filter(
            Q(referred_on__range=(date_from, date_to)) | Q(matched_on__range=(date_from, date_to))
        )
        .values_list("referred_on", "matched_on")
    )
    referred = matched = 0
    waits: list[int] = []
    for referred_on, matched_on in rows:
        referred += _in(referred_on, date_from, date_to)
        if matched_on is not None and _in(matched_on, date_from, date_to):
            matched += 1
            if referred_on is not None and referred_on <= matched_on:
                waits.append((matched_on - referred_on).days)
    median, low, high = stats.median_and_80(waits)
    return [
        ProcessFigure("referrals", _("Referrals"), referred, referred),
        ProcessFigure("matched", _("People matched with a buddy"), matched, matched),
        ProcessFigure(
            "waiting_days",
            _("Waiting time from referral to a buddy (days)"),
            median,
            len(waits),
            low,
            high,
            unit="days",
        ),
    ]


def _trajectories(project, date_from: date, date_to: date) -> list[ProcessFigure]:
    running = list(
        Trajectory.objects.filter(project=project)
        .filter(_running_in(date_from, date_to))
        .values_list("started_on", "closed_on", "status", "closure__planned")
    )
    contacts = JournalEntry.objects.filter(
        Q(project=project, on__range=(date_from, date_to))
        & _running_in(date_from, date_to, "trajectory__")
    ).count()
    started = sum(1 for started_on, *_rest in running if _in(started_on, date_from, date_to))
    closed = [
        (started_on, closed_on, planned)
        for started_on, closed_on, status, planned in running
        if status == Trajectory.Status.CLOSED
        and closed_on is not None
        and _in(closed_on, date_from, date_to)
    ]
    planned = sum(1 for *_dates, p in closed if p is True)
    lengths = [(c - s).days for s, c, _p in closed]
    median, low, high = stats.median_and_80(lengths)
    days_running = sum(
        (min(closed_on or date_to, date_to) - max(started_on, date_from)).days + 1
        for started_on, closed_on, _s, _p in running
    )
    per_month = contacts / (days_running / DAYS_PER_MONTH) if days_running else None
    return [
        ProcessFigure("started", _("Trajectories started"), started, started),
        ProcessFigure("closed", _("Trajectories closed"), len(closed), len(closed)),
        ProcessFigure(
            "length_days",
            _("Trajectory length of those closed (days)"),
            median,
            len(closed),
            low,
            high,
            unit="days",
        ),
        ProcessFigure("planned", _("Planned closures"), planned, len(closed)),
        ProcessFigure("unplanned", _("Unplanned closures"), len(closed) - planned, len(closed)),
        ProcessFigure(
            "contacts_per_month",
            _("Contacts per month (journal entries per trajectory)"),
            per_month,
            len(running),
            unit="per_month",
        ),
    ]


def _goals(project, date_from: date, date_to: date) -> list[ProcessFigure]:
    changes = (
        GoalLevelChange.objects.filter(project=project, on__lte=date_to)
        .filter(_running_in(date_from, date_to, "goal__trajectory__"))
        .values_list("goal_id", "level", "on")
        .order_by("goal_id", "on", "pk")
    )
    at_start: dict[int, int] = {}
    at_end: dict[int, int] = {}
    for goal_id, level, on in changes:
        if on < date_from or goal_id not in at_start:
            at_start[goal_id] = level  # the level when the period began (or when agreed)
        at_end[goal_id] = level
    eligible = [g for g, level in at_start.items() if level < Level.ALONE]
    moved = sum(1 for g in eligible if at_end[g] > at_start[g])
    alone = sum(1 for g in eligible if at_end[g] == Level.ALONE)
    return [
        ProcessFigure("goals_moved", _('Goals moved towards "alone"'), moved, len(eligible)),
        ProcessFigure("goals_alone", _('Goals that reached "alone"'), alone, len(eligible)),
    ]


def _signals(project, date_from: date, date_to: date) -> list[ProcessFigure]:
    counts = Counter(
        dict(
            Signal.objects.filter(
                project=project,
                created_at__gte=followup_clock.start_of(date_from),
                created_at__lt=followup_clock.end_of(date_to),
            )
            .values_list("severity")
            .annotate(n=Count("*"))
            .order_by()
        )
    )
    total = sum(counts.values())
    labels = {
        Signal.Severity.HIGH: _("Boundary signals, high severity"),
        Signal.Severity.MEDIUM: _("Boundary signals, medium severity"),
        Signal.Severity.LOW: _("Boundary signals, low severity"),
    }
    return [
        ProcessFigure(f"signals_{severity}", label, counts.get(severity, 0), total)
        for severity, label in labels.items()
    ]


def process_figures(*, project, date_from: date, date_to: date) -> ProcessFigures:
    """The project's process figures in the period (five queries), cached under the
    project's data version and the period (``core.versions``; the labels are lazy, read
    in the language of the page that shows them)."""
    return versions.per_project(
        "impact_process",
        [project.pk],
        lambda ids: {project.pk: _process_figures(project, date_from, date_to)},
        parts=(date_from, date_to),
    )[project.pk]


def _process_figures(project, date_from: date, date_to: date) -> ProcessFigures:
    with scopes_disabled():
        rows = [
            *_people(project, date_from, date_to),
            *_trajectories(project, date_from, date_to),
            *_goals(project, date_from, date_to),
            *_signals(project, date_from, date_to),
        ]
    return ProcessFigures(rows=rows)


def report_cells(figure: ProcessFigure) -> dict[str, Any]:
    """A figure as a report for outside the project shows it: ``n`` below five is
    "< 5", and a median, range or rate of fewer than five is left out."""
    small = figure.n < stats.MIN_CELL
    if figure.unit == "count":
        value: Any = stats.cell(int(figure.value or 0))
    elif small or figure.value is None:
        value = ""
    else:
        value = round(figure.value, 1)
    shows_range = figure.has_range and not small
    return {
        "label": str(figure.label),
        "value": value,
        "low": round(figure.low, 1) if shows_range and figure.low is not None else "",
        "high": round(figure.high, 1) if shows_range and figure.high is not None else "",
        "n": stats.cell(figure.n),
    }
