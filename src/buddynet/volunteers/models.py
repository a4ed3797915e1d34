"""Buddies: the volunteers of a project. Recruitment and screening build on this."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from buddynet.core.models import PersonRecord


class Gender(models.TextChoices):
    FEMALE = "f", _("woman")
    MALE = "m", _("man")
    X = "x", _("non-binary / other")
    UNSPECIFIED = "", _("not given")


class Buddy(PersonRecord):
    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        SCREENING = "screening", _("screening")
        TRAINING = "training", _("in training")
        READY = "ready", _("ready to match")
        ACTIVE = "active", _("accompanying someone")
        PAUSED = "paused", _("paused")
        STOPPED = "stopped", _("stopped")

    project = models.ForeignKey(
        "tenancy.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="buddies",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="buddy_profiles",
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, blank=True, default=""
    )
    interests = models.JSONField(_("interests"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(_("how many people at once"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.APPLIED,
        db_index=True,
    )
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)

    objects = ScopedManager(project="project")

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("buddy")
        verbose_name_plural = _("buddies")
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["project", "last_name", "first_name", "id"]),
        ]
