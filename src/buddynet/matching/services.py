"""Writes of the matching app: validate, lock, save in one transaction, audit.

Every function raises `MatchingError` (a `ServiceError`) with a message that is safe to
show when a rule is broken. Other apps may call `pair_exclude` (e.g. when a trajectory
ends badly).

Every write is idempotent or locked: it locks the row it checks (`select_for_update`;
on SQLite the IMMEDIATE transactions serialise writers) and reads the state again after
the lock, so a double click or two simultaneous requests give the existing record or a
409, never a duplicate or an `IntegrityError`.

Nothing starts or goes on without the participant's consent for support by a buddy
(`_require_support`); its withdrawal stops what is under way (`matching_stop`, called by
the consent effect in `consent_effects.py`).

The global proposal runs in the queue: `run_proposal` is the Huey task, beside the
service it runs (`tasks.py` re-exports it for the worker's discovery).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from huey.contrib.djhuey import db_task

from buddynet.core.errors import ServiceError
from buddynet.core.forms import date_bounds
from buddynet.participants import consent
from buddynet.participants.models import Participant
from buddynet.participants.services import consent_given
from buddynet.tenancy import runs
from buddynet.tenancy.models import Project
from buddynet.trajectories.services import TrajectoryError, trajectory_start
from buddynet.volunteers.models import Buddy

from . import adapters, engine
from .models import (
    Feeling,
    HandRaise,
    Introduction,
    IntroductionAnswer,
    MatchingProfile,
    MatchingSettings,
    PairExclusion,
    Proposal,
    ProposalRun,
    Side,
)
from .reasons import breakdown_of, failure_text

log = logging.getLogger(__name__)

PROFILE_FIELDS = (*MatchingProfile.WISH_FIELDS, *MatchingProfile.REQUEST_FIELDS)
SETTINGS_FIELDS = (*MatchingSettings.WEIGHT_FIELDS, "participant_max_km", "network_proposals")
RUN_STALE_SECONDS = 3600  # a run queued or running longer than this no longer blocks a new one
LEFT_OUT_LIMIT = 100  # people without a pair a run explains (urgent, long-waiting first)
LEFT_OUT_NEAR = 3  # near misses shown per person left out
# An introductory meeting is planned (or recorded) within these bounds around today.
MEETS_YEARS_BACK, MEETS_YEARS_AHEAD = 2, 2
OPEN_INTRODUCTION = (Introduction.Status.PLANNED, Introduction.Status.HELD)


class MatchingError(ServiceError):
    """A matching rule was broken; the message is safe to show."""


def _conflict(message: str, code: str) -> MatchingError:
    """What was asked clashes with what exists now (already done, changed meanwhile)."""
    return MatchingError(message, code=code, status=409)


def _require_support(participant: Participant) -> None:
    """Matching starts and goes on only while the participant consents to support."""
    if not consent_given(participant, consent.SUPPORT):
        raise MatchingError(
            _(
                "%(name)s has no consent for support by a buddy (withdrawn or never "
                "recorded): matching cannot go on."
            )
            % {"name": participant.full_name},
            code="no_support_consent",
            status=409,
        )


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _check_fields(data: dict, allowed) -> None:
    MatchingError.refuse_unknown(data, allowed, _("Unknown fields: %(fields)s"))


def _lock_participant(participant: Participant) -> Participant:
    return Participant.objects.select_for_update().get(pk=participant.pk)


def _check_meets_at(meets_at: datetime) -> None:
    earliest, latest = date_bounds(years_back=MEETS_YEARS_BACK, years_ahead=MEETS_YEARS_AHEAD)
    day = timezone.localtime(meets_at).date() if timezone.is_aware(meets_at) else meets_at.date()
    if day < earliest:
        raise MatchingError(
            _("Choose a date after %(date)s.") % {"date": earliest.strftime("%d/%m/%Y")},
            field="meets_at",
        )
    if day > latest:
        raise MatchingError(
            _("Choose a date before %(date)s.") % {"date": latest.strftime("%d/%m/%Y")},
            field="meets_at",
        )


# --- Settings and profiles -------------------------------------------------------------


def settings_update(*, project: Project, data: dict, by) -> MatchingSettings:
    _check_fields(data, SETTINGS_FIELDS)
    if all(int(data.get(f, 1)) == 0 for f in MatchingSettings.WEIGHT_FIELDS):
        raise MatchingError(_("Give at least one criterion a weight above zero."))
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        current = adapters.settings_for(project)
        changed = [f for f in data if getattr(current, f) != data[f]]
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        project.log_action("matching.settings.changed", user=by, data={"fields": changed})
    return current


def profile_get_or_create(*, participant: Participant) -> MatchingProfile:
    found = MatchingProfile.objects.filter(participant=participant).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return MatchingProfile.objects.create(
                project_id=participant.project_id, participant=participant
            )
    except IntegrityError:  # created at the same moment elsewhere
        return MatchingProfile.objects.get(participant=participant)


def profile_update(*, participant: Participant, data: dict, by) -> MatchingProfile:
    _check_fields(data, PROFILE_FIELDS)
    if data.get("published") and not (data.get("public_summary") or "").strip():
        raise MatchingError(
            _("Write a short summary for buddies before showing the request to them.")
        )
    if data.get("published"):
        _require_support(participant)
    with transaction.atomic():
        profile = profile_get_or_create(participant=participant)
        changed = [f for f in data if getattr(profile, f) != data[f]]
        for name, value in data.items():
            setattr(profile, name, value)
        profile.full_clean()
        profile.save()
        participant.log_action(
            "participant.matching_profile.saved", user=by, data={"fields": changed}
        )
    return profile


# --- One pair ---------------------------------------------------------------------------


def pair_explanation(
    *, participant: Participant, buddy: Buddy, pending: Proposal | None = None
) -> tuple[engine.Explanation, dict]:
    """The engine's score and reasons for one pair right now, with the breakdown to store.
    `pending`: a proposal of this pair that is being approved (it does not count against
    the buddy's capacity). Raises MatchingError when either is not in the pools (not
    waiting, or no known home)."""
    if participant.project_id != buddy.project_id:
        raise MatchingError(_("The buddy and the participant are in different projects."))
    pools = adapters.build_pools(
        [participant.project_id],
        buddy_ids=[buddy.pk],
        participant_ids=[participant.pk],
        include_engaged=True,
        buddy_statuses=list(Buddy.Status.values),
    )
    if not pools.participants:
        raise MatchingError(
            _("%(name)s is not on the waiting list, or their postcode is unknown.")
            % {"name": participant.full_name}
        )
    if not pools.buddies:
        raise MatchingError(_("The buddy's postcode is unknown."))
    p, b = pools.participants[0], pools.buddies[0]
    settings = pools.settings[participant.project_id]
    year = pools.today.year
    why = engine.explain(
        p,
        b,
        weights=settings.weights(),
        reference_year=year,
        excluded=(p.id, b.id) in pools.excluded,
    )
    return why, breakdown_of(why, p, b, year)


def _feasible_or_error(why: engine.Explanation, buddy: Buddy) -> None:
    if why.failures:
        reasons = "; ".join(
            failure_text(
                {"code": f.code, "value": f.value, "limit": f.limit, "message": f.message},
                show_sensitive=True,
                status_label=str(buddy.get_status_display()),
            )
            for f in why.failures
        )
        raise MatchingError(_("This pair cannot be proposed: %(reasons)s.") % {"reasons": reasons})


def _participant_engaged(participant: Participant, *, besides: Proposal | None = None) -> bool:
    qs = Proposal.objects.filter(participant=participant, status=Proposal.Status.APPROVED).filter(
        Q(introduction__isnull=True)
        | Q(introduction__status__in=(Introduction.Status.PLANNED, Introduction.Status.HELD))
    )
    if besides is not None:
        qs = qs.exclude(pk=besides.pk)
    return qs.exists()


def _pair_as_now(
    participant: Participant, buddy: Buddy, *, besides: Proposal | None = None
) -> tuple[engine.Explanation, dict]:
    """The pair's score and breakdown as they are now, once it is checked that the
    participant has no other approved proposal whose introduction is still to come
    (`besides`: the one being approved) and that the pair passes every hard constraint."""
    if _participant_engaged(participant, besides=besides):
        raise _conflict(
            _("%(name)s already has an approved proposal with an introduction to come.")
            % {"name": participant.full_name},
            "participant_engaged",
        )
    why, breakdown = pair_explanation(participant=participant, buddy=buddy)
    _feasible_or_error(why, buddy)
    return why, breakdown


# --- Proposals --------------------------------------------------------------------------


def proposal_create(
    *,
    participant: Participant,
    buddy: Buddy,
    by,
    source: str = Proposal.Source.RANKING,
    feeling: str = "",
    feeling_note: str = "",
) -> Proposal:
    """A coordinator proposes a pair (from a ranking or a raised hand), with their feeling.

    Idempotent: a pair that is already pending gives that proposal back (its
    ``already_existed`` is True), so a double click never makes a second one."""
    _require_support(participant)
    with transaction.atomic():
        participant = _lock_participant(participant)
        _require_support(participant)
        existing = Proposal.objects.filter(
            participant=participant, buddy=buddy, status=Proposal.Status.PENDING
        ).first()
        if existing is not None:
            existing.already_existed = True
            return existing
        why, breakdown = _pair_as_now(participant, buddy)
        proposal = Proposal.objects.create(
            project_id=participant.project_id,
            participant=participant,
            buddy=buddy,
            score=why.score,
            breakdown=breakdown,
            source=source,
            feeling=feeling or "",
            feeling_note=feeling_note or "",
            created_by=by,
        )
        proposal.log_action(
            "matching.proposal.created",
            user=by,
            data={"source": source, "score": round(why.score, 2), "feeling": feeling or ""},
        )
    proposal.already_existed = False
    return proposal


def proposal_set_feeling(
    *, proposal: Proposal, feeling: str, note: str, by, via: str = "web"
) -> Proposal:
    """The coordinator's own feeling about a pending pair, beside the score."""
    if feeling and feeling not in Feeling.values:
        raise MatchingError(_("Choose one of the feelings."), field="feeling")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Proposal.Status.PENDING:
            raise _conflict(_("Only a pending proposal can be changed."), "already_decided")
        if proposal.feeling == (feeling or "") and proposal.feeling_note == (note or ""):
            return proposal  # the same again: nothing to change or record
        proposal.feeling = feeling or ""
        proposal.feeling_note = note or ""
        proposal.save(update_fields=["feeling", "feeling_note", "updated_at"])
        proposal.log_action(
            "matching.proposal.feeling", user=by, via=via, data={"feeling": feeling or ""}
        )
    return proposal


