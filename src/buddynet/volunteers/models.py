"""Buddies: the volunteers of a project, and how they get there: vacancies, the
pipeline (applied → intake → screening → training → decision → ready to match), the
screening record, training and the signed information note.

Every model belongs to one project (``ProjectOwnedModel``: the project key and the scoped
manager). Deleting a project removes its recruitment records with it, as before; a buddy
protects their project."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import (
    PersonRecord,
    ProjectOwnedModel,
    bounded_number,
    optional_key,
    project_key,
    user_ref,
)


class Gender(models.TextChoices):
    FEMALE = "f", _("woman")
    MALE = "m", _("man")
    X = "x", _("non-binary / other")
    UNSPECIFIED = "", _("not given")


class Orientation(models.TextChoices):
    TASK = "task", _("task-oriented (a concrete task)")
    RELATION = "relation", _("relation-oriented (a personal bond)")


class StopReason(models.TextChoices):
    MOVED = "moved", _("moved")
    NO_TIME = "no_time", _("no time")
    NOT_SUITABLE = "not_suitable", _("not suitable")
    BUDDY_DECLINED = "buddy_declined", _("the candidate decided not to start")
    NO_MATCH = "no_match", _("no match with us")
    OTHER = "other", _("other")


class BenefitStatus(models.TextChoices):
    NONE = "", _("no benefit / not applicable")
    UNEMPLOYMENT = "unemployment", _("unemployment benefit: C45B declared")
    SICKNESS = "sickness", _("sickness benefit: insurer's approval")
    LEEFLOON = "leefloon", _("living wage (leefloon): OCMW informed")


class AgeGroup(models.TextChoices):
    CHILDREN = "children", _("children")
    YOUTH = "youth", _("young people (16-25)")
    ADULTS = "adults", _("adults")
    ELDERLY = "elderly", _("older people (65+)")
    FAMILIES = "families", _("families")


class Buddy(PersonRecord):
    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        INTAKE = "intake", _("intake interview")
        SCREENING = "screening", _("screening")
        TRAINING = "training", _("in training")
        DECISION = "decision", _("mutual decision")
        READY = "ready", _("ready to match")
        ACTIVE = "active", _("accompanying someone")
        PAUSED = "paused", _("paused")
        STOPPED = "stopped", _("stopped")

    project = project_key(related_name="buddies")
    user = user_ref(blank=True, related_name="buddy_profiles")
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, blank=True, default=""
    )
    capacity = models.PositiveSmallIntegerField(_("how many people at once"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.APPLIED,
        db_index=True,
    )
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    # The status before a pause, to resume where the buddy was.
    status_before_pause = models.CharField(max_length=20, blank=True)
    stop_reason = models.CharField(
        _("reason for stopping"), max_length=20, choices=StopReason.choices, blank=True
    )
    # Where they live, for distances (from the bundled municipality list).
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Application.
    vacancy = optional_key(
        "volunteers.Vacancy",
        verbose_name=_("vacancy"),
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    privacy_consent_at = models.DateTimeField(
        _("privacy statement accepted at"), null=True, blank=True
    )
    # Profile for matching.
    skills = models.TextField(_("skills"), blank=True)
    life_experience = models.TextField(_("life experience"), blank=True)
    preferred_age_groups = models.JSONField(_("preferred age groups"), default=list, blank=True)
    preferred_gender = models.CharField(
        _("preferred gender of the participant"),
        max_length=1,
        choices=Gender.choices,
        blank=True,
        default="",
    )
    preferred_target_groups = models.CharField(
        _("preferred target groups"), max_length=300, blank=True
    )
    max_distance_km = bounded_number(
        _("how far they will travel (km)"), low=1, high=200, default=10
    )
    # Screening: never a copy of a document, only what was checked, when and by whom.
    record_check_on = models.DateField(_("model 596.2 checked on"), null=True, blank=True)
    record_check_by = user_ref(_("checked by"), blank=True)
    benefit_status = models.CharField(
        _("benefit status"), max_length=20, choices=BenefitStatus.choices, blank=True, default=""
    )
    benefit_formality_on = models.DateField(
        _("declared / approved / informed on"), null=True, blank=True
    )
    # The mutual decision: both sides say yes (True), no (False) or not yet (None).
    buddy_says_yes = models.BooleanField(_("the candidate wants to start"), null=True, blank=True)
    project_says_yes = models.BooleanField(_("the project wants to start"), null=True, blank=True)
    decision_note = models.TextField(_("notes on the decision"), blank=True)

    class Meta(PersonRecord.Meta):
        verbose_name = _("buddy")
        verbose_name_plural = _("buddies")
        indexes = [
            *PersonRecord.Meta.indexes,
            # The dashboard's applications this month.
            models.Index(fields=["project", "applied_on"]),
        ]


class VolunteerTerms(ProjectOwnedModel):
    """What the information note and the volunteer agreement say, per project."""

    class ExpenseSystem(models.TextChoices):
        NONE = "none", _("no expenses are paid")
        FLAT = "flat", _("a flat-rate allowance")
        REAL = "real", _("the real, proven costs")

    project = project_key(one_to_one=True, on_delete=models.CASCADE, related_name="volunteer_terms")
    purpose = models.TextField(_("purpose of the organisation"))
    insurer = models.CharField(_("insurer"), max_length=200)
    policy_number = models.CharField(_("policy number"), max_length=100)
    insurance_cover = models.TextField(
        _("what the insurance covers"),
        blank=True,
        help_text=_("E.g. civil liability, bodily harm including on the way to and from."),
    )
    expense_system = models.CharField(
        _("expense system"), max_length=10, choices=ExpenseSystem.choices, default="flat"
    )
    expense_details = models.TextField(_("how and when expenses are paid"), blank=True)
    professional_secrecy = models.BooleanField(
        _("professional secrecy applies (art. 458 Criminal Code)"), default=False
    )
    discretion = models.TextField(_("duty of discretion"))
    nature_of_work = models.TextField(_("nature, duration and frequency of the work"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200)
    contact_details = models.CharField(_("how to reach the contact person"), max_length=200)
    requires_record_check = models.BooleanField(
        _("a criminal-record extract (model 596.2) is required"),
        default=False,
        help_text=_("Required for structural contact with minors."),
    )
    record_check_valid_months = bounded_number(
        _("a record check is valid for (months)"), low=1, high=120, default=36
    )
    privacy_statement = models.TextField(
        _("privacy statement for applicants"),
        blank=True,
        help_text=_("Shown on the public application page; applicants must accept it."),
    )

    # What a coordinator fills in (the terms form), in the form's order ...
    FIELDS = (
        "purpose",
        "insurer",
        "policy_number",
        "insurance_cover",
        "expense_system",
        "expense_details",
        "professional_secrecy",
        "discretion",
        "nature_of_work",
        "contact_person",
        "contact_details",
        "requires_record_check",
        "record_check_valid_months",
        "privacy_statement",
    )
    # ... of which these are the project's own, never copied into another project's terms.
    OWN_PARTICULARS = ("insurer", "policy_number", "contact_person", "contact_details")

    class Meta:
        verbose_name = _("volunteer terms")
        verbose_name_plural = _("volunteer terms")

    def __str__(self) -> str:
        return str(self.project)


class Vacancy(ProjectOwnedModel):
    project = project_key(on_delete=models.CASCADE, related_name="vacancies")
    title = models.CharField(_("title"), max_length=200)
    task_description = models.TextField(_("task description"))
    competences = models.TextField(_("competences we look for"), blank=True)
    minimum_requirements = models.TextField(_("minimum requirements"), blank=True)
    frequency = models.CharField(
        _("how often"), max_length=120, help_text=_("E.g. every week, two hours.")
    )
    duration = models.CharField(
        _("for how long"), max_length=120, help_text=_("E.g. at least six months.")
    )
    orientation = models.CharField(
        _("kind of recruitment"),
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.RELATION,
    )
    training_required = models.TextField(_("training you will follow"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    closes_on = models.DateField(_("applications close on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: date) -> bool:
        return self.is_published and (self.closes_on is None or self.closes_on >= today)


class PipelineStep(ProjectOwnedModel):
    """One step of a buddy through the pipeline: the history, never edited."""

    project = project_key(on_delete=models.CASCADE)
    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=20, choices=Buddy.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Buddy.Status.choices)
    reason = models.CharField(max_length=20, choices=StopReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = user_ref(blank=True)

    class Meta:
        verbose_name = _("step as a candidate buddy")
        verbose_name_plural = _("steps as a candidate buddy")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.buddy_id}: {self.from_status} → {self.to_status}"


class IntakeInterview(ProjectOwnedModel):
    project = project_key(on_delete=models.CASCADE)
    buddy = models.OneToOneField(Buddy, on_delete=models.CASCADE, related_name="intake")
    held_on = models.DateField(_("held on"))
    motivation = models.TextField(_("motivation"))
    expectations = models.TextField(_("expectations"))
    strengths = models.TextField(_("strengths"))
    availability = models.TextField(_("availability"))
    notes = models.TextField(_("other notes"), blank=True)
    by = user_ref(blank=True)

    class Meta:
        verbose_name = _("intake interview")
        verbose_name_plural = _("intake interviews")


class Reference(ProjectOwnedModel):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("not contacted yet")
        POSITIVE = "positive", _("positive")
        CONCERN = "concern", _("a concern was raised")

    project = project_key(on_delete=models.CASCADE)
    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="references")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation to the candidate"), max_length=200)
    contacted_on = models.DateField(_("contacted on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class TrainingModule(ProjectOwnedModel):
    project = project_key(on_delete=models.CASCADE, related_name="training_modules")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=2)
    required_before_matching = models.BooleanField(_("required before matching"), default=True)
    refresh_months = bounded_number(
        _("refresh after (months)"),
        low=1,
        high=120,
        null=True,
        blank=True,
        help_text=_("Leave empty if the training does not expire."),
    )

    class Meta:
        ordering = ["-required_before_matching", "title"]
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")

    def __str__(self) -> str:
        return self.title


class TrainingSession(ProjectOwnedModel):
    project = project_key(on_delete=models.CASCADE)
    module = models.ForeignKey(
        TrainingModule, verbose_name=_("module"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("training session")

    def __str__(self) -> str:
        return f"{self.module} {self.starts_at:%Y-%m-%d}"


class TrainingRecord(ProjectOwnedModel):
    """A buddy attended a session or completed a module (attendance and completion)."""

    project = project_key(on_delete=models.CASCADE)
    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="training_records")
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="records")
    session = optional_key(TrainingSession, on_delete=models.SET_NULL, related_name="records")
    attended = models.BooleanField(_("attended"), default=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("training followed")
        verbose_name_plural = _("trainings followed")
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buddy", "session"],
                condition=models.Q(session__isnull=False),
                name="training_record_once_per_session",
            )
        ]

    @property
    def expires_on(self) -> date | None:
        if self.completed_on is None or not self.module.refresh_months:
            return None
        return self.completed_on + timedelta(days=round(self.module.refresh_months * 30.44))


class InformationNote(ProjectOwnedModel):
    """The information note and volunteer agreement a buddy acknowledged: the exact text,
    its SHA-256 hash, the typed name and the time. Proof that they were informed."""

    project = project_key(on_delete=models.CASCADE)
    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    document_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=10, default="nl")
    signed_name = models.CharField(_("name"), max_length=200)
    signed_at = models.DateTimeField()
    signed_by = user_ref(blank=True)
    # The buddy signed on a coordinator's device (no account of their own): recorded.
    on_device_of = user_ref(_("signed on the device of"), blank=True)

    class Meta:
        verbose_name = _("signed information note")
        verbose_name_plural = _("signed information notes")
        ordering = ["-signed_at"]


class Attachment(ProjectOwnedModel):
    """A file an applicant added (a CV or a letter): kept in the database, small, checked
    for its type on upload, shown only to the project's coordinators."""

    project = project_key(on_delete=models.CASCADE)
    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name
