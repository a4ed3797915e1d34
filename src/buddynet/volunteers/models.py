"""Buddies: the volunteers of a project. Recruitment and screening build on this."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from buddynet.core.models import BaseModel


class Gender(models.TextChoices):
    FEMALE = "f", _("woman")
    MALE = "m", _("man")
    X = "x", _("non-binary / other")
    UNSPECIFIED = "", _("not given")


class Buddy(BaseModel):
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
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, blank=True, default=""
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
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

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
