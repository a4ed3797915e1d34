"""Reads of the contact app. Who may read a conversation is decided here, from its
people and the reader's roles:

- a person with a seat (the buddy, the participant, an intervision's people) reads and
  writes in it while they keep their role in its project;
- on the coordinators' side of a buddy's or participant's conversation, any coordinator
  of *its* project (``contact.coordinate`` there) reads and writes;
- a buddy-participant conversation is read by the project's coordinators only when the
  project's rules say so (``ContactSettings.coordinators_read_pairs``); the conversation
  says so to both, and every such reading is audited.

Anyone else (a coordinator of another project included) gets the same 404 as for a
conversation that does not exist. People are named by first name and part: a phone
number or an e-mail address is never handed out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from buddynet.tenancy import policy

from .models import Conversation, Member, Message, Notification
from .services import pair_refusal, rules_for

READER = "reader"  # a coordinator who may read a pair's conversation, not write in it
PAGE = 60
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class Seat:
    conversation: Conversation
    part: str  # the reader's part: buddy, participant, coordinator, member or "reader"
    coordinators_read: bool  # a pair's conversation the coordinators may read

    @property
    def can_write(self) -> bool:
        return self.part != READER and self.conversation.is_open


def _related(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "project",
        "buddy",
        "participant",
        "intervision",
        "trajectory__buddy",
        "trajectory__participant",
        "trajectory__project",
    )


def seat_for(*, access, user, code) -> Seat:
    """The conversation ``code`` names and how ``user`` sits in it (404 otherwise)."""
    with scopes_disabled():
        conversation = _related(Conversation.objects.filter(code=code)).first()
        if conversation is None:
            raise Http404
        seat = Member.objects.filter(conversation=conversation, user=user).first()
        project_id = conversation.project_id
        reads_pairs = (
            conversation.kind == Conversation.Kind.PAIR
            and rules_for(conversation.project).coordinators_read_pairs
        )
        coordinates = project_id is not None and access.has(policy.CONTACT_COORDINATE, project_id)
    party = seat is not None and seat.part != Member.Part.COORDINATOR
    if party and (project_id is None or access.has(policy.CONTACT_USE, project_id)):
        assert seat is not None  # party implies a seat
        return Seat(conversation, seat.part, reads_pairs)
    if coordinates and conversation.kind in (
        Conversation.Kind.BUDDY_COORDINATOR,
        Conversation.Kind.PARTICIPANT_COORDINATOR,
    ):
        return Seat(conversation, Member.Part.COORDINATOR, False)
    if coordinates and reads_pairs:
        conversation.log_action("conversation.read_by_coordinator", user=user)
        return Seat(conversation, READER, True)
    raise Http404


@dataclass
class Line:
    """One message as the reader sees it."""

    message: Message
    mine: bool
    author_name: str
    read: bool  # someone else saw it (for the reader's own messages)


def _first_name(person) -> str:
    return person.first_name if person is not None else ""


def author_names(conversation: Conversation, members: list[Member]) -> dict[int, str]:
    """How each person is named in this conversation: a first name and a part, never
    an address or a number."""
    names: dict[int, str] = {}
    trajectory = conversation.trajectory
    buddy = conversation.buddy or (trajectory.buddy if trajectory else None)
    participant = conversation.participant or (trajectory.participant if trajectory else None)
    for member in members:
        if member.part == Member.Part.BUDDY and buddy is not None:
            names[member.user_id] = _("%(name)s (buddy)") % {"name": _first_name(buddy)}
        elif member.part == Member.Part.PARTICIPANT and participant is not None:
            names[member.user_id] = _("%(name)s (participant)") % {"name": _first_name(participant)}
        elif member.part == Member.Part.COORDINATOR:
            names[member.user_id] = _("%(name)s (coordinator)") % {
                "name": member.user.first_name or _("a coordinator")
            }
        else:
            names[member.user_id] = member.user.first_name or _("someone")
    return names


def lines(
    *,
    seat: Seat,
    user,
    before: str | uuid.UUID | None = None,
    after: str | uuid.UUID | None = None,
) -> tuple[list[Line], bool, list[Member]]:
    """The conversation's messages for the reader: the latest page (or the page before
    the message ``before``, or the ones after ``after``), whether there are earlier
    ones, and its seats. A constant number of queries, however long it is."""
    conversation = seat.conversation
    with scopes_disabled():
        members = list(conversation.members.select_related("user"))
        messages = Message.objects.filter(conversation=conversation)
        if after:
            anchor = messages.filter(code=after).values_list("pk", flat=True).first()
            page = list(messages.filter(pk__gt=anchor or 0).order_by("pk")[:PAGE]) if anchor else []
            more = False
        else:
            if before:
                anchor = messages.filter(code=before).values_list("pk", flat=True).first()
                if anchor:
                    messages = messages.filter(pk__lt=anchor)
            page = list(messages.order_by("-pk")[: PAGE + 1])
            more = len(page) > PAGE
            page = list(reversed(page[:PAGE]))
    names = author_names(conversation, members)
    seen = read_until(members, user)
    result = [
        Line(
            message=m,
            mine=m.author_id == user.pk,
            author_name=(
                names.get(m.author_id, _("someone who left"))
                if m.author_id is not None
                else _("someone who left")
            ),
            read=seen is not None and m.created_at <= seen,
        )
        for m in page
    ]
    return result, more, members


def read_until(members: list[Member], user) -> datetime | None:
    """Until when the others read the conversation (the latest of them)."""
    times = [m.last_read_at for m in members if m.user_id != user.pk and m.last_read_at]
    return max(times) if times else None


@dataclass
class Row:
    """One conversation in a person's list."""

    conversation: Conversation
    title: str
    subtitle: str
    unread: int
    last_message_at: datetime | None


