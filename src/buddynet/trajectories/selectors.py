"""Reads on trajectories. Which trajectory a user may see, and what of it, is decided
here: coordinators see every trajectory of their project; a buddy, a participant and a
professional only the trajectories they are part of, and the professional only what is
shared with them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from buddynet.core import clock
from buddynet.core.validators import strip_control_characters
from buddynet.participants.selectors import shares_with_referrer_q
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access

from .models import (
    AgreementSignature,
    AgreementVersion,
    Goal,
    GoalLevelChange,
    JournalEntry,
    Party,
    RoleTask,
    TaskKind,
    Trajectory,
)


def party_q(user) -> Q:
    """Trajectories ``user`` is part of: as the buddy, the participant, or the referring
    professional — the latter only while the participant's consent to share their
    progress with the referrer holds (withdrawing it hides the trajectory at once)."""
    return (
        Q(buddy__user=user)
        | Q(participant__user=user)
        | (Q(professional=user) & shares_with_referrer_q("participant"))
    )


def trajectory_list_for_user(
    *, access: Access, user, project, status: str | None = None, query: str | None = None
):
    """Coordinators: every trajectory of the project; others: their own. One query,
    with the people it shows."""
    qs = Trajectory.objects.filter(project=project).select_related(
        "buddy", "participant", "professional", "project"
    )
    coordinator = access.has(policy.TRAJECTORIES_VIEW, project)
    if not coordinator:
        if not access.has(policy.TRAJECTORIES_VIEW_OWN, project):
            return qs.none()
        qs = qs.filter(party_q(user))
    if status:
        qs = qs.filter(status=status)
    query = "".join(ch for ch in (query or "") if ch.isprintable())
    if query:
        for word in query.split()[:5]:
            match = (
                Q(buddy__first_name__icontains=word)
                | Q(buddy__last_name__icontains=word)
                | Q(participant__first_name__icontains=word)
            )
            if coordinator:
                # Only who may read the participant's full file searches on it.
                match |= (
                    Q(participant__last_name__icontains=word)
                    | Q(participant__town__icontains=word)
                    | Q(participant__postcode__startswith=word)
                )
            qs = qs.filter(match)
    return qs.order_by("-started_on", "-pk")


def trajectory_get_for_user(
    *, access: Access, user, project, code, via: str | None = None
) -> Trajectory:
    """The same 404 for 'does not exist', 'other project' and 'not yours'. With ``via``
    ("web", "api") the trajectory is being read: the view is audited."""
    try:
        code = uuid.UUID(str(code))
        trajectory = trajectory_list_for_user(access=access, user=user, project=project).get(
            code=code
        )
    except (Trajectory.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such trajectory.") from exc
    if via:
        trajectory.log_action("trajectory.viewed", user=user, via=via)
    return trajectory


# --- How each viewer sees the people ---------------------------------------------------


def short_name(first: str, last: str) -> str:
    """First name and the initial of the last name: "Daan De Backer" → "Daan D."."""
    first = " ".join(strip_control_characters(first).split())
    last = " ".join(strip_control_characters(last).split())
    return f"{first} {last[0]}." if last else first


def participant_agreement_name(participant) -> str:
    """How the agreement names the participant, the same for every party: the first
    name and the initial of the last name (the buddy reads it too)."""
    return short_name(participant.first_name, participant.last_name)


def sees_full_participant_name(*, trajectory: Trajectory, user, coordinator: bool) -> bool:
    """Coordinators, the participant and the referring professional see the full name;
    the buddy the first name (what the consent text promises)."""
    return bool(
        coordinator
        or (trajectory.participant.user_id and trajectory.participant.user_id == user.pk)
        or (trajectory.professional_id and trajectory.professional_id == user.pk)
    )


def participant_name_for(*, trajectory: Trajectory, user, coordinator: bool) -> str:
    if sees_full_participant_name(trajectory=trajectory, user=user, coordinator=coordinator):
        return trajectory.participant.full_name
    return trajectory.participant.first_name


def pair_name_for(*, trajectory: Trajectory, user, coordinator: bool) -> str:
    """The pair as this viewer may name it: "Bram Peeters & Fatma" for the buddy."""
    participant = participant_name_for(trajectory=trajectory, user=user, coordinator=coordinator)
    return f"{trajectory.buddy.full_name} & {participant}"


def signed_name_for(signature: AgreementSignature) -> str:
    """A signature as the signed document shows it: the participant's typed name is
    shortened the way the agreement names them (``short_name``: the first word, then
    the initial of the rest), so "Daan De Backer" reads "Daan D." in both places."""
    if signature.party != Party.PARTICIPANT:
        return signature.signed_name
    first, _, last = " ".join(signature.signed_name.split()).partition(" ")
    return short_name(first, last)


@dataclass(frozen=True)
class Viewer:
    """How the acting user stands towards one trajectory."""

    coordinator: bool
    buddy: bool
    participant: bool
    professional: bool

    @property
    def can_write_journal(self) -> bool:
        return self.coordinator or self.buddy

    @property
    def can_read_journal(self) -> bool:
        return self.coordinator or self.buddy or self.professional

    @property
    def can_manage(self) -> bool:
        return self.coordinator

    @property
    def can_change_goals(self) -> bool:
        return self.coordinator or self.buddy


def viewer(*, access: Access, user, trajectory: Trajectory) -> Viewer:
    return Viewer(
        coordinator=access.has(policy.TRAJECTORIES_MANAGE, trajectory.project_id),
        buddy=bool(trajectory.buddy.user_id and trajectory.buddy.user_id == user.pk),
        participant=bool(
            trajectory.participant.user_id and trajectory.participant.user_id == user.pk
        ),
        professional=bool(trajectory.professional_id and trajectory.professional_id == user.pk),
    )


def journal_for(*, trajectory: Trajectory, who: Viewer, user, via: str | None = None):
    """The entries this viewer may read: coordinators all; the buddy the team and shared
    entries and what they wrote themselves; the professional only shared entries; the
    participant none (the journal is the buddy's). With ``via`` the reading is audited."""
    V = JournalEntry.Visibility
    if via:
        trajectory.log_action("journal.viewed", user=user, via=via)
    qs = JournalEntry.objects.filter(trajectory=trajectory).select_related("author")
    if who.coordinator:
        return qs
    if who.buddy:
        return qs.filter(Q(visibility__in=(V.TEAM, V.SHARED)) | Q(author=user))
    if who.professional:
        return qs.filter(visibility=V.SHARED)
    return qs.none()


def agreement_versions(
    *, trajectory: Trajectory, user=None, via: str | None = None
) -> list[AgreementVersion]:
    """Every version, newest first, with its signatures. With ``via`` the agreement is
    being read: audited."""
    if via:
        trajectory.log_action("agreement.viewed", user=user, via=via)
    return list(
        AgreementVersion.objects.filter(agreement__trajectory=trajectory)
        .prefetch_related(
            Prefetch(
                "signatures", queryset=AgreementSignature.objects.select_related("on_device_of")
            )
        )
        .order_by("-number")
    )


def version_get(
    *, trajectory: Trajectory, code, user=None, via: str | None = None
) -> AgreementVersion:
    """One version; with ``via`` it is being downloaded: audited."""
    try:
        version = AgreementVersion.objects.get(
            agreement__trajectory=trajectory, code=uuid.UUID(str(code))
        )
    except (AgreementVersion.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such version.") from exc
    if via:
        trajectory.log_action(
            "agreement.downloaded", user=user, via=via, data={"version": version.number}
        )
    return version


def goals_for(*, trajectory: Trajectory, user=None, via: str | None = None) -> list[Goal]:
    """The goals with their history; with ``via`` they are being read: audited."""
    if via:
        trajectory.log_action("goals.viewed", user=user, via=via)
    return list(
        Goal.objects.filter(trajectory=trajectory).prefetch_related(
            Prefetch("changes", queryset=GoalLevelChange.objects.order_by("on", "pk"))
        )
    )


def goal_get(*, trajectory: Trajectory, code) -> Goal:
    try:
        return Goal.objects.get(trajectory=trajectory, code=uuid.UUID(str(code)))
    except (Goal.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such goal.") from exc


def goal_progress(goals: list[Goal]) -> tuple[list, list[tuple[str, list]]]:
    """Dates on which any level changed, and per goal its level on each of those dates
    (None before it was agreed): the data of the progress chart."""
    days = sorted({change.on for goal in goals for change in goal.changes.all()})
    series = []
    for goal in goals:
        changes = list(goal.changes.all())
        values, level, i = [], None, 0
        for day in days:
            while i < len(changes) and changes[i].on <= day:
                level = changes[i].level
                i += 1
            values.append(level)
        series.append((goal.title, values))
    return days, series


def tasks_for(*, trajectory: Trajectory, user=None, via: str | None = None) -> list[RoleTask]:
    """The role division; with ``via`` it is being read: audited."""
    if via:
        trajectory.log_action("role_division.viewed", user=user, via=via)
    return list(RoleTask.objects.filter(trajectory=trajectory).select_related("kind"))


def task_kinds(*, project) -> list[TaskKind]:
    """The project's kinds of tasks. Before the presets are seeded (no trajectory has
    started yet) they are shown unsaved: reading never writes."""
    kinds = list(TaskKind.objects.filter(project=project))
    if kinds:
        return kinds
    return [
        TaskKind(project=project, preset=preset, belongs_to=belongs)
        for preset, belongs in TaskKind.PRESET_BELONGS.items()
    ]


def task_get(*, trajectory: Trajectory, code) -> RoleTask:
    try:
        return RoleTask.objects.select_related("kind", "trajectory").get(
            trajectory=trajectory, code=uuid.UUID(str(code))
        )
    except (RoleTask.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such task.") from exc


# --- Dashboard figures (constant queries, any number of projects) ----------------------


def status_counts(*, project_ids) -> dict[str, int]:
    counts = dict.fromkeys(Trajectory.Status.values, 0)
    for row in (
        Trajectory.objects.filter(project_id__in=project_ids)
        .values("status")
        .annotate(n=Count("*"))
    ):
        counts[row["status"]] = row["n"]
    return counts


def starting_unsigned(*, project_ids, limit: int = 20) -> list[Trajectory]:
    """Trajectories whose current agreement is not signed by everyone: starting ones, and
    open ones whose agreement changed (a new version needs new signatures)."""
    latest = AgreementVersion.objects.filter(agreement__trajectory=OuterRef("pk")).order_by(
        "-number"
    )
    return list(
        Trajectory.objects.filter(project_id__in=project_ids)
        .exclude(status=Trajectory.Status.CLOSED)
        .annotate(
            latest_number=Subquery(latest.values("number")[:1]),
            latest_signed_at=Subquery(latest.values("fully_signed_at")[:1]),
        )
        .filter(
            Q(status=Trajectory.Status.STARTING)
            | Q(latest_number__isnull=False, latest_signed_at__isnull=True)
        )
        .select_related("buddy", "participant", "project")
        .order_by("started_on", "pk")[:limit]
    )


def out_of_role_tasks(*, project_ids, limit: int = 20) -> list[RoleTask]:
    """Tasks where the buddy carries a professional-only task, or the reverse."""
    return list(
        RoleTask.objects.filter(project_id__in=project_ids)
        .exclude(trajectory__status=Trajectory.Status.CLOSED)
        .filter(
            Q(owner=RoleTask.Owner.BUDDY, kind__belongs_to=TaskKind.Belongs.PROFESSIONAL)
            | Q(owner=RoleTask.Owner.PROFESSIONAL, kind__belongs_to=TaskKind.Belongs.BUDDY)
        )
        .select_related("kind", "trajectory__buddy", "trajectory__participant", "project")
        .order_by("-created_at")[:limit]
    )


def own_trajectories(*, user) -> list[Trajectory]:
    """A buddy's, participant's or professional's trajectories in the projects in scope,
    open ones first, with their current agreement version and its signatures."""
    trajectories = list(
        Trajectory.objects.filter(party_q(user))
        .exclude(status=Trajectory.Status.CLOSED)
        .select_related("buddy", "participant", "professional", "project")
        .order_by("-started_on", "-pk")[:50]
    )
    versions = {}
    for version in (
        AgreementVersion.objects.filter(agreement__trajectory__in=trajectories)
        .select_related("agreement")
        .prefetch_related("signatures")
        .order_by("agreement__trajectory_id", "-number")
    ):
        versions.setdefault(version.agreement.trajectory_id, version)
    for trajectory in trajectories:
        trajectory.current_version = versions.get(trajectory.pk)
    return trajectories


# --- Quiet trajectories: the one rule ----------------------------------------------------
# A running trajectory (starting or active) is quiet when nothing was written in the
# journal for longer than its project allows; before the first entry the start counts.
# The limit per project is the follow-up's setting: the follow-up app registers where
# it comes from (``register_quiet_limits``), this app does not import it.

RUNNING = (Trajectory.Status.STARTING, Trajectory.Status.ACTIVE)
DEFAULT_QUIET_AFTER_DAYS = 21

_quiet_limits: list[Callable[[list[int]], dict[int, int]]] = []


def register_quiet_limits(provider: Callable[[list[int]], dict[int, int]]) -> None:
    """``provider(project_ids) -> {project_id: days}``; registered once (the follow-up
    app's cadence setting). Without one, every project uses 21 days."""
    _quiet_limits[:] = [provider]


def quiet_limits(project_ids: Iterable[int]) -> dict[int, int]:
    project_ids = list(project_ids)
    limits = _quiet_limits[0](project_ids) if _quiet_limits else {}
    return {pid: limits.get(pid, DEFAULT_QUIET_AFTER_DAYS) for pid in project_ids}


def with_last_logged(qs: QuerySet) -> QuerySet:
    """Annotate ``last_logged``: the last journal contact, else the start."""
    return qs.annotate(last_logged=Coalesce("last_contact_on", "started_on"))


def days_quiet(trajectory: Trajectory, *, limit: int, today: date | None = None) -> int | None:
    """Days without a journal entry when over ``limit`` and running, else None."""
    if trajectory.status not in RUNNING:
        return None
    today = today or clock.today()
    quiet = (today - (trajectory.last_contact_on or trajectory.started_on)).days
    return quiet if quiet > limit else None


def trajectories_quiet(
    *, project_ids, today: date | None = None, qs: QuerySet | None = None
) -> QuerySet:
    """Running trajectories of ``project_ids`` that are quiet today, longest quiet
    first, annotated with ``last_logged``; two queries whatever the number of projects
    (the limits, then this one). Each row's ``days_quiet`` is ``(today - last_logged)``."""
    today = today or clock.today()
    project_ids = list(project_ids)
    qs = Trajectory.objects.all() if qs is None else qs
    if not project_ids:
        return qs.none()
    condition = Q()
    for pid, days in quiet_limits(project_ids).items():
        condition |= Q(project_id=pid, last_logged__lt=today - timedelta(days=days))
    return (
        with_last_logged(qs.filter(status__in=RUNNING, project_id__in=project_ids))
        .filter(condition)
        .order_by("last_logged", "pk")
    )


def mark_quiet(trajectories: Iterable[Trajectory], *, today: date | None = None) -> None:
    """Set ``days_quiet`` (int or None) on each trajectory: one query for the limits."""
    trajectories = list(trajectories)
    today = today or clock.today()
    limits = quiet_limits({t.project_id for t in trajectories})
    for trajectory in trajectories:
        trajectory.days_quiet = days_quiet(
            trajectory, limit=limits[trajectory.project_id], today=today
        )


def quiet_for(trajectory: Trajectory, *, today: date | None = None) -> int | None:
    """Days one trajectory has been quiet (over its project's limit), else None."""
    limit = quiet_limits([trajectory.project_id])[trajectory.project_id]
    return days_quiet(trajectory, limit=limit, today=today)
