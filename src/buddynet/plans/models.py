"""One family, one plan: the household's shared plan, owned by the family.

A plan (``FamilyPlan``, one per participant: the household is the participant with the
``HouseholdMember`` rows) holds the family's strengths, worries and goals in their own
words (``PlanEntry``), the actions with who does what by when (``PlanAction``), the
chosen coordinator ("regisseur": the family itself, someone of its network or a
professional) and the reviews held together at set times (``PlanReview``). Who besides
the family and the project's coordinators sees which part is the family's consent per
contributor (``PlanShare``); every change is a step of the plan's history
(``PlanChange``: who, when, what).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import (
    HistoryStep,
    ProjectOwnedModel,
    bounded_number,
    optional_key,
    project_key,
    user_ref,
)
from buddynet.core.validators import no_control_characters
from buddynet.participants.models import HouseholdMember, Participant
from buddynet.trajectories.models import Goal, JournalEntry

CLEAN = [no_control_characters]


class Section(models.TextChoices):
    """The parts of a plan a contributor may be allowed to see (and update)."""

    WORDS = "words", _("strengths, worries and goals")
    ACTIONS = "actions", _("who does what")
    REVIEWS = "reviews", _("talks about the plan")


class FamilyPlan(ProjectOwnedModel):  # type: ignore[django-manager-missing]
    class CoordinatorKind(models.TextChoices):
        FAMILY = "family", _("the family itself")
        NETWORK = "network", _("someone of the family's own network")
        PROFESSIONAL = "professional", _("a professional")

    class Status(models.TextChoices):
        ACTIVE = "active", _("running")
        STOPPED = "stopped", _("stopped: consent withdrawn")

    project = project_key(on_delete=models.CASCADE)
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="family_plan"
    )
    project_from = "participant"
    coordinator_kind = models.CharField(
        _("who coordinates the plan"), max_length=20, choices=CoordinatorKind.choices
    )
    coordinator_name = models.CharField(
        _("name of the coordinator"), max_length=200, validators=CLEAN
    )
    coordinator_contact = models.CharField(
        _("how to reach the coordinator"), max_length=200, blank=True, validators=CLEAN
    )
    review_every_months = bounded_number(
        _("review the plan every (months)"), low=1, high=12, default=6
    )
    next_review_on = models.DateField(_("next talk about the plan"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    created_by = user_ref()

    class Meta:
        verbose_name = _("family plan")
        verbose_name_plural = _("family plans")
        indexes = [models.Index(fields=["project", "status", "next_review_on"])]

    @property
    def active(self) -> bool:
        return self.status == self.Status.ACTIVE


class PlanEntry(ProjectOwnedModel):
    """A strength, a worry or a goal, in the family's own words. An entry fed from the
    buddy's goal or journal keeps a link to where it came from."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("what goes well")
        WORRY = "worry", _("what worries us")
        GOAL = "goal", _("what we want to reach")

    project = project_key(on_delete=models.CASCADE)
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="entries")
    project_from = "plan"
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("in the family's own words"), max_length=1000, validators=CLEAN)
    whose_words = models.CharField(_("whose words"), max_length=200, blank=True, validators=CLEAN)
    source_goal = optional_key(Goal, on_delete=models.SET_NULL, related_name="plan_entries")
    source_journal = optional_key(
        JournalEntry, on_delete=models.SET_NULL, related_name="plan_entries"
    )
    added_by = user_ref()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "source_goal"],
                condition=Q(source_goal__isnull=False),
                name="plans_entry_goal_once",
            ),
            models.UniqueConstraint(
                fields=["plan", "source_journal"],
                condition=Q(source_journal__isnull=False),
                name="plans_entry_journal_once",
            ),
        ]