def title_for(conversation: Conversation, part: str) -> tuple[str, str]:
    """What the list calls a conversation, for the reader's part."""
    kind = conversation.kind
    project = conversation.project.name if conversation.project else ""
    if kind == Conversation.Kind.PAIR:
        trajectory = conversation.trajectory
        assert trajectory is not None  # a pair's conversation always has its trajectory
        if part == Member.Part.BUDDY:
            return _("%(name)s, your participant") % {
                "name": trajectory.participant.first_name
            }, project
        if part == Member.Part.PARTICIPANT:
            return _("%(name)s, your buddy") % {"name": trajectory.buddy.first_name}, project
        return _("%(buddy)s (buddy) and %(participant)s (participant)") % {
            "buddy": trajectory.buddy.full_name,
            "participant": trajectory.participant.full_name,
        }, project
    if kind == Conversation.Kind.INTERVISION:
        intervision = conversation.intervision
        assert intervision is not None  # an intervision's conversation always has its group
        return intervision.title, _("intervision group")
    person = conversation.buddy or conversation.participant
    if part in (Member.Part.BUDDY, Member.Part.PARTICIPANT):
        return _("Your coordinators"), project
    assert person is not None  # a coordinators' conversation is about a buddy or participant
    what = _("buddy") if conversation.buddy_id else _("participant")
    return f"{person.full_name} ({what})", project