def _supersede(qs, by, why: str) -> int:
    ids = list(qs.values_list("pk", flat=True))
    if ids:
        Proposal.objects.filter(pk__in=ids).update(
            status=Proposal.Status.SUPERSEDED, decided_at=timezone.now(), decided_by=by
        )
    return len(ids)


def proposal_approve(
    *, proposal: Proposal, by, feeling: str | None = None, note: str = ""
) -> Proposal:
    """Approve a pending pair: it goes on to an introductory meeting. The pair is checked
    again against the hard constraints as they are now. The participant's other pending
    proposals are superseded, and the buddy's too once they have no place left."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update()
            .select_related("participant", "buddy")
            .get(pk=proposal.pk)
        )
        if proposal.status != Proposal.Status.PENDING:
            raise _conflict(_("This proposal was already decided."), "already_decided")
        participant, buddy = proposal.participant, proposal.buddy
        _require_support(participant)
        why, breakdown = _pair_as_now(participant, buddy, besides=proposal)
        proposal.status = Proposal.Status.APPROVED
        proposal.decided_by = by
        proposal.decided_at = timezone.now()
        proposal.score = why.score
        proposal.breakdown = breakdown
        fields = ["status", "decided_by", "decided_at", "score", "breakdown", "updated_at"]
        if feeling is not None:
            proposal.feeling = feeling
            proposal.feeling_note = note
            fields += ["feeling", "feeling_note"]
        proposal.save(update_fields=fields)
        pending = Proposal.objects.filter(status=Proposal.Status.PENDING)
        _supersede(pending.filter(participant=participant), by, "participant")
        left = adapters.build_pools(
            [buddy.project_id],
            buddy_ids=[buddy.pk],
            participant_ids=[],
            buddy_statuses=list(Buddy.Status.values),
        ).buddies
        if left and left[0].capacity_left <= 0:
            _supersede(pending.filter(buddy=buddy), by, "buddy")
        proposal.log_action(
            "matching.proposal.approved", user=by, data={"score": round(why.score, 2)}
        )
    return proposal


def proposals_approve(*, proposals, by) -> tuple[list[Proposal], list[tuple[Proposal, str]]]:
    """Approve several pairs together, each on its own: returns (approved, [(proposal,
    why not)])"""
    approved, refused = [], []
    for proposal in proposals:
        try:
            approved.append(proposal_approve(proposal=proposal, by=by))
        except MatchingError as exc:
            refused.append((proposal, str(exc)))
    return approved, refused


def proposal_reject(*, proposal: Proposal, by, reason: str, exclude: bool = False) -> Proposal:
    """Reject a pending pair with a reason; `exclude`: never propose this pair again."""
    reason = (reason or "").strip()
    if not reason:
        raise MatchingError(_("Say briefly why this pair does not fit."))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Proposal.Status.PENDING:
            raise _conflict(_("This proposal was already decided."), "already_decided")
        proposal.status = Proposal.Status.REJECTED
        proposal.reject_reason = reason
        proposal.decided_by = by
        proposal.decided_at = timezone.now()
        proposal.save(
            update_fields=["status", "reject_reason", "decided_by", "decided_at", "updated_at"]
        )
        proposal.log_action("matching.proposal.rejected", user=by, data={"excluded": exclude})
        if exclude:
            pair_exclude(
                buddy=proposal.buddy,
                participant=proposal.participant,
                reason=PairExclusion.Reason.REJECTED,
                note=reason,
                by=by,
            )
    return proposal


def pair_exclude(
    *, buddy: Buddy, participant: Participant, reason: str, by, note: str = ""
) -> PairExclusion:
    """Never propose this pair again (they said no, or their trajectory ended badly).
    `reason`: a `PairExclusion.Reason` code; any other text is kept as the note of an
    "other reason". Idempotent: a pair already excluded keeps its first reason."""
    if buddy.project_id != participant.project_id:
        raise MatchingError(_("The buddy and the participant are in different projects."))
    if reason not in PairExclusion.Reason.values:
        note = f"{reason} {note}".strip()
        reason = PairExclusion.Reason.OTHER
    with transaction.atomic():
        _lock_participant(participant)
        exclusion, created = PairExclusion.objects.get_or_create(
            buddy=buddy,
            participant=participant,
            defaults={
                "project_id": participant.project_id,
                "reason": reason,
                "note": note,
                "created_by": by if getattr(by, "is_authenticated", False) else None,
            },
        )
        _supersede(
            Proposal.objects.filter(
                buddy=buddy, participant=participant, status=Proposal.Status.PENDING
            ),
            by if getattr(by, "is_authenticated", False) else None,
            "excluded",
        )
        if created:
            exclusion.log_action(
                "matching.pair.excluded",
                user=by,
                data={
                    "reason": reason,
                    "buddy": str(buddy.code),
                    "participant": str(participant.code),
                },
            )
    return exclusion


# --- Global proposal runs -------------------------------------------------------------


def run_projects(*, project: Project, scope: str) -> list[int]:
    """The projects a run covers: this one, or every active project of the network that
    takes part in network-wide proposals (this one only if it takes part itself)."""
    if scope == ProposalRun.Scope.PROJECT:
        return [project.pk]
    with scopes_disabled():
        network_id = project.organisation.network_id
        ids = list(
            MatchingSettings.objects.filter(
                network_proposals=True,
                project__organisation__network_id=network_id,
                project__is_active=True,
            )
            .order_by("project_id")
            .values_list("project_id", flat=True)
        )
    if project.pk not in ids:
        raise MatchingError(
            _("This project does not take part in network-wide proposals (see the settings).")
        )
    return ids


def run_start(*, project: Project, scope: str, by) -> ProposalRun:
    """Queue a global proposal; the worker runs it (`run_proposal`).

    One run at a time per project: the covered projects' rows are locked, then the runs
    still queued or running are read again. The same run asked twice (a double click, two
    coordinators at once) gives the run already under way; a run that overlaps it
    otherwise is refused (409)."""
    if scope not in ProposalRun.Scope.values:
        raise MatchingError(_("Unknown scope."), field="scope")
    project_ids = run_projects(project=project, scope=scope)

    def under_way() -> ProposalRun | None:
        recent = timezone.now() - timedelta(seconds=RUN_STALE_SECONDS)
        busy = ProposalRun.objects.filter(
            status__in=(ProposalRun.Status.QUEUED, ProposalRun.Status.RUNNING),
            created_at__gte=recent,
        ).order_by("-created_at", "-pk")
        for running in busy:
            covered = set(running.project_ids or ())
            if covered == set(project_ids):
                return running
            if covered & set(project_ids):
                raise _conflict(
                    _("A global proposal is already running. Wait for its result."),
                    "run_in_progress",
                )
        return None

    def create() -> ProposalRun:
        run = ProposalRun.objects.create(
            project=project,
            network_id=project.organisation.network_id,
            scope=scope,
            project_ids=project_ids,
            started_by=by,
        )
        run.log_action(
            "matching.run.started", user=by, data={"scope": scope, "projects": len(project_ids)}
        )
        return run

    return runs.run_queue(
        project_ids=project_ids, under_way=under_way, create=create, task=_enqueue
    )


def _enqueue(run_id: int) -> None:
    run_proposal(run_id)


@db_task()
def run_proposal(run_id: int) -> None:
    """The queue's job: compute a queued global proposal (`run_execute`)."""
    run_execute(run_id)


