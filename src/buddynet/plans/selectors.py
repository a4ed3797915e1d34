"""Reads on family plans. Who sees a plan, and which parts, is decided here (the one
place): the project's coordinators see and keep every plan; the family (the
participant's own account) reads its whole plan; a helper (buddy, professional) sees
only the sections the family's consent allows them (an open ``PlanShare``), and
nothing once the consent is withdrawn. Not there and not yours give the same 404. The
selector that hands a plan out writes the "viewed" audit entry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404

from buddynet.core import clock
from buddynet.participants import consent
from buddynet.participants.models import ConsentRecord, Participant
from buddynet.participants.selectors import consent_holds
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.trajectories import selectors as trajectory_selectors
from buddynet.trajectories.models import Goal, JournalEntry, Trajectory

from .models import FamilyPlan, PlanAction, PlanChange, PlanEntry, PlanReview, PlanShare, Section

ALL = frozenset(Section.values)
FAMILY_UPDATES = frozenset({Section.WORDS, Section.ACTIONS})


@dataclass(frozen=True)
class PlanSight:
    """One plan as one person may see it: their role towards it, the sections they see
    and those they may add to and update."""

    plan: FamilyPlan
    role: str  # "coordinator", "family" or "helper"
    sees: frozenset[str]
    updates: frozenset[str]
    share: PlanShare | None = None

    @property
    def manages(self) -> bool:
        return self.role == "coordinator"

    def can_see(self, section: str) -> bool:
        return section in self.sees

    def can_update(self, section: str) -> bool:
        return section in self.updates

    @property
    def words(self) -> bool:
        return Section.WORDS in self.sees

    @property
    def actions(self) -> bool:
        return Section.ACTIONS in self.sees

    @property
    def reviews(self) -> bool:
        return Section.REVIEWS in self.sees

    @property
    def update_words(self) -> bool:
        return Section.WORDS in self.updates

    @property
    def update_actions(self) -> bool:
        return Section.ACTIONS in self.updates

    @property
    def update_reviews(self) -> bool:
        return Section.REVIEWS in self.updates


def _sight(*, access: Access, user, plan: FamilyPlan) -> PlanSight | None:
    running = plan.active and consent_holds(plan.participant, consent.FAMILY_PLAN)
    if access.has(policy.PLANS_MANAGE, plan.project_id):
        return PlanSight(plan, "coordinator", ALL, ALL if running else frozenset())
    if not access.has(policy.PLANS_TAKE_PART, plan.project_id):
        return None
    if plan.participant.user_id and plan.participant.user_id == user.pk:
        return PlanSight(plan, "family", ALL, FAMILY_UPDATES if running else frozenset())
    if not running:
        return None
    share = PlanShare.objects.filter(plan=plan, user=user, ended_on__isnull=True).first()
    if share is None:
        return None
    sees = frozenset(share.sections) & ALL
    return PlanSight(plan, "helper", sees, sees if share.can_update else frozenset(), share)


def plan_for_user(
    *, access: Access, user, project, code, viewed_by=None, via: str = "web"
) -> PlanSight:
    """The plan ``code`` as this user may see it. With ``viewed_by`` (a page read, an API
    read) the opening goes into the audit log."""
    try:
        plan = (
            FamilyPlan.objects.filter(project=project)
            .select_related("participant", "project")
            .get(code=uuid.UUID(str(code)))
        )
    except (FamilyPlan.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such plan.") from exc
    sight = _sight(access=access, user=user, plan=plan)
    if sight is None:
        raise Http404("No such plan.")
    if viewed_by is not None:
        plan.log_action("plans.viewed", user=viewed_by, via=via, data={"as": sight.role})
    return sight


def require_update(sight: PlanSight, section: str) -> None:
    """A person who sees the plan but may not change this part: 403."""
    if not sight.can_update(section):
        raise PermissionDenied


def contents(sight: PlanSight) -> dict:
    """What the plan page, the PDF and the API show: only the parts this person sees."""
    plan = sight.plan
    data: dict = {"entries": {}, "actions": [], "reviews": [], "changes": []}
    if sight.words:
        for kind in PlanEntry.Kind.values:
            data["entries"][kind] = []
        for entry in PlanEntry.objects.filter(plan=plan).select_related("added_by"):
            data["entries"][entry.kind].append(entry)
    if sight.actions:
        data["actions"] = list(
            PlanAction.objects.filter(plan=plan).select_related("household_member", "service")
        )
    if sight.reviews:
        data["reviews"] = list(PlanReview.objects.filter(plan=plan).select_related("recorded_by"))
    # The history says who changed what: the family and the coordinators read all of
    # it; a helper the steps of the parts they see.
    changes = PlanChange.objects.filter(plan=plan).select_related("by")
    if sight.role == "helper":
        kinds = {PlanChange.Kind.MADE, PlanChange.Kind.CHANGED}
        if sight.words:
            kinds |= {PlanChange.Kind.ENTRY_ADDED, PlanChange.Kind.FED}
        if sight.actions:
            kinds |= {
                PlanChange.Kind.ACTION_ADDED,
                PlanChange.Kind.ACTION_UPDATED,
                PlanChange.Kind.ACTION_DONE,
                PlanChange.Kind.ACTION_DROPPED,
            }
        if sight.reviews:
            kinds.add(PlanChange.Kind.REVIEWED)
        changes = changes.filter(kind__in=kinds)
    data["changes"] = list(changes[:200])
    return data


def shares(plan: FamilyPlan) -> list[PlanShare]:
    return list(
        PlanShare.objects.filter(plan=plan)
        .select_related("user")
        .order_by("ended_on", "-given_on", "-pk")
    )


def share_get(*, plan: FamilyPlan, code) -> PlanShare:
    try:
        return PlanShare.objects.get(plan=plan, code=uuid.UUID(str(code)))
    except (PlanShare.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such share.") from exc


def action_get(*, sight: PlanSight, code) -> PlanAction:
    if not sight.actions:
        raise Http404("No such action.")
    try:
        return PlanAction.objects.select_related("plan").get(
            plan=sight.plan, code=uuid.UUID(str(code))
        )
    except (PlanAction.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such action.") from exc


def helpers_around(plan: FamilyPlan) -> list[tuple[object, str]]:
    """The people with an account around the family who may be given a part of the
    plan: the buddy (of each trajectory) and the referring or following professional."""
    found: dict[int, tuple[object, str]] = {}
    participant = plan.participant
    for trajectory in Trajectory.objects.filter(participant=participant).select_related(
        "buddy__user", "professional"
    ):
        if trajectory.buddy.user_id:
            found.setdefault(trajectory.buddy.user_id, (trajectory.buddy.user, "buddy"))
        if trajectory.professional_id:
            found.setdefault(trajectory.professional_id, (trajectory.professional, "professional"))
    if participant.referred_by_id:
        found.setdefault(participant.referred_by_id, (participant.referred_by, "professional"))
    return list(found.values())


# --- The buddy's journal and goals, to feed the plan -----------------------------------


@dataclass(frozen=True)
class FeedCandidates:
    goals: list[Goal]
    notes: list[JournalEntry]


def feed_candidates(*, sight: PlanSight, access: Access, user) -> FeedCandidates:
    """The goals and journal notes of the family's trajectories that this person may
    read (the coordinator all; the buddy their own trajectory's, as the journal allows)
    and that are not yet in the plan. Only for who may add to the plan's words."""
    if not sight.update_words or sight.role == "family":
        return FeedCandidates([], [])
    plan = sight.plan
    used_goals = set(PlanEntry.objects.filter(plan=plan).values_list("source_goal", flat=True))
    used_notes = set(PlanEntry.objects.filter(plan=plan).values_list("source_journal", flat=True))
    goals: list[Goal] = []
    notes: list[JournalEntry] = []
    for trajectory in Trajectory.objects.filter(participant=plan.participant).select_related(
        "buddy", "participant"
    ):
        who = trajectory_selectors.viewer(access=access, user=user, trajectory=trajectory)
        if not (who.coordinator or who.buddy):
            continue
        goals += [g for g in Goal.objects.filter(trajectory=trajectory) if g.pk not in used_goals]
        notes += [
            n
            for n in trajectory_selectors.journal_for(trajectory=trajectory, who=who, user=user)
            .exclude(note="")
            .order_by("-on", "-pk")[:20]
            if n.pk not in used_notes
        ]
    return FeedCandidates(goals, notes)


# --- Lists -------------------------------------------------------------------------------


def plans_of_project(*, project) -> list[FamilyPlan]:
    return list(
        FamilyPlan.objects.filter(project=project)
        .select_related("participant")
        .annotate(open_actions=Count("actions", filter=Q(actions__status=PlanAction.Status.OPEN)))
        .order_by("status", "next_review_on", "pk")
    )


def agreed_without_plan(*, project, limit: int = 50) -> list[Participant]:
    """People whose latest word on the family plan is "yes" and who have no running plan."""
    candidates = (
        ConsentRecord.objects.filter(project=project, purpose=consent.FAMILY_PLAN)
        .order_by("participant_id", "-created_at", "-id")
        .values_list("participant_id", "given")
    )
    latest: dict[int, bool] = {}
    for participant_id, given in candidates:
        latest.setdefault(participant_id, given)
    ids = [pk for pk, given in latest.items() if given]
    return list(
        Participant.objects.filter(project=project, pk__in=ids)
        .exclude(family_plan__status=FamilyPlan.Status.ACTIVE)
        .order_by("last_name", "first_name", "pk")[:limit]
    )


def reviews_due(*, project_ids, today: date | None = None, within_days: int = 14, limit: int = 10):
    """Running plans whose talk is due within two weeks or overdue, the earliest first."""
    today = today or clock.today()
    return list(
        FamilyPlan.objects.filter(
            project_id__in=project_ids,
            status=FamilyPlan.Status.ACTIVE,
            next_review_on__lte=today + timedelta(days=within_days),
        )
        .select_related("participant", "project")
        .order_by("next_review_on", "pk")[:limit]
    )


def family_plans_of(*, user) -> list[FamilyPlan]:
    """The plans of the families this account is (the participant's own account)."""
    return list(
        FamilyPlan.objects.filter(participant__user=user)
        .select_related("participant", "project")
        .order_by("pk")[:5]
    )


def my_actions(*, user, limit: int = 10) -> list[PlanAction]:
    """A buddy's open actions in the plans whose actions the family lets them see: the
    actions given to the buddy, the soonest first."""
    plan_ids = [
        plan_id
        for plan_id, sections in PlanShare.objects.filter(
            user=user, ended_on__isnull=True, plan__status=FamilyPlan.Status.ACTIVE
        ).values_list("plan_id", "sections")[:200]
        if Section.ACTIONS in sections
    ]
    return list(
        PlanAction.objects.filter(
            plan_id__in=plan_ids,
            who=PlanAction.Who.BUDDY,
            status=PlanAction.Status.OPEN,
            plan__participant__trajectories__buddy__user=user,
        )
        .select_related("plan", "plan__participant", "project")
        .distinct()
        .order_by("due_on", "pk")[:limit]
    )


def shared_with(*, user, limit: int = 10) -> list[FamilyPlan]:
    """The running plans a helper has an open share of."""
    return list(
        FamilyPlan.objects.filter(
            status=FamilyPlan.Status.ACTIVE, shares__user=user, shares__ended_on__isnull=True
        )
        .select_related("participant", "project")
        .distinct()
        .order_by("next_review_on", "pk")[:limit]
    )
