"""Writes of the contact app: the project's message rules, opening a conversation,
sending a message (text, a photo or a document), reading, reporting a message as a
boundary signal, and a person's notification choices.

Every write is audited in plain words (``audit.py``) without what a message said.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from buddynet.core.errors import Conflict, NotAllowed, ServiceError
from buddynet.core.idempotency import save_unless_repeated
from buddynet.core.queries import project_record
from buddynet.followup import services as followup_services
from buddynet.followup.models import Signal
from buddynet.participants import consent
from buddynet.participants.selectors import consent_holds
from buddynet.tenancy import policy
from buddynet.tenancy.selectors import project_coordinators
from buddynet.trajectories.models import OPEN_STATUSES

from . import notify, sms
from .models import (
    Channel,
    ContactSettings,
    Conversation,
    Member,
    Message,
    NotificationChoice,
    NotificationProfile,
)


class ContactError(ServiceError):
    pass


class ContactConflict(ContactError, Conflict):
    pass


class ContactNotAllowed(ContactError, NotAllowed):
    pass


# --- The project's rules ---------------------------------------------------------------


def rules_for(project) -> ContactSettings:
    """The project's message rules (the defaults when it has not set them)."""
    return project_record(ContactSettings, project)


def rules_update(
    *, project, by, pair_messages: bool, coordinators_read_pairs: bool, via: str = "web"
) -> ContactSettings:
    with transaction.atomic(), scopes_disabled():
        rules, _created = ContactSettings.objects.select_for_update().get_or_create(project=project)
        changed = {
            name: value
            for name, value in (
                ("pair_messages", pair_messages),
                ("coordinators_read_pairs", coordinators_read_pairs),
            )
            if getattr(rules, name) != value
        }
        if not changed and not _created:
            return rules
        for name, value in changed.items():
            setattr(rules, name, value)
        rules.save()
        rules.log_action("contact.rules.changed", user=by, via=via, data=changed)
        if "pair_messages" in changed and not pair_messages:
            Conversation.objects.filter(
                kind=Conversation.Kind.PAIR, project=project, closed_at__isnull=True
            ).update(
                closed_at=timezone.now(),
                closed_reason="The project no longer allows these messages.",
            )
    return rules


# --- Who may talk to whom ----------------------------------------------------------------


def pair_refusal(trajectory) -> str | None:
    """Why the buddy and participant of ``trajectory`` may not write to each other
    (None: they may)."""
    if trajectory.status not in OPEN_STATUSES:
        return _("This trajectory has ended.")
    if not rules_for(trajectory.project).pair_messages:
        return _("This project does not use messages between buddy and participant.")
    if not trajectory.buddy.user_id or not trajectory.participant.user_id:
        return _("Both need a login to buddynet first.")
    with scopes_disabled():
        if not consent_holds(trajectory.participant, consent.MESSAGES):
            return _("The participant has not (yet) agreed to messages with their buddy.")
    return None


def _open(kind: str, seats: Sequence[tuple[Any, str]], **keys) -> Conversation:
    """The conversation of ``kind`` for ``keys``, made with its seats if it is new (two
    people opening it at once get the one conversation)."""
    lookup = {"kind": kind, **{k: v for k, v in keys.items() if k != "project"}}
    found = Conversation.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(kind=kind, **keys)
            Member.objects.bulk_create(
                [Member(conversation=conversation, user=user, part=part) for user, part in seats],
                ignore_conflicts=True,
            )
            conversation.log_action("conversation.opened", data={"kind": kind})
    except IntegrityError:
        return Conversation.objects.get(**lookup)
    return conversation


