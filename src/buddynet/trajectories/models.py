"""A trajectory: one buddy walking alongside one participant (or a family) in a project.

A trajectory protects its project; its parts (agreement, tasks, journal, goals) go with
the project (``project_key(on_delete=models.CASCADE)``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import (
    HistoryStep,
    ProjectOwnedModel,
    ProjectRow,
    optional_key,
    project_key,
    user_ref,
)
from buddynet.core.validators import no_control_characters

# Every text people type here is checked for invisible control characters (a
# right-to-left override would make a signed text read otherwise than it is stored).
CLEAN = [no_control_characters]

OPEN_STATUSES = ("starting", "active", "paused", "closing")


def pair_keys(related_name: str, *, on_delete=models.CASCADE, labelled: bool = False):
    """The buddy and the participant of a record about a pair (a trajectory; in matching a
    proposal, a raised hand, an introduction, an excluded pair). Both reverse names are
    ``related_name``; ``labelled`` gives the keys their names in words."""
    buddy = models.ForeignKey(
        "volunteers.Buddy",
        verbose_name=_("buddy") if labelled else None,
        on_delete=on_delete,
        related_name=related_name,
    )
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant") if labelled else None,
        on_delete=on_delete,
        related_name=related_name,
    )
    return buddy, participant


def pair_status_indexes() -> list[models.Index]:
    """The indexes of a record about a pair that has a status: the status per project,
    per buddy and per participant (fresh ones for each model: Django names them)."""
    return [models.Index(fields=[key, "status"]) for key in ("project", "buddy", "participant")]


class Trajectory(ProjectOwnedModel):
    class Status(models.TextChoices):
        STARTING = "starting", _("starting")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        CLOSING = "closing", _("closing")
        CLOSED = "closed", _("closed")

    class BuddyMoment(models.TextChoices):
        """Where the buddy comes in in the person's help trajectory (the seed's
        question: at the start, getting it going, or in aftercare)."""

        BRIDGE = "bridge", _("bridges a wait for professional help")
        ALONGSIDE = "alongside", _("starts at the same time as professional help")
        KICKSTART = "kickstart", _("helps professional help get going")
        AFTERCARE = "aftercare", _("comes in aftercare")

    project = project_key(related_name="trajectories")
    buddy, participant = pair_keys("trajectories", on_delete=models.PROTECT, labelled=True)
    project_from = "participant"
    # The referring professional, when there is one (the participant's referrer).
    professional = user_ref(_("professional"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.STARTING
    )
    started_on = models.DateField(_("started on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Kept up to date by the journal: the follow-up's inactivity alert reads it.
    last_contact_on = models.DateField(_("last contact logged on"), null=True, blank=True)
    buddy_moment = models.CharField(
        _("the buddy's moment in the help"),
        max_length=20,
        choices=BuddyMoment.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        ordering = ["-started_on", "-pk"]
        indexes = pair_status_indexes()
        constraints = [
            # Two yeses racing start one trajectory, never two.
            models.UniqueConstraint(
                fields=["buddy", "participant"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="trajectory_one_open_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.buddy} & {self.participant}"


def trajectory_key(
    related_name: str, *, one_to_one: bool = False, on_delete=models.CASCADE, **options
):
    """The key of a record in another app to the trajectory it belongs to (by default it
    goes when the trajectory goes)."""
    field = models.OneToOneField if one_to_one else models.ForeignKey
    return field(
        Trajectory,
        verbose_name=_("trajectory"),
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


class StatusChange(HistoryStep):
    """Append-only history of a trajectory's status, with who and why."""

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Trajectory.Status.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True, validators=CLEAN)

    class Meta(HistoryStep.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


# --- The agreement -------------------------------------------------------------------


class Party(models.TextChoices):
    """Who signs an agreement (and who may own a task)."""

    BUDDY = "buddy", _("buddy")
    PARTICIPANT = "participant", _("participant")
    PROFESSIONAL = "professional", _("professional")
    COORDINATOR = "coordinator", _("coordinator")


class AgreementSections(models.Model):
    """The sections of an agreement: a project's template and each trajectory's own copy.

    Lists (what the buddy does and does not do) are one item per line.
    """

    purpose = models.TextField(_("purpose of the trajectory"), validators=CLEAN, blank=True)
    expected_duration = models.CharField(
        _("expected duration"), validators=CLEAN, max_length=200, blank=True
    )
    meeting_frequency = models.CharField(
        _("how often you meet"), validators=CLEAN, max_length=200, blank=True
    )
    buddy_does = models.TextField(
        _("what the buddy does"), validators=CLEAN, blank=True, help_text=_("One item per line.")
    )
    buddy_does_not = models.TextField(
        _("what the buddy does not do"),
        validators=CLEAN,
        blank=True,
        help_text=_("One item per line."),
    )
    buddy_tasks = models.TextField(
        _("mandate and tasks of the buddy"), validators=CLEAN, blank=True
    )
    professional_tasks = models.TextField(
        _("mandate and tasks of the professional"), validators=CLEAN, blank=True
    )
    participant_tasks = models.TextField(
        _("what the participant does"), validators=CLEAN, blank=True
    )
    contact_with_project = models.TextField(
        _("contact with the project"), validators=CLEAN, blank=True
    )
    privacy = models.TextField(_("privacy and discretion"), validators=CLEAN, blank=True)
    practical_frame = models.TextField(
        _("practical frame: liability, insurance, expenses"), validators=CLEAN, blank=True
    )
    boundaries = models.TextField(_("how to signal a boundary"), validators=CLEAN, blank=True)
    ending = models.TextField(_("how the trajectory ends"), validators=CLEAN, blank=True)

    SECTION_FIELDS = (
        "purpose",
        "expected_duration",
        "meeting_frequency",
        "buddy_does",
        "buddy_does_not",
        "buddy_tasks",
        "professional_tasks",
        "participant_tasks",
        "contact_with_project",
        "privacy",
        "practical_frame",
        "boundaries",
        "ending",
    )
    LIST_FIELDS = ("buddy_does", "buddy_does_not")

    class Meta:
        abstract = True

    def section_values(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.SECTION_FIELDS}


class AgreementTemplate(AgreementSections, ProjectOwnedModel):
    """The project's starting point for every new agreement; the coordinator edits it."""

    project = project_key(
        one_to_one=True, on_delete=models.CASCADE, related_name="agreement_template"
    )

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")

    def __str__(self) -> str:
        return str(self.project)


class Agreement(AgreementSections, ProjectOwnedModel):  # noqa: DJ008 (BaseModel.__str__)
    """The agreement of one trajectory: the sections being written, and the frozen,
    signed versions (``versions``)."""

    project = project_key(on_delete=models.CASCADE)
    trajectory = models.OneToOneField(
        Trajectory, on_delete=models.CASCADE, related_name="agreement"
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")


class AgreementVersion(ProjectOwnedModel):
    """One version of an agreement: the exact text, frozen, with its SHA-256 hash.
    Signatures belong to a version; a new version needs new signatures."""

    project = project_key(on_delete=models.CASCADE)
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField()
    document_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=10, default="nl")
    # The parties that must sign this version (a professional only when there is one).
    parties = models.JSONField(default=list)
    created_by = user_ref()
    fully_signed_at = models.DateTimeField(_("signed by everyone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("version of the agreement")
        verbose_name_plural = _("versions of the agreement")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_once")
        ]

    def __str__(self) -> str:
        return f"agreement {self.agreement_id} v{self.number}"


class AgreementSignature(ProjectOwnedModel):
    """A party signed one version: typed name, time, the hash of the text they saw."""

    project = project_key(on_delete=models.CASCADE)
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    signed_name = models.CharField(_("name"), max_length=200, validators=CLEAN)
    signed_at = models.DateTimeField(_("signed at"))
    document_hash = models.CharField(max_length=64)
    signed_by = user_ref()
    # A participant may sign on the coordinator's device: recorded as such.
    on_device_of = user_ref(blank=True)

    class Meta:
        verbose_name = _("signature of the agreement")
        verbose_name_plural = _("signatures of the agreement")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "party"], name="agreement_signed_once")
        ]

    def __str__(self) -> str:
        return f"{self.party} {self.signed_name}"