def inbox(*, user, access) -> list[Row]:
    """The person's own conversations, the latest first, with their unread count: one
    query, whatever the number of messages."""
    unread = (
        Message.objects.filter(
            conversation=OuterRef("conversation"), created_at__gt=OuterRef("read_mark")
        )
        .exclude(author=user)
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    with scopes_disabled():
        seats = list(
            Member.objects.filter(user=user)
            .select_related(
                "conversation__project",
                "conversation__buddy",
                "conversation__participant",
                "conversation__intervision",
                "conversation__trajectory__buddy",
                "conversation__trajectory__participant",
            )
            .annotate(read_mark=Coalesce("last_read_at", Value(NEVER)))
            .annotate(unread=Coalesce(Subquery(unread), 0))
            .order_by("-last_message_at", "-pk")[:200]
        )
    rows = []
    for seat in seats:
        conversation = seat.conversation
        pid = conversation.project_id
        if pid is not None and not (
            access.has(policy.CONTACT_USE, pid) or access.has(policy.CONTACT_COORDINATE, pid)
        ):
            continue
        title, subtitle = title_for(conversation, seat.part)
        rows.append(Row(conversation, title, subtitle, seat.unread, seat.last_message_at))
    return rows


@dataclass
class Startable:
    """Someone the person may write to (a conversation to open)."""

    kind: str
    target: str  # the opaque code of the trajectory, buddy, participant or intervision
    title: str
    subtitle: str
    refusal: str | None = None
    coordinators_read: bool = False


def startable(*, user, access) -> list[Startable]:
    """Whom the person may write to: their buddy or participant (when allowed), their
    project's coordinators, their intervision groups. Bounded lists."""
    from buddynet.network.models import Invitation
    from buddynet.participants.models import Participant
    from buddynet.trajectories.models import OPEN_STATUSES, Trajectory
    from buddynet.volunteers.models import Buddy

    projects = access.projects_with(policy.CONTACT_USE)
    found: list[Startable] = []
    with scopes_disabled():
        trajectories = list(
            Trajectory.objects.filter(
                Q(buddy__user=user) | Q(participant__user=user),
                project_id__in=projects,
                status__in=OPEN_STATUSES,
            ).select_related("buddy", "participant", "project")[:20]
        )
        for t in trajectories:
            as_buddy = t.buddy.user_id == user.pk
            other = t.participant if as_buddy else t.buddy
            title = (_("%(name)s, your participant") if as_buddy else _("%(name)s, your buddy")) % {
                "name": other.first_name
            }
            found.append(
                Startable(
                    Conversation.Kind.PAIR,
                    str(t.code),
                    title,
                    t.project.name,
                    pair_refusal(t),
                    rules_for(t.project).coordinators_read_pairs,
                )
            )
        for buddy in Buddy.objects.filter(user=user, project_id__in=projects).select_related(
            "project"
        )[:10]:
            found.append(
                Startable(
                    Conversation.Kind.BUDDY_COORDINATOR,
                    str(buddy.code),
                    _("Your coordinators"),
                    buddy.project.name,
                )
            )
        for participant in Participant.objects.filter(
            user=user, project_id__in=projects
        ).select_related("project")[:10]:
            found.append(
                Startable(
                    Conversation.Kind.PARTICIPANT_COORDINATOR,
                    str(participant.code),
                    _("Your coordinators"),
                    participant.project.name,
                )
            )
        for invitation in Invitation.objects.filter(user=user).select_related("intervision")[:10]:
            found.append(
                Startable(
                    Conversation.Kind.INTERVISION,
                    str(invitation.intervision.code),
                    invitation.intervision.title,
                    _("intervision group"),
                )
            )
    return found


def open_target(*, kind: str, code):
    """The record a conversation of ``kind`` is about, by its code (404)."""
    from buddynet.network.models import Intervision
    from buddynet.participants.models import Participant
    from buddynet.trajectories.models import Trajectory
    from buddynet.volunteers.models import Buddy

    targets: dict[str, type[Trajectory | Buddy | Participant | Intervision]] = {
        Conversation.Kind.PAIR: Trajectory,
        Conversation.Kind.BUDDY_COORDINATOR: Buddy,
        Conversation.Kind.PARTICIPANT_COORDINATOR: Participant,
        Conversation.Kind.INTERVISION: Intervision,
    }
    model = targets.get(kind)
    if model is None:
        raise Http404
    with scopes_disabled():
        qs = (
            Trajectory.objects.all().select_related("buddy", "participant", "project")
            if model is Trajectory
            else model.objects.all()
        )
        found = qs.filter(code=code).first()
    if found is None:
        raise Http404
    return found


def project_conversations(*, access, project) -> list[Row]:
    """A project's conversations the coordinators keep (with buddies and participants),
    and its pairs' conversations when the project's rules let coordinators read them."""
    if not access.has(policy.CONTACT_COORDINATE, project):
        raise Http404
    kinds = [Conversation.Kind.BUDDY_COORDINATOR, Conversation.Kind.PARTICIPANT_COORDINATOR]
    if rules_for(project).coordinators_read_pairs:
        kinds.append(Conversation.Kind.PAIR)
    latest = (
        Message.objects.filter(conversation=OuterRef("pk")).order_by("-pk").values("created_at")[:1]
    )
    with scopes_disabled():
        conversations = list(
            _related(Conversation.objects.filter(project=project, kind__in=kinds))
            .annotate(last=Subquery(latest))
            .order_by(Coalesce("last", "created_at").desc(), "-pk")[:200]
        )
    return [Row(c, *title_for(c, Member.Part.COORDINATOR), 0, c.last) for c in conversations]


def message_for_user(*, access, user, code) -> tuple[Message, Seat]:
    """A message by code, for someone who may read its conversation (404)."""
    with scopes_disabled():
        message = Message.objects.filter(code=code).select_related("conversation").first()
    if message is None:
        raise Http404
    seat = seat_for(access=access, user=user, code=message.conversation.code)
    message.conversation = seat.conversation
    return message, seat


def notifications_of(*, user, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("-pk")[:limit])


def unread_notifications(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