class _Progress:
    """Writes a run's progress to the database, at most every few percent"""

    def __init__(self, run_id: int, projects: int):
        self.run_id = run_id
        self.projects = max(1, projects)
        self.index = 0
        self.last = -1

    def set(self, phase: str, percent: float) -> None:
        value = max(0, min(99, int(percent)))
        if value >= self.last + 3 or phase != getattr(self, "phase", None):
            self.last = value
            self.phase = phase
            runs.run_progress(ProposalRun, self.run_id, phase, value)

    def engine(self, phase: str, done: int, total: int) -> None:
        # Per project: scoring 10-70 %, solving 70-90 % of its share; saving after.
        share = 90.0 / self.projects
        base = 5 + self.index * share
        inner = done / total if total else 1.0
        if phase == "scoring":
            self.set(phase, base + share * 0.65 * inner)
        else:
            self.set(phase, base + share * (0.65 + 0.3 * inner))


def run_execute(run_id: int) -> ProposalRun:
    """Compute a queued run: build the pools, propose per project (a pair never crosses a
    project), store the pairs as pending proposals (older pending run proposals of these
    projects are superseded), and record the figures. A failure is recorded on the run."""
    return runs.run_execute(
        ProposalRun, run_id, phase="loading", work=_run, log=log, what="Proposal run"
    )


