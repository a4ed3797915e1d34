"""Base models shared by every app: timestamps, opaque codes, and the audit log."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, TypedDict, Unpack

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .versions import ProjectRecordManager

_PROJECT = _("project")


def project_key(
    *,
    related_name: str = "+",
    on_delete=models.PROTECT,
    one_to_one: bool = False,
    verbose_name=_PROJECT,
):
    """The key to the project a record belongs to. ``ProjectOwnedModel`` has the default
    (PROTECT, no reverse name); a model overrides ``project`` with this for a reverse
    name, for ``on_delete=CASCADE`` (the record goes with its project) or for one record
    per project (``one_to_one``)."""
    field = models.OneToOneField if one_to_one else models.ForeignKey
    return field(
        "tenancy.Project", verbose_name=verbose_name, on_delete=on_delete, related_name=related_name
    )


def user_ref(verbose_name=None, *, blank: bool = False, related_name: str = "+"):
    """A user a record points at (who did it, who is responsible, a person's own
    account): emptied when the account is deleted; no reverse name unless given."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


def optional_key(to, *, related_name: str = "+", on_delete=models.CASCADE, **options):
    """A key to a record this one may also be without (a conversation of a pair has a
    trajectory, one of an intervision group has none): empty allowed in forms and in the
    database; gone with that record unless ``on_delete`` says otherwise."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=on_delete, related_name=related_name, **options
    )


def bounded_number(label, *, low: int, high: int, **options):
    """A small whole number a coordinator sets, between ``low`` and ``high`` inclusive."""
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(low), MaxValueValidator(high)], **options
    )


class BaseModel(models.Model):
    """Every domain record: an opaque code for URLs, creation and change times."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        """A record with no name of its own (a proposal, an intake, a signed note) shows
        its kind and its opaque code, never a database id; a record that has a name
        (a person, a project, a goal) says so in its own ``__str__``."""
        return f"{self._meta.verbose_name} {self.code}"

    def audit_project(self):
        """The project an audit entry about this record belongs to (None if none)."""
        return getattr(self, "project", None)

    def log_action(
        self,
        action: str,
        *,
        user=None,
        data: dict[str, Any] | None = None,
        via: str = "web",
    ) -> AuditEntry:
        return AuditEntry.record(action, obj=self, user=user, data=data, via=via)


class ProjectRow(models.Model):
    """A project's row with no code or timestamps of its own (history steps, household
    members): the project key (PROTECT, no reverse name) and the scoped manager, as in
    ``ProjectOwnedModel``."""

    project = project_key(verbose_name=None)

    objects = ScopedManager(_manager_class=ProjectRecordManager, project="project")

    # The key to the record this row lives under when its project is always that
    # record's (``"participant"``, ``"trajectory"``): the row takes the project from it
    # when saved (also in ``bulk_create``), so callers do not pass it, and a different
    # project is refused.
    project_from: ClassVar[str] = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.take_project()
        super().save(*args, **kwargs)

    def take_project(self) -> None:
        """Set the project from ``project_from``'s record (see above)."""
        if not self.project_from:
            return
        project_id = getattr(self, self.project_from).project_id
        if self.project_id is None:
            self.project_id = project_id
        elif self.project_id != project_id:
            raise ValueError(f"{type(self).__name__}: its project is its {self.project_from}'s")


class ProjectOwnedModel(BaseModel, ProjectRow):
    """A record that belongs to one project: the project key and the scoped manager.

    ``objects`` refuses to query outside a django-scopes scope (``project=...``), so a
    forgotten filter fails loudly instead of leaking another project's rows. Override
    ``project`` in a subclass (``project_key(...)``) for another ``related_name`` or
    ``on_delete``.
    """

    project = project_key()

    class Meta:
        abstract = True


