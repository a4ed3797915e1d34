"""The learning network's own records: the knowledge library, playbooks and their
adoption, intervision, and questions to the network.

Everything here belongs to a network (``tenancy.Network``), not to one project, except
what a project adopted (``AdoptedPiece``: the project's own copy, credited to its
source). Nothing of a project's files (participants, buddies, trajectories) is stored
here: an intervision invitation names a user and the project they come from, no more.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import BaseModel, ProjectOwnedModel, bounded_number, project_key, user_ref
from buddynet.core.validators import no_control_characters
from buddynet.tenancy.models import Network, Project
from buddynet.volunteers.models import TrainingModule

CLEAN = [no_control_characters]


class Theme(models.TextChoices):
    """The themes of the seed's knowledge clips, and a few more the projects asked for."""

    RECRUITMENT = "recruitment", _("recruitment")
    BOUNDARIES = "boundaries", _("boundaries")
    DIVERSITY = "diversity", _("diversity")
    PROJECT_MANAGEMENT = "project_management", _("project management")
    IMPACT = "impact", _("impact")
    ANCHORING = "anchoring", _("lasting anchoring")
    MATCHING = "matching", _("matching")
    WAITING_LISTS = "waiting_lists", _("waiting lists")
    ROLE_DIVISION = "role_division", _("role division")
    PRIVACY = "privacy", _("privacy")


class Audience(models.TextChoices):
    COORDINATORS = "coordinators", _("coordinators")
    BUDDIES = "buddies", _("buddies")
    BOTH = "both", _("coordinators and buddies")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


