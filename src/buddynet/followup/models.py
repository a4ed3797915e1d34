"""Follow-up of a trajectory: the project's cadence, the schedule of conversations, the
boundary signals with their aftercare, the closure with exit conversations, and the
personal calendar feed.

Times are stored aware (UTC in the database); "due" and "overdue" are decided on the
project's local date in Europe/Brussels (see ``followup.clock``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import (
    BaseModel,
    HistoryStep,
    ProjectOwnedModel,
    bounded_number,
    project_key,
    user_ref,
)
from buddynet.trajectories.models import Party, trajectory_key


class Cadence(ProjectOwnedModel):
    """How often the project follows up a trajectory (good-practice defaults)."""

    project = project_key(
        one_to_one=True, on_delete=models.CASCADE, related_name="followup_cadence"
    )
    first_month_contacts = bounded_number(
        _("follow-up contacts in the first month"),
        low=1,
        high=4,
        default=2,
        help_text=_("Good practice: at least twice in the first month."),
    )
    contact_every_days = bounded_number(
        _("then a follow-up contact every (days)"),
        low=7,
        high=120,
        default=30,
        help_text=_("With the buddy and the participant. Good practice: at least monthly."),
    )
    supervision_every_days = bounded_number(
        _("a feedback conversation with the buddy every (days)"),
        low=14,
        high=180,
        default=42,
        help_text=_("Good practice: about every six weeks."),
    )
    review_every_days = bounded_number(
        _("a review with the participant every (days)"),
        low=30,
        high=365,
        default=91,
        help_text=_("Good practice: every three months."),
    )
    inactivity_alert_days = bounded_number(
        _("flag a trajectory with nothing in the journal for (days)"),
        low=7,
        high=180,
        default=21,
    )
    due_hour = bounded_number(
        _("plan conversations at (hour)"),
        low=7,
        high=20,
        default=10,
        help_text=_("The hour a planned conversation gets in the calendar, Belgian time."),
    )

    # What a coordinator sets (the cadence form; a playbook copies them).
    SETTING_FIELDS = (
        "first_month_contacts",
        "contact_every_days",
        "supervision_every_days",
        "review_every_days",
        "inactivity_alert_days",
        "due_hour",
    )

    class Meta:
        verbose_name = _("follow-up cadence")
        verbose_name_plural = _("follow-up cadences")

    def __str__(self) -> str:
        return f"{self.project}"


class FollowUp(ProjectOwnedModel):
    """One planned conversation in a trajectory's schedule."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("phone follow-up")
        FEEDBACK = "feedback", _("feedback conversation")
        INTERVISION = "intervision", _("intervision")
        REVIEW = "review", _("review")
        AFTERCARE = "aftercare", _("aftercare contact")
        # Filled in by the participant or entered from an interview (``series``).
        QUESTIONNAIRE = "questionnaire", _("impact questionnaire")

    class Series(models.TextChoices):
        CONTACT = "contact", _("regular follow-up")
        SUPERVISION = "supervision", _("buddy supervision")
        REVIEW = "review", _("review with the participant")
        AFTERCARE = "aftercare", _("aftercare")
        EXTRA = "extra", _("extra")
        # Planned, done and cancelled by the impact app (``followup.series``).
        MEASUREMENT = "measurement", _("impact measurement")

    class With(models.TextChoices):
        BOTH = "both", _("buddy and participant")
        BUDDY = "buddy", _("buddy")
        PARTICIPANT = "participant", _("participant")
        PROFESSIONAL = "professional", _("professional")
        ALL = "all", _("everyone in the trajectory")

    trajectory = trajectory_key("followups")
    series = models.CharField(_("series"), max_length=20, choices=Series.choices)
    number = models.PositiveSmallIntegerField(_("number in the series"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    with_whom = models.CharField(_("with"), max_length=20, choices=With.choices)
    due_at = models.DateTimeField(_("due"), db_index=True)
    responsible = user_ref(_("responsible coordinator"), blank=True)
    done_at = models.DateTimeField(_("held on"), null=True, blank=True)
    recorded_by = user_ref(_("recorded by"), blank=True)
    report = models.TextField(_("short report"), blank=True)
    adjust_agreement = models.BooleanField(_("the agreement needs adjusting"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "series", "number"], name="followup_unique_in_series"
            )
        ]
        indexes = [models.Index(fields=["project", "done_at", "cancelled_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    @classmethod
    def conversation_kinds(cls) -> list[tuple[str, str]]:
        """The kinds a person records or plans as a conversation (not a questionnaire)."""
        return [c for c in cls.Kind.choices if c[0] != cls.Kind.QUESTIONNAIRE]

    @property
    def involves_buddy(self) -> bool:
        return self.with_whom in (self.With.BOTH, self.With.BUDDY, self.With.ALL)

    @property
    def involves_participant(self) -> bool:
        return self.with_whom in (self.With.BOTH, self.With.PARTICIPANT, self.With.ALL)


class Signal(ProjectOwnedModel):
    """A boundary or an incident signalled by someone in the trajectory.

    Only the project's coordinators and the person who raised it ever see it."""

    class Kind(models.TextChoices):
        BOUNDARY = "boundary", _("a boundary was crossed")
        TOO_MUCH = "too_much", _("too much is asked of me")
        TOO_INVOLVED = "too_involved", _("someone is too involved")
        INCIDENT = "incident", _("an incident")
        WORRY = "worry", _("I am worried")

    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")

    class Stage(models.TextChoices):
        OPEN = "open", _("new")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        TALKED = "talked", _("talked it through")
        ACTIONS = "actions", _("actions agreed")
        CLOSED = "closed", _("closed")

    # The raiser's part in the trajectory: the parties of its agreement.
    RaisedAs = Party

    trajectory = trajectory_key("signals")
    raised_by = user_ref(_("raised by"))
    raised_as = models.CharField(_("raised as"), max_length=20, choices=RaisedAs.choices)
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("how serious"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("in a few words"), max_length=2000)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default="open")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("boundary signal")
        verbose_name_plural = _("boundary signals")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "stage"]),
            models.Index(fields=["raised_by", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display()})"


class SignalStep(HistoryStep):
    """Append-only aftercare history of a signal: acknowledge → talk → actions → close."""

    class Step(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("acknowledge")
        TALK = "talk", _("talk it through")
        ACTIONS = "actions", _("agree actions")
        CLOSE = "close", _("close")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    note = models.TextField(_("note"), max_length=4000)
    paused_trajectory = models.BooleanField(_("paused the trajectory"), default=False)

    class Meta(HistoryStep.Meta):
        verbose_name = _("step after a signal")
        verbose_name_plural = _("steps after a signal")

    def __str__(self) -> str:
        return self.get_step_display()


class Closure(ProjectOwnedModel):
    """How a trajectory ends: planned or not, why, what continues, contact afterwards."""

    class Reason(models.TextChoices):
        GOALS_REACHED = "goals_reached", _("the goals were reached")
        TERM_ENDED = "term_ended", _("the agreed period ended")
        PARTICIPANT_STOPS = "participant_stops", _("the participant wants to stop")
        BUDDY_STOPS = "buddy_stops", _("the buddy wants to stop")
        NO_CLICK = "no_click", _("the match did not work")
        BOUNDARY = "boundary", _("a boundary was crossed")
        MOVED = "moved", _("someone moved away")
        CARE = "care", _("professional care took over")
        OTHER = "other", _("another reason")

    class Continues(models.TextChoices):
        NOTHING = "nothing", _("nothing: the participant carries on alone")
        REFERRAL = "referral", _("a referral to another service")
        NEIGHBOURHOOD = "neighbourhood", _("a caring neighbourhood")
        FAMILY_COACH = "family_coach", _("a family coach")
        OTHER = "other", _("something else")

    class ContactPolicy(models.TextChoices):
        NONE = "none", _("no contact after closure")
        VIA_PROJECT = "via_project", _("contact only through the project")
        INFORMAL = "informal", _("informal contact is allowed")

    class BuddyWish(models.TextChoices):
        UNKNOWN = "", _("not said yet")
        READY = "ready", _("ready for a new match")
        PAUSE = "pause", _("a pause first")

    trajectory = trajectory_key("closure", one_to_one=True)
    planned = models.BooleanField(_("planned ending"), default=True)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    reason_note = models.TextField(_("about the reason"), max_length=2000, blank=True)
    went_badly = models.BooleanField(
        _("this went badly: do not propose this pair again"), default=False
    )
    continues = models.CharField(
        _("what continues"), max_length=20, choices=Continues.choices, blank=True
    )
    continues_note = models.CharField(_("with whom"), max_length=300, blank=True)
    contact_policy = models.CharField(
        _("contact after closure"), max_length=20, choices=ContactPolicy.choices, blank=True
    )
    buddy_wish = models.CharField(
        _("the buddy wants"), max_length=10, choices=BuddyWish.choices, blank=True
    )
    started_by = user_ref()
    completed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self) -> str:
        return self.get_reason_display()


class ExitConversation(ProjectOwnedModel):
    """A confidential exit conversation with one party: only coordinators read it."""

    class Party(models.TextChoices):
        BUDDY = "buddy", _("buddy")
        PARTICIPANT = "participant", _("participant")
        PROFESSIONAL = "professional", _("professional")

    class Rating(models.IntegerChoices):
        BAD = 1, _("bad")
        MIXED = 2, _("mixed")
        GOOD = 3, _("good")
        VERY_GOOD = 4, _("very good")

    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="exits")
    party = models.CharField(_("with"), max_length=20, choices=Party.choices)
    held_on = models.DateField(_("held on"))
    rating = models.PositiveSmallIntegerField(
        _("how did the trajectory go, for them"), choices=Rating.choices
    )
    what_helped = models.TextField(_("what helped"), max_length=3000, blank=True)
    what_was_hard = models.TextField(_("what was hard"), max_length=3000, blank=True)
    for_the_project = models.TextField(
        _("what the project can do better"), max_length=3000, blank=True
    )
    recorded_by = user_ref()

    class Meta:
        verbose_name = _("exit conversation")
        verbose_name_plural = _("exit conversations")
        ordering = ["party"]
        constraints = [
            models.UniqueConstraint(fields=["closure", "party"], name="exit_one_per_party")
        ]

    def __str__(self) -> str:
        return self.get_party_display()


class CalendarFeed(BaseModel):
    """A personal calendar address. Only the SHA-256 of the secret is kept; revoking
    deletes nothing but stops the address at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"

    def audit_project(self):
        return None
