"""Network → Organisation → Project, and the memberships that give users a role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import BaseModel, bounded_number, optional_key


class Role(models.TextChoices):
    NETWORK_COORDINATOR = "network_coordinator", _("network coordinator")
    PROJECT_COORDINATOR = "project_coordinator", _("project coordinator")
    PROFESSIONAL = "professional", _("professional (referrer)")
    BUDDY = "buddy", _("buddy")
    PARTICIPANT = "participant", _("participant")
    # Oversees the processing of personal data (the register, who opened which file,
    # the retention terms) of one project, or of every project of one network; never
    # reads a file's content.
    PRIVACY_OFFICER = "privacy_officer", _("privacy officer")


class Network(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("learning network")
        verbose_name_plural = _("learning networks")

    def __str__(self) -> str:
        return self.name

    def audit_project(self):
        return None


class Organisation(BaseModel):
    class LegalStatus(models.TextChoices):
        VZW = "vzw", _("non-profit association (vzw)")
        PUBLIC = "public", _("public body")
        DE_FACTO = "de_facto", _("de-facto association")
        OTHER = "other", _("other")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.PROTECT, related_name="organisations"
    )
    name = models.CharField(_("name"), max_length=200)
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, default=LegalStatus.VZW
    )
    town = models.CharField(_("town"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def audit_project(self):
        return None


class Project(BaseModel):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    name = models.CharField(_("name"), max_length=200)
    target_group = models.CharField(_("target group"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    require_coordinator_2fa = models.BooleanField(
        _("coordinators must use two-factor authentication"), default=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    keep_warm_interval_days = bounded_number(
        _("contact people on the waiting list every (days)"),
        low=7,
        high=180,
        default=28,
        help_text=_("Good practice: every 4 weeks, so nobody loses heart while waiting."),
    )
    contact_alert_days = bounded_number(
        _("flag people without contact for (days)"), low=7, high=365, default=42
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("buddy project")
        verbose_name_plural = _("buddy projects")

    def __str__(self) -> str:
        return self.name

    def audit_project(self):
        return self

    @property
    def network_id(self) -> int:
        return self.organisation.network_id


class Membership(BaseModel):
    """A role for a user in one project, or (network coordinators, and privacy officers
    for every project of a network) in one network."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    project = optional_key(Project, related_name="memberships")
    network = optional_key(Network, related_name="memberships")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_network_or_project",
                condition=(
                    Q(
                        role__in=[Role.NETWORK_COORDINATOR, Role.PRIVACY_OFFICER],
                        network__isnull=False,
                        project__isnull=True,
                    )
                    | (
                        ~Q(role=Role.NETWORK_COORDINATOR)
                        & Q(network__isnull=True, project__isnull=False)
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "project"],
                condition=Q(project__isnull=False),
                name="membership_unique_project_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "network"],
                condition=Q(network__isnull=False),
                name="membership_unique_network_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.project or self.network}"

    def audit_project(self):
        return self.project