def library_path(item: LibraryItem, filename: str) -> str:
    """Files are stored under the network's and the item's codes, never the given name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"network/{item.network.code}/{item.code}.{extension}"


def captions_path(item: LibraryItem, filename: str) -> str:
    return f"network/{item.network.code}/{item.code}.vtt"


class LibraryItem(BaseModel):
    """One piece of knowledge in a network's library: a clip, an article, a document or a
    template. A clip is an uploaded video (served with range requests) or a link."""

    class Kind(models.TextChoices):
        CLIP = "clip", _("knowledge clip")
        ARTICLE = "article", _("article")
        DOCUMENT = "document", _("document")
        TEMPLATE = "template", _("template")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="library_items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, validators=CLEAN)
    summary = models.TextField(_("summary"), blank=True, validators=CLEAN)
    body = models.TextField(_("text"), blank=True, validators=CLEAN)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    themes = models.JSONField(_("themes"), default=list)
    audience = models.CharField(
        _("for whom"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    link = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to=library_path, blank=True, max_length=300)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    captions = models.FileField(
        _("subtitles (WebVTT)"), upload_to=captions_path, blank=True, max_length=300
    )
    transcript = models.TextField(_("transcript"), blank=True, validators=CLEAN)
    added_by = user_ref(_("added by"), blank=True)
    # PostgreSQL: to_tsvector('dutch', ...) || to_tsvector('english', ...), kept by the
    # services (GIN index made by the migration on PostgreSQL only). SQLite: unused; the
    # FTS5 table ``network_search`` is kept instead (``search.py``).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        indexes = [models.Index(fields=["network", "audience", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def audit_project(self):
        return None

    @property
    def is_video(self) -> bool:
        return bool(self.file) and self.file_type.startswith("video/")

    def theme_labels(self) -> list[str]:
        names = dict(Theme.choices)
        return [str(names[t]) for t in self.themes if t in names]


class Playbook(BaseModel):
    """A project's working method, published to its network (draaiboek)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="playbooks")
    # A project that is deleted takes its playbook along; what others adopted stays
    # theirs (only the credit rows go).
    source_project = models.ForeignKey(
        Project, verbose_name=_("published by"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, validators=CLEAN)
    latest_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title"]
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        constraints = [
            models.UniqueConstraint(fields=["source_project"], name="playbook_one_per_project")
        ]

    def __str__(self) -> str:
        return self.title

    def audit_project(self):
        return self.source_project


class PlaybookVersion(BaseModel):
    """One published version: a frozen snapshot of the project's settings and its guide."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    guide = models.TextField(_("guide: how we work, step by step"), validators=CLEAN)
    note = models.CharField(_("what changed"), max_length=300, blank=True, validators=CLEAN)
    snapshot = models.JSONField(default=dict)
    published_by = user_ref(_("published by"), blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "number"], name="playbook_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.playbook} v{self.number}"

    def audit_project(self):
        return self.playbook.source_project


class AdoptedPiece(ProjectOwnedModel):
    """One piece of a playbook a project took over (its volunteer terms, a training
    module, ...): from which version, the hash of the source's values then, and the
    hash of the project's own copy right after adopting. A copy whose hash differs
    now was changed by the project: a later adoption asks before overwriting it."""

    project = project_key(on_delete=models.CASCADE, related_name="adopted_pieces")
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="+")
    piece = models.CharField(max_length=200)
    version_number = models.PositiveIntegerField()
    source_hash = models.CharField(max_length=64)
    copy_hash = models.CharField(max_length=64)
    adopted_by = user_ref(blank=True)

    class Meta:
        ordering = ["piece"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "playbook", "piece"], name="adopted_piece_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.piece} ← {self.playbook} v{self.version_number}"


class Intervision(BaseModel):
    """An intervision across the network's projects."""

    class Method(models.TextChoices):
        INCIDENT = "incident", _("incident method")
        BALINT = "balint", _("Balint method")
        FIVE_WHYS = "five_whys", _("five times why")
        OPEN = "open", _("open conversation")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="intervisions")
    title = models.CharField(_("title"), max_length=200, validators=CLEAN)
    starts_at = models.DateTimeField(_("starts"))
    minutes = bounded_number(_("duration (minutes)"), low=30, high=480, default=120)
    place = models.CharField(_("place"), max_length=200, blank=True, validators=CLEAN)
    video_link = models.URLField(_("video link"), blank=True)
    facilitator = user_ref(_("facilitator"), blank=True)
    max_size = bounded_number(_("maximum number of people"), low=2, high=40, default=10)
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.INCIDENT
    )
    case_text = models.TextField(_("the case"), blank=True, validators=CLEAN)
    case_shared_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=CLEAN)
    learnings = models.TextField(_("what we learnt"), blank=True, validators=CLEAN)
    themes = models.JSONField(_("themes"), default=list)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = user_ref(blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("intervision")
        verbose_name_plural = _("intervisions")

    def __str__(self) -> str:
        return self.title

    def audit_project(self):
        return None


class Invitation(BaseModel):
    """A person invited to an intervision, from one project of the network."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("no answer yet")
        ACCEPTED = "accepted", _("coming")
        DECLINED = "declined", _("not coming")

    intervision = models.ForeignKey(
        Intervision, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intervision_invitations"
    )
    # The project the person comes from (a network record, not the project's own data).
    from_project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    as_buddy = models.BooleanField(default=False)
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["intervision", "user"], name="invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.intervision}"

    def audit_project(self):
        return self.from_project


class NetworkSettings(ProjectOwnedModel):
    """What a project decides about its part in the network: whether a buddy's
    intervision counts as training (and as which of its training modules)."""

    project = project_key(on_delete=models.CASCADE, one_to_one=True, related_name="+")
    intervision_module = models.ForeignKey(
        TrainingModule,
        verbose_name=_("an intervision counts as this training"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "A buddy who attends an intervision of the network completes this module on that "
            "day. Leave empty if intervision does not count as training."
        ),
    )

    class Meta:
        verbose_name = _("network settings")
        verbose_name_plural = _("network settings")


class Event(BaseModel):
    """A date in the network's calendar (a training, an intervision day, a network meeting,
    a study morning) that people of its projects register for, up to its capacity; after
    that, they join the waiting list."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("training")
        INTERVISION_DAY = "intervision_day", _("intervision day")
        MEETING = "meeting", _("network meeting")
        STUDY_MORNING = "study_morning", _("study morning")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, validators=CLEAN)
    description = models.TextField(_("description"), blank=True, validators=CLEAN)
    starts_at = models.DateTimeField(_("starts"))
    minutes = bounded_number(_("duration (minutes)"), low=30, high=600, default=180)
    place = models.CharField(_("place"), max_length=200, blank=True, validators=CLEAN)
    video_link = models.URLField(_("video link"), blank=True)
    capacity = bounded_number(_("places"), low=1, high=500, default=30)
    audience = models.CharField(
        _("for whom"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    organiser = user_ref(_("organiser"), blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["network", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def audit_project(self):
        return None


class Registration(BaseModel):
    """One person's registration for an event, from one project of the network. The
    waiting list is in the order people asked (``asked_at``)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    from_project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    asked_at = models.DateTimeField()

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="registration_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.event}"

    def audit_project(self):
        return self.from_project


class NewsItem(BaseModel):
    """News a network coordinator posts to the network's projects."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("title"), max_length=200, validators=CLEAN)
    body = models.TextField(_("text"), validators=CLEAN)
    audience = models.CharField(
        _("for whom"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    posted_by = user_ref(_("posted by"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        indexes = [models.Index(fields=["network", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def audit_project(self):
        return None


class Question(BaseModel):
    """A coordinator's question to the other projects of the network."""

    class Notify(models.TextChoices):
        EACH = "each", _("an e-mail for each answer")
        DIGEST = "digest", _("one e-mail a day with the new answers")
        NONE = "none", _("no e-mail")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="questions")
    from_project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    asked_by = user_ref(_("asked by"), blank=True)
    title = models.CharField(_("question"), max_length=200, validators=CLEAN)
    body = models.TextField(_("explanation"), blank=True, validators=CLEAN)
    themes = models.JSONField(_("themes"), default=list)
    answer_count = models.PositiveIntegerField(default=0)
    notify = models.CharField(
        _("tell me about answers"), max_length=10, choices=Notify.choices, default=Notify.EACH
    )
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["network", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def audit_project(self):
        return self.from_project


class Answer(BaseModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    from_project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    by = user_ref(blank=True)
    body = models.TextField(_("answer"), validators=CLEAN)
    helped = models.BooleanField(_("this helped"), default=False)
    # When the answer went out in the asker's daily digest (null: not yet, or not asked).
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:50]

    def audit_project(self):
        return self.from_project
