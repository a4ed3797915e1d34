"""Messages inside buddynet and the notifications that point at them.

A ``Conversation`` is one of four kinds: buddy ↔ participant of a trajectory, a buddy
↔ their project's coordinators, the coordinators ↔ a participant, and the people of an
intervision (a network's, so its conversation has no project). Who may read one is
decided in ``selectors`` from the conversation's parties and the reader's roles, never
from a list a client sends. A ``Member`` row holds what one person read (read receipts)
and when the conversation last moved for them (their list's order): messages never
touch the project's rows, so a busy conversation does not move the project's cached
figures.

No phone number or e-mail address is stored here or shown: people are named by their
first name and their part.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import (
    BaseModel,
    ProjectOwnedModel,
    optional_key,
    project_key,
    user_ref,
)
from buddynet.core.validators import no_control_characters
from buddynet.core.versions import ProjectRecordManager

CLEAN = [no_control_characters]


class ContactSettings(ProjectOwnedModel):
    """A project's rules for messages (one row per project; defaults when absent)."""

    project = project_key(on_delete=models.CASCADE, one_to_one=True, related_name="contact")
    pair_messages = models.BooleanField(
        _("buddies and participants may write to each other in buddynet"),
        default=True,
        help_text=_("Only when the participant agrees (consent 'Messages with your buddy')."),
    )
    coordinators_read_pairs = models.BooleanField(
        _("coordinators may read the conversations between buddy and participant"),
        default=False,
        help_text=_("Both are told so at the top of their conversation."),
    )

    class Meta:
        verbose_name = _("message rules")
        verbose_name_plural = _("message rules")


class Conversation(BaseModel):
    class Kind(models.TextChoices):
        PAIR = "pair", _("buddy and participant")
        BUDDY_COORDINATOR = "buddy_coordinator", _("buddy and coordinator")
        PARTICIPANT_COORDINATOR = "participant_coordinator", _("participant and coordinator")
        INTERVISION = "intervision", _("intervision group")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # The project whose coordinators answer for it; empty for an intervision group.
    project = optional_key("tenancy.Project")
    trajectory = optional_key("trajectories.Trajectory", related_name="conversations")
    buddy = optional_key("volunteers.Buddy")
    participant = optional_key("participants.Participant")
    intervision = optional_key("network.Intervision", related_name="conversations")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(_("why it closed"), max_length=200, blank=True)

    # Not scoped (an intervision's conversation has no project; who may read one is the
    # selectors' rule), but its writes move the project's data version like any record.
    objects = ProjectRecordManager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory"],
                condition=models.Q(kind="pair"),
                name="conversation_one_per_trajectory",
            ),
            models.UniqueConstraint(
                fields=["buddy"],
                condition=models.Q(kind="buddy_coordinator"),
                name="conversation_one_per_buddy",
            ),
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(kind="participant_coordinator"),
                name="conversation_one_per_participant",
            ),
            models.UniqueConstraint(
                fields=["intervision"],
                condition=models.Q(kind="intervision"),
                name="conversation_one_per_intervision",
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Member(models.Model):
    """One person in a conversation: their part, what they read, when it last moved."""

    class Part(models.TextChoices):
        BUDDY = "buddy", _("buddy")
        PARTICIPANT = "participant", _("participant")
        COORDINATOR = "coordinator", _("coordinator")
        MEMBER = "member", _("member")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_seats"
    )
    part = models.CharField(max_length=20, choices=Part.choices)
    last_read_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member of a conversation")
        verbose_name_plural = _("members of a conversation")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="member_once")]
        indexes = [models.Index(fields=["user", "-last_message_at"], name="member_inbox")]

    def __str__(self) -> str:
        return f"{self.part} in {self.conversation}"


class Message(BaseModel):
    class Attachment(models.TextChoices):
        NONE = "", _("none")
        PHOTO = "photo", _("photo")
        DOCUMENT = "document", _("document")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = user_ref(_("written by"))
    part = models.CharField(max_length=20, choices=Member.Part.choices)
    body = models.TextField(_("message"), max_length=4000, blank=True, validators=CLEAN)
    attachment = models.FileField(upload_to="contact/%Y/%m/", blank=True, max_length=200)
    attachment_kind = models.CharField(
        max_length=10, choices=Attachment.choices, default="", blank=True
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    # The boundary signal someone raised about this message (followup's ``Signal``).
    signal = optional_key("followup.Signal", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "id"], name="message_in_conversation")]

    def audit_project(self):
        return self.conversation.project


class Channel(models.TextChoices):
    IN_APP = "app", _("only in buddynet")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message (SMS)")
    DIGEST = "digest", _("one e-mail a day (digest)")


class NotificationProfile(models.Model):
    """A person's quiet hours and the number text messages go to (theirs to give)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_profile"
    )
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    sms_number = models.CharField(_("mobile number for text messages"), max_length=20, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notification profile {self.user_id}"


class NotificationChoice(models.Model):
    """How one person wants to hear about one kind of event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_choice_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"


class Notification(BaseModel):
    """That something happened, for one person: never what a message said."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Who or what it is about, in a few words ("Bram, your buddy"), never the content.
    about = models.CharField(max_length=200, blank=True)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # E-mail or SMS: when it went, or when it may go (after the quiet hours).
    send_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["user", "-id"], name="notification_inbox"),
            models.Index(
                fields=["send_after"],
                name="notification_waiting",
                condition=models.Q(sent_at__isnull=True, send_after__isnull=False),
            ),
        ]
