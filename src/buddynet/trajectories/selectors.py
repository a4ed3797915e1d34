"""Reads on trajectories. Which trajectory a user may see, and what of it, is decided
here: coordinators see every trajectory of their project; a buddy, a participant and a
professional only the trajectories they are part of, and the professional only what is
shared with them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from buddynet.participants.selectors import shares_with_referrer_q
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access

from .models import (
    AgreementSignature,
    AgreementVersion,
    Goal,
    GoalLevelChange,
    JournalEntry,
    RoleTask,
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
    if not access.has(policy.TRAJECTORIES_VIEW, project):
        if not access.has(policy.TRAJECTORIES_VIEW_OWN, project):
            return qs.none()
        qs = qs.filter(party_q(user))
    if status:
        qs = qs.filter(status=status)
    query = "".join(ch for ch in (query or "") if ch.isprintable())
    if query:
        for word in query.split()[:5]:
            qs = qs.filter(
                Q(buddy__first_name__icontains=word)
                | Q(buddy__last_name__icontains=word)
                | Q(participant__first_name__icontains=word)
                | Q(participant__last_name__icontains=word)
                | Q(participant__town__icontains=word)
                | Q(participant__postcode__startswith=word)
            )
    return qs.order_by("-started_on", "-pk")


def trajectory_get_for_user(*, access: Access, user, project, code) -> Trajectory:
    """The same 404 for 'does not exist', 'other project' and 'not yours'."""
    try:
        code = uuid.UUID(str(code))
        return trajectory_list_for_user(access=access, user=user, project=project).get(code=code)
    except (Trajectory.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such trajectory.") from exc


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


def journal_for(*, trajectory: Trajectory, who: Viewer, user):
    """The entries this viewer may read: coordinators all; the buddy the team and shared
    entries and what they wrote themselves; the professional only shared entries; the
    participant none (the journal is the buddy's)."""
    V = JournalEntry.Visibility
    qs = JournalEntry.objects.filter(trajectory=trajectory).select_related("author")
    if who.coordinator:
        return qs
    if who.buddy:
        return qs.filter(Q(visibility__in=(V.TEAM, V.SHARED)) | Q(author=user))
    if who.professional:
        return qs.filter(visibility=V.SHARED)
    return qs.none()


def agreement_versions(*, trajectory: Trajectory) -> list[AgreementVersion]:
    return list(
        AgreementVersion.objects.filter(agreement__trajectory=trajectory)
        .prefetch_related(
            Prefetch(
                "signatures", queryset=AgreementSignature.objects.select_related("on_device_of")
            )
        )
        .order_by("-number")
    )


def version_get(*, trajectory: Trajectory, code) -> AgreementVersion:
    try:
        return AgreementVersion.objects.get(
            agreement__trajectory=trajectory, code=uuid.UUID(str(code))
        )
    except (AgreementVersion.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such version.") from exc


def goals_for(*, trajectory: Trajectory) -> list[Goal]:
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


def tasks_for(*, trajectory: Trajectory) -> list[RoleTask]:
    return list(RoleTask.objects.filter(trajectory=trajectory).select_related("kind"))


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
        .annotate(n=Count("pk"))
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
    from .models import TaskKind

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