def conversation_open(*, access, user, kind: str, target) -> Conversation:
    """Open (or find) the conversation of ``kind`` about ``target`` for ``user``: a
    trajectory (pair), a buddy or a participant (with the coordinators), an intervision.
    Refused with the reason when ``user`` is not one of its people."""
    with scopes_disabled():
        if kind == Conversation.Kind.PAIR:
            trajectory = target
            if user.pk not in (trajectory.buddy.user_id, trajectory.participant.user_id):
                raise ContactNotAllowed(_("Only the buddy and the participant write here."))
            if not access.has(policy.CONTACT_USE, trajectory.project_id):
                raise ContactNotAllowed(_("You cannot write messages in this project."))
            reason = pair_refusal(trajectory)
            if reason:
                raise ContactError(reason, code="not_allowed_here")
            return _open(
                kind,
                [
                    (trajectory.buddy.user, Member.Part.BUDDY),
                    (trajectory.participant.user, Member.Part.PARTICIPANT),
                ],
                trajectory=trajectory,
                project_id=trajectory.project_id,
            )
        if kind in (Conversation.Kind.BUDDY_COORDINATOR, Conversation.Kind.PARTICIPANT_COORDINATOR):
            person = target
            part = (
                Member.Part.BUDDY
                if kind == Conversation.Kind.BUDDY_COORDINATOR
                else Member.Part.PARTICIPANT
            )
            coordinator = access.has(policy.CONTACT_COORDINATE, person.project_id)
            if not coordinator and (
                person.user_id != user.pk or not access.has(policy.CONTACT_USE, person.project_id)
            ):
                raise ContactNotAllowed(_("You cannot write in this conversation."))
            seats = [(person.user, part)] if person.user_id else []
            if coordinator:
                seats.append((user, Member.Part.COORDINATOR))
            key = "buddy" if part == Member.Part.BUDDY else "participant"
            conversation = _open(kind, seats, project_id=person.project_id, **{key: person})
            if coordinator:
                Member.objects.get_or_create(
                    conversation=conversation, user=user, defaults={"part": Member.Part.COORDINATOR}
                )
            return conversation
        if kind == Conversation.Kind.INTERVISION:
            from buddynet.network.models import Invitation

            intervision = target
            invited = list(
                Invitation.objects.filter(intervision=intervision).select_related("user")
            )
            people = {i.user_id: i.user for i in invited}
            for extra in (intervision.facilitator, intervision.created_by):
                if extra is not None:
                    people.setdefault(extra.pk, extra)
            if user.pk not in people:
                raise ContactNotAllowed(_("Only the people of this intervision write here."))
            conversation = _open(
                kind, [(p, Member.Part.MEMBER) for p in people.values()], intervision=intervision
            )
            # Someone invited later gets a seat when they open it.
            Member.objects.get_or_create(
                conversation=conversation, user=user, defaults={"part": Member.Part.MEMBER}
            )
            return conversation
    raise ContactError(_("Unknown kind of conversation."))


# --- Messages ---------------------------------------------------------------------------

