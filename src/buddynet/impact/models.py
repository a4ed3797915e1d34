"""Impact measurement: the project's plan (which instruments, when), the measurement
moments of a trajectory, the answers given, and the participant's personal link.

A participant's answers are personal data: only the project's coordinators read them
(``selectors``), every reading is on the audit log, and a withdrawn consent for impact
measurement stops links, entry and inclusion in every figure (``consent_effects``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import FileRun, ProjectOwnedModel, bounded_number, project_key, user_ref
from buddynet.trajectories.models import trajectory_key

from . import instruments


class Instrument(models.TextChoices):
    DJG6 = "djg6", _("De Jong Gierveld loneliness scale (6 items)")
    DJG11 = "djg11", _("De Jong Gierveld loneliness scale (11 items)")
    WHO5 = "who5", _("WHO-5 wellbeing index")


assert set(Instrument.values) == set(instruments.CODES)


def default_instruments() -> list[str]:
    return [Instrument.DJG6, Instrument.WHO5]


def one_per(owner: str, what: str, *, name: str) -> list[models.BaseConstraint]:
    """At most one row per ``owner`` and ``what`` (a measurement per moment of a
    trajectory, answers per questionnaire of a measurement)."""
    return [models.UniqueConstraint(fields=[owner, what], name=name)]


class ImpactPlan(ProjectOwnedModel):
    """What a project measures and when (defaults: start, 6 months, closure)."""

    project = project_key(related_name="impact_plan", on_delete=models.CASCADE, one_to_one=True)
    instruments = models.JSONField(_("questionnaires"), default=default_instruments)
    mid_after_months = bounded_number(
        _("mid-point measurement after (months)"), low=1, high=24, default=6
    )
    link_valid_days = bounded_number(
        _("a personal link stays valid for (days)"), low=1, high=60, default=14
    )
    # The project's own questionnaires asked at every moment (``OwnQuestionnaire`` pks).
    own_questionnaires = models.JSONField(_("own questionnaires"), default=list, blank=True)

    class Meta:
        verbose_name = _("impact plan")
        verbose_name_plural = _("impact plans")

    def __str__(self) -> str:
        return f"{self.project}"


class Measurement(ProjectOwnedModel):  # type: ignore[django-manager-missing]
    """One measurement moment of one trajectory: baseline, mid-point or closure."""

    class Moment(models.TextChoices):
        BASELINE = "baseline", _("start")
        MID = "mid", _("mid-point")
        CLOSURE = "closure", _("closure")

    class EnteredBy(models.TextChoices):
        PARTICIPANT = "participant", _("the participant, through their link")
        COORDINATOR = "coordinator", _("a coordinator, from an interview")

    project = project_key(on_delete=models.CASCADE)
    trajectory = trajectory_key("measurements")
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices)
    due_on = models.DateField(_("planned for"))
    instruments = models.JSONField(_("questionnaires"), default=default_instruments)
    # The project's own questionnaires this moment asks (``OwnQuestionnaire`` pks).
    own_questionnaires = models.JSONField(_("own questionnaires"), default=list, blank=True)
    completed_at = models.DateTimeField(_("filled in at"), null=True, blank=True)
    completed_on = models.DateField(_("filled in on"), null=True, blank=True, db_index=True)
    entered_by = models.CharField(
        _("entered by"), max_length=20, choices=EnteredBy.choices, blank=True
    )
    entered_by_user = user_ref()
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Consent for impact measurement withdrawn: never counted in a figure again.
    excluded_at = models.DateTimeField(_("left out of the figures"), null=True, blank=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["due_on", "pk"]
        constraints = one_per("trajectory", "moment", name="impact_one_measurement_per_moment")
        indexes = [models.Index(fields=["project", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.get_moment_display()} {self.due_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None and not self.excluded_at


class Response(ProjectOwnedModel):
    """The answers to one questionnaire at one moment, with the scores as published."""

    project = project_key(on_delete=models.CASCADE)
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="responses")
    instrument = models.CharField(_("questionnaire"), max_length=10, choices=Instrument.choices)
    answers = models.JSONField(_("answers"), default=dict)
    scores = models.JSONField(_("scores"), default=dict)
    # The number a change is computed on (De Jong Gierveld total, WHO-5 percentage).
    headline = models.SmallIntegerField(_("score"), null=True, blank=True)

    class Meta:
        verbose_name = _("answers")
        verbose_name_plural = _("answers")
        ordering = ["measurement", "instrument"]
        constraints = one_per(
            "measurement", "instrument", name="impact_one_response_per_instrument"
        )

    def __str__(self) -> str:
        return f"{self.get_instrument_display()}"


class OwnQuestionnaire(ProjectOwnedModel):  # type: ignore[django-manager-missing]
    """A questionnaire a project defines for its own indicators (e.g. self-reliance
    domains). Its questions are frozen once answered: a question with answers can be
    retired and a new one added, never edited, so earlier answers keep their meaning."""

    project = project_key(on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("own questionnaire")
        verbose_name_plural = _("own questionnaires")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="impact_own_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class OwnQuestion(ProjectOwnedModel):  # type: ignore[django-manager-missing]
    """One question of a project's own questionnaire."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("scale from 1 to 5")
        YESNO = "yesno", _("yes or no")
        NUMBER = "number", _("number")
        TEXT = "text", _("short text")

    project = project_key(on_delete=models.CASCADE)
    questionnaire = models.ForeignKey(
        OwnQuestionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text_nl = models.CharField(_("question (Dutch)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices)
    low_nl = models.CharField(_("what 1 means (Dutch)"), max_length=60, blank=True)
    high_nl = models.CharField(_("what 5 means (Dutch)"), max_length=60, blank=True)
    low_en = models.CharField(_("what 1 means (English)"), max_length=60, blank=True)
    high_en = models.CharField(_("what 5 means (English)"), max_length=60, blank=True)
    min_value = models.DecimalField(
        _("lowest number"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest number"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    higher_is_better = models.BooleanField(_("a higher answer is better"), default=True)
    retired_at = models.DateTimeField(_("no longer asked since"), null=True, blank=True)

    class Meta:
        verbose_name = _("own question")
        verbose_name_plural = _("own questions")
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.text_nl

    def text(self, language: str | None) -> str:
        """The question in the language (Dutch when there is no English)."""
        if (language or "nl").startswith("en") and self.text_en:
            return self.text_en
        return self.text_nl

    def labels(self, language: str | None) -> tuple[str, str]:
        """What 1 and 5 mean on a scale, in the language (Dutch as the fallback)."""
        english = (language or "nl").startswith("en")
        low = (self.low_en if english else "") or self.low_nl
        high = (self.high_en if english else "") or self.high_nl
        return low, high

    @property
    def has_change(self) -> bool:
        """A scale or a number: the change between two moments means something."""
        return self.kind in (self.Kind.SCALE, self.Kind.NUMBER)


class OwnAnswer(ProjectOwnedModel):
    """The answer to one own question at one measurement: a whole number 1-5 (scale),
    true/false (yes/no), a number or a short text."""

    project = project_key(on_delete=models.CASCADE)
    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="own_answers"
    )
    question = models.ForeignKey(OwnQuestion, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(_("answer"))

    class Meta:
        verbose_name = _("answer to an own question")
        verbose_name_plural = _("answers to own questions")
        ordering = ["measurement", "question__position", "pk"]
        constraints = one_per("measurement", "question", name="impact_one_own_answer_per_question")

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"


class MeasurementLink(ProjectOwnedModel):
    """A personal, expiring link to one measurement's questionnaire. Only the SHA-256
    of the secret is kept; it opens that questionnaire and nothing else."""

    project = project_key(on_delete=models.CASCADE)
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("switched off"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    created_by = user_ref()

    class Meta:
        verbose_name = _("personal questionnaire link")
        verbose_name_plural = _("personal questionnaire links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.measurement} {self.expires_at:%Y-%m-%d}"


def report_upload_to(run: ReportRun, filename: str) -> str:
    """Where a prepared report is kept in the storage: per project, under the run's
    opaque code (never a person's name)."""
    return f"impact/reports/{run.project.code}/{run.code}/{filename}"


class ReportRun(FileRun):
    """A funder report prepared in the queue (``impact.reports``): the PDF and the XLSX
    of one project and period, kept in Django's storage until downloaded again."""

    project = project_key(related_name="impact_report_runs", on_delete=models.CASCADE)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True, max_length=200)
    xlsx = models.FileField(_("XLSX"), upload_to=report_upload_to, blank=True, max_length=200)

    class Meta(FileRun.Meta):
        verbose_name = _("funder report")
        verbose_name_plural = _("funder reports")

    def __str__(self) -> str:
        return f"{self.date_from:%Y-%m-%d} to {self.date_to:%Y-%m-%d} ({self.status})"
