"""A trajectory: one buddy walking alongside one participant (or a family) in a project."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from buddynet.core.models import BaseModel


class Trajectory(BaseModel):
    class Status(models.TextChoices):
        STARTING = "starting", _("starting")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        CLOSING = "closing", _("closing")
        CLOSED = "closed", _("closed")

    project = models.ForeignKey(
        "tenancy.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    buddy = models.ForeignKey(
        "volunteers.Buddy",
        verbose_name=_("buddy"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    # The referring professional, when there is one (the participant's referrer).
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("professional"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.STARTING
    )
    started_on = models.DateField(_("started on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Kept up to date by the journal: the follow-up's inactivity alert reads it.
    last_contact_on = models.DateField(_("last contact logged on"), null=True, blank=True)

    objects = ScopedManager(project="project")

    class Meta:
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        ordering = ["-started_on", "-pk"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["buddy", "status"]),
            models.Index(fields=["participant", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.buddy} & {self.participant}"


class StatusChange(models.Model):
    """Append-only history of a trajectory's status, with who and why."""

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="status_changes"
    )
    project = models.ForeignKey("tenancy.Project", on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Trajectory.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects = ScopedManager(project="project")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