PHOTO_MAX_BYTES = 8 * 1024 * 1024
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Extension → (kind, content type, the bytes the file must start with).
UPLOAD_TYPES: dict[str, tuple[str, str, tuple[bytes, ...]]] = {
    "jpg": (Message.Attachment.PHOTO, "image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": (Message.Attachment.PHOTO, "image/jpeg", (b"\xff\xd8\xff",)),
    "png": (Message.Attachment.PHOTO, "image/png", (b"\x89PNG\r\n\x1a\n",)),
    "pdf": (Message.Attachment.DOCUMENT, "application/pdf", (b"%PDF-",)),
}


def check_upload(upload) -> dict[str, Any]:
    """A photo (JPG, PNG) or a document (PDF): its extension, size and first bytes
    checked (the browser's word for its type is not trusted); what to store."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][-200:]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in UPLOAD_TYPES:
        raise ContactError(_("Send a photo (JPG or PNG) or a document (PDF)."), field="attachment")
    kind, content_type, magics = UPLOAD_TYPES[extension]
    limit = PHOTO_MAX_BYTES if kind == Message.Attachment.PHOTO else DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ContactError(
            _("This file is too large: at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            field="attachment",
        )
    data = upload.read()
    if not data.startswith(magics):
        raise ContactError(
            _("This file is not a real %(kind)s file.") % {"kind": extension.upper()},
            field="attachment",
        )
    return {
        "kind": kind,
        "type": content_type,
        "name": name,
        "data": data,
        "extension": "jpg" if extension == "jpeg" else extension,
    }


# A second identical message by the same person within this time is the same message
# (a double tap on a phone, a retried request).
REPEAT_WINDOW = timedelta(seconds=20)


def _link(conversation: Conversation) -> str:
    return reverse("contact_conversation", kwargs={"code": conversation.code})


def _recipients(conversation: Conversation, author) -> list:
    """Who hears about a new message: the other seats; on the coordinators' side of a
    conversation no coordinator sat in yet, every coordinator of the project."""
    seats = list(conversation.members.select_related("user").exclude(user=author))
    users = [seat.user for seat in seats]
    coordinator_side = conversation.kind in (
        Conversation.Kind.BUDDY_COORDINATOR,
        Conversation.Kind.PARTICIPANT_COORDINATOR,
    )
    no_coordinator_yet = not any(s.part == Member.Part.COORDINATOR for s in seats)
    if (
        coordinator_side
        and no_coordinator_yet
        and conversation.project_id is not None
        and not conversation.members.filter(user=author, part=Member.Part.COORDINATOR).exists()
    ):
        users += [u for u in project_coordinators(conversation.project_id) if u.pk != author.pk]
    return users


def message_send(
    *,
    conversation: Conversation,
    by,
    part: str,
    body: str = "",
    upload=None,
    via: str = "web",
) -> Message:
    """Send a message (a text, a photo or a document, or a text with one)."""
    body = (body or "").strip()
    if len(body) > 4000:
        raise ContactError(_("Keep it shorter: at most 4000 characters."), field="body")
    attachment = check_upload(upload) if upload is not None else None
    if not body and attachment is None:
        raise ContactError(_("Write a message or add a photo or document."), field="body")
    if part == "reader":
        raise ContactNotAllowed(_("You can read this conversation but not write in it."))
    now = timezone.now()
    with transaction.atomic(), scopes_disabled():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.closed_at is not None:
            raise ContactConflict(
                _("This conversation is closed: nobody can write in it any more."),
                code="closed",
            )
        message, new = save_unless_repeated(
            Message(
                conversation=locked,
                author=by,
                part=part,
                body=body,
                attachment_kind=attachment["kind"] if attachment else "",
                attachment_name=attachment["name"] if attachment else "",
                attachment_type=attachment["type"] if attachment else "",
                attachment_size=len(attachment["data"]) if attachment else 0,
            ),
            within=REPEAT_WINDOW,
            same=("conversation", "author", "body", "attachment_name", "attachment_size"),
        )
        if not new:
            return message
        if attachment is not None:
            message.attachment.save(
                f"{uuid.uuid4().hex}.{attachment['extension']}",
                ContentFile(attachment["data"]),
                save=True,
            )
        Member.objects.get_or_create(conversation=locked, user=by, defaults={"part": part})
        locked.members.update(last_message_at=now)
        locked.members.filter(user=by).update(last_read_at=now)
        message.log_action(
            "message.sent",
            user=by,
            via=via,
            data={"kind": locked.kind, "attachment": message.attachment_kind or None},
        )
        recipients = _recipients(locked, by)
        notify.deliver(notify.MESSAGE.key, users=recipients, about="", link=_link(locked))
    return message


def conversation_read(*, conversation: Conversation, user) -> None:
    """``user`` saw the conversation up to now (their read receipt)."""
    with scopes_disabled():
        Member.objects.filter(conversation=conversation, user=user).update(
            last_read_at=timezone.now()
        )


def coordinator_seat(*, conversation: Conversation, user) -> None:
    """A coordinator who opens a conversation on the coordinators' side gets a seat
    (their own read receipts and notifications from then on)."""
    with scopes_disabled():
        Member.objects.get_or_create(
            conversation=conversation, user=user, defaults={"part": Member.Part.COORDINATOR}
        )


REPORT_KINDS = (Signal.Kind.BOUNDARY, Signal.Kind.WORRY, Signal.Kind.TOO_MUCH)


def message_report(*, message: Message, by, access, kind: str, via: str = "web") -> Signal:
    """Report a message as a boundary signal (two taps: "report", then what it is).

    The signal quotes the message: the person who reports it shares it with the
    coordinators, who may not read the conversation otherwise."""
    conversation = message.conversation
    if conversation.trajectory_id is None:
        raise ContactError(_("Only messages between buddy and participant can be reported."))
    if message.author_id == by.pk:
        raise ContactError(_("You cannot report your own message."))
    if kind not in REPORT_KINDS:
        raise ContactError(_("Choose what happened."), field="kind")
    if message.signal_id is not None:
        assert message.signal is not None
        return message.signal
    moment = timezone.localtime(message.created_at).strftime("%d/%m/%Y %H:%M")
    quoted = message.body[:1500] or f"[{message.get_attachment_kind_display()}]"
    description = _("Reported a message in buddynet of %(moment)s:") % {"moment": moment}
    with transaction.atomic(), scopes_disabled():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.signal_id is not None:
            assert locked.signal is not None
            return locked.signal
        trajectory = conversation.trajectory
        assert trajectory is not None  # trajectory_id was checked above
        signal = followup_services.signal_raise(
            trajectory=trajectory,
            by=by,
            access=access,
            kind=kind,
            severity=Signal.Severity.MEDIUM,
            description=f"{description}\n\n“{quoted}”",
            via=via,
        )
        locked.signal = signal
        locked.save(update_fields=["signal", "updated_at"])
        locked.log_action("message.reported", user=by, via=via, data={"kind": kind})
    return signal


def conversations_close_for_participant(*, participant, by, via: str = "web") -> int:
    """The participant withdrew their consent: their conversations with a buddy close."""
    with scopes_disabled():
        closing = list(
            Conversation.objects.filter(
                kind=Conversation.Kind.PAIR,
                trajectory__participant=participant,
                closed_at__isnull=True,
            )
        )
        for conversation in closing:
            conversation.closed_at = timezone.now()
            conversation.closed_reason = "The participant withdrew their consent."
            conversation.save(update_fields=["closed_at", "closed_reason", "updated_at"])
            conversation.log_action("conversation.closed", user=by, via=via)
    return len(closing)


# --- Notification choices ---------------------------------------------------------------


def notification_choices_set(
    *,
    user,
    channels: dict[str, str],
    quiet_from: time | None = None,
    quiet_until: time | None = None,
    sms_number: str = "",
    via: str = "web",
) -> NotificationProfile:
    """Save how ``user`` hears about each kind of event, their quiet hours and number."""
    unknown = set(channels) - set(notify.KINDS)
    if unknown:
        raise ContactError(_("Unknown kind of event."), field=None)
    if any(value not in Channel.values for value in channels.values()):
        raise ContactError(_("Choose how you want to hear about it."))
    if (quiet_from is None) != (quiet_until is None):
        raise ContactError(
            _("Give both the start and the end of your quiet hours."), field="quiet_until"
        )
    number = sms.normalise_number(sms_number) if sms_number.strip() else ""
    if sms_number.strip() and not number:
        raise ContactError(_("This is not a mobile number."), field="sms_number")
    if Channel.SMS in channels.values() and not number:
        raise ContactError(_("Give your mobile number to get text messages."), field="sms_number")
    with transaction.atomic():
        profile, _created = NotificationProfile.objects.select_for_update().get_or_create(user=user)
        profile.quiet_from, profile.quiet_until, profile.sms_number = (
            quiet_from,
            quiet_until,
            number,
        )
        profile.save()
        for kind, channel in channels.items():
            NotificationChoice.objects.update_or_create(
                user=user, kind=kind, defaults={"channel": channel}
            )
        from buddynet.core.models import AuditEntry

        AuditEntry.record(
            "notifications.choices.changed",
            obj=user,
            user=user,
            via=via,
            data={"kinds": sorted(channels), "quiet": quiet_from is not None},
        )
    return profile


def notifications_mark_read(*, user) -> int:
    from .models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
