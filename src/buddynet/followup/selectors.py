"""Reads of the follow-up app. Each takes the acting user's access; "not found" and
"not yours" give the same 404.

Signals are visible only to the project's coordinators (``signals.handle``) and to the
person who raised them: not to the other parties, not to the network coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404
from django_scopes import scopes_disabled

from buddynet.participants.selectors import shares_with_referrer_q
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.trajectories.models import Trajectory
from buddynet.trajectories.selectors import party_q, quiet_for, trajectories_quiet

from . import clock
from .models import Cadence, Closure, FollowUp, Signal

PAGE = 50  # follow-ups on one page of the coordinator's list
QUIET_SHOWN = 50  # quiet trajectories under the list (the quietest first)

OPEN_TRAJECTORY = (
    Trajectory.Status.STARTING,
    Trajectory.Status.ACTIVE,
    Trajectory.Status.PAUSED,
    Trajectory.Status.CLOSING,
)
DEFAULT_INACTIVITY_DAYS = Cadence._meta.get_field("inactivity_alert_days").default


def _trajectory_related(qs):
    return qs.select_related("project", "buddy", "participant", "professional")


# --- Trajectories a user is part of ---------------------------------------------------


def party_filter(user) -> Q:
    """The trajectories ``user`` is part of (the professional only with the
    participant's consent to share): the same rule as the trajectory pages."""
    return party_q(user)


def trajectory_get_for_user(*, access: Access, user, project, code) -> Trajectory:
    """A trajectory of the project that the user coordinates or is part of (else 404)."""
    qs = _trajectory_related(Trajectory.objects.filter(project=project, code=code))
    if not access.has(policy.SIGNALS_HANDLE, project) and not access.has(
        policy.FOLLOWUP_MANAGE, project
    ):
        qs = qs.filter(party_filter(user))
    trajectory = qs.first()
    if trajectory is None:
        raise Http404
    return trajectory


def trajectories_own(
    *, user, statuses=OPEN_TRAJECTORY, limit: int | None = None
) -> list[Trajectory]:
    """The trajectories a buddy, participant or professional is part of (the first
    ``limit`` of them, the longest running first)."""
    return list(
        _trajectory_related(
            Trajectory.objects.filter(party_filter(user), status__in=statuses)
        ).order_by("started_on", "pk")[:limit]
    )


# --- Follow-ups -----------------------------------------------------------------------


def _open_followups():
    return FollowUp.objects.filter(done_at__isnull=True, cancelled_at__isnull=True)


def _followup_related(qs):
    return qs.select_related(
        "project",
        "trajectory",
        "trajectory__buddy",
        "trajectory__participant",
        "responsible",
    )


@dataclass
class FollowUpRow:
    item: FollowUp
    state: str  # overdue / due / upcoming
    days_overdue: int


def _rows(items, today: date) -> list[FollowUpRow]:
    rows = []
    for item in items:
        state = clock.state(item.due_at, on=today)
        days = (today - clock.local_date(item.due_at)).days if state == "overdue" else 0
        rows.append(FollowUpRow(item=item, state=state, days_overdue=days))
    return rows


def followups_due(*, project_ids, today: date | None = None, limit: int | None = None):
    """Open follow-ups due today or earlier (Brussels dates), oldest first. One query."""
    today = today or clock.today()
    qs = _followup_related(
        _open_followups().filter(project_id__in=project_ids, due_at__lt=clock.end_of(today))
    ).order_by("due_at", "pk")
    if limit:
        qs = qs[:limit]
    return _rows(qs, today)


def followups_overdue_count(*, project_ids, today: date | None = None) -> int:
    today = today or clock.today()
    return (
        _open_followups()
        .filter(project_id__in=project_ids, due_at__lt=clock.start_of(today))
        .count()
    )


def followups_query(
    *, project, today: date | None = None, state: str | None = None, days_ahead: int = 30
) -> QuerySet[FollowUp]:
    """The open follow-ups of the coordinator's list: overdue, due today and the coming
    ``days_ahead`` days, oldest first, with what the list shows."""
    today = today or clock.today()
    qs = _open_followups().filter(project=project)
    if state == "overdue":
        qs = qs.filter(due_at__lt=clock.start_of(today))
    elif state == "due":
        qs = qs.filter(due_at__lt=clock.end_of(today))
    else:
        qs = qs.filter(due_at__lt=clock.end_of(today + timedelta(days=days_ahead)))
    return _followup_related(qs).order_by("due_at", "pk")


def followup_row(item: FollowUp, today: date | None = None) -> FollowUpRow:
    return _rows([item], today or clock.today())[0]


def followups_list(
    *, project, today: date | None = None, state: str | None = None, days_ahead: int = 30
) -> list[FollowUpRow]:
    """The coordinator's list (the page): at most 500 rows with their state."""
    today = today or clock.today()
    qs = followups_query(project=project, today=today, state=state, days_ahead=days_ahead)
    return _rows(qs[:500], today)


def followups_page(
    *, project, page_number, today: date | None = None, state: str | None = None
) -> tuple[Page, list[FollowUpRow]]:
    """One page of the coordinator's list (``PAGE`` rows, oldest first) with the rows'
    state: a count and one page of rows, however many follow-ups the project has."""
    today = today or clock.today()
    qs = followups_query(project=project, today=today, state=state)
    page = Paginator(qs, PAGE).get_page(page_number)
    return page, _rows(page.object_list, today)


def followups_export(*, project, today: date | None = None, state: str | None = None):
    """Every row of the coordinator's list with this filter (an export: no cap)."""
    today = today or clock.today()
    return _rows(followups_query(project=project, today=today, state=state), today)


def followup_get(*, access: Access, project, code, viewed_by=None, via: str = "web") -> FollowUp:
    """One follow-up of the project (coordinators). A report is about people: with
    ``viewed_by`` the reading is written in the history."""
    if not access.has(policy.FOLLOWUP_MANAGE, project):
        raise Http404
    item = _followup_related(FollowUp.objects.filter(project=project, code=code)).first()
    if item is None:
        raise Http404
    if viewed_by is not None:
        item.log_action("followup.viewed", user=viewed_by, via=via)
    return item


def schedule_of(trajectory: Trajectory, today: date | None = None) -> dict:
    """The schedule of one trajectory: open items (with state) and the last recorded."""
    today = today or clock.today()
    items = list(
        FollowUp.objects.filter(trajectory=trajectory)
        .select_related("recorded_by")
        .order_by("due_at", "pk")
    )
    open_items = [i for i in items if i.is_open]
    done = sorted((i for i in items if i.done_at), key=lambda i: i.done_at, reverse=True)
    return {"open": _rows(open_items, today), "done": done[:10]}


def next_followup_for_party(*, trajectory: Trajectory, role: str) -> FollowUp | None:
    """The next conversation that involves a buddy or a participant."""
    qs = _open_followups().filter(trajectory=trajectory).order_by("due_at", "pk")
    if role == "buddy":
        qs = qs.filter(with_whom__in=("both", "buddy", "all"))
    elif role == "participant":
        qs = qs.filter(with_whom__in=("both", "participant", "all"))
    else:
        return None
    return qs.first()


def next_display(item: FollowUp | None, today: date | None = None) -> dict:
    """How a buddy or participant sees their next conversation: a conversation whose day
    has passed reads "soon" (a past date without a year, "zaterdag 25 juli", read as next
    summer), and a date in another year shows the year."""
    if item is None:
        return {"next": None, "next_overdue": False, "next_other_year": False}
    today = today or clock.today()
    return {
        "next": item,
        "next_overdue": clock.state(item.due_at, on=today) == "overdue",
        "next_other_year": clock.local_date(item.due_at).year != today.year,
    }


def upcoming_for_user(*, user, trajectories: list[Trajectory]) -> dict[int, FollowUp]:
    """The next conversation per trajectory for a buddy or participant. One query."""
    if not trajectories:
        return {}
    by_id = {t.pk: t for t in trajectories}
    result: dict[int, FollowUp] = {}
    items = _open_followups().filter(trajectory_id__in=by_id).order_by("due_at", "pk")
    for item in items:
        trajectory = by_id[item.trajectory_id]
        mine = (trajectory.buddy.user_id == user.pk and item.involves_buddy) or (
            trajectory.participant.user_id == user.pk and item.involves_participant
        )
        if mine and item.trajectory_id not in result:
            result[item.trajectory_id] = item
    return result


# --- Inactivity -----------------------------------------------------------------------


def inactivity_days(project_ids) -> dict[int, int]:
    days = dict(
        Cadence.objects.filter(project_id__in=project_ids).values_list(
            "project_id", "inactivity_alert_days"
        )
    )
    return {pid: days.get(pid, DEFAULT_INACTIVITY_DAYS) for pid in project_ids}


def inactive_trajectories(
    *, project_ids, today: date | None = None, trajectory_ids=None, limit: int = 200
) -> list[Trajectory]:
    """The quiet trajectories the follow-up shows (the list, the dashboard): the one
    rule is ``trajectories.selectors.trajectories_quiet``, with the limit from this
    app's cadence (registered in ``FollowupConfig.ready``); each with ``days_quiet``."""
    today = today or clock.today()
    qs = Trajectory.objects.all()
    if trajectory_ids is not None:
        qs = qs.filter(pk__in=trajectory_ids)
    quiet = trajectories_quiet(project_ids=project_ids, today=today, qs=_trajectory_related(qs))
    result = list(quiet[:limit])
    for trajectory in result:
        trajectory.days_quiet = (today - trajectory.last_logged).days
    return result


def is_inactive(trajectory: Trajectory, today: date | None = None) -> int | None:
    """Days without a journal entry when over the limit, else None (the same rule)."""
    return quiet_for(trajectory, today=today)


# --- Signals --------------------------------------------------------------------------


def _signal_related(qs):
    return qs.select_related(
        "project", "trajectory", "trajectory__buddy", "trajectory__participant", "raised_by"
    )


def signals_for_user(*, access: Access, user, project, only_open: bool = False) -> QuerySet[Signal]:
    """Coordinators: every signal of the project; anyone else: the ones they raised.

    A professional sees a trajectory through the referral, so only while the
    participant shares their progress with them: once that consent is withdrawn the
    signals they raised come with ``limited`` set, and then show only what they wrote
    themselves (kind, severity, description, date) — no names, no stage, no aftercare.
    """
    qs = Signal.objects.filter(project=project)
    if access.has(policy.SIGNALS_HANDLE, project):
        qs = qs.annotate(limited=Value(False, output_field=BooleanField()))
    else:
        qs = qs.filter(raised_by=user).annotate(
            # Limited unless raised in another role or the consent holds now (a
            # consent never asked, NULL, limits too).
            limited=Case(
                When(~Q(raised_as=Signal.RaisedAs.PROFESSIONAL), then=Value(False)),
                When(shares_with_referrer_q("trajectory__participant"), then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        )
    if only_open:
        qs = qs.exclude(stage=Signal.Stage.CLOSED)
    return _signal_related(qs).order_by("-created_at", "-pk")


def signal_get_for_user(
    *, access: Access, user, project, code, viewed_by=None, via: str = "web"
) -> Signal:
    """One signal the user may see (else 404); with ``viewed_by`` the reading is
    written in the history."""
    signal = signals_for_user(access=access, user=user, project=project).filter(code=code).first()
    if signal is None:
        raise Http404
    if viewed_by is not None:
        signal.log_action("signal.viewed", user=viewed_by, via=via)
    return signal


def signal_steps(signal: Signal) -> list:
    """The aftercare history of a signal, as its viewer may see it (none when limited)."""
    if getattr(signal, "limited", False):
        return []
    return list(signal.steps.select_related("by"))


def signals_open(*, project_ids, limit: int = 10) -> list[Signal]:
    """For the coordinator's dashboard (the caller holds signals.handle there)."""
    return list(
        _signal_related(
            Signal.objects.filter(project_id__in=project_ids).exclude(stage=Signal.Stage.CLOSED)
        ).order_by("-created_at", "-pk")[:limit]
    )


def signals_of_trajectory(*, access: Access, user, trajectory: Trajectory) -> list[Signal]:
    return list(
        signals_for_user(access=access, user=user, project=trajectory.project).filter(
            trajectory=trajectory
        )
    )


# --- Closure --------------------------------------------------------------------------


def closure_of(trajectory: Trajectory, *, viewed_by=None, via: str = "web") -> Closure | None:
    """The closure of a trajectory (the caller checked the trajectory is visible and
    the viewer is a coordinator). With ``viewed_by`` the reading of the confidential
    exit conversations is written in the history."""
    with scopes_disabled():
        closure = Closure.objects.filter(trajectory=trajectory).prefetch_related("exits").first()
    if closure is not None and viewed_by is not None:
        closure.log_action("closure.viewed", user=viewed_by, via=via)
    return closure


# --- Calendar -------------------------------------------------------------------------

CALENDAR_DAYS_AHEAD = 3 * 366


def calendar_items(*, user, access: Access, days_back: int = 30) -> list[tuple[FollowUp, str]]:
    """What the personal feed shows, with the role it is shown for: a coordinator the
    follow-ups of their projects that are theirs (or nobody's in particular), a buddy
    their own conversations."""
    since = clock.start_of(clock.today() - timedelta(days=days_back))
    # Nobody plans further ahead than the forms allow; an older row typed before the
    # bound (9999-12-31) stays out of the feed instead of breaking it.
    until = clock.start_of(clock.today() + timedelta(days=CALENDAR_DAYS_AHEAD))
    managed = access.projects_with(policy.FOLLOWUP_MANAGE)
    result: list[tuple[FollowUp, str]] = []
    with scopes_disabled():
        if managed:
            items = _followup_related(
                _open_followups().filter(
                    Q(responsible=user) | Q(responsible__isnull=True),
                    project_id__in=managed,
                    due_at__gte=since,
                    due_at__lt=until,
                )
            ).order_by("due_at", "pk")
            result += [(item, "coordinator") for item in items]
        seen = {item.pk for item, _role in result}
        own = _followup_related(
            _open_followups().filter(
                trajectory__buddy__user=user,
                with_whom__in=("both", "buddy", "all"),
                due_at__gte=since,
                due_at__lt=until,
                project_id__in=access.project_ids,
            )
        ).order_by("due_at", "pk")
        result += [(item, "buddy") for item in own if item.pk not in seen]
    return result