class PlanAction(ProjectOwnedModel):
    """Who does what, by when."""

    class Who(models.TextChoices):
        FAMILY = "family", _("someone of the family")
        OWN_NETWORK = "network", _("someone of the family's own network")
        BUDDY = "buddy", _("the buddy")
        COORDINATOR = "coordinator", _("the project's coordinator")
        FAMILY_COACH = "family_coach", _("the family coach")
        SERVICE = "service", _("another service")

    class Status(models.TextChoices):
        OPEN = "open", _("to do")
        DONE = "done", _("done")
        DROPPED = "dropped", _("no longer needed")

    project = project_key(on_delete=models.CASCADE)
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="actions")
    project_from = "plan"
    what = models.CharField(_("what"), max_length=300, validators=CLEAN)
    who = models.CharField(_("who does it"), max_length=20, choices=Who.choices)
    who_name = models.CharField(_("name"), max_length=200, blank=True, validators=CLEAN)
    household_member = optional_key(
        HouseholdMember, verbose_name=_("family member"), on_delete=models.SET_NULL
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True, validators=CLEAN)
    contact = models.CharField(_("contact"), max_length=200, blank=True, validators=CLEAN)
    # A service on the network's social map (``community``); the organisation and contact
    # above keep their own copy, so the plan still reads well if the map changes.
    service = optional_key(
        "community.Service", verbose_name=_("service on the social map"), on_delete=models.SET_NULL
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    source_goal = optional_key(Goal, on_delete=models.SET_NULL)
    added_by = user_ref()

    class Meta:
        ordering = ["status", "due_on", "pk"]
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        indexes = [models.Index(fields=["project", "who", "status", "due_on"])]

    def __str__(self) -> str:
        return self.what


class PlanReview(ProjectOwnedModel):
    """A talk about the plan, together: what went well, what changes, when next."""

    project = project_key(on_delete=models.CASCADE)
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="reviews")
    project_from = "plan"
    held_on = models.DateField(_("held on"))
    who_was_there = models.CharField(
        _("who was there"), max_length=300, blank=True, validators=CLEAN
    )
    went_well = models.TextField(_("what went well"), max_length=2000, validators=CLEAN)
    changes = models.TextField(_("what changes"), max_length=2000, blank=True, validators=CLEAN)
    next_review_on = models.DateField(_("next talk about the plan"))
    recorded_by = user_ref()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        constraints = [
            models.UniqueConstraint(fields=["plan", "held_on"], name="plans_review_once_a_day")
        ]


class PlanShare(ProjectOwnedModel):
    """The family's consent for one contributor (a buddy, a professional): which
    sections they see, and whether they may update them. Ended, never deleted."""

    project = project_key(on_delete=models.CASCADE)
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="shares")
    project_from = "plan"
    user = user_ref(_("contributor"))
    role = models.CharField(_("who they are for the family"), max_length=200, validators=CLEAN)
    sections = models.JSONField(_("what they see"), default=list)
    can_update = models.BooleanField(_("may also add and update"), default=False)
    given_on = models.DateField(_("allowed on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    recorded_by = user_ref()

    class Meta:
        ordering = ["given_on", "pk"]
        verbose_name = _("plan share")
        verbose_name_plural = _("plan shares")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user"],
                condition=Q(ended_on__isnull=True),
                name="plans_share_one_open",
            )
        ]

    def section_labels(self) -> list[str]:
        labels = dict(Section.choices)
        return [str(labels[s]) for s in self.sections if s in labels]


class PlanChange(HistoryStep):
    """One step of the plan's history: who, when, what (in plain words)."""

    class Kind(models.TextChoices):
        MADE = "made", _("made the plan")
        CHANGED = "changed", _("changed the coordinator or the review dates")
        ENTRY_ADDED = "entry_added", _("added to the plan")
        FED = "fed", _("added from the buddy's journal or goals")
        ACTION_ADDED = "action_added", _("added an action")
        ACTION_UPDATED = "action_updated", _("updated an action")
        ACTION_DONE = "action_done", _("marked an action done")
        ACTION_DROPPED = "action_dropped", _("marked an action no longer needed")
        REVIEWED = "reviewed", _("recorded a talk about the plan")
        SHARED = "shared", _("allowed a helper to see the plan")
        SHARE_ENDED = "share_ended", _("stopped a helper's access")
        STOPPED = "stopped", _("the family withdrew consent: the plan stopped")
        RESTARTED = "restarted", _("started the plan again")

    project = project_key(on_delete=models.CASCADE, verbose_name=None)
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="changes")
    project_from = "plan"
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("change to the plan")
        verbose_name_plural = _("changes to the plan")
        ordering = ["-at", "-pk"]