def _run(run: ProposalRun) -> None:
    clock = time.perf_counter()
    progress = _Progress(run.pk, len(run.project_ids))
    pools = adapters.build_pools(run.project_ids, buddy_statuses=adapters.READY_STATUSES)
    timings = {"load": round(time.perf_counter() - clock, 3)}
    progress.set("scoring", 5)
    year = pools.today.year
    people = {p.id: p for p in pools.participants}
    helpers = {b.id: b for b in pools.buddies}
    new: list[Proposal] = []
    left_out: list[dict] = []
    totals = {"participants": 0, "buddies": 0, "feasible": 0, "unmatched": 0, "score": 0.0}
    for index, project_id in enumerate(run.project_ids):
        progress.index = index
        weights = pools.settings[project_id].weights()
        ps = pools.participants_in(project_id)
        bs = [b for b in pools.buddies_in(project_id) if b.ready and b.capacity_left > 0]
        excluded = [pair for pair in pools.excluded if pair[0] in people]
        result = engine.propose(
            ps,
            bs,
            weights=weights,
            excluded=excluded,
            progress=progress.engine,
            reference_year=year,
        )
        for name, seconds in result.timings.items():
            timings[name] = round(timings.get(name, 0) + seconds, 3)
        totals["participants"] += len(ps)
        totals["buddies"] += len(bs)
        totals["feasible"] += result.feasible_pairs
        totals["unmatched"] += len(result.unmatched)
        totals["score"] += result.total_score
        left_out += _left_out(
            project_id,
            [people[i] for i in result.unmatched],
            pools,
            bs,
            weights=weights,
            year=year,
        )
        for pair in result.pairs:
            p, b = people[pair.participant_id], helpers[pair.buddy_id]
            why = engine.explain(p, b, weights=weights, reference_year=year)
            new.append(
                Proposal(
                    project_id=project_id,
                    run=run,
                    participant_id=p.id,
                    buddy_id=b.id,
                    score=pair.score,
                    breakdown=breakdown_of(why, p, b, year),
                    source=Proposal.Source.RUN,
                    created_by=run.started_by,
                )
            )
    progress.set("saving", 92)
    clock = time.perf_counter()
    with transaction.atomic():
        _supersede(
            Proposal.objects.filter(
                project_id__in=run.project_ids,
                source=Proposal.Source.RUN,
                status=Proposal.Status.PENDING,
            ).exclude(run=run),
            None,
            "new run",
        )
        # A pair already pending from a ranking or a raised hand keeps that proposal.
        taken = set(
            Proposal.objects.filter(
                project_id__in=run.project_ids, status=Proposal.Status.PENDING
            ).values_list("participant_id", "buddy_id")
        )
        fresh = [x for x in new if (x.participant_id, x.buddy_id) not in taken]
        Proposal.objects.bulk_create(fresh, batch_size=1000)
        timings["save"] = round(time.perf_counter() - clock, 3)
        ProposalRun.objects.filter(pk=run.pk).update(
            status=ProposalRun.Status.DONE,
            phase="done",
            progress=100,
            participants_count=totals["participants"],
            buddies_count=totals["buddies"],
            feasible_pairs=totals["feasible"],
            pairs_count=len(new),
            unmatched_count=totals["unmatched"],
            total_score=round(totals["score"], 4),
            left_out=left_out,
            timings=timings,
            finished_at=timezone.now(),
        )
        run.log_action(
            "matching.run.finished",
            user=None,
            via="system",
            data={"pairs": len(new), "participants": totals["participants"]},
        )


