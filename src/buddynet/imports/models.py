"""Imports from spreadsheets: the uploaded file with its column mapping and the run that
commits it in the queue (``ImportRun``), and the mapping a project used last
(``ImportMapping``, proposed again for the next file)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import ProjectOwnedModel, QueuedRun, project_key, user_ref


class Kind(models.TextChoices):
    PARTICIPANTS = "participants", _("participants (and the waiting list)")
    BUDDIES = "buddies", _("buddies")
    TRAJECTORIES = "trajectories", _("running trajectories (buddy and participant)")
    SERVICES = "services", _("services on the social map")


def import_upload_to(run: ImportRun, filename: str) -> str:
    """Per project, under the run's opaque code (never a person's name)."""
    suffix = filename.rsplit(".", 1)[-1].lower()
    return f"imports/{run.project.code}/{run.code}/source.{suffix}"


class ImportRun(QueuedRun):
    """One uploaded file: mapped, checked in a dry run, then committed in the queue
    all-or-nothing (``services.import_commit_start`` → ``import_run_execute``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("uploaded, not imported")
        QUEUED = "queued", _("waiting in the queue")
        RUNNING = "running", _("being imported")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    project = project_key(related_name="import_runs", on_delete=models.CASCADE)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    file_kind = models.CharField(max_length=4)
    sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    mapping = models.JSONField(_("columns"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    requested_by = user_ref(_("uploaded by"))

    class Meta(QueuedRun.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class ImportMapping(ProjectOwnedModel):
    """The columns a project mapped last for a kind of import: field → header name."""

    project = project_key(related_name="import_mappings", on_delete=models.CASCADE)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    columns = models.JSONField(default=dict)
    changed_by = user_ref()

    class Meta:
        verbose_name = _("import columns")
        verbose_name_plural = _("import columns")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="import_mapping_once")
        ]