# --- Role division -------------------------------------------------------------------


class TaskKind(ProjectOwnedModel):
    """A kind of task the project knows, and whose it normally is: the role-division
    view flags a buddy carrying a professional's task, or the reverse."""

    class Belongs(models.TextChoices):
        ANYONE = "anyone", _("anyone")
        BUDDY = "buddy", _("a buddy task")
        PROFESSIONAL = "professional", _("professional only")

    # The kinds every project starts with: shown in the reader's language.
    PRESETS = {
        "company": _("Company and leisure"),
        "dutch": _("Practising Dutch"),
        "appointment": _("Going along to an appointment"),
        "neighbourhood": _("Finding the way in the neighbourhood"),
        "paperwork": _("Administration and paperwork"),
        "money": _("Money matters and budget"),
        "care": _("Care and health questions"),
        "crisis": _("Crisis support"),
    }
    # Whose task each preset normally is (the coordinator can change it).
    PRESET_BELONGS = {
        "company": "buddy",
        "dutch": "buddy",
        "appointment": "anyone",
        "neighbourhood": "buddy",
        "paperwork": "professional",
        "money": "professional",
        "care": "professional",
        "crisis": "professional",
    }

    project = project_key(on_delete=models.CASCADE)
    # A kind the coordinator added has a name; a preset has a key and no name.
    name = models.CharField(_("name"), max_length=150, blank=True, validators=CLEAN)
    preset = models.CharField(max_length=30, blank=True)
    belongs_to = models.CharField(
        _("whose task is it"), max_length=20, choices=Belongs.choices, default=Belongs.ANYONE
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("task kind")
        verbose_name_plural = _("task kinds")
        constraints = [
            # The presets are seeded once per project, however often seeding runs.
            models.UniqueConstraint(
                fields=["project", "preset"],
                condition=~models.Q(preset=""),
                name="task_kind_preset_once",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        """How a form names this kind: its code, or its preset before it is seeded."""
        return str(self.code) if self.pk else f"preset:{self.preset}"

    @property
    def label(self) -> str:
        if self.name or self.preset not in self.PRESETS:
            return self.name
        return str(self.PRESETS[self.preset])


class RoleTask(ProjectOwnedModel):
    class Owner(models.TextChoices):
        BUDDY = "buddy", _("buddy")
        PROFESSIONAL = "professional", _("professional")
        PARTICIPANT = "participant", _("participant")

    project = project_key(on_delete=models.CASCADE)
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="tasks")
    kind = optional_key(
        TaskKind, verbose_name=_("kind of task"), on_delete=models.SET_NULL, related_name="tasks"
    )
    description = models.CharField(_("task"), max_length=300, validators=CLEAN)
    owner = models.CharField(_("who does it"), max_length=20, choices=Owner.choices)
    mandate = models.TextField(
        _("mandate"),
        blank=True,
        validators=CLEAN,
        help_text=_("What this person may decide or do on their own."),
    )
    created_by = user_ref()

    class Meta:
        verbose_name = _("task in the trajectory")
        verbose_name_plural = _("tasks in the trajectory")
        ordering = ["owner", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def out_of_role(self) -> bool:
        """The buddy carries a professional-only task, or the professional a buddy task."""
        belongs = self.kind.belongs_to if self.kind_id else TaskKind.Belongs.ANYONE
        return (self.owner == self.Owner.BUDDY and belongs == TaskKind.Belongs.PROFESSIONAL) or (
            self.owner == self.Owner.PROFESSIONAL and belongs == TaskKind.Belongs.BUDDY
        )


# --- Journal -------------------------------------------------------------------------


class JournalEntry(ProjectOwnedModel):
    class Kind(models.TextChoices):
        VISIT = "visit", _("met up")
        ACTIVITY = "activity", _("did something together")
        PHONE = "phone", _("phone or video call")
        MESSAGE = "message", _("message")
        OTHER = "other", _("other")

    class Mood(models.TextChoices):
        GOOD = "good", _("good")
        OKAY = "okay", _("okay")
        DIFFICULT = "difficult", _("difficult")

    class Visibility(models.TextChoices):
        TEAM = "team", _("the buddy and the coordinator")
        SHARED = "shared", _("also shared with the professional")
        COORDINATOR = "coordinator", _("the coordinator only")

    project = project_key(on_delete=models.CASCADE)
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="journal_entries"
    )
    project_from = "trajectory"
    author = user_ref()
    on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("how long (minutes)"), default=60)
    kind = models.CharField(_("kind of contact"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("short note"), max_length=1000, blank=True, validators=CLEAN)
    mood = models.CharField(_("how did it go?"), max_length=20, choices=Mood.choices, blank=True)
    visibility = models.CharField(
        _("who may read this"), max_length=20, choices=Visibility.choices, default=Visibility.TEAM
    )

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["trajectory", "-on"])]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"{self.on} {self.kind}"


# --- Goals towards autonomy ----------------------------------------------------------


class Level(models.IntegerChoices):
    BUDDY = 1, _("the buddy does it")
    TOGETHER = 2, _("together")
    ALONE = 3, _("the participant does it alone")


class Goal(ProjectOwnedModel):
    project = project_key(on_delete=models.CASCADE)
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200, validators=CLEAN)
    description = models.TextField(
        _("what it means, in the participant's words"), blank=True, validators=CLEAN
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=1)
    agreed_on = models.DateField(_("agreed on"))
    created_by = user_ref()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["agreed_on", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalLevelChange(ProjectRow):
    """Append-only: every level a goal reached, with its date."""

    project = project_key(on_delete=models.CASCADE, verbose_name=None)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="changes")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    by = user_ref()

    class Meta:
        verbose_name = _("change of a goal's level")
        verbose_name_plural = _("changes of a goal's level")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.level} {self.on}"
