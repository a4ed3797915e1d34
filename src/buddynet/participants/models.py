"""Participants: the people and families a project supports. Intake builds on this."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from buddynet.core.models import PersonRecord


class Participant(PersonRecord):
    class Status(models.TextChoices):
        REFERRED = "referred", _("referred")
        INTAKE = "intake", _("intake")
        WAITING = "waiting", _("on the waiting list")
        MATCHED = "matched", _("matched with a buddy")
        CLOSED = "closed", _("closed")

    class Phase(models.TextChoices):
        START = "start", _("at the start of the help")
        DURING = "during", _("during the help")
        AFTERCARE = "aftercare", _("in aftercare")

    class Urgency(models.TextChoices):
        LOW = "low", _("can wait")
        NORMAL = "normal", _("normal")
        HIGH = "high", _("urgent")

    project = models.ForeignKey(
        "tenancy.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant_profiles",
    )
    household_size = models.PositiveSmallIntegerField(_("household size"), default=1)
    help_request = models.TextField(_("help request"), blank=True)
    phase = models.CharField(
        _("phase of help"), max_length=20, choices=Phase.choices, default=Phase.START
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REFERRED,
        db_index=True,
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    # Special-category data (GDPR art. 9): optional, visible to coordinators only.
    health_notes = models.TextField(_("health (special category)"), blank=True)

    objects = ScopedManager(project="project")

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["referred_by", "project"]),
            models.Index(fields=["project", "last_name", "first_name", "id"]),
            models.Index(fields=["project", "status", "waiting_since"]),
            models.Index(fields=["project", "referred_on"]),
        ]

    @property
    def household_label(self) -> str:
        return self.last_name if self.household_size > 1 else self.full_name
