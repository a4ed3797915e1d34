"""A person's complete export (GDPR art. 15 and 20), made in the queue
(``services.export_build``) and downloaded once by a coordinator."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import FileRun, ProjectOwnedModel, bounded_number, project_key, user_ref


def export_upload_to(run: Export, filename: str) -> str:
    """Where the ZIP waits in the storage: per project, under the run's opaque code
    (never a person's name)."""
    return f"privacy/exports/{run.project.code}/{run.code}/{filename}"


class Export(FileRun):
    """The export of one participant or one buddy: a ZIP with ``data.json`` and a
    readable summary PDF. The file is deleted once downloaded or expired."""

    project = project_key(related_name="privacy_exports", on_delete=models.CASCADE)
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("participant"),
    )
    buddy = models.ForeignKey(
        "volunteers.Buddy",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buddy"),
    )
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True, max_length=200)
    expires_at = models.DateTimeField(_("can be downloaded until"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    downloaded_by = user_ref(_("downloaded by"), blank=True)
    removed_at = models.DateTimeField(_("file removed at"), null=True, blank=True)

    class Meta(FileRun.Meta):
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant__isnull=True) ^ models.Q(buddy__isnull=True),
                name="privacy_export_one_person",
            )
        ]

    @property
    def person(self):
        return self.participant or self.buddy

    @property
    def available(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file) and self.removed_at is None


# --- Retention and the read audit's alert (``retention.py``, ``lookups.py``) --------------


# A buddy's file is not under a participant's consent purpose: the volunteer agreement
# and the project's legitimate interest (references, insurance questions) keep it two
# years after the buddy stopped; the yearly named list of expenses is kept 7 years by
# law whatever this says (the erasure leaves it).
BUDDY_MONTHS = 24
# Proof (signed agreements, volunteers' signed information notes) is kept five years
# after the trajectory closed or the buddy stopped: the Belgian Civil Code's term for a
# claim for damage (art. 2262bis §1: five years after the damage became known), the
# claim that proof answers (who agreed to what, that the volunteer was informed). A
# project may keep it up to twenty years (the same article's outer limit).
PROOF_YEARS = 5
# The expenses' yearly named list: seven years after the end of the year it concerns
# (the law on volunteers' allowances and tax law); a project cannot keep it shorter.
NAMED_LIST_YEARS = 7
ALERT_FILES = 30
ALERT_MINUTES = 10


def default_participant_months() -> int:
    """The term the consent registry promises for the participant's file: that of the
    purpose the file rests on (the one the waiting list requires)."""
    from buddynet.participants import consent

    purpose = next(p for p in consent.PURPOSES if p.required_for_waiting_list)
    return purpose.kept_months_after_close or BUDDY_MONTHS


def default_message_months() -> int:
    """The term the consent registry promises for messages (purpose "Messages with
    your buddy": "while your time with the buddy lasts and one year after")."""
    from buddynet.participants import consent

    purpose = consent.BY_KEY[consent.MESSAGES]
    return purpose.kept_months_after_close or BUDDY_MONTHS


class PrivacySettings(ProjectOwnedModel):
    """A project's retention terms and its alert on many files opened (one row per
    project; the defaults of ``retention.defaults()`` when absent)."""

    FIELDS = (
        "participant_months",
        "buddy_months",
        "message_months",
        "proof_years",
        "named_list_years",
        "alert_files",
        "alert_minutes",
    )
    # Set by law, shown but not changed through the form.
    FIXED = ("named_list_years",)

    project = project_key(on_delete=models.CASCADE, one_to_one=True, related_name="+")
    participant_months = bounded_number(
        _("a participant's file: months kept after it closes"),
        low=1,
        high=120,
        default=default_participant_months,
    )
    buddy_months = bounded_number(
        _("a buddy's file: months kept after the buddy stopped"),
        low=1,
        high=120,
        default=BUDDY_MONTHS,
    )
    message_months = bounded_number(
        _("messages: months kept after the file or the trajectory closes"),
        low=1,
        high=120,
        default=default_message_months,
    )
    proof_years = bounded_number(
        _("signed agreements and information notes: years kept after it closes"),
        low=1,
        high=20,
        default=PROOF_YEARS,
    )
    named_list_years = bounded_number(
        _("named list of expense allowances: years kept after the year it concerns"),
        low=NAMED_LIST_YEARS,
        high=10,
        default=NAMED_LIST_YEARS,
    )
    alert_files = bounded_number(
        _("alert when someone opens more than this many files"),
        low=5,
        high=1000,
        default=ALERT_FILES,
    )
    alert_minutes = bounded_number(
        _("within this many minutes"), low=1, high=1440, default=ALERT_MINUTES
    )

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")

    def clean(self) -> None:
        """Proof outlives the files it is about: the retention removes it after the
        person's file is erased, or together with it, never before."""
        super().clean()
        files = max(self.participant_months or 0, self.buddy_months or 0)
        if self.proof_years and self.proof_years * 12 < files:
            raise ValidationError(
                {
                    "proof_years": _(
                        "Proof is kept at least as long as the files: at least "
                        "%(years)s years with these terms."
                    )
                    % {"years": -(-files // 12)}
                }
            )


class LookupAlert(ProjectOwnedModel):
    """Someone opened more distinct files than the project's alert allows within its
    window (``lookups.lookups_watch``). One alert per burst: a burst that goes on
    updates it (and mails nobody again)."""

    project = project_key(on_delete=models.CASCADE, related_name="+")
    user = user_ref(_("who"))
    files = models.PositiveIntegerField(_("files opened"))
    first_at = models.DateTimeField(_("from"))
    last_at = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("alert: many files opened")
        verbose_name_plural = _("alerts: many files opened")
        ordering = ["-last_at", "-pk"]
        indexes = [models.Index(fields=["project", "user", "last_at"])]