URGENCY_ORDER = {"high": 0, "normal": 1, "low": 2}


def _left_out(project_id: int, unmatched, pools, free, *, weights, year) -> list[dict]:
    """Why each waiting person of one project got no pair in a run, as plain data for the
    result page: how many buddies with a free place would fit them (0: nobody passes
    every hard rule; more: they were needed for others in the best overall set), and
    their near misses among all ready buddies (each failing exactly one hard rule, e.g. no
    place left). People the pools could not place (unknown home) are listed too. The most
    urgent and longest waiting first, at most ``LEFT_OUT_LIMIT``."""
    placed = {p.id for p in pools.participants_in(project_id)}
    unplaced = (
        Participant.objects.filter(project_id=project_id, status=Participant.Status.WAITING)
        .exclude(waiting_reason=Participant.WaitingReason.PAUSED)
        .exclude(pk__in=placed | pools.engaged_participants)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    everyone = pools.buddies_in(project_id)
    people = sorted(unmatched, key=lambda p: (URGENCY_ORDER.get(p.urgency, 1), -p.waiting_days))
    people = people[:LEFT_OUT_LIMIT]
    rows: list[dict] = [
        {"project": project_id, "participant": pk, "why": "unplaced", "feasible": 0, "near": []}
        for pk in unplaced[:LEFT_OUT_LIMIT]
    ]
    if not people:
        return rows
    vocab = engine.Vocabularies.of(people, everyone)
    free_pool = engine.BuddyPool(free, vocabularies=vocab, reference_year=year)
    all_pool = engine.BuddyPool(everyone, vocabularies=vocab, reference_year=year)
    for p in people:
        excluded = pools.excluded_for_participant(p.id)
        feasible = engine.rank_buddies(
            p, free_pool, k=1, near_misses=0, weights=weights, excluded=excluded
        ).feasible_count
        near = engine.rank_buddies(
            p, all_pool, k=1, near_misses=LEFT_OUT_NEAR, weights=weights, excluded=excluded
        ).near_misses
        rows.append(
            {
                "project": project_id,
                "participant": p.id,
                "why": "lost_out" if feasible else "no_fit",
                "feasible": feasible,
                "near": [
                    {
                        "buddy": c.id,
                        "score": round(c.score, 1),
                        "failure": {
                            "code": f.code,
                            "value": f.value,
                            "limit": f.limit,
                            "message": f.message,
                        },
                    }
                    for c in near
                    for f in c.explanation.failures[:1]
                ],
            }
        )
    return rows


# --- Raised hands -----------------------------------------------------------------------


def hand_raise(*, buddy: Buddy, participant: Participant, by, note: str = "") -> HandRaise:
    """A ready buddy raises their hand on a published help request of their project.

    Idempotent: a hand already raised for this request is given back as it is."""
    if buddy.project_id != participant.project_id:
        raise MatchingError(_("This help request is not in your project."))
    if buddy.status not in adapters.READY_STATUSES:
        raise MatchingError(_("You can raise your hand once you are ready to match."))
    with transaction.atomic():
        participant = _lock_participant(participant)
        existing = HandRaise.objects.filter(
            buddy=buddy, participant=participant, withdrawn_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        profile = MatchingProfile.objects.filter(participant=participant, published=True).first()
        if (
            profile is None
            or participant.status != Participant.Status.WAITING
            or not consent_given(participant, consent.SUPPORT)
            or PairExclusion.objects.filter(buddy=buddy, participant=participant).exists()
        ):
            # The buddy learns nothing more about why (the request is anonymised).
            raise _conflict(_("This help request is no longer open."), "request_closed")
        hand = HandRaise.objects.create(
            project_id=buddy.project_id, buddy=buddy, participant=participant, note=note[:500]
        )
        hand.log_action(
            "matching.hand.raised", user=by, data={"request": str(profile.request_code)}
        )
    return hand


def hand_withdraw(*, hand: HandRaise, by) -> HandRaise:
    """Withdraw a raised hand; withdrawing it again changes nothing."""
    with transaction.atomic():
        hand = HandRaise.objects.select_for_update().get(pk=hand.pk)
        if hand.withdrawn_at is not None:
            return hand
        hand.withdrawn_at = timezone.now()
        hand.save(update_fields=["withdrawn_at", "updated_at"])
        hand.log_action("matching.hand.withdrawn", user=by)
    return hand


# --- Introductions ----------------------------------------------------------------------


def introduction_plan(
    *, proposal: Proposal, meets_at: datetime, place: str, staff_present: str, by, notes: str = ""
) -> Introduction:
    """Plan the introductory meeting of an approved pair.

    The same plan sent twice gives the introduction already planned; another plan for a
    pair that has one is refused (409: change the planned one instead)."""
    if not (place or "").strip() or not (staff_present or "").strip():
        raise MatchingError(_("Say where the meeting takes place and who of the staff is there."))
    _check_meets_at(meets_at)
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Proposal.Status.APPROVED:
            raise _conflict(
                _("Approve the proposal before planning the introduction."), "not_approved"
            )
        existing = Introduction.objects.filter(proposal=proposal).first()
        if existing is not None:
            same = (
                existing.meets_at == meets_at
                and existing.place == place.strip()
                and existing.staff_present == staff_present.strip()
            )
            if same:
                return existing
            raise _conflict(
                _("The introduction of this pair is already planned."), "already_planned"
            )
        _require_support(proposal.participant)
        introduction = Introduction.objects.create(
            project_id=proposal.project_id,
            proposal=proposal,
            buddy_id=proposal.buddy_id,
            participant_id=proposal.participant_id,
            meets_at=meets_at,
            place=place.strip(),
            staff_present=staff_present.strip(),
            notes=notes or "",
            planned_by=by,
        )
        introduction.log_action("matching.introduction.planned", user=by)
    return introduction


def introduction_update(*, introduction: Introduction, data: dict, by) -> Introduction:
    """Change the plan, or record notes; ``held=True`` records that the meeting took place."""
    _check_fields(data, ("meets_at", "place", "staff_present", "notes", "held"))
    if data.get("meets_at") is not None:
        _check_meets_at(data["meets_at"])
    with transaction.atomic():
        introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
        if not introduction.open:
            raise _conflict(_("This introduction is already decided."), "already_decided")
        _require_support(introduction.participant)
        for name in ("meets_at", "place", "staff_present", "notes"):
            if name in data:
                setattr(introduction, name, data[name])
        if data.get("held"):
            introduction.status = Introduction.Status.HELD
        introduction.full_clean(exclude=["proposal", "trajectory"])
        introduction.save()
        introduction.log_action(
            "matching.introduction.held" if data.get("held") else "matching.introduction.changed",
            user=by,
        )
    return introduction


def can_answer(introduction: Introduction, now: datetime | None = None) -> bool:
    """Answers come after the meeting: once it was held, or once its time has passed."""
    now = now or timezone.now()
    return introduction.open and (
        introduction.status == Introduction.Status.HELD or introduction.meets_at <= now
    )


def introduction_answer(
    *,
    introduction: Introduction,
    side: str,
    yes: bool,
    by,
    reason: str = "",
    recorded_by_coordinator: bool = False,
) -> Introduction:
    """One side says yes or no, privately. Two yeses start the trajectory; a no ends the
    introduction at once: both go back to the pool (the participant keeps their place on
    the waiting list, the buddy stays ready), and the pair is never proposed again. The
    reason is for the coordinators only.

    The same answer sent twice gives the introduction as it is; a different second answer
    of the same side is refused (409). Without the participant's consent for support
    nothing is answered (409)."""
    if side not in Side.values:
        raise MatchingError(_("Unknown side."), field="side")
    with transaction.atomic():
        introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
        given = IntroductionAnswer.objects.filter(introduction=introduction, side=side).first()
        if given is not None:
            if given.yes == yes:
                return introduction
            raise _conflict(_("This answer was already given."), "already_answered")
        _require_support(introduction.participant)
        if not introduction.open:
            raise _conflict(_("This introduction is already decided."), "already_decided")
        if not can_answer(introduction):
            raise MatchingError(
                _("You can answer after the introductory meeting."), code="too_early"
            )
        IntroductionAnswer.objects.create(
            project_id=introduction.project_id,
            introduction=introduction,
            side=side,
            yes=yes,
            reason=(reason or "").strip(),
            answered_by=by,
            recorded_by_coordinator=recorded_by_coordinator,
        )
        # The audit says who answered, never what the reason was.
        introduction.log_action(
            "matching.introduction.answered",
            user=by,
            data={"side": side, "recorded_by_coordinator": recorded_by_coordinator},
        )
        if introduction.status == Introduction.Status.PLANNED:
            introduction.status = Introduction.Status.HELD
        answers = dict(
            IntroductionAnswer.objects.filter(introduction=introduction).values_list("side", "yes")
        )
        now = timezone.now()
        if not yes:
            introduction.status = Introduction.Status.DECLINED
            introduction.decided_at = now
            introduction.save(update_fields=["status", "decided_at", "updated_at"])
            pair_exclude(
                buddy=introduction.buddy,
                participant=introduction.participant,
                reason=PairExclusion.Reason.SAID_NO,
                by=by,
            )
            introduction.log_action("matching.introduction.declined", user=by)
        elif answers.get(Side.BUDDY) and answers.get(Side.PARTICIPANT):
            try:
                trajectory = trajectory_start(
                    buddy=introduction.buddy, participant=introduction.participant, by=by
                )
            except TrajectoryError as exc:
                raise MatchingError(str(exc)) from exc
            introduction.status = Introduction.Status.ACCEPTED
            introduction.decided_at = now
            introduction.trajectory = trajectory
            introduction.save(update_fields=["status", "decided_at", "trajectory", "updated_at"])
            introduction.log_action("matching.introduction.accepted", user=by)
            # The participant has a buddy now: their other pending proposals are moot.
            _supersede(
                Proposal.objects.filter(
                    participant_id=introduction.participant_id, status=Proposal.Status.PENDING
                ),
                by,
                "matched",
            )
            HandRaise.objects.filter(
                participant_id=introduction.participant_id, withdrawn_at__isnull=True
            ).update(withdrawn_at=now)
        else:
            introduction.save(update_fields=["status", "updated_at"])
    return introduction


# --- Consent for support withdrawn ------------------------------------------------------


def _stop_each(records, action: str, changes: dict[str, Any], *, by, via: str) -> int:
    """Give each record `changes`, with an entry on its history that the consent was
    withdrawn; returns how many there were."""
    count = 0
    for record in records:
        for name, value in changes.items():
            setattr(record, name, value)
        record.save(update_fields=[*changes, "updated_at"])
        record.log_action(action, user=by, via=via, data={"reason": "consent_withdrawn"})
        count += 1
    return count


def matching_stop(*, participant: Participant, by, via: str = "web") -> dict[str, int]:
    """Stop all matching for a participant who withdrew their consent for support: their
    pending proposals and approved pairs still to plan are withdrawn, their planned
    introductions cancelled, the hands raised on their help request removed and the
    request no longer shown. Each step is on the record's history. Runs inside the
    withdrawal's transaction (see ``consent_effects``)."""
    user, now = _user(by), timezone.now()
    done = {"proposals": 0, "introductions": 0, "hands": 0}
    with transaction.atomic():
        participant = _lock_participant(participant)
        done["introductions"] = _stop_each(
            Introduction.objects.select_for_update().filter(
                participant=participant, status__in=OPEN_INTRODUCTION
            ),
            "matching.introduction.cancelled",
            {"status": Introduction.Status.CANCELLED, "decided_at": now},
            by=by,
            via=via,
        )
        done["proposals"] = _stop_each(
            Proposal.objects.select_for_update(of=("self",)).filter(
                Q(status=Proposal.Status.PENDING)
                | Q(status=Proposal.Status.APPROVED, introduction__isnull=True),
                participant=participant,
            ),
            "matching.proposal.withdrawn",
            {"status": Proposal.Status.WITHDRAWN, "decided_at": now, "decided_by": user},
            by=by,
            via=via,
        )
        done["hands"] = _stop_each(
            HandRaise.objects.select_for_update().filter(
                participant=participant, withdrawn_at__isnull=True
            ),
            "matching.hand.removed",
            {"withdrawn_at": now},
            by=by,
            via=via,
        )
        if MatchingProfile.objects.filter(participant=participant, published=True).update(
            published=False, updated_at=now
        ):
            participant.log_action(
                "participant.matching_profile.unpublished",
                user=by,
                via=via,
                data={"reason": "consent_withdrawn"},
            )
    return done
