"""Matching: per-project settings, what the intake recorded for matching, global proposal
runs, proposals (with their reasons), raised hands, introductions with each side's private
answer, and pairs that are never proposed again.

The engine (``matching.engine``) is pure numpy/scipy; these models are what the app stores
around it. Every row belongs to one project (``ProjectOwnedModel``: a scoped manager).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import (
    ProjectOwnedModel,
    QueuedRun,
    bounded_number,
    optional_key,
    project_key,
    user_ref,
)
from buddynet.trajectories.models import pair_keys, pair_status_indexes, trajectory_key

from .engine import Weights

_DEFAULTS = Weights()


def _weight(label, default: float):
    return bounded_number(label, low=0, high=10, default=int(default))


class MatchingSettings(ProjectOwnedModel):
    """How a project weighs the criteria, and whether it joins network-wide proposals."""

    project = project_key(
        one_to_one=True, on_delete=models.CASCADE, related_name="matching_settings"
    )
    weight_distance = _weight(_("distance"), _DEFAULTS.distance)
    weight_availability = _weight(_("shared time slots"), _DEFAULTS.availability)
    weight_interests = _weight(_("shared interests"), _DEFAULTS.interests)
    weight_skills = _weight(_("skills for the needs"), _DEFAULTS.skills)
    weight_language = _weight(_("language level"), _DEFAULTS.language)
    weight_age = _weight(_("closeness in age"), _DEFAULTS.age)
    weight_life_experience = _weight(_("relevant life experience"), _DEFAULTS.life_experience)
    weight_preferences = _weight(_("wishes ('would like')"), _DEFAULTS.preferences)
    weight_waiting = _weight(_("waiting time and urgency"), _DEFAULTS.waiting)
    weight_mutual_interest = _weight(
        _("a raised hand (mutual interest)"), _DEFAULTS.mutual_interest
    )
    participant_max_km = bounded_number(
        _("how far participants travel, unless the intake says otherwise (km)"),
        low=1,
        high=200,
        default=15,
    )
    network_proposals = models.BooleanField(
        _("take part in network-wide proposals"),
        default=False,
        help_text=_(
            "A network-wide run proposes pairs in every project that takes part, at once. "
            "Pairs always stay within one project, and stay pending until you approve them."
        ),
    )

    WEIGHT_FIELDS = (
        "weight_distance",
        "weight_availability",
        "weight_interests",
        "weight_skills",
        "weight_language",
        "weight_age",
        "weight_life_experience",
        "weight_preferences",
        "weight_waiting",
        "weight_mutual_interest",
    )

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")

    def weights(self) -> Weights:
        values = {
            name.removeprefix("weight_"): float(getattr(self, name)) for name in self.WEIGHT_FIELDS
        }
        if sum(values.values()) <= 0:
            return Weights()
        return Weights(**values)


class Strength(models.TextChoices):
    MUST = "must", _("must")
    WOULD_LIKE = "would_like", _("would like")


def _strength():
    """How strong a wish about the buddy is: "must" (a hard rule) or "would like"."""
    return models.CharField(
        _("how strong is this wish"),
        max_length=12,
        choices=Strength.choices,
        default=Strength.WOULD_LIKE,
    )


class MatchingProfile(ProjectOwnedModel):
    """What the intake recorded for matching about one participant: their wishes about the
    buddy ("must" or "would like"), the topics they need help with, how far they travel,
    and whether (and how) their help request may be shown anonymously to buddies.

    ``request_code`` addresses the anonymised request: it is not the participant's code and
    cannot be traced back to it by a buddy."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="matching_profile"
    )
    gender = models.CharField(
        _("gender of the participant"),
        max_length=1,
        blank=True,
        default="",
        help_text=_("Only if it matters for a buddy's wish; never required."),
    )
    buddy_genders = models.JSONField(_("gender of the buddy"), default=list, blank=True)
    buddy_gender_strength = _strength()
    buddy_age_groups = models.JSONField(_("age of the buddy"), default=list, blank=True)
    buddy_age_strength = _strength()
    needs = models.JSONField(_("help with"), default=list, blank=True)
    experience_wanted = models.JSONField(
        _("life experience that would help"), default=list, blank=True
    )
    max_km = bounded_number(
        _("how far they can travel (km)"),
        low=1,
        high=200,
        null=True,
        blank=True,
        help_text=_("Empty: the project's default."),
    )
    request_code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    published = models.BooleanField(
        _("show the help request anonymously to buddies"),
        default=False,
        help_text=_(
            "Ready buddies of the project see the summary below with the town, an age band "
            "and the topics, never a name, address or contact details. Ask the participant first."
        ),
    )
    public_summary = models.TextField(
        _("summary for buddies"),
        blank=True,
        max_length=600,
        help_text=_(
            "In your own words, without names, addresses, health, origin or anything else "
            "that could identify the person."
        ),
    )

    # The wishes the intake records, and the anonymised request (its form, its service,
    # the person's export).
    WISH_FIELDS = (
        "gender",
        "buddy_genders",
        "buddy_gender_strength",
        "buddy_age_groups",
        "buddy_age_strength",
        "needs",
        "experience_wanted",
        "max_km",
    )
    REQUEST_FIELDS = ("published", "public_summary")

    class Meta:
        verbose_name = _("matching profile")
        verbose_name_plural = _("matching profiles")
        indexes = [models.Index(fields=["project", "published"])]