class QueuedRun(ProjectOwnedModel):
    """A slow job a person waits for, run in the queue (``tenancy.runs``): an import, a
    report, an export, a proposal run. Each model adds its ``status`` (its ``Status``
    has at least ``QUEUED``, ``RUNNING``, ``DONE`` and ``FAILED``) and who asked for it;
    the queue writes the ``phase`` and ``progress`` its page shows while it runs."""

    status: str  # each run's own field, with its own ``Status`` choices
    phase = models.CharField(max_length=20, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class FileRun(QueuedRun):
    """A run that makes files for the person who asked, in a language (a funder report,
    a person's export): its steps, its language and who asked for it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting in the queue")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    language = models.CharField(_("language"), max_length=10, default="nl")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = user_ref(_("asked for by"))

    class Meta(QueuedRun.Meta):
        abstract = True


class HistoryStep(ProjectRow):
    """One append-only step in a record's history: when, and by whom."""

    at = models.DateTimeField(auto_now_add=True)
    by = user_ref()

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class PersonRecord(ProjectOwnedModel):
    """A person's file in a project (a buddy, a participant): the fields both have (the
    name, where they live, how to reach them, the languages they speak, when they are
    free and what they like), listed by name, with the indexes of the lists (per status,
    by name). Each model adds its ``project`` (reverse name), ``user`` (the person's own
    account) and ``status`` (its steps)."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    # Set when the person was erased (``privacy.erasure``): what identified them is gone,
    # the record stays for the reports' figures; they are no longer matched or written to.
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True, editable=False)

    # The person's own fields above by name (a file's export lists them in this order), and
    # those that say how to reach them (matching never reads these).
    FIELDS = (
        "first_name",
        "last_name",
        "postcode",
        "town",
        "birth_year",
        "languages",
        "phone",
        "email",
        "availability",
        "interests",
    )
    CONTACT_FIELDS = ("phone", "email")

    class Meta:
        abstract = True
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["project", "last_name", "first_name", "id"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.erased_at:
            return str(_("erased person"))
        return f"{self.first_name} {self.last_name}"


class AuditAbout(TypedDict, total=False):
    """What an audit entry is about (``AuditEntry.build``'s keywords)."""

    obj: models.Model | None
    user: Any
    data: dict[str, Any] | None
    via: str
    project: Any


class AuditEntry(models.Model):
    """Who did what to which record, and when. Append-only."""

    VIA_CHOICES = [("web", _("web")), ("api", _("API")), ("system", _("system"))]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = user_ref(_("who"), blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=120, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, on_delete=models.SET_NULL)
    object_id = models.BigIntegerField(null=True)
    object_code = models.UUIDField(null=True, db_index=True)
    project = optional_key("tenancy.Project", on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)
    via = models.CharField(max_length=10, choices=VIA_CHOICES, default="web")

    objects = ScopedManager(project="project")
    unscoped = models.Manager()  # noqa: DJ012 — for the admin and system jobs

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action}"

    @classmethod
    def record(cls, action: str, **about: Unpack[AuditAbout]) -> AuditEntry:
        """Write one entry (the keywords of ``build``)."""
        entry = cls.build(action, **about)
        entry.save()
        return entry

    @classmethod
    def build(
        cls,
        action: str,
        *,
        obj: models.Model | None = None,
        user=None,
        data: dict[str, Any] | None = None,
        via: str = "web",
        project=None,
    ) -> AuditEntry:
        """The entry ``record`` saves, not saved yet: a bulk write (an import's batch)
        builds one per record and saves them with ``AuditEntry.unscoped.bulk_create``."""
        if "." not in action:
            raise ValueError("Audit actions are dotted names, e.g. 'participant.viewed'.")
        entry = cls(action=action, data=data or {}, via=via)
        if user is not None and getattr(user, "is_authenticated", False):
            entry.actor = user
            entry.actor_email = user.email
        if obj is not None:
            entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
            entry.object_id = obj.pk
            entry.object_code = getattr(obj, "code", None)
            if project is None and hasattr(obj, "audit_project"):
                project = obj.audit_project()
        entry.project = project
        return entry


class ProjectChange(models.Model):
    """One counted change to a project's records (``core.versions``): the project's
    version of a kind is the sum of its rows' weights. Rows are only appended, and now and
    then folded into one with the same sum; they say nothing about what changed."""

    # The composite index below serves the key too.
    project = models.ForeignKey(
        "tenancy.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=20)
    weight = models.PositiveIntegerField(default=1)

    class Meta:
        # The version is an index-only sum.
        indexes = [models.Index(fields=["project", "kind", "weight"], name="core_change_version")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} +{self.weight}"
