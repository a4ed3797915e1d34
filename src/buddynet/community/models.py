"""The community around a family: the network's social map, warm hand-overs to the
services on it, and transfers between the network's projects.

A ``Service`` belongs to a network (``tenancy.Network``), shared by its projects; its
needs, towns and languages are also kept as ``ServiceFacet`` rows (one index serves a
search on all three). A ``Handover`` and a ``Transfer`` belong to the project that
sends them; the service's contact answers a hand-over through a ``HandoverLink``
(only the SHA-256 of its secret is kept).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import (
    BaseModel,
    HistoryStep,
    ProjectOwnedModel,
    optional_key,
    project_key,
    user_ref,
)
from buddynet.core.validators import no_control_characters
from buddynet.tenancy.models import Network, Project

CLEAN = [no_control_characters]

# How long an entry may go unchecked before the map flags it for review.
REVIEW_AFTER_DAYS = 365


class Service(BaseModel):  # type: ignore[django-manager-missing]
    """One organisation's service on a network's social map: what it offers (help
    topics of ``matching.vocabulary``), for whom, in which languages and towns, and
    how to refer someone to it."""

    class Kind(models.TextChoices):
        FAMILY_COACH = "family_coach", _("family coach")
        CARING_NEIGHBOURHOOD = "caring_neighbourhood", _("caring neighbourhood")
        CAW = "caw", _("CAW (general welfare work)")
        OCMW = "ocmw", _("OCMW / social services")
        HUIS_VAN_HET_KIND = "huis_van_het_kind", _("Huis van het Kind")
        DEBT = "debt_counselling", _("debt counselling")
        LANGUAGE = "language_classes", _("language classes")
        LEISURE = "leisure", _("leisure")
        BUDDY_PROJECT = "buddy_project", _("other buddy project")
        MENTAL_HEALTH = "mental_health", _("mental health care")
        OTHER = "other", _("other")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("name of the service"), max_length=200, validators=CLEAN)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True, validators=CLEAN)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    offer = models.TextField(_("what they offer"), blank=True, validators=CLEAN)
    topics = models.JSONField(_("needs they help with"), default=list, blank=True)
    for_whom = models.CharField(_("for whom"), max_length=300, blank=True, validators=CLEAN)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    municipalities = models.JSONField(_("municipalities served"), default=list, blank=True)
    contact_name = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=CLEAN
    )
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    how_to_refer = models.TextField(_("how to refer"), blank=True, validators=CLEAN)
    website = models.URLField(_("website"), blank=True)
    checked_on = models.DateField(_("last checked on"))
    archived = models.BooleanField(_("no longer on the map"), default=False)
    created_by = user_ref()

    class Meta:
        verbose_name = _("service on the social map")
        verbose_name_plural = _("services on the social map")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["network", "archived", "name"]),
            models.Index(fields=["network", "checked_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "name", "organisation"], name="community_one_service_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceFacet(models.Model):
    """One thing a service can be found by: ``t:<topic>``, ``m:<NIS code>`` or
    ``l:<language>``. A search keeps the services that have a facet of each asked
    kind; the index (network, facet, service) answers each part without the rows."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "facet"], name="community_one_facet")
        ]
        indexes = [models.Index(fields=["network", "facet", "service"])]

    def __str__(self) -> str:
        return self.facet


class Handover(ProjectOwnedModel):  # type: ignore[django-manager-missing]
    """A warm hand-over of a participant to a service on the map, with their consent:
    sent → accepted → first contact → ongoing → ended (or declined by the service, or
    stopped when the consent is withdrawn), followed up on a date."""

    class Origin(models.TextChoices):
        WAITING_LIST = "waiting_list", _("from the waiting list")
        TRAJECTORY = "trajectory", _("during a trajectory")
        CLOSURE = "closure", _("at the closure")

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        FIRST_CONTACT = "first_contact", _("first contact")
        ONGOING = "ongoing", _("ongoing")
        ENDED = "ended", _("ended")
        DECLINED = "declined", _("declined")
        STOPPED = "stopped", _("stopped (consent withdrawn)")

    project = project_key(related_name="handovers", on_delete=models.CASCADE)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="handovers"
    )
    trajectory = optional_key(
        "trajectories.Trajectory", on_delete=models.SET_NULL, related_name="handovers"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="handovers")
    origin = models.CharField(_("from"), max_length=20, choices=Origin.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    shared_fields = models.JSONField(_("what is shared"), default=list)
    message = models.TextField(_("what the family asks"), blank=True, validators=CLEAN)
    joint_introduction = models.BooleanField(_("a joint introduction"), default=True)
    introduction_at = models.DateTimeField(_("first meeting"), null=True, blank=True)
    service_note = models.TextField(_("note from the service"), blank=True, validators=CLEAN)
    decline_reason = models.TextField(_("why the service declined"), blank=True)
    outcome = models.TextField(_("what became of it"), blank=True, validators=CLEAN)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_by = user_ref(_("sent by"))

    OPEN = (Status.SENT, Status.ACCEPTED, Status.FIRST_CONTACT, Status.ONGOING)

    class Meta:
        verbose_name = _("warm hand-over")
        verbose_name_plural = _("warm hand-overs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "status", "follow_up_on"]),
            models.Index(fields=["participant", "-created_at"]),
        ]
        constraints = [
            # One open hand-over of a person to one service at a time.
            models.UniqueConstraint(
                fields=["participant", "service"],
                condition=models.Q(status__in=["sent", "accepted", "first_contact", "ongoing"]),
                name="community_one_open_handover",
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class HandoverStep(HistoryStep):
    """One step in a hand-over's history (its status, and who moved it: a coordinator,
    or the service through its link, ``by`` empty)."""

    project_from = "handover"
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("status"), max_length=20, choices=Handover.Status.choices)
    note = models.TextField(_("note"), blank=True)
    by_service = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("step of a hand-over")
        verbose_name_plural = _("steps of a hand-over")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.status} {self.at:%Y-%m-%d}"


class HandoverLink(ProjectOwnedModel):
    """The service contact's personal, expiring link to one hand-over (no account).
    Only the SHA-256 of the secret is kept; it opens that hand-over and nothing else."""

    project_from = "handover"
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("switched off"), null=True, blank=True)
    created_by = user_ref()

    class Meta:
        verbose_name = _("service's hand-over link")
        verbose_name_plural = _("service's hand-over links")
        ordering = ["-created_at"]


class Transfer(ProjectOwnedModel):
    """A person on this project's waiting list offered to another project of the same
    network, with their consent; that project's coordinator accepts (a file there,
    waiting since the original date, with the history) or declines."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("offered")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("taken back")

    project_from = "participant"
    project = project_key(related_name="transfers_out", on_delete=models.CASCADE)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="transfers_out"
    )
    to_project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="transfers_in", verbose_name=_("to")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OFFERED
    )
    note = models.TextField(_("why this project"), blank=True, validators=CLEAN)
    decline_reason = models.TextField(_("why declined"), blank=True, validators=CLEAN)
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)
    new_participant = optional_key(
        "participants.Participant", on_delete=models.SET_NULL, related_name="transfers_in"
    )
    created_by = user_ref(_("offered by"))
    decided_by = user_ref(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer to another project")
        verbose_name_plural = _("transfers to another project")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["to_project", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "to_project"],
                condition=models.Q(status="offered"),
                name="community_one_open_transfer",
            )
        ]