class ProposalRun(QueuedRun):
    """A global proposal: computed in the queue, its pairs pending until approved."""

    class Scope(models.TextChoices):
        PROJECT = "project", _("this project")
        NETWORK = "network", _("the network (projects that take part)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting in the queue")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    project = project_key(verbose_name=_("started from project"), related_name="proposal_runs")
    network = optional_key("tenancy.Network", on_delete=models.PROTECT)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    project_ids = models.JSONField(default=list, blank=True)  # the projects covered
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    participants_count = models.PositiveIntegerField(_("waiting participants"), default=0)
    buddies_count = models.PositiveIntegerField(_("available buddies"), default=0)
    feasible_pairs = models.PositiveIntegerField(_("possible pairs"), default=0)
    pairs_count = models.PositiveIntegerField(_("pairs proposed"), default=0)
    unmatched_count = models.PositiveIntegerField(_("participants without a pair"), default=0)
    total_score = models.FloatField(_("total score"), default=0)
    timings = models.JSONField(default=dict, blank=True)
    # The waiting people the run left without a pair (urgent and long-waiting first, at
    # most ``LEFT_OUT_LIMIT``): why, and their near misses (see ``services._left_out``).
    left_out = models.JSONField(default=list, blank=True)
    started_by = user_ref(_("started by"))

    class Meta(QueuedRun.Meta):
        verbose_name = _("proposal run")
        verbose_name_plural = _("proposal runs")

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Feeling(models.TextChoices):
    """The coordinator's own judgement of a pair, beside the score."""

    GOOD = "+", _("good feeling")
    NEUTRAL = "0", _("no particular feeling")
    DOUBT = "-", _("doubts")


class Proposal(ProjectOwnedModel):
    """A proposed pair with its score and the reasons (breakdown per criterion), pending
    until a coordinator approves or rejects it."""

    class Source(models.TextChoices):
        RANKING = "ranking", _("from a ranking")
        RUN = "run", _("global proposal")
        HAND = "hand", _("a raised hand")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SUPERSEDED = "superseded", _("superseded")
        WITHDRAWN = "withdrawn", _("withdrawn: no consent for support")

    run = optional_key(ProposalRun, on_delete=models.SET_NULL, related_name="proposals")
    buddy, participant = pair_keys("proposals", labelled=True)
    score = models.FloatField(_("score"))
    breakdown = models.JSONField(_("reasons"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    feeling = models.CharField(_("your feeling"), max_length=1, choices=Feeling.choices, blank=True)
    feeling_note = models.TextField(_("note on your feeling"), blank=True, max_length=2000)
    reject_reason = models.TextField(_("why rejected"), blank=True, max_length=2000)
    created_by = user_ref()
    decided_by = user_ref(_("decided by"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [*pair_status_indexes(), models.Index(fields=["run", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["buddy", "participant"],
                condition=Q(status="pending"),
                name="matching_one_pending_proposal_per_pair",
            )
        ]


class HandRaise(ProjectOwnedModel):
    """A ready buddy raised their hand on an anonymised help request."""

    buddy, participant = pair_keys("hand_raises")
    note = models.CharField(_("a word for the coordinator"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("raised hand")
        verbose_name_plural = _("raised hands")
        constraints = [
            models.UniqueConstraint(
                fields=["buddy", "participant"],
                condition=Q(withdrawn_at__isnull=True),
                name="matching_one_open_hand_per_pair",
            )
        ]


class Introduction(ProjectOwnedModel):
    """The introductory meeting after an approved proposal, and how it ended."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held, waiting for the answers")
        ACCEPTED = "accepted", _("both said yes")
        DECLINED = "declined", _("did not lead to a match")
        CANCELLED = "cancelled", _("cancelled: no consent for support")

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="introduction")
    buddy, participant = pair_keys("introductions")
    meets_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    staff_present = models.CharField(_("staff present"), max_length=300)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    trajectory = trajectory_key("+", on_delete=models.SET_NULL, null=True, blank=True)
    planned_by = user_ref()

    class Meta:
        ordering = ["-meets_at", "-pk"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        indexes = pair_status_indexes()

    @property
    def open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.HELD)


class Side(models.TextChoices):
    BUDDY = "buddy", _("buddy")
    PARTICIPANT = "participant", _("participant")


class IntroductionAnswer(ProjectOwnedModel):
    """One side's yes or no after the introduction: private. The reason is seen by the
    coordinators only, never by the other side."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="answers")
    side = models.CharField(_("who"), max_length=12, choices=Side.choices)
    yes = models.BooleanField(_("wants to go on"))
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    answered_by = user_ref()
    # The participant answered on the coordinator's device (or told the coordinator).
    recorded_by_coordinator = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("answer after the introduction")
        verbose_name_plural = _("answers after the introduction")
        constraints = [
            models.UniqueConstraint(
                fields=["introduction", "side"], name="matching_one_answer_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.side}: {'yes' if self.yes else 'no'}"


class PairExclusion(ProjectOwnedModel):
    """A pair that is never proposed again: one of them said no, or their trajectory
    ended badly."""

    class Reason(models.TextChoices):
        SAID_NO = "said_no", _("said no after the introduction")
        ENDED_BADLY = "ended_badly", _("the trajectory ended badly")
        REJECTED = "rejected", _("the coordinator ruled the pair out")
        OTHER = "other", _("other reason")

    buddy, participant = pair_keys("pair_exclusions")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_by = user_ref()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("excluded pair")
        verbose_name_plural = _("excluded pairs")
        constraints = [
            models.UniqueConstraint(fields=["buddy", "participant"], name="matching_pair_once")
        ]
